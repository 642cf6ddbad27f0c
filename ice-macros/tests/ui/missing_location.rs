#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(name = "JobType")]
    job_type: String,
}

fn main() {}
