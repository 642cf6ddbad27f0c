#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(skip, name = "Local")]
    local: String,
}

fn main() {}
