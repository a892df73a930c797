//! Lambda bootstrap (placeholder, built out by issue 3).
fn main() {}
