#[derive(ice_macros::EncodeWire)]
enum Job {
    #[ice(value = "Smart_Mix_Media_Select")]
    SmartMix,
}

fn main() {}
