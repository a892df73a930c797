//! `meshwarden`: the operator's command line (being written).
fn main() {}
