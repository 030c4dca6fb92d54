//! `ip neigh`: neighbour (ARP/NDP) entries and proxy entries.

use std::ffi::OsStr;
use std::net::IpAddr;

use vnet_core::{Error, Family, LinkRef, Neighbour, NeighbourSpec, NeighbourState};

use super::args::{
    Words, duparg, duparg2, get_unsigned, invarg, matches, unknown_command, unsupported,
};
use super::out::Out;
use super::show::json_str;
use super::{Session, Status, Stop, kernel_error, usage};
use crate::print_err;

/// How an entry is written: the flags of `ip neigh add | change | replace | delete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Add,
    Change,
    Replace,
    Delete,
}

/// `ip neigh VERB ...`.
pub(super) fn run(session: &mut Session, words: &mut Words<'_>) -> Status {
    let Some(verb) = words.take() else {
        return show(session, words, false);
    };
    if matches(verb, "add") {
        modify(session, words, Write::Add)
    } else if matches(verb, "change") || verb == "chg" {
        modify(session, words, Write::Change)
    } else if matches(verb, "replace") {
        modify(session, words, Write::Replace)
    } else if matches(verb, "delete") {
        modify(session, words, Write::Delete)
    } else if matches(verb, "get") {
        Err(unsupported("\"ip neigh get\""))
    } else if matches(verb, "show") || matches(verb, "lst") || matches(verb, "list") {
        show(session, words, false)
    } else if matches(verb, "flush") {
        show(session, words, true)
    } else if matches(verb, "help") {
        Err(usage())
    } else {
        print_err(format!(
            "Command \"{verb}\" is unknown, try \"ip neigh help\".\n"
        ));
        let _ = unknown_command;
        Err(Stop(255))
    }
}

/// A neighbour state as `ip neigh` reads it (`nud_state_a2n`): a name, or one bit as a
/// number.
fn nud_state(word: &str) -> Option<NeighbourState> {
    Some(if matches(word, "permanent") {
        NeighbourState::PERMANENT
    } else if matches(word, "reachable") {
        NeighbourState::REACHABLE
    } else if word == "noarp" {
        NeighbourState::NOARP
    } else if word == "none" {
        NeighbourState::NONE
    } else if word == "stale" {
        NeighbourState::STALE
    } else if word == "incomplete" {
        NeighbourState::INCOMPLETE
    } else if word == "delay" {
        NeighbourState::DELAY
    } else if word == "probe" {
        NeighbourState::PROBE
    } else if matches(word, "failed") {
        NeighbourState::FAILED
    } else {
        let n = get_unsigned(word, u32::MAX.into())?;
        if n >= 0x100 || n & n.wrapping_sub(1) != 0 {
            return None;
        }
        NeighbourState::from_bits(n as u16)
    })
}

fn address(word: &str, family: Family) -> Result<IpAddr, Stop> {
    super::args::parse_addr(word, family).ok_or_else(|| {
        print_err(format!(
            "Error: {} address is expected rather than \"{word}\".\n",
            super::args::family_name(family)
        ));
        Stop(1)
    })
}

/// `ip neigh add|change|replace|delete [proxy] ADDR [lladdr MAC] [nud STATE] [router]
/// dev DEV`.
fn modify(session: &mut Session, words: &mut Words<'_>, how: Write) -> Status {
    let family = session.family;
    let mut lladdr: Option<&str> = None;
    let mut state = NeighbourState::PERMANENT;
    let mut dst: Option<IpAddr> = None;
    let mut proxy = false;
    let mut router = false;
    let mut dev: Option<&OsStr> = None;
    while let Some(word) = words.take() {
        if matches(word, "lladdr") {
            let value = words.value()?;
            if lladdr.is_some() {
                return Err(duparg("lladdr", value));
            }
            lladdr = Some(value);
        } else if word == "nud" {
            let value = words.value()?;
            state = nud_state(value).ok_or_else(|| invarg("nud state is bad", value))?;
        } else if matches(word, "proxy") {
            let value = words.value()?;
            if matches(value, "help") {
                return Err(usage());
            }
            if dst.is_some() {
                return Err(duparg("address", value));
            }
            dst = Some(address(value, family)?);
            proxy = true;
        } else if word == "router" {
            router = true;
        } else if word == "dev" {
            dev = Some(words.name()?);
        } else if word == "use"
            || word == "managed"
            || matches(word, "extern_learn")
            || matches(word, "protocol")
        {
            return Err(unsupported(&format!("\"{word}\" in ip neigh")));
        } else {
            let mut value = if word == "to" { words.value()? } else { word };
            if matches(value, "help") {
                value = words.value()?;
            }
            if dst.is_some() {
                return Err(duparg2("to", value));
            }
            dst = Some(address(value, family)?);
        }
    }
    let (Some(dst), Some(dev)) = (dst, dev) else {
        if proxy && dev.is_none() {
            return Err(unsupported("a proxy entry without \"dev\""));
        }
        print_err("Device and destination are required arguments.\n");
        return Err(Stop(255));
    };
    let mac = match lladdr {
        Some("null") | None => None,
        Some(text) => Some(super::link::lladdr(text)?),
    };
    let handle = session.handle()?;
    let link = match super::find_device(handle, dev) {
        Ok(index) => LinkRef::Index(index),
        Err(status) => return Ok(status),
    };
    let mut spec = if proxy {
        NeighbourSpec::proxy(link, dst)
    } else {
        NeighbourSpec::new(link, dst)
    };
    spec = spec.state(state);
    if let Some(mac) = mac {
        spec = spec.lladdr(mac);
    }
    if router {
        spec = spec.router();
    }
    let neigh = handle.neigh();
    let result = match how {
        Write::Add => neigh.add_entry(&spec),
        Write::Change => neigh.change_entry(&spec),
        Write::Replace => neigh.replace_entry(&spec),
        Write::Delete => neigh.delete_entry(&spec),
    };
    match result {
        Ok(()) => Ok(0),
        Err(e @ Error::Kernel { .. }) => {
            kernel_error(&e);
            Err(Stop(2))
        }
        Err(e) => {
            print_err(format!("vip: {e}\n"));
            Err(Stop(2))
        }
    }
}

