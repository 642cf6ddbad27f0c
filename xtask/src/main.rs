//! `cargo xtask codegen | import | schema`.
fn main() {
    eprintln!("xtask: not implemented yet");
    std::process::exit(2);
}
