#[derive(ice_macros::EncodeWire)]
union Request {
    a: u32,
    b: f32,
}

fn main() {}
