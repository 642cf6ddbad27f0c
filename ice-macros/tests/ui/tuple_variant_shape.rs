#[derive(ice_macros::EncodeWire)]
struct Inner {}

#[derive(ice_macros::EncodeWire)]
#[ice(tag(name = "JobType", query))]
enum Job {
    #[ice(value = "A")]
    Two(Inner, Inner),
    #[ice(value = "B")]
    Annotated(#[ice(flatten)] Inner),
}

fn main() {}
