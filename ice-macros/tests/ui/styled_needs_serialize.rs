struct NotSerialize;

#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(name = "Config", form, style = "json")]
    config: NotSerialize,
}

fn main() {}
