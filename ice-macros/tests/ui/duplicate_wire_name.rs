#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(name = "JobType", query)]
    job_type: String,
    #[ice(name = "JobType", form)]
    kind: String,
}

fn main() {}
