//! Small value types that validate on construction.
//!
//! Raw user input (a name, a number, a MAC) becomes one of these at the edge, so nothing
//! deeper in vnet has to check it again, and bad input fails before any syscall with a
//! message that names the value.

use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A Linux network interface name: bytes, as the kernel takes them.
///
/// 1 to 15 bytes, no '/', ':', whitespace or NUL, not "." or "..", and '%' only in one
/// `%d` (a template such as `tap%d`, which the kernel completes with the first free
/// number). These are the kernel's own rules (`dev_valid_name()` and `dev_alloc_name()`
/// in `net/core/dev.c`); the kernel's whitespace also includes the byte 0xA0 (Latin-1
/// no-break space), which appears inside some UTF-8 characters. A name need not be UTF-8:
/// `br\xfe` is a valid name, and vnet passes it to the kernel unchanged.
///
/// `all` and `default` are refused too: they name the namespace-wide switches
/// `/proc/sys/net/*/conf/all` and `conf/default`, not a device, and the kernel refuses
/// to create a device with either name (`EINVAL`).
///
/// `Display` prints the name lossily (a byte that is not UTF-8 becomes U+FFFD); use
/// [`IfName::as_bytes`] or [`IfName::as_os_str`] to print it exactly.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IfName(Vec<u8>);

impl IfName {
    /// The longest name the kernel accepts, in bytes (`IFNAMSIZ` - 1).
    pub const MAX_LEN: usize = 15;

    /// Validates `name` (a `&str`, `String`, `&OsStr`, `OsString`, `&Path`, ...) as an
    /// interface name.
    pub fn new(name: impl AsRef<OsStr>) -> Result<Self> {
        IfName::from_bytes(name.as_ref().as_bytes())
    }

    /// Validates the bytes `name` as an interface name.
    pub fn from_bytes(name: &[u8]) -> Result<Self> {
        match Self::refusal(name) {
            Some(reason) => Err(Error::invalid("interface name", escape_bytes(name), reason)),
            None => Ok(IfName(name.to_vec())),
        }
    }

    /// A name the kernel reported, taken as it is (the kernel checked it when the
    /// device got it).
    pub(crate) fn from_kernel(name: Vec<u8>) -> IfName {
        IfName(name)
    }

    /// Why the kernel would refuse `name` as a device name, or `None` when it is valid.
    fn refusal(name: &[u8]) -> Option<&'static str> {
        // The kernel's isspace(): \t \n \v \f \r, space, and 0xA0.
        let kernel_space = |b: &u8| matches!(b, 9..=13 | b' ' | 0xa0);
        let percent = name.iter().filter(|&&b| b == b'%').count();
        let template = name.windows(2).any(|w| w == b"%d");
        if name.is_empty() {
            Some("must not be empty")
        } else if name.len() > Self::MAX_LEN {
            Some("longer than 15 bytes")
        } else if name == b"." || name == b".." {
            Some("'.' and '..' are reserved")
        } else if name == b"all" || name == b"default" {
            Some(
                "'all' and 'default' name the namespace-wide switches conf/all and \
                 conf/default, not a device",
            )
        } else if name.contains(&b'/') {
            Some("must not contain '/'")
        } else if name.contains(&b':') {
            Some("must not contain ':'")
        } else if name.contains(&0) {
            Some("must not contain NUL")
        } else if name.iter().any(kernel_space) {
            Some("must not contain whitespace")
        } else if percent > 1 || (percent == 1 && !template) {
            Some("'%' may only appear once, as the template '%d'")
        } else {
            None
        }
    }

    /// The name's bytes, exactly as the kernel knows them.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The name as an `OsStr` (for paths, argv and printing it exactly).
    pub fn as_os_str(&self) -> &OsStr {
        OsStr::from_bytes(&self.0)
    }

    /// The name as a string slice, when it is UTF-8.
    pub fn to_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The name as text, with U+FFFD for each byte that is not UTF-8 (for messages;
    /// two names can print the same).
    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    /// True when the name is a template such as `tap%d` that the kernel completes.
    pub fn is_template(&self) -> bool {
        self.0.windows(2).any(|w| w == b"%d")
    }
}