/// `ip neigh show|flush [dev DEV] [nud STATE...] [proxy]`.
fn show(session: &mut Session, words: &mut Words<'_>, flush: bool) -> Status {
    let json = session.json;
    let family = session.family;
    let mut dev: Option<&OsStr> = None;
    let mut proxy = false;
    // The states shown: all but NOARP (and no state at all), unless `nud` says.
    let mut states: Option<u32> = None;
    if flush && words.is_empty() {
        print_err("Flush requires arguments.\n");
        return Ok(1);
    }
    while let Some(word) = words.take() {
        match word {
            "dev" => {
                let value = words.name()?;
                if dev.is_some() {
                    return Err(duparg("dev", value));
                }
                dev = Some(value);
            }
            "nud" => {
                let value = words.value()?;
                let mut bits = match nud_state(value) {
                    Some(s) => u32::from(s.bits()),
                    None if value == "all" => {
                        if flush {
                            !u32::from(NeighbourState::NOARP.bits())
                        } else {
                            !0
                        }
                    }
                    None => return Err(invarg("nud state is bad", value)),
                };
                if bits == 0 {
                    bits = 0x100;
                }
                states = Some(states.unwrap_or(0) | bits);
            }
            "proxy" => proxy = true,
            "master" | "vrf" | "nomaster" | "unused" => {
                return Err(unsupported(&format!("\"{word}\" in ip neigh show")));
            }
            _ if matches(word, "protocol") => {
                return Err(unsupported(&format!("\"{word}\" in ip neigh show")));
            }
            _ => {
                if matches(word, "help") {
                    return Err(usage());
                }
                return Err(unsupported(&format!("the prefix filter \"{word}\"")));
            }
        }
    }
    let default = if flush {
        !u32::from((NeighbourState::PERMANENT | NeighbourState::NOARP).bits())
    } else {
        0xff & !u32::from(NeighbourState::NOARP.bits())
    };
    let states = states.unwrap_or(default);
    let handle = session.handle()?;
    let index = match dev {
        None => None,
        Some(dev) => match super::find_device(handle, dev) {
            Ok(index) => Some(index),
            Err(status) => return Ok(status),
        },
    };
    let listed = if proxy {
        handle.neigh().list_proxy(Family::Any)
    } else {
        handle.neigh().list(Family::Any)
    };
    let entries = match listed {
        Ok(entries) => entries,
        Err(e) => {
            print_err(format!("vip: {e}\n"));
            return Ok(1);
        }
    };
    let shown: Vec<&Neighbour> = entries
        .iter()
        .filter(|n| Family::of(n.address) == family || family == Family::Any)
        .filter(|n| index.is_none_or(|i| n.index == i))
        .filter(|n| {
            let state = u32::from(n.state.bits());
            states & state != 0
                || n.proxy
                || n.externally_learned
                || (state == 0 && states & 0x100 != 0)
        })
        .collect();
    if flush {
        for n in shown {
            let mut spec = NeighbourSpec::new(LinkRef::Index(n.index), n.address);
            if n.proxy {
                spec = NeighbourSpec::proxy(LinkRef::Index(n.index), n.address);
            }
            // Entries the kernel dropped meanwhile are fine to miss.
            let _ = handle.neigh().delete_entry(&spec);
        }
        return Ok(0);
    }
    let names = super::link_names(handle);
    let mut out = Out::new();
    let mut objects = Vec::new();
    for n in shown {
        let mut o = Out::from(format!("{{\"dst\":\"{}\"", n.address));
        out += &format!("{} ", n.address);
        if index.is_none() && n.index != 0 {
            let name = super::name_of(&names, n.index);
            out += "dev ";
            out.name(&name);
            out += " ";
            o += ",\"dev\":";
            o.json_name(&name);
        }
        if let Some(mac) = n.mac {
            out += &format!("lladdr {mac} ");
            o += &format!(",\"lladdr\":\"{mac}\"");
        }
        for (on, word) in [
            (n.router, "router"),
            (n.proxy, "proxy"),
            (n.externally_learned, "extern_learn"),
        ] {
            if on {
                out += &format!("{word} ");
                o += &format!(",\"{word}\":null");
            }
        }
        if n.state != NeighbourState::NONE {
            for name in n.state.names() {
                out += &format!("{name} ");
            }
            let names: Vec<String> = n.state.names().iter().map(|s| json_str(s)).collect();
            o += &format!(",\"state\":[{}]", names.join(","));
        }
        if let Some(p) = n.protocol {
            out += &format!("proto {p} ");
            o += &format!(",\"protocol\":{}", json_str(&p.to_string()));
        }
        out.push('\n');
        o.push('}');
        objects.push(o);
    }
    if json {
        let mut array = Out::from("[");
        array.extend(&Out::join(&objects, ","));
        array.push_str("]\n");
        super::print_json(session.pretty, &array);
    } else {
        crate::print_out_bytes(out.as_bytes());
    }
    Ok(0)
}
