//! `ip link add | set | delete`: veth pairs and bridges, and the changes of `ip link
//! set`, read the way iproute2 reads them.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use vnet_core::{
    Bridge, BridgeOptions, Error, Handle, IfName, LinkChange, LinkRef, MacAddr, Mtu, Netns, Veth,
};

use super::args::{
    Words, cannot_find_device, duparg, duparg2, get_integer, get_unsigned, invarg, matches,
    unknown_command, unsupported, valid_ifname,
};
use super::{Session, Status, Stop, kernel_error, usage};
use crate::print_err;

/// What the command is for: the flags of `ip`'s request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Add,
    Set,
    Delete,
}

/// `ip link VERB ...`.
pub(super) fn run(session: &mut Session, words: &mut Words<'_>) -> Status {
    let Some(verb) = words.take() else {
        return super::show::run(session, words, super::show::Listing::Links);
    };
    let verb = if matches(verb, "add") {
        Verb::Add
    } else if matches(verb, "set") || matches(verb, "change") {
        Verb::Set
    } else if matches(verb, "replace") {
        return Err(unsupported("\"ip link replace\""));
    } else if matches(verb, "delete") {
        Verb::Delete
    } else if matches(verb, "show") || matches(verb, "lst") || matches(verb, "list") {
        return super::show::run(session, words, super::show::Listing::Links);
    } else if ["xstats", "afstats", "property", "help"]
        .iter()
        .any(|known| matches(verb, known))
    {
        return Err(unsupported(&format!("\"ip link {verb}\"")));
    } else {
        return Err(unknown_command(verb, "link"));
    };
    if session.parse_only {
        // The words up to `type`; the rest are read as the command acts.
        return parse(None, words, verb).map(|_| 0);
    }
    let handle = session.handle()?;
    let parsed = parse(Some(handle), words, verb)?;
    match verb {
        Verb::Add => add(handle, parsed, words),
        Verb::Set => set(handle, parsed, words),
        Verb::Delete => delete(handle, parsed, words),
    }
}

/// The common words of `ip link` (`iplink_parse`), up to `type`.
#[derive(Debug, Default)]
struct Parsed {
    /// Interface names as given (bytes).
    name: Option<OsString>,
    dev: Option<OsString>,
    up: Option<bool>,
    /// As given: the kernel judges the range, after everything else was read.
    mtu: Option<i32>,
    mac: Option<MacAddr>,
    master: Option<Option<u32>>,
    netns: Option<Netns>,
    group: Option<u32>,
    /// `link DEV`: the parent of a VLAN or macvlan.
    link: Option<OsString>,
    kind: Option<String>,
}