/// `bytes` as text for a message: UTF-8 parts escaped as Rust escapes a string, every
/// other byte as `\xNN`, so two different names never print the same.
pub(crate) fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.extend(chunk.valid().escape_debug());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

impl FromStr for IfName {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        IfName::new(s)
    }
}

impl TryFrom<&str> for IfName {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        IfName::new(s)
    }
}

impl TryFrom<String> for IfName {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        IfName::new(s)
    }
}

impl TryFrom<&OsStr> for IfName {
    type Error = Error;
    fn try_from(s: &OsStr) -> Result<Self> {
        IfName::new(s)
    }
}

impl TryFrom<OsString> for IfName {
    type Error = Error;
    fn try_from(s: OsString) -> Result<Self> {
        IfName::new(s)
    }
}

impl AsRef<OsStr> for IfName {
    fn as_ref(&self) -> &OsStr {
        self.as_os_str()
    }
}

impl AsRef<[u8]> for IfName {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl PartialEq<str> for IfName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for IfName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl fmt::Display for IfName {
    /// The name, lossily: a byte that is not UTF-8 prints as U+FFFD.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.to_string_lossy())
    }
}

impl fmt::Debug for IfName {
    /// The name quoted, with every byte that is not UTF-8 as `\xNN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", escape_bytes(&self.0))
    }
}

/// An 802.1Q VLAN id, 1 to 4094 (0 and 4095 are reserved by the standard).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct VlanId(u16);

impl VlanId {
    /// Validates a VLAN id.
    pub fn new(id: u32) -> Result<Self> {
        if (1..=4094).contains(&id) {
            Ok(VlanId(id as u16))
        } else {
            Err(Error::invalid("VLAN id", id, "must be between 1 and 4094"))
        }
    }

    /// The id as a number.
    pub fn get(self) -> u16 {
        self.0
    }
}

impl FromStr for VlanId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let n: u32 = s
            .parse()
            .map_err(|_| Error::invalid("VLAN id", s, "not a number"))?;
        VlanId::new(n)
    }
}

impl fmt::Display for VlanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A VXLAN network identifier, below 2^24.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Vni(u32);

impl Vni {
    /// The largest VNI (2^24 - 1).
    pub const MAX: u32 = (1 << 24) - 1;

    /// Validates a VNI.
    pub fn new(vni: u32) -> Result<Self> {
        if vni <= Self::MAX {
            Ok(Vni(vni))
        } else {
            Err(Error::invalid("VNI", vni, "must be below 16777216 (2^24)"))
        }
    }

    /// The VNI as a number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl FromStr for Vni {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let n: u32 = s
            .parse()
            .map_err(|_| Error::invalid("VNI", s, "not a number"))?;
        Vni::new(n)
    }
}

impl fmt::Display for Vni {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A link MTU, 68 to 65535 bytes (68 is the IPv4 minimum; the kernel may narrow the range
/// further per device type and says so in its error).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Mtu(u32);

impl Mtu {
    /// Validates an MTU.
    pub fn new(mtu: u32) -> Result<Self> {
        if (68..=65535).contains(&mtu) {
            Ok(Mtu(mtu))
        } else {
            Err(Error::invalid("MTU", mtu, "must be between 68 and 65535"))
        }
    }

    /// The MTU in bytes.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl FromStr for Mtu {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let n: u32 = s
            .parse()
            .map_err(|_| Error::invalid("MTU", s, "not a number"))?;
        Mtu::new(n)
    }
}

impl fmt::Display for Mtu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An Ethernet MAC address.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// The all-zero address (used by VXLAN default fdb entries).
    pub const ZERO: MacAddr = MacAddr([0; 6]);
    /// The broadcast address.
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);

    /// The six bytes.
    pub fn octets(self) -> [u8; 6] {
        self.0
    }

    /// True for a multicast (and broadcast) address.
    pub fn is_multicast(self) -> bool {
        self.0[0] & 1 == 1
    }

    /// Builds an address from a byte slice of length 6 (as netlink carries it).
    pub fn from_slice(bytes: &[u8]) -> Option<MacAddr> {
        <[u8; 6]>::try_from(bytes).ok().map(MacAddr)
    }
}

