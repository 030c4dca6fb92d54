//! How `ip` reads its words: prefix matching, the next argument, and the messages it
//! prints (then exits) when a command line is wrong.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use vnet_core::Family;

use super::Stop;
use crate::ccompat::{strtol, strtoul};
use crate::print_err;

/// True when `word` is a non-empty prefix of `keyword`: how `ip` accepts abbreviations
/// (`l` for `link`, `ad` for `add`, `sh` for `show`). An empty word matches nothing.
pub fn matches(word: &str, keyword: &str) -> bool {
    !word.is_empty() && keyword.starts_with(word)
}

/// The words of a command line or of a batch line, owned: each as given (bytes: an
/// interface name may be any bytes the kernel takes) and as text, read lossily, for
/// matching keywords and reading numbers and addresses (a word that is not UTF-8
/// matches no keyword).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Line {
    raw: Vec<OsString>,
    text: Vec<String>,
}

impl Line {
    /// The words, as given.
    pub fn new(raw: Vec<OsString>) -> Self {
        let text = raw
            .iter()
            .map(|w| w.to_string_lossy().into_owned())
            .collect();
        Line { raw, text }
    }

    /// The words to read, starting at the first.
    pub fn words(&self) -> Words<'_> {
        Words {
            raw: &self.raw,
            text: &self.text,
            at: 0,
        }
    }

    /// True when the line has no words.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
}

impl<S: Into<OsString>> FromIterator<S> for Line {
    fn from_iter<I: IntoIterator<Item = S>>(words: I) -> Self {
        Line::new(words.into_iter().map(Into::into).collect())
    }
}

/// The words of one command, read left to right: as text ([`Words::take`],
/// [`Words::value`]) or, where `ip` reads an interface name, as bytes
/// ([`Words::name`], [`Words::taken_raw`]).
#[derive(Debug, Clone, Copy)]
pub struct Words<'a> {
    raw: &'a [OsString],
    text: &'a [String],
    at: usize,
}

impl<'a> Words<'a> {
    /// The current word as text (lossy where it is not UTF-8), if any is left.
    pub fn peek(&self) -> Option<&'a str> {
        self.text.get(self.at).map(String::as_str)
    }

    /// Takes the current word, as text (lossy where it is not UTF-8).
    pub fn take(&mut self) -> Option<&'a str> {
        let word = self.peek();
        if word.is_some() {
            self.at += 1;
        }
        word
    }

    /// The word [`Words::take`] took last, as given.
    pub fn taken_raw(&self) -> &'a OsStr {
        &self.raw[self.at - 1]
    }

    /// Takes the current word as text, where `ip` reads a word that is not an interface
    /// name (a namespace's name): one that is not UTF-8 is refused (exit 255).
    pub fn take_text(&mut self) -> Result<Option<&'a str>, Stop> {
        match self.take() {
            Some(_) if self.taken_raw().to_str().is_none() => Err(not_utf8(self.taken_raw())),
            word => Ok(word),
        }
    }

    /// The value after a keyword (`mtu N`) as text: a command line that ends here is
    /// incomplete, and `ip` exits saying so. A value that is not UTF-8 is refused (exit
    /// 255): vip reads bytes only where `ip` reads an interface name.
    pub fn value(&mut self) -> Result<&'a str, Stop> {
        let text = self.take().ok_or_else(incomplete_command)?;
        if self.taken_raw().to_str().is_none() {
            return Err(not_utf8(self.taken_raw()));
        }
        Ok(text)
    }

    /// The value after a keyword that names an interface (`dev NAME`), as given.
    pub fn name(&mut self) -> Result<&'a OsStr, Stop> {
        self.take().ok_or_else(incomplete_command)?;
        Ok(self.taken_raw())
    }

    /// The words not read yet.
    pub fn rest(&self) -> Words<'a> {
        let at = self.at.min(self.raw.len());
        Words {
            raw: &self.raw[at..],
            text: &self.text[at..],
            at: 0,
        }
    }

    /// The words not read yet, as given.
    pub fn rest_raw(&self) -> &'a [OsString] {
        &self.raw[self.at.min(self.raw.len())..]
    }

    /// True when every word was read.
    pub fn is_empty(&self) -> bool {
        self.at >= self.raw.len()
    }
}

/// `vip: argument "WORD" is not UTF-8, ...`, then exit 255: what vip says of a word
/// that is not UTF-8 where `ip` reads text (bytes that are not UTF-8 shown as `\xNN`).
pub fn not_utf8(word: &OsStr) -> Stop {
    let shown: String = word
        .as_bytes()
        .utf8_chunks()
        .map(|chunk| {
            let bad: String = chunk
                .invalid()
                .iter()
                .map(|b| format!("\\x{b:02x}"))
                .collect();
            format!("{}{bad}", chunk.valid())
        })
        .collect();
    print_err(format!(
        "vip: argument \"{shown}\" is not UTF-8, which vip takes only as an interface name\n"
    ));
    Stop(255)
}

