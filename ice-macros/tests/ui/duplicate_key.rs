#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(name = "JobType", query, name = "Type")]
    job_type: String,
    #[ice(name = "UserData", form, form)]
    user_data: String,
}

fn main() {}