impl FromStr for MacAddr {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = |reason: &str| Error::invalid("MAC address", s, reason);
        let parts: Vec<&str> = s.split([':', '-']).collect();
        if parts.len() != 6 {
            return Err(bad("expected six hex bytes separated by ':'"));
        }
        let mut out = [0u8; 6];
        for (byte, part) in out.iter_mut().zip(parts) {
            if part.is_empty() || part.len() > 2 {
                return Err(bad("each byte must be one or two hex digits"));
            }
            *byte = u8::from_str_radix(part, 16).map_err(|_| bad("not a hex number"))?;
        }
        Ok(MacAddr(out))
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5]
        )
    }
}

impl fmt::Debug for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// An address family, where a call chooses one: IPv4, IPv6, or both (`ip -4`, `ip -6`,
/// neither).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Family {
    /// IPv4 (`-4`, `inet`).
    Ipv4,
    /// IPv6 (`-6`, `inet6`).
    Ipv6,
    /// Both (`ip` without `-4` or `-6`).
    #[default]
    Any,
}

impl Family {
    /// The family of `ip`.
    pub fn of(ip: std::net::IpAddr) -> Family {
        match ip {
            std::net::IpAddr::V4(_) => Family::Ipv4,
            std::net::IpAddr::V6(_) => Family::Ipv6,
        }
    }

    /// True when `self` includes `family` (`Any` includes both).
    pub fn includes(self, family: Family) -> bool {
        self == Family::Any || self == family
    }

    /// The single families this one stands for: itself, or IPv4 then IPv6 for `Any`.
    pub fn each(self) -> &'static [Family] {
        match self {
            Family::Ipv4 => &[Family::Ipv4],
            Family::Ipv6 => &[Family::Ipv6],
            Family::Any => &[Family::Ipv4, Family::Ipv6],
        }
    }
}

impl fmt::Display for Family {
    /// The word `ip -f` takes: `inet`, `inet6`, or `any`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Family::Ipv4 => "inet",
            Family::Ipv6 => "inet6",
            Family::Any => "any",
        })
    }
}

/// The scope of an address or a route (`RT_SCOPE_*`): how far from this host it is
/// valid. Its `Display` is the word `ip` prints (`global`, `link`, `host`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `global` (`RT_SCOPE_UNIVERSE`, 0): valid everywhere.
    Global,
    /// `site` (200): valid inside the site (IPv6 only).
    Site,
    /// `link` (253): valid on the attached link only.
    Link,
    /// `host` (254): valid inside this host only.
    Host,
    /// `nowhere` (255): the destination does not exist.
    Nowhere,
    /// A number without a name; `ip` prints the number.
    Other(u8),
}

impl Scope {
    /// The kernel's number for this scope.
    pub fn number(self) -> u8 {
        match self {
            Scope::Global => 0,
            Scope::Site => 200,
            Scope::Link => 253,
            Scope::Host => 254,
            Scope::Nowhere => 255,
            Scope::Other(n) => n,
        }
    }

    /// The scope with the kernel's number `n`.
    pub fn from_number(n: u8) -> Scope {
        match n {
            0 => Scope::Global,
            200 => Scope::Site,
            253 => Scope::Link,
            254 => Scope::Host,
            255 => Scope::Nowhere,
            n => Scope::Other(n),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Global => f.write_str("global"),
            Scope::Site => f.write_str("site"),
            Scope::Link => f.write_str("link"),
            Scope::Host => f.write_str("host"),
            Scope::Nowhere => f.write_str("nowhere"),
            Scope::Other(n) => write!(f, "{n}"),
        }
    }
}

