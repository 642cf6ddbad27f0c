#[derive(ice_macros::EncodeWire)]
struct Request(#[ice(name = "JobType", query)] String);

fn main() {}
