//! `ip address add | delete`: addresses on links.

use std::ffi::OsStr;
use std::net::IpAddr;
use std::os::unix::ffi::OsStrExt;

use ipnetwork::IpNetwork;
use vnet_core::{
    AddressFlags, AddressSpec, AddressWrite, Broadcast, Family, IfName, LinkRef, Scope,
};

use super::args::{
    Words, duparg, duparg2, family_name, get_unsigned, invarg, matches, unknown_command,
    unsupported,
};
use super::{Session, Status, Stop, kernel_error, usage};
use crate::print_err;

/// `ip address VERB ...`.
pub(super) fn run(session: &mut Session, words: &mut Words<'_>) -> Status {
    let Some(verb) = words.take() else {
        return super::show::run(session, words, super::show::Listing::Addresses);
    };
    // In iproute2's order: the first verb a word abbreviates wins. `None` deletes.
    let how = if matches(verb, "add") {
        Some(AddressWrite::Add)
    } else if matches(verb, "change") || verb == "chg" {
        Some(AddressWrite::Change)
    } else if matches(verb, "replace") {
        Some(AddressWrite::Replace)
    } else if matches(verb, "delete") {
        None
    } else if matches(verb, "list") || matches(verb, "show") || matches(verb, "lst") {
        return super::show::run(session, words, super::show::Listing::Addresses);
    } else if matches(verb, "flush") {
        return flush(session, words);
    } else if ["save", "showdump", "restore", "help"]
        .iter()
        .any(|known| matches(verb, known))
    {
        return Err(unsupported(&format!("\"ip address {verb}\"")));
    } else {
        return Err(unknown_command(verb, "address"));
    };
    // The family known so far: `-4`/`-6`, or that of the first address read.
    let mut family = session.family;
    let mut local: Option<IpNetwork> = None;
    let mut peer: Option<IpNetwork> = None;
    let mut broadcast: Option<Broadcast> = None;
    let mut scope: Option<Scope> = None;
    let mut label: Option<&str> = None;
    let mut metric: Option<u32> = None;
    let mut flags = AddressFlags(0);
    let mut dev: Option<&OsStr> = None;
    let mut with_prefix_length = true;
    while let Some(word) = words.take() {
        if word == "peer" || word == "remote" {
            let value = words.value()?;
            if peer.is_some() {
                return Err(duparg("peer", value));
            }
            let p = prefix(value, family)?;
            if family == Family::Any {
                family = Family::of(p.ip());
            }
            peer = Some(p);
        } else if matches(word, "broadcast") || word == "brd" {
            let value = words.value()?;
            if broadcast.is_some() {
                return Err(duparg("broadcast", value));
            }
            broadcast = Some(match value {
                "+" => Broadcast::AllOnes,
                "-" => Broadcast::AllZeros,
                other => match super::args::parse_addr(other, family) {
                    Some(IpAddr::V4(a)) => Broadcast::Address(a),
                    Some(IpAddr::V6(_)) => {
                        return Err(unsupported("an IPv6 broadcast address"));
                    }
                    None => {
                        print_err(format!(
                            "Error: {} address is expected rather than \"{other}\".\n",
                            family_name(family)
                        ));
                        return Err(Stop(1));
                    }
                },
            });
        } else if word == "anycast" {
            return Err(unsupported("\"anycast\" in ip address"));
        } else if word == "scope" {
            let value = words.value()?;
            scope = Some(
                value
                    .parse::<Scope>()
                    .map_err(|_| invarg("invalid scope value.", value))?,
            );
        } else if word == "dev" {
            dev = Some(words.name()?);
        } else if word == "label" {
            label = Some(words.value()?);
        } else if matches(word, "metric")
            || matches(word, "priority")
            || matches(word, "preference")
        {
            let value = words.value()?;
            metric = Some(
                get_unsigned(value, u32::MAX.into())
                    .ok_or_else(|| invarg("\"metric\" value is invalid\n", value))?
                    as u32,
            );
        } else if matches(word, "valid_lft") || matches(word, "preferred_lft") {
            return Err(unsupported(&format!("\"{word}\" in ip address")));
        } else if let Some((bit, readonly, v6only)) = flag(word) {
            if readonly {
                print_err(format!(
                    "Warning: {word} option is not mutable from userspace\n"
                ));
            } else if v6only && family != Family::Ipv6 {
                print_err(format!(
                    "Warning: {word} option can be set only for IPv6 addresses\n"
                ));
            } else {
                flags = AddressFlags(flags.0 | bit);
            }
        } else {
            let value = if word == "local" {
                words.value()?
            } else {
                word
            };
            if matches(value, "help") {
                return Err(usage());
            }
            if local.is_some() {
                return Err(duparg2("local", value));
            }
            let l = prefix(value, family)?;
            with_prefix_length = value.contains('/');
            if family == Family::Any {
                family = Family::of(l.ip());
            }
            local = Some(l);
        }
    }
    let Some(dev) = dev else {
        print_err("Not enough information: \"dev\" argument is required.\n");
        return Ok(1);
    };
    let Some(local) = local else {
        return Err(unsupported("an address command without an address"));
    };
    if how.is_none() && local.is_ipv4() && !with_prefix_length && peer.is_none() {
        return Err(unsupported(
            "deleting an IPv4 address without its prefix length",
        ));
    }
    if how.is_some()
        && matches!(broadcast, Some(Broadcast::AllOnes | Broadcast::AllZeros))
        && family != Family::Ipv4
    {
        print_err("Broadcast can be set only for IPv4 addresses\n");
        return Ok(1);
    }
    let handle = session.handle()?;
    let link = match super::find_device(handle, dev) {
        Ok(index) => LinkRef::Index(index),
        Err(status) => return Ok(status),
    };
    let result = match how {
        None => handle.addr().delete(link, local),
        Some(how) => {
            let mut spec = AddressSpec::new(local).flags(flags);
            if let Some(p) = peer {
                spec = spec.peer(p);
            }
            if let Some(b) = broadcast {
                spec = spec.broadcast(b);
            }
            if let Some(s) = scope {
                spec = spec.scope(s);
            }
            if let Some(l) = label {
                spec = spec.label(l);
            }
            if let Some(m) = metric {
                spec = spec.metric(m);
            }
            handle.addr().write(link, &spec, how)
        }
    };
    match result {
        Ok(()) => Ok(0),
        Err(e) => {
            kernel_error(&e);
            Ok(2)
        }
    }
}

