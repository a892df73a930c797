//! The engine's layers, checked on its source (docs/architecture.md, "Engine layout"): every
//! `crate::…` (and, outside test modules, `super::…`) path in `crates/engine/src` is an arrow
//! from the module that names it to the module it names. The pure `core` names nothing above
//! it; `config` names only `core`; `adapters` name no service and nothing that orchestrates;
//! `services` nothing that orchestrates; nothing names the crate root; and the arrows between
//! modules make no circle.
#![allow(clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// How far up a module sits: it may name modules of its own layer or below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    /// `core::…`: decisions, records, ports; no I/O.
    Core,
    /// `config`: the runtime configuration.
    Config,
    /// `adapters::…`: the AWS SDK adapters of the core's ports.
    Adapters,
    /// `services::…`: one adapter per service behind the reader/writer ports.
    Services,
    /// The engine, the pipeline, the sweep, the fan-out, the dispatcher and their wiring.
    Orchestration,
}

fn layer_of(module: &str) -> Layer {
    match module.split("::").next().unwrap_or_default() {
        "core" => Layer::Core,
        "config" => Layer::Config,
        "adapters" => Layer::Adapters,
        "services" => Layer::Services,
        _ => Layer::Orchestration,
    }
}

/// One arrow: `from` names `to` at `file:line`.
#[derive(Debug, Clone)]
struct Arrow {
    from: String,
    to: String,
    at: String,
}

/// Every module of the crate (`a::b`, the root is `""`) and its file.
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("the source folder is readable") {
            let path = entry.expect("a readable entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path
                    .strip_prefix(src)
                    .expect("under src")
                    .with_extension("");
                let mut segments: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
                    segments.pop();
                }
                found.insert(segments.join("::"), path);
            }
        }
    }
    found
}

/// The paths a use tree or an inline path starting at `text` names: `a::b::{c, d::e}` is
/// `a::b::c` and `a::b::d::e` (a glob or `self` stops at its parent).
fn paths(text: &str) -> Vec<Vec<String>> {
    fn tree(chars: &[char], at: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        let mut path = prefix;
        loop {
            let start = *at;
            while chars
                .get(*at)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                *at += 1;
            }
            let segment: String = chars[start..*at].iter().collect();
            if !segment.is_empty() && segment != "self" {
                path.push(segment.clone());
            }
            let more = chars[*at..].starts_with(&[':', ':']);
            if more {
                *at += 2;
            }
            if chars.get(*at) == Some(&'{') && (more || segment.is_empty()) {
                *at += 1;
                group(chars, at, &path, out);
                return;
            }
            if !more {
                out.push(path);
                return;
            }
        }
    }
    /// The members of `{…}` (opened before `at`), each a tree under `path`, up to its `}`.
    fn group(chars: &[char], at: &mut usize, path: &[String], out: &mut Vec<Vec<String>>) {
        loop {
            while chars
                .get(*at)
                .is_some_and(|c| c.is_whitespace() || *c == ',')
            {
                *at += 1;
            }
            match chars.get(*at) {
                None => return,
                Some('}') => {
                    *at += 1;
                    return;
                }
                Some(_) => {
                    let before = *at;
                    tree(chars, at, path.to_vec(), out);
                    // Skip what follows a member (`as name`) up to the next one.
                    while chars.get(*at).is_some_and(|c| !matches!(c, ',' | '}')) {
                        *at += 1;
                    }
                    if *at == before {
                        *at += 1;
                    }
                }
            }
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    tree(&chars, &mut 0, Vec::new(), &mut out);
    out
}

/// The source without comments (line comments and doc comments: doc links are not imports).
fn code_of(source: &str) -> String {
    source
        .lines()
        .map(|line| format!("{}\n", line.split("//").next().unwrap_or_default()))
        .collect()
}

/// Every arrow of the crate. A use tree spanning lines is read as one text.
fn arrows(src: &Path) -> (BTreeMap<String, PathBuf>, Vec<Arrow>) {
    let modules = modules(src);
    let mut found = Vec::new();
    for (module, file) in &modules {
        let source = std::fs::read_to_string(file).expect("a readable source file");
        let text = code_of(&source);
        let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
        let tests_at = text.find("#[cfg(test)]").unwrap_or(text.len());
        // `super::` is the module's parent (outside test modules, whose `super` is the module).
        let mut parent: Vec<String> = module
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        parent.pop();
        for (anchor, base) in [("crate::", Vec::new()), ("super::", parent)] {
            for (offset, _) in text.match_indices(anchor) {
                let before = text[..offset].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                    || (anchor == "super::" && offset >= tests_at)
                {
                    continue;
                }
                for path in paths(&text[offset + anchor.len()..]) {
                    let full: Vec<String> = base.iter().cloned().chain(path).collect();
                    let to = (0..=full.len())
                        .rev()
                        .map(|n| full[..n].join("::"))
                        .find(|candidate| modules.contains_key(candidate))
                        .unwrap_or_default();
                    let inside = to == *module || module.starts_with(&format!("{to}::"));
                    if !inside || to.is_empty() {
                        found.push(Arrow {
                            from: module.clone(),
                            to,
                            at: format!("{}:{}", file.display(), line_of(offset)),
                        });
                    }
                }
            }
        }
    }
    (modules, found)
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_module_names_a_layer_above_its_own() {
    let (_, arrows) = arrows(&src());
    let up: Vec<String> = arrows
        .iter()
        .filter(|a| a.to.is_empty() || layer_of(&a.to) > layer_of(&a.from))
        .map(|a| {
            let to = if a.to.is_empty() {
                "the crate root"
            } else {
                &a.to
            };
            format!(
                "{} ({:?}) names {to} at {}",
                a.from,
                layer_of(&a.from),
                a.at
            )
        })
        .collect();
    assert!(up.is_empty(), "arrows running up:\n{}", up.join("\n"));
}

#[test]
fn the_module_graph_has_no_circle() {
    let (modules, arrows) = arrows(&src());
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for arrow in &arrows {
        graph.entry(&arrow.from).or_default().insert(&arrow.to);
    }
    // Depth-first search; a module met again while on the path closes a circle.
    fn visit<'a>(
        module: &'a str,
        graph: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        circles: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|m| *m == module) {
            let mut circle = path[at..].to_vec();
            circle.push(module);
            circles.push(circle.join(" → "));
            return;
        }
        if !done.insert(module) {
            return;
        }
        path.push(module);
        for next in graph.get(module).into_iter().flatten() {
            visit(next, graph, path, done, circles);
        }
        path.pop();
    }
    let mut circles = Vec::new();
    let mut done = BTreeSet::new();
    for module in modules.keys() {
        visit(module, &graph, &mut Vec::new(), &mut done, &mut circles);
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_checker_sees_arrows_and_circles() {
    // The parser reads nested use trees, so an arrow hidden in braces is still an arrow.
    assert_eq!(
        paths("core::{record::Record, ports::{self, Scope}};"),
        vec![
            vec!["core".to_string(), "record".into(), "Record".into()],
            vec!["core".to_string(), "ports".into()],
            vec!["core".to_string(), "ports".into(), "Scope".into()],
        ]
    );
    // The checks see the crate as it is: the core is named, and names only the core.
    let (modules, arrows) = arrows(&src());
    assert!(modules.contains_key("core::step") && modules.contains_key("pipeline"));
    assert!(arrows
        .iter()
        .any(|a| a.from == "pipeline" && a.to == "core::step"));
    assert!(arrows
        .iter()
        .any(|a| a.from == "core::findings" && a.to == "core::record"));
}
