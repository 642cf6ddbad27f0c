// Config structs are non-exhaustive: a struct literal cannot skip the constructor's required
// arguments (nor break when a field is added).
use ice_api::media_production::UserData;

fn main() {
    let _data = UserData {
        notify_address: None,
        extra: Default::default(),
    };
}
