#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(name = JobType, query)]
    job_type: String,
    #[ice(name = 5, query)]
    count: u32,
}

fn main() {}
