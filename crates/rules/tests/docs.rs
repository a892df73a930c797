//! `docs/rules.md` is generated from the catalog; this fails when it is stale.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn rule_reference_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == meshwarden_rules::catalog::render_markdown(),
        "docs/rules.md is stale: run `cargo run -p meshwarden-cli -- rules --format markdown > docs/rules.md` \
         (or, building only this crate, `cargo run -p meshwarden-rules --example rules_markdown > docs/rules.md`)"
    );
}
