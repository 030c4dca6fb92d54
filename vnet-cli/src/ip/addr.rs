//! `ip address add | delete`: addresses on links.

use std::net::IpAddr;

use ipnetwork::IpNetwork;
use vnet_core::{Family, IfName, LinkRef};

use super::args::{
    Words, duparg2, family_name, get_unsigned, matches, unknown_command, unsupported,
};
use super::{Session, Status, Stop, kernel_error, usage};
use crate::print_err;

/// `ip address VERB ...`.
pub(super) fn run(session: &mut Session, words: &mut Words<'_>) -> Status {
    let Some(verb) = words.take() else {
        return super::show::run(session, words, super::show::Listing::Addresses);
    };
    // In iproute2's order: the first verb a word abbreviates wins.
    let delete = if matches(verb, "add") {
        false
    } else if matches(verb, "change") || verb == "chg" || matches(verb, "replace") {
        return Err(unsupported(&format!("\"ip address {verb}\"")));
    } else if matches(verb, "delete") {
        true
    } else if matches(verb, "list") || matches(verb, "show") || matches(verb, "lst") {
        return super::show::run(session, words, super::show::Listing::Addresses);
    } else if ["flush", "save", "showdump", "restore", "help"]
        .iter()
        .any(|known| matches(verb, known))
    {
        return Err(unsupported(&format!("\"ip address {verb}\"")));
    } else {
        return Err(unknown_command(verb, "address"));
    };
    let family = session.family;
    let mut local: Option<IpNetwork> = None;
    let mut dev: Option<&str> = None;
    while let Some(word) = words.take() {
        match word {
            "dev" => dev = Some(words.value()?),
            "peer" | "remote" | "anycast" | "scope" | "label" | "brd" => {
                return Err(unsupported(&format!("\"{word}\" in ip address")));
            }
            _ if [
                "broadcast",
                "metric",
                "priority",
                "preference",
                "valid_lft",
                "preferred_lft",
            ]
            .iter()
            .any(|known| matches(word, known)) =>
            {
                return Err(unsupported(&format!("\"{word}\" in ip address")));
            }
            "home" | "nodad" | "optimistic" | "noprefixroute" | "mngtmpaddr" | "autojoin"
            | "secondary" | "temporary" | "tentative" | "deprecated" | "dadfailed"
            | "permanent" | "stable-privacy" => {
                return Err(unsupported(&format!("the address flag \"{word}\"")));
            }
            _ => {
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
                local = Some(prefix(value, family)?);
                if delete && local.is_some_and(|n| n.is_ipv4()) && !value.contains('/') {
                    return Err(unsupported(
                        "deleting an IPv4 address without its prefix length",
                    ));
                }
            }
        }
    }
    let Some(dev) = dev else {
        print_err("Not enough information: \"dev\" argument is required.\n");
        return Ok(1);
    };
    let Some(local) = local else {
        return Err(unsupported("an address command without an address"));
    };
    let handle = session.handle()?;
    let Some(link) = IfName::new(dev)
        .ok()
        .and_then(|n| handle.link().get(&n).ok())
    else {
        print_err(format!("Cannot find device \"{dev}\"\n"));
        return Ok(1);
    };
    let result = if delete {
        handle.addr().delete(LinkRef::Index(link.index), local)
    } else {
        handle.addr().add(LinkRef::Index(link.index), local)
    };
    match result {
        Ok(()) => Ok(0),
        Err(e) => {
            kernel_error(&e);
            Ok(2)
        }
    }
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