/// Without a handle (parsing only), `master` and `netns` are not looked up.
fn parse(handle: Option<&Handle>, words: &mut Words<'_>, verb: Verb) -> Result<Parsed, Stop> {
    let mut p = Parsed::default();
    // `ip` compares name and dev by pointer: "dev" is the name until a word sets it.
    let mut dev_is_name = true;
    while let Some(word) = words.take() {
        match word {
            "up" => p.up = Some(true),
            "down" => p.up = Some(false),
            "name" => {
                let value = words.name()?;
                if p.name.is_some() {
                    return Err(duparg("name", value));
                }
                if !valid_ifname(value) {
                    return Err(invarg("\"name\" not a valid ifname", value));
                }
                p.name = Some(value.to_os_string());
                if p.dev.is_none() {
                    dev_is_name = true;
                }
            }
            "mtu" => {
                let value = words.value()?;
                if p.mtu.is_some() {
                    return Err(duparg("mtu", value));
                }
                p.mtu = Some(
                    get_integer(value).ok_or_else(|| invarg("Invalid \"mtu\" value\n", value))?,
                );
            }
            "netns" => {
                let value = words.value()?;
                if p.netns.is_some() {
                    return Err(duparg("netns", value));
                }
                if handle.is_none() {
                    continue;
                }
                let opened = if value.contains('/') {
                    Netns::from_path(value)
                } else {
                    Netns::open(value)
                };
                p.netns = Some(match opened {
                    Ok(ns) => ns,
                    Err(_) if get_integer(value).is_some() => {
                        return Err(unsupported("\"netns PID\""));
                    }
                    Err(_) => return Err(invarg("Invalid \"netns\" value\n", value)),
                });
            }
            "group" => {
                let value = words.value()?;
                if p.group.is_some() {
                    return Err(duparg("group", value));
                }
                let group = match value {
                    "default" => Some(0),
                    other => get_integer(other).filter(|&g| g >= 0).map(|g| g as u32),
                };
                p.group = Some(group.ok_or_else(|| invarg("Invalid \"group\" value\n", value))?);
            }
            _ if matches(word, "address") => {
                let value = words.value()?;
                p.mac = Some(lladdr(value)?);
            }
            _ if matches(word, "master") => {
                let value = words.name()?;
                let Some(handle) = handle else {
                    continue;
                };
                let index = IfName::new(value)
                    .ok()
                    .and_then(|name| handle.link().get(&name).ok())
                    .map(|link| link.index)
                    .ok_or_else(|| invarg("Device does not exist\n", value))?;
                p.master = Some(Some(index));
            }
            _ if matches(word, "nomaster") => p.master = Some(None),
            _ if matches(word, "type") => {
                p.kind = Some(words.value()?.to_string());
                break;
            }
            "index" | "txqueuelen" | "qlen" | "xdp" | "xdpgeneric" | "xdpdrv" | "xdpoffload"
            | "multicast" | "allmulticast" | "promisc" | "trailers" | "arp" | "carrier" | "vf"
            | "vrf" | "mode" | "state" | "protodown" | "protodown_reason" | "gso_max_size"
            | "gso_max_segs" | "gro_max_size" | "parentdev" | "brd" => {
                return Err(unsupported(&format!("\"{word}\" in ip link")));
            }
            _ if matches(word, "link") => {
                p.link = Some(words.name()?.to_os_string());
            }
            _ if [
                "broadcast",
                "txqlen",
                "txqueuelen",
                "dynamic",
                "alias",
                "numtxqueues",
                "numrxqueues",
                "addrgenmode",
                "link-netns",
                "link-netnsid",
            ]
            .iter()
            .any(|known| matches(word, known)) =>
            {
                return Err(unsupported(&format!("\"{word}\" in ip link")));
            }
            _ => {
                if matches(word, "help") {
                    return Err(usage());
                }
                let value = if word == "dev" {
                    words.name()?
                } else {
                    words.taken_raw()
                };
                if !dev_is_name {
                    return Err(duparg2("dev", value));
                }
                let bytes = value.as_bytes();
                if bytes.is_empty()
                    || bytes.iter().any(|&b| {
                        b == b'/' || matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
                    })
                {
                    return Err(invarg("\"dev\" not a valid ifname", value));
                }
                p.dev = Some(value.to_os_string());
                dev_is_name = false;
            }
        }
    }
    // `ip link add dev X` and `ip link add name X` are the same.
    match (&p.name, &p.dev) {
        (None, Some(dev)) => p.name = Some(dev.clone()),
        (Some(name), None) => p.dev = Some(name.clone()),
        _ => {}
    }
    if p.group.is_some() && p.dev.is_none() {
        if words.take().is_some() {
            let word = words.taken_raw().as_bytes();
            print_err(
                [
                    b"Garbage instead of arguments \"",
                    word,
                    b" ...\". Try \"ip link help\".\n",
                ]
                .concat(),
            );
            return Err(Stop(255));
        }
        if verb == Verb::Add {
            print_err("group cannot be used when creating devices.\n");
            return Err(Stop(255));
        }
        p.kind = None;
        return Ok(p);
    }
    if verb != Verb::Add {
        if p.dev.is_none() {
            print_err("Not enough information: \"dev\" argument is required.\n");
            return Err(Stop(255));
        }
    } else if p.name != p.dev {
        print_err("both \"name\" and \"dev\" cannot be used when creating devices.\n");
        return Err(Stop(255));
    }
    Ok(p)
}

