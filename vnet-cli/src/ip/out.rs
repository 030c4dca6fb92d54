//! What vip prints, built as bytes: interface names are bytes to the kernel (any byte
//! but `/`, white space and NUL), and `ip` prints them back exactly as it got them,
//! UTF-8 or not. Text goes in through [`std::fmt::Write`] (`write!`), names through
//! [`Out::name`] and [`Out::json_name`].

use std::fmt;

/// Output being built: text and raw names.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Out(Vec<u8>);

impl Out {
    /// Empty output.
    pub(super) fn new() -> Self {
        Out::default()
    }

    /// Appends text.
    pub(super) fn push_str(&mut self, text: &str) {
        self.0.extend_from_slice(text.as_bytes());
    }

    /// Appends one character.
    pub(super) fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    /// Appends a name (or any bytes) as it is.
    pub(super) fn name(&mut self, name: &[u8]) {
        self.0.extend_from_slice(name);
    }

    /// Appends a name padded with spaces to `width` bytes, as C's `%-16s` pads it.
    pub(super) fn name_padded(&mut self, name: &[u8], width: usize) {
        self.name(name);
        for _ in name.len()..width {
            self.0.push(b' ');
        }
    }

    /// Appends a name (or any bytes) as a JSON string the way iproute2's JSON writer
    /// quotes one: `\t`, `\n`, `\r`, `\f`, `\b`, `\\` and `\"` escaped, every other byte
    /// as it is.
    pub(super) fn json_name(&mut self, name: &[u8]) {
        self.0.push(b'"');
        for &b in name {
            match b {
                b'\t' => self.push_str("\\t"),
                b'\n' => self.push_str("\\n"),
                b'\r' => self.push_str("\\r"),
                0x0c => self.push_str("\\f"),
                0x08 => self.push_str("\\b"),
                b'\\' => self.push_str("\\\\"),
                b'"' => self.push_str("\\\""),
                b => self.0.push(b),
            }
        }
        self.0.push(b'"');
    }

    /// Appends what `other` holds.
    pub(super) fn extend(&mut self, other: &Out) {
        self.0.extend_from_slice(&other.0);
    }

    /// `parts` one after the other, `sep` between them.
    pub(super) fn join(parts: &[Out], sep: &str) -> Out {
        let mut out = Out::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            out.extend(part);
        }
        out
    }

    /// What was written.
    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Write for Out {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

impl std::ops::AddAssign<&str> for Out {
    fn add_assign(&mut self, text: &str) {
        self.push_str(text);
    }
}

impl From<&str> for Out {
    fn from(text: &str) -> Self {
        Out(text.as_bytes().to_vec())
    }
}

impl From<String> for Out {
    fn from(text: String) -> Self {
        Out(text.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    #[test]
    fn text_and_raw_names_mix() {
        let mut out = Out::new();
        let _ = write!(out, "{}: ", 7);
        out.name(b"br\xfe");
        out.push(':');
        out += " <UP>";
        assert_eq!(out.as_bytes(), b"7: br\xfe: <UP>");
    }

    #[test]
    fn names_pad_by_bytes_as_c_does() {
        let mut out = Out::new();
        out.name_padded("é".as_bytes(), 4);
        out.push('|');
        assert_eq!(out.as_bytes(), "é  |".as_bytes());
        let mut long = Out::new();
        long.name_padded(b"abcdef", 4);
        assert_eq!(long.as_bytes(), b"abcdef");
    }

    #[test]
    fn json_names_escape_what_iproute2_escapes_and_nothing_else() {
        let mut out = Out::new();
        out.json_name(b"a\"b\\c\td\xfe\x01");
        assert_eq!(out.as_bytes(), b"\"a\\\"b\\\\c\\td\xfe\x01\"");
    }
}
