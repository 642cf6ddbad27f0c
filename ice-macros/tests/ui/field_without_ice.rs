#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(name = "JobType", query)]
    job_type: String,
    /// Docs and other attributes do not count.
    #[allow(dead_code)]
    user_data: String,
}

fn main() {}
