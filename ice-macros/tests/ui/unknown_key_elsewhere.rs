// A misspelled key is reported once, with a suggestion, and does not also count as "missing".
#[derive(ice_macros::EncodeWire)]
#[ice(tga(name = "JobType", query))]
enum Job {
    #[ice(vaule = "A")]
    A,
}

#[derive(ice_macros::EncodeWire)]
#[ice(tag(nam = "JobType", qeury))]
enum Other {
    #[ice(value = "A")]
    A,
}

fn main() {}
