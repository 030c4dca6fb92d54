//! `-p` (`-pretty`): compact JSON, as vip writes it, laid out the way iproute2's JSON
//! writer lays it out: objects one member per line, indented four spaces a level,
//! arrays of values on one line between `[ ` and ` ]`.

/// The writer's state: how deep it is, and what separates the next item.
struct Writer {
    out: String,
    depth: usize,
    sep: Option<char>,
}

impl Writer {
    fn eor(&mut self) {
        if let Some(sep) = self.sep {
            self.out.push(sep);
        }
        self.sep = Some(',');
    }

    fn eol(&mut self) {
        self.out.push('\n');
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
    }

    fn begin(&mut self, c: char) {
        self.eor();
        self.out.push(c);
        self.depth += 1;
        self.sep = None;
        if c == '[' {
            self.out.push(' ');
        }
    }

    fn end(&mut self, c: char) {
        if c == ']' {
            if self.sep.is_some() {
                self.out.push(' ');
            }
            self.sep = None;
        }
        self.depth -= 1;
        if self.sep.is_some() {
            self.eol();
        }
        self.out.push(c);
        self.sep = Some(',');
    }

    fn name(&mut self, name: &str) {
        self.eor();
        self.eol();
        self.sep = None;
        self.out.push_str(name);
        self.out.push_str(": ");
    }

    fn value(&mut self, value: &str) {
        self.eor();
        self.out.push_str(value);
    }
}

/// The end of the JSON string starting at `at` (the index after its closing quote).
fn string_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
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
/// final newline) as `ip -p -j` prints it.
pub(super) fn pretty(compact: &str) -> String {
    let text = compact.trim_end();
    let bytes = text.as_bytes();
    let mut w = Writer {
        out: String::with_capacity(text.len() * 2),
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
                w.begin('{');
                in_object.push(true);
                expect_name = true;
                i += 1;
            }
            b'[' => {
                w.begin('[');
                in_object.push(false);
                expect_name = false;
                i += 1;
            }
            b'}' => {
                w.end('}');
                in_object.pop();
                i += 1;
            }
            b']' => {
                w.end(']');
                in_object.pop();
                i += 1;
            }
            b',' => {
                expect_name = in_object.last().copied().unwrap_or(false);
                i += 1;
            }
            b':' => i += 1,
            b'"' => {
                let end = string_end(text, i);
                let token = &text[i..end];
                if expect_name {
                    w.name(token);
                    expect_name = false;
                } else {
                    w.value(token);
                }
                i = end;
            }
            _ => {
                let end = text[i..]
                    .find([',', '}', ']'])
                    .map_or(text.len(), |n| i + n);
                w.value(&text[i..end]);
                i = end;
            }
        }
    }
    w.out.push('\n');
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_as_iproute2_does() {
        assert_eq!(
            pretty("[{\"a\":1,\"f\":[\"X\",\"Y\"],\"e\":[],\"o\":{\"k\":\"v,}\"}},{\"a\":2}]\n"),
            "[ {\n        \"a\": 1,\n        \"f\": [ \"X\",\"Y\" ],\n        \"e\": [ ],\n        \
             \"o\": {\n            \"k\": \"v,}\"\n        }\n    },{\n        \"a\": 2\n    } ]\n"
        );
        assert_eq!(pretty("[]\n"), "[ ]\n");
    }
}
