//! Text from AWS or the command line (names, ids, reasons) shown to people: control characters
//! (C0 with NUL and ESC, DEL, C1) and the bidirectional overrides are written as `\u{…}` escapes,
//! so a resource named with an escape sequence cannot drive the terminal or hide what it is.
//! JSON output needs none of this: serde_json escapes control characters itself.

use std::borrow::Cow;
use std::fmt;

/// Whether `c` must not reach a terminal as it is.
fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character escaped (borrowed when there is none).
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A value displayed with [`escaped`].
pub struct Escaped<T>(pub T);

impl<T: fmt::Display> fmt::Display for Escaped<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escaped(&self.0.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert!(matches!(escaped("mesh/a-b_c é"), Cow::Borrowed(_)));
        assert_eq!(escaped("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(
            escaped("\0\t\n\u{7f}\u{9b}"),
            "\\u{0}\\u{9}\\u{a}\\u{7f}\\u{9b}"
        );
        assert_eq!(escaped("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(Escaped("n\u{7}").to_string(), "n\\u{7}");
    }
}
