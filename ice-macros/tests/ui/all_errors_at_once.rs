use ice_api::EncodeWire;

// Every mistake is reported in one build, and uses of the type elsewhere do not cascade into
// "`EncodeWire` is not implemented" errors.
#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(name = "JobType")]
    job_type: String,
    #[ice(name = "Tags", query, style = "jsn")]
    tags: Vec<String>,
    user_data: String,
}

fn main() {
    let r = Request {
        job_type: String::new(),
        tags: Vec::new(),
        user_data: String::new(),
    };
    let _ = r.to_wire();
}
