#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(query)]
    job_type: String,
}

fn main() {}
