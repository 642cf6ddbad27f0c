#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(name = "JobIds", query, style = "repeat_list")]
    job_ids: Vec<String>,
    #[ice(name = "Tags", query, style = "yaml")]
    tags: Vec<String>,
}

fn main() {}
