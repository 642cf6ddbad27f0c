#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(name = "InputConfig", form, direct)]
    input_config: String,
    #[ice(name = "OutputConfig", query, style = "flat", direct)]
    output_config: Vec<String>,
}

fn main() {}
