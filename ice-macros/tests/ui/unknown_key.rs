#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(nmae = "JobType", query)]
    job_type: String,
    #[ice(name = "UserData", location = "query")]
    user_data: String,
    #[ice(rename = "Title", form)]
    title: String,
    #[ice(name = "Size", query, default)]
    size: u32,
}

fn main() {}