impl FromStr for Scope {
    type Err = Error;
    /// A scope name as `ip` takes it, or a number from 0 to 255.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "global" => Ok(Scope::Global),
            "site" => Ok(Scope::Site),
            "link" => Ok(Scope::Link),
            "host" => Ok(Scope::Host),
            "nowhere" => Ok(Scope::Nowhere),
            _ => s.parse::<u8>().map(Scope::from_number).map_err(|_| {
                Error::invalid(
                    "scope",
                    s,
                    "expected global, site, link, host, nowhere or a number from 0 to 255",
                )
            }),
        }
    }
}

/// Parses a CIDR such as `10.0.0.1/24` or `fd00::1/64`, naming the value on error and
/// saying what is wrong: not an address, a length that is not a number, or a length
/// longer than the address.
///
/// A bare address gets a host prefix (/32 or /128), as `ip addr add` does.
pub fn parse_cidr(s: &str) -> Result<ipnetwork::IpNetwork> {
    let invalid = |why: String| Error::invalid("address prefix", s, why);
    let (addr, len) = match s.split_once('/') {
        Some((addr, len)) => (addr, Some(len)),
        None => (s, None),
    };
    let addr: std::net::IpAddr = addr
        .parse()
        .map_err(|_| invalid(format!("'{addr}' is not an IPv4 or IPv6 address")))?;
    let (family, max) = match addr {
        std::net::IpAddr::V4(_) => ("IPv4", 32u8),
        std::net::IpAddr::V6(_) => ("IPv6", 128u8),
    };
    let len = match len {
        None => max,
        Some("") => return Err(invalid("no prefix length after '/'".into())),
        Some(len) if len.bytes().all(|b| b.is_ascii_digit()) => match len.parse::<u32>() {
            Ok(n) if n <= u32::from(max) => n as u8,
            _ => {
                return Err(invalid(format!(
                    "prefix length {len} is longer than {max}, the length of an {family} address"
                )));
            }
        },
        Some(len) => {
            return Err(invalid(format!(
                "prefix length '{len}' is not a number (0 to {max})"
            )));
        }
    };
    ipnetwork::IpNetwork::new(addr, len).map_err(|e| invalid(e.to_string()))
}

/// Who installed a route or a neighbour entry (`RTPROT_*`, `rtm_protocol`). Its `Display` is the word `ip
/// route` prints after `proto`, from Debian's `/etc/iproute2/rt_protos`; a number
/// without a name prints as the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RouteProtocol(pub u8);

impl RouteProtocol {
    /// `unspec` (0).
    pub const UNSPEC: RouteProtocol = RouteProtocol(0);
    /// `redirect` (1): an ICMP redirect.
    pub const REDIRECT: RouteProtocol = RouteProtocol(1);
    /// `kernel` (2): the kernel's own (prefix routes of addresses).
    pub const KERNEL: RouteProtocol = RouteProtocol(2);
    /// `boot` (3): added by hand or at boot (`ip route add`'s default).
    pub const BOOT: RouteProtocol = RouteProtocol(3);
    /// `static` (4): added by an administrator, not to be replaced by daemons.
    pub const STATIC: RouteProtocol = RouteProtocol(4);
    /// `dhcp` (16).
    pub const DHCP: RouteProtocol = RouteProtocol(16);

