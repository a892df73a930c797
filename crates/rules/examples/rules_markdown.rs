//! Print the rule reference, the content of `docs/rules.md`, with only the rules crate built:
//! `cargo run -p meshwarden-rules --example rules_markdown > docs/rules.md` writes the same text
//! as `meshwarden rules --format markdown`.

fn main() {
    print!("{}", meshwarden_rules::catalog::render_markdown());
}