/// `Cannot find device "NAME"` (the name as given), what `ip` says where a device it
/// looks up does not exist.
pub fn cannot_find_device(name: &OsStr) {
    print_err([b"Cannot find device \"", name.as_bytes(), b"\"\n"].concat());
}

/// `Command line is not complete. Try option "help"`, then exit 255.
pub fn incomplete_command() -> Stop {
    print_err("Command line is not complete. Try option \"help\"\n");
    Stop(255)
}

/// Prints `parts` one after the other (text, and values as given: bytes that need not
/// be UTF-8), then exit 255: how `ip` ends after a wrong command line.
fn wrong(parts: &[&[u8]]) -> Stop {
    print_err(parts.concat());
    Stop(255)
}

/// `Error: argument "VALUE" is wrong: WHY`, then exit 255. (`ip` keeps a newline some of
/// its reasons carry, which then ends in an empty line; so does this.)
pub fn invarg(why: &str, value: impl AsRef<OsStr>) -> Stop {
    let value = value.as_ref().as_bytes();
    wrong(&[
        b"Error: argument \"",
        value,
        b"\" is wrong: ",
        why.as_bytes(),
        b"\n",
    ])
}

/// `Error: duplicate "KEY": "VALUE" is the second value.`, then exit 255.
pub fn duparg(key: &str, value: impl AsRef<OsStr>) -> Stop {
    let value = value.as_ref().as_bytes();
    let end = b"\" is the second value.\n";
    wrong(&[
        b"Error: duplicate \"",
        key.as_bytes(),
        b"\": \"",
        value,
        end,
    ])
}

/// `Error: either "KEY" is duplicate, or "VALUE" is a garbage.`, then exit 255.
pub fn duparg2(key: &str, value: impl AsRef<OsStr>) -> Stop {
    let value = value.as_ref().as_bytes();
    let middle = b"\" is duplicate, or \"";
    wrong(&[
        b"Error: either \"",
        key.as_bytes(),
        middle,
        value,
        b"\" is a garbage.\n",
    ])
}

/// What `ip` says of a word it has no use for in OBJECT's command line, then exit 255.
pub fn unknown_command(word: &str, object: &str) -> Stop {
    print_err(format!(
        "Command \"{word}\" is unknown, try \"ip {object} help\".\n"
    ));
    Stop(255)
}

/// vip's answer to a command or option `ip` has and vip does not: a clear error and
/// exit 255, never a silent success.
pub fn unsupported(what: &str) -> Stop {
    print_err(format!("vip: {what} is not supported\n"));
    Stop(255)
}

/// The kernel's rules for an interface name as `ip` checks them (`check_ifname`):
/// shorter than `IFNAMSIZ`, not empty, no `/`, no white space.
pub fn valid_ifname(name: &OsStr) -> bool {
    let name = name.as_bytes();
    !name.is_empty()
        && name.len() < 16
        && !name
            .iter()
            .any(|&b| b == b'/' || matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
}

/// An IPv4 address as `ip` reads one (`get_addr_ipv4`): one to four parts separated by
/// dots, each a C integer of any base (`10`, `0x0a`, `012`) up to 255; missing parts are
/// zero (`10.1` is `10.1.0.0`).
pub fn parse_ipv4(text: &str) -> Option<std::net::Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut rest = text;
    for (i, octet) in octets.iter_mut().enumerate() {
        let parsed = strtoul(rest.as_bytes(), 0);
        if parsed.len == 0 || parsed.value > 255 {
            return None;
        }
        *octet = parsed.value as u8;
        rest = &rest[parsed.len..];
        if rest.is_empty() {
            return Some(octets.into());
        }
        if i == 3 || !rest.starts_with('.') {
            return None;
        }
        rest = &rest[1..];
    }
    None
}

/// A whole word as an unsigned number of any C base no larger than `max` (iproute2's
/// `get_u32`, `get_u16`, `get_u8`, `get_unsigned`: `strtoul(text, &end, 0)` must read
/// the whole word, without overflowing).
pub fn get_unsigned(text: &str, max: u64) -> Option<u64> {
    let parsed = strtoul(text.as_bytes(), 0);
    let whole = parsed.len > 0 && parsed.len == text.len();
    (whole && !parsed.out_of_range && parsed.value <= max).then_some(parsed.value)
}

/// A whole word as a C `int` of any base (iproute2's `get_integer`: `strtol(text, &end,
/// 0)` must read the whole word, without overflowing, and fit an `int`).
pub fn get_integer(text: &str) -> Option<i32> {
    let parsed = strtol(text.as_bytes(), 0);
    let whole = parsed.len > 0 && parsed.len == text.len();
    if !whole || parsed.out_of_range {
        return None;
    }
    i32::try_from(parsed.value).ok()
}

