#[derive(ice_macros::EncodeWire)]
#[ice(tag(name = "JobType", query))]
enum Job {}

fn main() {}
