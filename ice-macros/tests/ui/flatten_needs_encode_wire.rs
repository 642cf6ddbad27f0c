struct Paging {
    page_no: u32,
}

#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(flatten)]
    paging: Option<Paging>,
}

fn main() {
    let _ = Paging { page_no: 1 }.page_no;
}