/// An address of `family` as `ip` reads one (`get_addr_1`), without `default`, `all`
/// and `any`.
pub fn parse_addr(text: &str, family: Family) -> Option<std::net::IpAddr> {
    if text.contains(':') {
        if family == Family::Ipv4 {
            return None;
        }
        return text.parse::<std::net::Ipv6Addr>().ok().map(Into::into);
    }
    if family == Family::Ipv6 {
        return None;
    }
    parse_ipv4(text).map(Into::into)
}

/// What `ip` calls a family in its messages (`family_name_verbose`).
pub fn family_name(family: Family) -> &'static str {
    match family {
        Family::Ipv4 => "inet",
        Family::Ipv6 => "inet6",
        Family::Any => "any valid",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_match_as_ip_matches_them() {
        assert!(matches("l", "link"));
        assert!(matches("link", "link"));
        assert!(!matches("links", "link"));
        assert!(!matches("", "link"));
        assert!(!matches("x", "link"));
    }

    #[test]
    fn names_are_read_as_bytes_and_other_words_as_text() {
        use std::os::unix::ffi::OsStringExt;
        let line = Line::new(vec![
            "dev".into(),
            OsString::from_vec(b"br\xfe".to_vec()),
            "mtu".into(),
            OsString::from_vec(b"1\xfe".to_vec()),
            OsString::from_vec(b"x\xfe".to_vec()),
        ]);
        let mut words = line.words();
        assert_eq!(words.take(), Some("dev"));
        assert_eq!(words.name().unwrap().as_bytes(), b"br\xfe");
        assert_eq!(words.take(), Some("mtu"));
        assert_eq!(words.value(), Err(Stop(255)));
        // As text, a word that is not UTF-8 matches no keyword; as given, it is exact.
        assert_eq!(words.peek(), Some("x\u{fffd}"));
        assert_eq!(
            words.rest().rest_raw(),
            [OsString::from_vec(b"x\xfe".to_vec())]
        );
        assert_eq!(words.take_text(), Err(Stop(255)));
        assert!(words.is_empty());
        assert_eq!(words.name(), Err(Stop(255)));
    }

    #[test]
    fn ipv4_addresses_as_ip_reads_them() {
        assert_eq!(parse_ipv4("10.1.2.3"), Some([10, 1, 2, 3].into()));
        assert_eq!(parse_ipv4("10"), Some([10, 0, 0, 0].into()));
        assert_eq!(parse_ipv4("10.1"), Some([10, 1, 0, 0].into()));
        assert_eq!(parse_ipv4("0x0a.012.0.1"), Some([10, 10, 0, 1].into()));
        assert_eq!(parse_ipv4("256.0.0.1"), None);
        assert_eq!(parse_ipv4("1.2.3.4.5"), None);
        assert_eq!(parse_ipv4("1.2.3."), None);
        assert_eq!(parse_ipv4("x"), None);
        assert_eq!(parse_ipv4(""), None);
    }

    #[test]
    fn numbers_as_iproute2_reads_them() {
        assert_eq!(
            get_unsigned("4294967295", u64::from(u32::MAX)),
            Some(4294967295)
        );
        assert_eq!(get_unsigned("4294967296", u64::from(u32::MAX)), None);
        assert_eq!(get_unsigned("0x10", 255), Some(16));
        assert_eq!(get_unsigned("010", 255), Some(8));
        assert_eq!(get_unsigned(" 7", 255), Some(7));
        assert_eq!(get_unsigned("7 ", 255), None);
        assert_eq!(get_unsigned("-1", 255), None);
        assert_eq!(get_unsigned("", 255), None);
        assert_eq!(
            get_unsigned("18446744073709551615", u64::MAX),
            Some(u64::MAX)
        );
        assert_eq!(get_unsigned("18446744073709551616", u64::MAX), None);
        assert_eq!(get_integer("-2147483648"), Some(i32::MIN));
        assert_eq!(get_integer("2147483648"), None);
        assert_eq!(get_integer("-0x10"), Some(-16));
        assert_eq!(get_integer("--5"), None);
        assert_eq!(get_integer("+-5"), None);
        assert_eq!(get_integer("99999999999999999999"), None);
        assert_eq!(get_integer(""), None);
        assert_eq!(get_integer("0x"), None);
    }

    #[test]
    fn interface_names_as_ip_checks_them() {
        let valid = |name: &[u8]| valid_ifname(OsStr::from_bytes(name));
        assert!(valid(b"eth0.100"));
        assert!(valid(b"br\xfe"));
        assert!(!valid(b""));
        assert!(!valid(b"a/b"));
        assert!(!valid(b"a b"));
        assert!(!valid(b"sixteen-chars-xx"));
    }
}
