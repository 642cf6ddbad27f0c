#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(name = "", query)]
    job_type: String,
}

fn main() {}
