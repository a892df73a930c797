//! Reading command input: a file path, or `-` for standard input.

use anyhow::Context;
use std::io::Read;
use std::path::Path;

/// Read the whole input named on the command line (`-` = stdin) as UTF-8 text.
pub fn read_to_string(path: &Path) -> anyhow::Result<String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input")?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    }
}

/// The output formats the offline commands share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Table,
    /// Machine-readable JSON on one line.
    Json,
}

/// Read and parse a describe-* document; errors name the file and the problem.
pub fn read_resource(path: &Path) -> anyhow::Result<meshwarden_rules::model::Resource> {
    let text = read_to_string(path)?;
    meshwarden_rules::model::Resource::parse_describe(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}
