#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice]
    job_type: String,
    #[ice(name = "UserData", query = "yes")]
    user_data: String,
}

#[derive(ice_macros::EncodeWire)]
#[ice(rename_all = "PascalCase")]
struct Other {}

fn main() {}