/// A link-layer address as `ip` reads one: hexadecimal bytes separated by colons.
pub(super) fn lladdr(text: &str) -> Result<MacAddr, Stop> {
    let invalid = |part: &str| {
        print_err(format!("\"{part}\" is invalid lladdr.\n"));
        Stop(1)
    };
    if text.contains('.') {
        return Err(unsupported("an IPv4 link-layer address"));
    }
    let mut bytes = Vec::new();
    for part in text.split(':') {
        let digits = part.trim_start();
        let digits = digits
            .strip_prefix("0x")
            .or(digits.strip_prefix("0X"))
            .unwrap_or(digits);
        let end = digits
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(digits.len());
        let value = u32::from_str_radix(&digits[..end], 16).map_err(|_| invalid(part))?;
        if value > 255 {
            return Err(invalid(part));
        }
        bytes.push(value as u8);
    }
    MacAddr::from_slice(&bytes)
        .ok_or_else(|| unsupported(&format!("the {}-byte address \"{text}\"", bytes.len())))
}

/// The MTU as vnet's type; outside what an Ethernet device takes (68 to 65535), the
/// kernel's own answer (its extended ACK), and status 2, as `ip` gets it.
fn mtu(value: Option<i32>) -> Result<Option<Mtu>, u8> {
    let Some(value) = value else {
        return Ok(None);
    };
    // The kernel reads the attribute as an unsigned 32-bit number.
    match Mtu::new(value as u32) {
        Ok(mtu) => Ok(Some(mtu)),
        Err(_) => {
            let side = if (value as u32) < 68 {
                "less than device minimum"
            } else {
                "greater than device maximum"
            };
            print_err(format!("Error: mtu {side}.\n"));
            Err(2)
        }
    }
}

/// An interface name `ip` accepted, as vnet's type.
fn ifname(name: &OsStr) -> Result<IfName, Stop> {
    IfName::new(name).map_err(|e| {
        let name = name.to_string_lossy();
        unsupported(&format!("the name \"{name}\" ({e})"))
    })
}

/// What a kernel refusal (or vnet's own, for values the kernel would refuse the same
/// way) looks like from `ip`: its message, and status 2.
fn refused(e: &Error) -> Status {
    match e {
        Error::InvalidInput {
            what: "MAC address",
            ..
        } => {
            print_err("RTNETLINK answers: Cannot assign requested address\n");
        }
        Error::Kernel { .. } => kernel_error(e),
        Error::NotFound {
            what: "link", name, ..
        } => {
            cannot_find_device(OsStr::new(name));
            return Ok(1);
        }
        other => print_err(format!("vip: {other}\n")),
    }
    Ok(2)
}

/// Applies the common options of `ip link add` (MTU, address, master, up, group, netns)
/// to a spec of any kind; a kernel-refused MTU ends the command with its status.
macro_rules! with_common {
    ($spec:expr, $p:expr) => {{
        let mut spec = $spec;
        match mtu($p.mtu) {
            Ok(Some(mtu)) => spec = spec.mtu(mtu),
            Ok(None) => {}
            Err(status) => return Ok(status),
        }
        if let Some(mac) = $p.mac {
            spec = spec.mac(mac);
        }
        if let Some(Some(master)) = $p.master {
            spec = spec.master(master);
        }
        if $p.up == Some(true) {
            spec = spec.up();
        }
        if let Some(group) = $p.group {
            spec = spec.group(group);
        }
        if let Some(ns) = &$p.netns {
            spec = spec.netns(ns);
        }
        spec
    }};
}

