#[derive(ice_macros::EncodeWire)]
struct Request;

fn main() {}
