//! How `ip` reads its words: prefix matching, the next argument, and the messages it
//! prints (then exits) when a command line is wrong.

use vnet_core::Family;

use super::Stop;
use crate::ccompat::{strtol, strtoul};
use crate::print_err;

/// True when `word` is a non-empty prefix of `keyword`: how `ip` accepts abbreviations
/// (`l` for `link`, `ad` for `add`, `sh` for `show`). An empty word matches nothing.
pub fn matches(word: &str, keyword: &str) -> bool {
    !word.is_empty() && keyword.starts_with(word)
}

/// The words of one command, read left to right.
#[derive(Debug)]
pub struct Words<'a> {
    words: &'a [String],
    at: usize,
}

impl<'a> Words<'a> {
    /// The words, starting at the first.
    pub fn new(words: &'a [String]) -> Self {
        Words { words, at: 0 }
    }

    /// The current word, if any is left.
    pub fn peek(&self) -> Option<&'a str> {
        self.words.get(self.at).map(String::as_str)
    }

    /// Takes the current word.
    pub fn take(&mut self) -> Option<&'a str> {
        let word = self.peek();
        if word.is_some() {
            self.at += 1;
        }
        word
    }

    /// The value after a keyword (`dev NAME`): a command line that ends here is
    /// incomplete, and `ip` exits saying so.
    pub fn value(&mut self) -> Result<&'a str, Stop> {
        self.take().ok_or_else(incomplete_command)
    }

    /// The words not read yet.
    pub fn rest(&self) -> &'a [String] {
        &self.words[self.at.min(self.words.len())..]
    }

    /// True when every word was read.
    pub fn is_empty(&self) -> bool {
        self.at >= self.words.len()
    }
}

/// `Command line is not complete. Try option "help"`, then exit 255.
pub fn incomplete_command() -> Stop {
    print_err("Command line is not complete. Try option \"help\"\n");
    Stop(255)
}

/// `Error: argument "VALUE" is wrong: WHY`, then exit 255. (`ip` keeps a newline some of
/// its reasons carry, which then ends in an empty line; so does this.)
pub fn invarg(why: &str, value: &str) -> Stop {
    print_err(format!("Error: argument \"{value}\" is wrong: {why}\n"));
    Stop(255)
}

/// `Error: duplicate "KEY": "VALUE" is the second value.`, then exit 255.
pub fn duparg(key: &str, value: &str) -> Stop {
    print_err(format!(
        "Error: duplicate \"{key}\": \"{value}\" is the second value.\n"
    ));
    Stop(255)
}

/// `Error: either "KEY" is duplicate, or "VALUE" is a garbage.`, then exit 255.
pub fn duparg2(key: &str, value: &str) -> Stop {
    print_err(format!(
        "Error: either \"{key}\" is duplicate, or \"{value}\" is a garbage.\n"
    ));
    Stop(255)
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
pub fn valid_ifname(name: &str) -> bool {
    !name.is_empty()
        && name.len() < 16
        && !name
            .bytes()
            .any(|b| b == b'/' || matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
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
        assert!(valid_ifname("eth0.100"));
        assert!(!valid_ifname(""));
        assert!(!valid_ifname("a/b"));
        assert!(!valid_ifname("a b"));
        assert!(!valid_ifname("sixteen-chars-xx"));
    }
}