/// `ip link add NAME ... type KIND [OPTIONS]` for veth, bridge, vxlan, macvlan and vlan.
fn add(handle: &Handle, p: Parsed, words: &mut Words<'_>) -> Status {
    // `link DEV` is looked up first, as `ip` looks it up.
    let link = match &p.link {
        None => None,
        Some(dev) => match super::find_device(handle, dev) {
            Ok(index) => Some(index),
            Err(status) => return Ok(status),
        },
    };
    let Some(kind) = p.kind.clone() else {
        print_err("Not enough information: \"type\" argument is required\n");
        return Ok(1);
    };
    let name = ifname(p.name.as_deref().expect("add has a name"))?;
    let result = match kind.as_str() {
        "veth" => match veth(handle, &p, name, words)? {
            Ok(spec) => handle.link().add(&spec),
            Err(status) => return Ok(status),
        },
        "bridge" => {
            let spec = with_common!(Bridge::new(name).options(bridge_options(words)?), p);
            handle.link().add(&spec)
        }
        "vxlan" => match super::link_kinds::vxlan(handle, name, words)? {
            Ok(spec) => handle.link().add(&with_common!(spec, p)),
            Err(status) => return Ok(status),
        },
        "macvlan" => match super::link_kinds::macvlan(name, link, words)? {
            Ok(spec) => handle.link().add(&with_common!(spec, p)),
            Err(status) => return Ok(status),
        },
        "vlan" => match super::link_kinds::vlan(name, link, words)? {
            Ok(spec) => handle.link().add(&with_common!(spec, p)),
            Err(status) => return Ok(status),
        },
        other => return Err(unsupported(&format!("\"type {other}\""))),
    };
    match result {
        Ok(()) => Ok(0),
        Err(e) => refused(&e),
    }
}

/// The veth spec: the common options, then `peer [name] PEER [address] [mtu] [netns]`.
/// The inner error is a status `ip` would end with after the kernel refused the request.
fn veth(
    handle: &Handle,
    p: &Parsed,
    name: IfName,
    words: &mut Words<'_>,
) -> Result<Result<Veth, u8>, Stop> {
    match words.take() {
        Some("peer") => {}
        Some(_) => {
            crate::print_out(
                "Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n",
            );
            return Err(Stop(1));
        }
        None => {
            return Err(unsupported(
                "a veth without \"peer\" (a kernel-chosen peer name)",
            ));
        }
    }
    let peer = parse(Some(handle), words, Verb::Add)?;
    if let Some(kind) = &peer.kind {
        return Err(duparg("type", kind));
    }
    if peer.up.is_some() || peer.master.is_some() || peer.group.is_some() {
        return Err(unsupported(
            "\"up\", \"down\", \"master\" or \"group\" for a veth peer",
        ));
    }
    let peer_name = ifname(
        peer.name
            .as_deref()
            .ok_or_else(|| unsupported("a veth peer without a name"))?,
    )?;
    let mut spec = Veth::new(name, peer_name);
    match mtu(p.mtu) {
        Ok(Some(mtu)) => spec = spec.mtu(mtu),
        Ok(None) => {}
        Err(status) => return Ok(Err(status)),
    }
    if let Some(mac) = p.mac {
        spec = spec.mac(mac);
    }
    if let Some(Some(master)) = p.master {
        spec = spec.master(master);
    }
    if p.up == Some(true) {
        spec = spec.up();
    }
    if let Some(group) = p.group {
        spec = spec.group(group);
    }
    if let Some(ns) = &p.netns {
        spec = spec.netns(ns);
    }
    match mtu(peer.mtu) {
        Ok(Some(mtu)) => spec = spec.peer_mtu(mtu),
        Ok(None) => {}
        Err(status) => return Ok(Err(status)),
    }
    if let Some(mac) = peer.mac {
        spec = spec.peer_mac(mac);
    }
    if let Some(ns) = &peer.netns {
        spec = spec.peer_netns(ns);
    }
    Ok(Ok(spec))
}