    /// The names `ip` knows, by number (iproute2 6.1's `rt_protos`).
    const NAMES: [(u8, &'static str); 22] = [
        (0, "unspec"),
        (1, "redirect"),
        (2, "kernel"),
        (3, "boot"),
        (4, "static"),
        (8, "gated"),
        (9, "ra"),
        (10, "mrt"),
        (11, "zebra"),
        (12, "bird"),
        (13, "dnrouted"),
        (14, "xorp"),
        (15, "ntk"),
        (16, "dhcp"),
        (18, "keepalived"),
        (42, "babel"),
        (99, "openr"),
        (186, "bgp"),
        (187, "isis"),
        (188, "ospf"),
        (189, "rip"),
        (192, "eigrp"),
    ];

    /// The protocol's name, if `ip` knows one.
    pub fn name(self) -> Option<&'static str> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == self.0)
            .map(|(_, name)| *name)
    }
}

impl fmt::Display for RouteProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "{}", self.0),
        }
    }
}

impl FromStr for RouteProtocol {
    type Err = Error;
    /// A protocol name `ip` knows, or a number from 0 to 255.
    fn from_str(s: &str) -> Result<Self> {
        if let Some((n, _)) = Self::NAMES.iter().find(|(_, name)| *name == s) {
            return Ok(RouteProtocol(*n));
        }
        s.parse::<u8>().map(RouteProtocol).map_err(|_| {
            Error::invalid(
                "route protocol",
                s,
                "not a protocol name or a number from 0 to 255",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_scopes() {
        assert_eq!(Family::of("10.0.0.1".parse().unwrap()), Family::Ipv4);
        assert_eq!(Family::of("::1".parse().unwrap()), Family::Ipv6);
        assert_eq!(Family::Any.each(), [Family::Ipv4, Family::Ipv6]);
        assert!(Family::Any.includes(Family::Ipv6) && !Family::Ipv4.includes(Family::Ipv6));
        for (n, word) in [
            (0, "global"),
            (200, "site"),
            (253, "link"),
            (254, "host"),
            (255, "nowhere"),
            (7, "7"),
        ] {
            let scope = Scope::from_number(n);
            assert_eq!(scope.to_string(), word);
            assert_eq!(scope.number(), n);
            assert_eq!(word.parse::<Scope>().unwrap(), scope);
        }
        let e = "galaxy".parse::<Scope>().unwrap_err();
        assert!(e.to_string().starts_with("invalid scope 'galaxy': "), "{e}");
    }

    #[test]
    fn ifname_rules() {
        assert!(IfName::new("eth0").is_ok());
        assert!(IfName::new("eth0.100").is_ok());
        assert!(IfName::new("a".repeat(15)).is_ok());
        for (bad, why) in [
            ("", "must not be empty"),
            ("abcdefghijklmnop", "longer than 15 bytes"),
            (".", "reserved"),
            ("..", "reserved"),
            ("a/b", "'/'"),
            ("a b", "whitespace"),
            ("a\0b", "NUL"),
            ("a:b", "':'"),
            ("a\tb", "whitespace"),
            ("caf\u{e0}", "whitespace"), // U+00E0 is C3 A0 in UTF-8
            ("tap%s", "'%'"),
            ("tap%d%d", "'%'"),
        ] {
            let e = IfName::new(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad:?}: {e}");
            assert!(e.starts_with("invalid interface name"), "{e}");
        }
        assert!(IfName::new("tap%d").unwrap().is_template());
    }

    /// A name is bytes: one that is not UTF-8 is valid, kept exactly, and printed
    /// lossily by `Display` but exactly by `Debug` and in errors.
    #[test]
    fn ifname_is_bytes() {
        let name = IfName::from_bytes(b"br\xfe").unwrap();
        assert_eq!(name.as_bytes(), b"br\xfe");
        assert_eq!(name.as_os_str(), OsStr::from_bytes(b"br\xfe"));
        assert_eq!(IfName::new(OsStr::from_bytes(b"br\xfe")).unwrap(), name);
        assert_eq!(name.to_str(), None);
        assert_eq!(name.to_string(), "br\u{fffd}");
        assert_eq!(name.to_string_lossy(), "br\u{fffd}");
        assert_eq!(format!("{name:?}"), r#""br\xfe""#);
        // Two names that print the same are still different names.
        assert_ne!(name, IfName::new("br\u{fffd}").unwrap());
        let utf8 = IfName::new("eth0").unwrap();
        assert_eq!(utf8.to_str(), Some("eth0"));
        assert_eq!(utf8, "eth0");
        let e = IfName::from_bytes(b"b r\xfe").unwrap_err().to_string();
        assert_eq!(
            e,
            r"invalid interface name 'b r\xfe': must not contain whitespace"
        );
        // 0xA0 alone is the kernel's whitespace even where it is not UTF-8.
        assert!(IfName::from_bytes(b"a\xa0").is_err());
        assert!(IfName::from_bytes(&[b'x'; 16]).is_err());
        assert!(IfName::from_bytes(&[0xfe; 15]).is_ok());
    }

    /// `all` and `default` name the namespace-wide sysctl switches, never one device.
    #[test]
    fn ifname_refuses_all_and_default() {
        for word in ["all", "default"] {
            let e = IfName::new(word).unwrap_err().to_string();
            assert_eq!(
                e,
                format!(
                    "invalid interface name '{word}': 'all' and 'default' name the \
                     namespace-wide switches conf/all and conf/default, not a device"
                )
            );
        }
        assert!(IfName::new("all0").is_ok() && IfName::new("Default").is_ok());
    }

    #[test]
    fn vlan_vni_mtu_ranges() {
        assert!(VlanId::new(0).is_err());
        assert_eq!(VlanId::new(1).unwrap().get(), 1);
        assert_eq!(VlanId::new(4094).unwrap().get(), 4094);
        assert!(VlanId::new(4095).is_err());
        assert!(
            "x".parse::<VlanId>()
                .unwrap_err()
                .to_string()
                .contains("'x'")
        );
        assert!(Vni::new(Vni::MAX).is_ok());
        assert!(Vni::new(1 << 24).is_err());
        assert!(Mtu::new(67).is_err());
        assert!(Mtu::new(1500).is_ok());
        assert!(Mtu::new(65536).is_err());
    }

    #[test]
    fn mac_parse_and_print() {
        let m: MacAddr = "02:00:0A:00:00:01".parse().unwrap();
        assert_eq!(m.to_string(), "02:00:0a:00:00:01");
        assert!(!m.is_multicast());
        assert!(MacAddr::BROADCAST.is_multicast());
        assert!("02:00:0a:00:00".parse::<MacAddr>().is_err());
        assert!("02:00:0a:00:00:zz".parse::<MacAddr>().is_err());
        assert!("02:00:0a:00:00:123".parse::<MacAddr>().is_err());
    }

    #[test]
    fn cidr_parse() {
        for (bad, why) in [
            (
                "10.0.0.0/33",
                "prefix length 33 is longer than 32, the length of an IPv4 address",
            ),
            (
                "fd00::/129",
                "prefix length 129 is longer than 128, the length of an IPv6 address",
            ),
            ("10.0.0.0/", "no prefix length after '/'"),
            ("10.0.0.0/x", "prefix length 'x' is not a number (0 to 32)"),
            ("10.0.0/8", "'10.0.0' is not an IPv4 or IPv6 address"),
        ] {
            assert_eq!(
                parse_cidr(bad).unwrap_err().to_string(),
                format!("invalid address prefix '{bad}': {why}")
            );
        }
        assert_eq!(parse_cidr("fd00::1").unwrap().prefix(), 128);
        assert_eq!(parse_cidr("10.0.0.1/24").unwrap().prefix(), 24);
        assert_eq!(parse_cidr("10.0.0.1").unwrap().prefix(), 32);
        assert!(
            parse_cidr("10.0.0.1/33")
                .unwrap_err()
                .to_string()
                .contains("10.0.0.1/33")
        );
    }
}
