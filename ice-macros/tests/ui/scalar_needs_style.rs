#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(name = "JobIds", query)]
    job_ids: Option<Vec<String>>,
}

fn main() {}
