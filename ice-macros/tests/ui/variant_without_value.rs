#[derive(ice_macros::EncodeWire)]
#[ice(tag(name = "JobType", query))]
enum Job {
    #[ice(value = "Smart_Mix_Media_Select")]
    SmartMix,
    ScreenMediaSelect,
}

fn main() {}
