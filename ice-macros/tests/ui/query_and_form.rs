#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(name = "JobType", query, form)]
    job_type: String,
}

fn main() {}
