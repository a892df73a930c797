//! Byte- and token-level mutations of seed inputs, driven by a seeded generator so a run can be
//! repeated exactly.

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
    match rng.below(8) {
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
