#[derive(ice_macros::EncodeWire)]
#[ice(tag(query, style = "json"))]
enum Job {
    #[ice(value = "Smart_Mix_Media_Select")]
    SmartMix,
}

#[derive(ice_macros::EncodeWire)]
#[ice(tag = "JobType")]
enum Other {
    #[ice(value = "A")]
    A,
}

fn main() {}
