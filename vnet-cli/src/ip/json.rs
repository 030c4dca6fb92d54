//! `-p` (`-pretty`): compact JSON, as vip writes it, laid out the way iproute2's JSON
//! writer lays it out: objects one member per line, indented four spaces a level,
//! arrays of values on one line between `[ ` and ` ]`.

/// The writer's state: how deep it is, and what separates the next item.
struct Writer {
    out: Vec<u8>,
    depth: usize,
    sep: Option<u8>,
}

impl Writer {
    fn eor(&mut self) {
        if let Some(sep) = self.sep {
            self.out.push(sep);
        }
        self.sep = Some(b',');
    }

    fn eol(&mut self) {
        self.out.push(b'\n');
        for _ in 0..self.depth {
            self.out.extend_from_slice(b"    ");
        }
    }

    fn begin(&mut self, c: u8) {
        self.eor();
        self.out.push(c);
        self.depth += 1;
        self.sep = None;
        if c == b'[' {
            self.out.push(b' ');
        }
    }

    fn end(&mut self, c: u8) {
        if c == b']' {
            if self.sep.is_some() {
                self.out.push(b' ');
            }
            self.sep = None;
        }
        self.depth -= 1;
        if self.sep.is_some() {
            self.eol();
        }
        self.out.push(c);
        self.sep = Some(b',');
    }

    fn name(&mut self, name: &[u8]) {
        self.eor();
        self.eol();
        self.sep = None;
        self.out.extend_from_slice(name);
        self.out.extend_from_slice(b": ");
    }

    fn value(&mut self, value: &[u8]) {
        self.eor();
        self.out.extend_from_slice(value);
    }
}

/// The end of the JSON string starting at `at` (the index after its closing quote).
fn string_end(bytes: &[u8], at: usize) -> usize {
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Lays out `compact` (one JSON value without white space, as vip prints it, with its
/// final newline; names in it as the kernel has them, not always UTF-8) as `ip -p -j`
/// prints it.
pub(super) fn pretty(compact: &[u8]) -> Vec<u8> {
    let bytes = compact.trim_ascii_end();
    let mut w = Writer {
        out: Vec::with_capacity(bytes.len() * 2),
        depth: 0,
        sep: None,
    };
    // After `{` or `,` inside an object, the next string is a member name.
    let mut in_object: Vec<bool> = Vec::new();
    let mut expect_name = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                w.begin(b'{');
                in_object.push(true);
                expect_name = true;
                i += 1;
            }
            b'[' => {
                w.begin(b'[');
                in_object.push(false);
                expect_name = false;
                i += 1;
            }
            b'}' => {
                w.end(b'}');
                in_object.pop();
                i += 1;
            }
            b']' => {
                w.end(b']');
                in_object.pop();
                i += 1;
            }
            b',' => {
                expect_name = in_object.last().copied().unwrap_or(false);
                i += 1;
            }
            b':' => i += 1,
            b'"' => {
                let end = string_end(bytes, i);
                let token = &bytes[i..end];
                if expect_name {
                    w.name(token);
                    expect_name = false;
                } else {
                    w.value(token);
                }
                i = end;
            }
            _ => {
                let end = bytes[i..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']'))
                    .map_or(bytes.len(), |n| i + n);
                w.value(&bytes[i..end]);
                i = end;
            }
        }
    }
    w.out.push(b'\n');
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_as_iproute2_does() {
        assert_eq!(
            pretty(b"[{\"a\":1,\"f\":[\"X\",\"Y\"],\"e\":[],\"o\":{\"k\":\"v,}\"}},{\"a\":2}]\n"),
            b"[ {\n        \"a\": 1,\n        \"f\": [ \"X\",\"Y\" ],\n        \"e\": [ ],\n        \
             \"o\": {\n            \"k\": \"v,}\"\n        }\n    },{\n        \"a\": 2\n    } ]\n"
        );
        assert_eq!(pretty(b"[]\n"), b"[ ]\n");
        assert_eq!(
            pretty(b"[{\"ifname\":\"br\xfe\"}]\n"),
            b"[ {\n        \"ifname\": \"br\xfe\"\n    } ]\n"
        );
    }
}