/// An address flag `ip address` takes: its bit, whether it is read-only, whether only
/// IPv6 addresses have it.
fn flag(word: &str) -> Option<(u32, bool, bool)> {
    Some(match word {
        "secondary" | "temporary" => (0x01, true, false),
        "nodad" => (0x02, false, true),
        "optimistic" => (0x04, false, true),
        "dadfailed" => (0x08, true, true),
        "home" => (0x10, false, true),
        "deprecated" => (0x20, true, true),
        "tentative" => (0x40, true, true),
        "permanent" => (0x80, true, true),
        "mngtmpaddr" => (0x100, false, true),
        "noprefixroute" => (0x200, false, false),
        "autojoin" => (0x400, false, false),
        "stable-privacy" => (0x800, true, true),
        _ => return None,
    })
}

/// `ip address flush dev DEV`: every address of the link (of `-4`/`-6`'s family).
fn flush(session: &mut Session, words: &mut Words<'_>) -> Status {
    if words.is_empty() {
        print_err("Flush requires arguments.\n");
        return Ok(1);
    }
    if session.stats > 0 {
        // ip then reports each round of deletions; vip does not.
        return Err(unsupported("\"-s\" with ip address flush"));
    }
    let mut dev: Option<&OsStr> = None;
    while let Some(word) = words.take() {
        match word {
            "dev" => dev = Some(words.name()?),
            "to" | "scope" | "up" | "label" | "group" | "master" | "vrf" | "nomaster" | "type" => {
                return Err(unsupported(&format!("\"{word}\" in ip address flush")));
            }
            other if flag(other).is_some() || matches(other, "help") => {
                return Err(unsupported(&format!("\"{other}\" in ip address flush")));
            }
            _ => {
                if dev.is_some() {
                    return Err(duparg2("dev", words.taken_raw()));
                }
                dev = Some(words.taken_raw());
            }
        }
    }
    let Some(dev) = dev else {
        return Err(unsupported("\"ip address flush\" without a device"));
    };
    let family = session.family;
    let handle = session.handle()?;
    let Some(link) = IfName::new(dev)
        .ok()
        .and_then(|n| handle.link().get(&n).ok())
    else {
        print_err([b"Device \"", dev.as_bytes(), b"\" does not exist.\n"].concat());
        return Ok(1);
    };
    let addresses = match handle.addr().list(Some(LinkRef::Index(link.index))) {
        Ok(list) => list,
        Err(e) => {
            print_err(format!("vip: {e}\n"));
            return Ok(1);
        }
    };
    for a in addresses.iter().filter(|a| match family {
        Family::Any => true,
        Family::Ipv4 => a.network.is_ipv4(),
        Family::Ipv6 => a.network.is_ipv6(),
    }) {
        // Secondary IPv4 addresses can go with their primary: missing ones are fine.
        let _ = handle.addr().delete_entry(a);
    }
    Ok(0)
}

/// `ADDR[/PLEN]` of `family` as `ip` reads a prefix (`get_prefix`); a bad one ends vip
/// with status 1, as it ends `ip`.
pub(super) fn prefix(text: &str, family: Family) -> Result<IpNetwork, Stop> {
    let bad = || {
        print_err(format!(
            "Error: {} prefix is expected rather than \"{text}\".\n",
            family_name(family)
        ));
        Stop(1)
    };
    let (addr, plen) = match text.split_once('/') {
        Some((addr, plen)) => (addr, Some(plen)),
        None => (text, None),
    };
    if matches!(addr, "default" | "all" | "any") {
        return Err(unsupported(&format!("the prefix \"{text}\"")));
    }
    let ip: IpAddr = super::args::parse_addr(addr, family).ok_or_else(bad)?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let plen = match plen {
        Some(p) => get_unsigned(p, max).ok_or_else(bad)? as u8,
        None => max as u8,
    };
    IpNetwork::new(ip, plen).map_err(|_| bad())
}
