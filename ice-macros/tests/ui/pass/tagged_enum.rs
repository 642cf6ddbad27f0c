#![deny(warnings)]

use ice_api::runtime::wire::WireTag;
use ice_api::EncodeWire;

#[derive(ice_macros::EncodeWire)]
pub struct Screen {
    #[ice(name = "InputConfig", form, style = "json")]
    pub input_config: Vec<String>,
}

#[derive(ice_macros::EncodeWire)]
#[ice(tag(name = "JobType", form))]
pub enum Job<'a, T> {
    #[ice(value = "Smart_Mix_Media_Select")]
    SmartMix {
        #[ice(name = "OutputConfig", form)]
        output_config: &'a str,
        #[ice(name = "Extra", query, style = "simple")]
        extra: Option<Vec<T>>,
        #[ice(skip)]
        local: u8,
    },
    #[ice(value = "Screen_Media_Select")]
    Screen(Screen),
    #[ice(value = "Nothing")]
    Nothing,
}

#[derive(ice_macros::EncodeWire)]
pub struct Submit<'a> {
    #[ice(flatten)]
    pub job: Job<'a, u32>,
    #[ice(flatten)]
    pub again: Option<Job<'a, u32>>,
}

fn main() {
    let job: Job<'_, u32> = Job::SmartMix {
        output_config: "{}",
        extra: None,
        local: 0,
    };
    let _ = job.wire_tag();
    if let Job::SmartMix { local, .. } = &job {
        let _ = local;
    }
    let _ = Submit { job, again: None }.to_wire();
}