/// The options of `type bridge` that vnet sets (`forward_delay`, `hello_time`,
/// `max_age`, `ageing_time`, `stp_state`, `priority`, `vlan_filtering`,
/// `vlan_default_pvid`).
fn bridge_options(words: &mut Words<'_>) -> Result<BridgeOptions, Stop> {
    let mut o = BridgeOptions::default();
    while let Some(word) = words.take() {
        let number = |words: &mut Words<'_>, what: &str, max: u64| -> Result<u64, Stop> {
            let value = words.value()?;
            get_unsigned(value, max).ok_or_else(|| invarg(&format!("invalid {what}"), value))
        };
        if matches(word, "forward_delay") {
            o.forward_delay = Some(number(words, "forward_delay", u32::MAX.into())? as u32);
        } else if matches(word, "hello_time") {
            o.hello_time = Some(number(words, "hello_time", u32::MAX.into())? as u32);
        } else if matches(word, "max_age") {
            o.max_age = Some(number(words, "max_age", u32::MAX.into())? as u32);
        } else if matches(word, "ageing_time") {
            o.ageing_time = Some(number(words, "ageing_time", u32::MAX.into())? as u32);
        } else if matches(word, "stp_state") {
            let value = number(words, "stp_state", u32::MAX.into())?;
            if value > 1 {
                return Err(unsupported(&format!("\"stp_state {value}\"")));
            }
            o.stp = Some(value == 1);
        } else if matches(word, "priority") {
            o.priority = Some(number(words, "priority", u16::MAX.into())? as u16);
        } else if matches(word, "vlan_filtering") {
            o.vlan_filtering = Some(number(words, "vlan_filtering", u8::MAX.into())? != 0);
        } else if matches(word, "vlan_default_pvid") {
            o.default_pvid = Some(number(words, "vlan_default_pvid", u16::MAX.into())? as u16);
        } else if matches(word, "help") {
            return Err(unsupported("\"ip link add type bridge help\""));
        } else {
            return Err(unsupported(&format!("the bridge option \"{word}\"")));
        }
    }
    Ok(o)
}

/// `ip link set DEV ...`, or `ip link set group N ...`.
fn set(handle: &Handle, p: Parsed, words: &mut Words<'_>) -> Status {
    if p.kind.is_some() || !words.is_empty() {
        return Err(unsupported("\"type\" in ip link set"));
    }
    let Some(dev) = &p.dev else {
        return Err(unsupported("\"ip link set group N\""));
    };
    let index = match super::find_device(handle, dev) {
        Ok(index) => index,
        Err(status) => return Ok(status),
    };
    let mut change = LinkChange::new();
    match p.up {
        Some(true) => change = change.up(),
        Some(false) => change = change.down(),
        None => {}
    }
    match p.master {
        Some(Some(master)) => change = change.master(master),
        Some(None) => change = change.no_master(),
        None => {}
    }
    match mtu(p.mtu) {
        Ok(Some(mtu)) => change = change.mtu(mtu),
        Ok(None) => {}
        Err(status) => return Ok(status),
    }
    if let Some(mac) = p.mac {
        change = change.mac(mac);
    }
    if let Some(group) = p.group {
        change = change.group(group);
    }
    if let Some(ns) = &p.netns {
        change = change.netns(ns);
    }
    if let Some(name) = &p.name
        && name != dev
    {
        change = change.name(ifname(name)?);
    }
    match handle.link().set(LinkRef::Index(index), &change) {
        Ok(()) => Ok(0),
        Err(e) => refused(&e),
    }
}

/// `ip link delete DEV` or `ip link delete group N`.
fn delete(handle: &Handle, p: Parsed, words: &mut Words<'_>) -> Status {
    if p.kind.is_some() || !words.is_empty() {
        return Err(unsupported("\"type\" in ip link delete"));
    }
    let result = match (&p.dev, p.group) {
        (Some(dev), _) => match super::find_device(handle, dev) {
            Ok(index) => handle.link().delete(LinkRef::Index(index)),
            Err(status) => return Ok(status),
        },
        (None, Some(0)) => return Err(unsupported("deleting group 0 (every device's group)")),
        (None, Some(group)) => handle.link().delete_group(group),
        (None, None) => unreachable!("parse requires dev or group"),
    };
    match result {
        Ok(()) => Ok(0),
        Err(e) => refused(&e),
    }
}
