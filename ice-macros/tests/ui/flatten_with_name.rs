#[derive(ice_macros::EncodeWire)]
struct Paging {
    #[ice(name = "PageNo", query)]
    page_no: u32,
}

#[derive(ice_macros::EncodeWire)]
struct Request {
    #[ice(flatten, name = "Paging", query)]
    paging: Paging,
}

fn main() {}
