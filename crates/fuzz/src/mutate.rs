//! Byte-, token- and tree-level mutations of seed inputs, driven by a seeded generator so a run can be
//! repeated exactly.

use serde_json::Value;

/// A small, seeded xorshift64* generator (reproducible runs; no cryptographic use).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced: xorshift must not start at 0).
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Values that break parsers: wrong types, extremes, empties, deep nesting.
const INTERESTING: &[&str] = &[
    "null",
    "true",
    "[]",
    "{}",
    "\"\"",
    "0",
    "-1",
    "1e999",
    "9223372036854775808",
    "-9223372036854775809",
    "0.5",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]",
    "{\"mesh\":{}}",
    "\"arn:aws:appmesh:::\"",
    "\"mesh/\"",
    "\"Scheduled Event\"",
    "\"AWS API Call via CloudTrail\"",
    "\"appmesh.amazonaws.com\"",
];

/// One mutation of `input`, possibly splicing from `other`.
pub fn mutate(input: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    let len = out.len().max(1);
    match rng.below(10) {
        // Most byte-level mutants stop at the JSON parser; these stay parseable and reach the
        // router's and the rules' logic.
        8 | 9 => return mutate_tree(input, other, rng).unwrap_or(out),
        0 => {
            // Flip a bit.
            if !out.is_empty() {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
        }
        1 => out.insert(rng.below(len), rng.next() as u8),
        2 => {
            let start = rng.below(len);
            let end = (start + rng.below(64)).min(out.len());
            out.drain(start.min(out.len())..end);
        }
        3 => out.truncate(rng.below(len)),
        4 => {
            // Replace a JSON scalar (between delimiters) with an interesting value.
            let at = rng.below(len);
            let delimiters = b":,[";
            if let Some(start) = out
                .iter()
                .skip(at)
                .position(|b| delimiters.contains(b))
                .map(|p| p + at + 1)
            {
                let end = out
                    .iter()
                    .skip(start)
                    .position(|b| b",}]".contains(b))
                    .map_or(out.len(), |p| p + start);
                let value = INTERESTING[rng.below(INTERESTING.len())].as_bytes();
                out.splice(start..end, value.iter().copied());
            }
        }
        5 => {
            // Splice a slice of another seed.
            if !other.is_empty() {
                let from = rng.below(other.len());
                let to = (from + rng.below(256)).min(other.len());
                let at = rng.below(len).min(out.len());
                out.splice(at..at, other[from..to].iter().copied());
            }
        }
        6 => {
            // Duplicate a range (deepens nesting, repeats keys).
            let start = rng.below(len).min(out.len());
            let end = (start + rng.below(128)).min(out.len());
            let copy = out[start..end].to_vec();
            out.splice(end..end, copy);
        }
        _ => {
            // Rename a key: change one byte inside a quoted string.
            if let Some(q) = out.iter().skip(rng.below(len)).position(|b| *b == b'"') {
                let i = (q + 1 + rng.below(8)).min(out.len().saturating_sub(1));
                if let Some(byte) = out.get_mut(i) {
                    *byte = b"abcXYZ_-/:"[rng.below(10)];
                }
            }
        }
    }
    out
}

/// A structure-aware mutation: parse, change one node (an interesting value, a removed member,
/// or a subtree of `other`), re-serialise. `None` when `input` is not JSON.
fn mutate_tree(input: &[u8], other: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let mut tree: Value = serde_json::from_slice(input).ok()?;
    let replacement = match rng.below(3) {
        0 => serde_json::from_str(INTERESTING[rng.below(INTERESTING.len())]).ok(),
        1 => None, // remove a member (or null out a non-object)
        _ => {
            let mut donor: Value = serde_json::from_slice(other).ok()?;
            let mut n = rng.below(count_nodes(&donor));
            nth_node(&mut donor, &mut n).map(Value::take)
        }
    };
    let mut n = rng.below(count_nodes(&tree));
    let node = nth_node(&mut tree, &mut n)?;
    match (replacement, node) {
        (Some(value), node) => *node = value,
        (None, Value::Object(members)) if !members.is_empty() => {
            let key = members.keys().nth(rng.below(members.len()))?.clone();
            members.remove(&key);
        }
        (None, node) => *node = Value::Null,
    }
    serde_json::to_vec(&tree).ok()
}

/// Nodes in a JSON tree, the root included.
fn count_nodes(node: &Value) -> usize {
    1 + match node {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(members) => members.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// The `n`th node in depth-first order (the root is 0); `n` counts down as nodes are passed.
fn nth_node<'a>(node: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
    if *n == 0 {
        return Some(node);
    }
    *n -= 1;
    match node {
        Value::Array(items) => items.iter_mut().find_map(|child| nth_node(child, n)),
        Value::Object(members) => members.values_mut().find_map(|child| nth_node(child, n)),
        _ => None,
    }
}
