//! `ip route add | delete`: routes through a gateway or a device.

use std::net::IpAddr;

use ipnetwork::IpNetwork;
use vnet_core::{Error, Family, IfName, LinkRef, Route};

use super::args::{
    Words, duparg2, family_name, get_unsigned, invarg, matches, parse_addr, unknown_command,
    unsupported,
};
use super::{Session, Status, Stop, kernel_error, usage};
use crate::print_err;

/// `ip route VERB ...`.
pub(super) fn run(session: &mut Session, words: &mut Words<'_>) -> Status {
    let Some(verb) = words.take() else {
        return Err(unsupported("\"ip route show\""));
    };
    let delete = if matches(verb, "add") {
        false
    } else if matches(verb, "delete") {
        true
    } else if [
        "change", "replace", "prepend", "append", "test", "show", "list", "flush", "get", "save",
        "restore", "showdump", "help",
    ]
    .iter()
    .any(|known| matches(verb, known))
    {
        return Err(unsupported(&format!("\"ip route {verb}\"")));
    } else {
        return Err(unknown_command(verb, "route"));
    };
    let mut family = session.family;
    let mut destination: Option<IpNetwork> = None;
    let mut gateway: Option<IpAddr> = None;
    let mut dev: Option<&str> = None;
    let mut metric: Option<u32> = None;
    let mut table: Option<u32> = None;
    while let Some(word) = words.take() {
        match word {
            "via" => {
                if gateway.is_some() {
                    return Err(invarg("use nexthop syntax to specify multiple via\n", word));
                }
                let value = words.value()?;
                if matches!(value, "inet" | "inet6" | "link" | "mpls" | "bridge") {
                    return Err(unsupported("a family word after \"via\""));
                }
                let addr = address(value, family)?;
                if family == Family::Any {
                    family = Family::of(addr);
                }
                gateway = Some(addr);
            }
            "dev" | "oif" => dev = Some(words.value()?),
            _ if matches(word, "table") => {
                let value = words.value()?;
                let id = match value {
                    "main" => Some(254),
                    "local" => Some(255),
                    "default" => Some(253),
                    other => get_unsigned(other, u32::MAX.into()).map(|t| t as u32),
                };
                table = Some(id.ok_or_else(|| invarg("\"table\" value is invalid\n", value))?);
            }
            _ if matches(word, "metric") || matches(word, "priority") || word == "preference" => {
                let value = words.value()?;
                metric = Some(
                    get_unsigned(value, u32::MAX.into())
                        .ok_or_else(|| invarg("\"metric\" value is invalid\n", value))?
                        as u32,
                );
            }
            "src" | "as" | "from" | "tos" | "encap" | "ttl-propagate" | "nexthop" | "nhid"
            | "onlink" | "mtu" | "advmss" | "hoplimit" | "window" | "rtt" | "rttvar" | "cwnd"
            | "initcwnd" | "initrwnd" | "features" | "quickack" | "congctl" | "scope" | "realm"
            | "realms" | "expires" | "pervasive" | "mss" | "ssthresh" | "rto_min"
            | "reordering" | "fastopen_no_cookie" => {
                return Err(unsupported(&format!("\"{word}\" in ip route")));
            }
            _ if ["dsfield", "protocol", "vrf", "pref", "lock"]
                .iter()
                .any(|k| matches(word, k)) =>
            {
                return Err(unsupported(&format!("\"{word}\" in ip route")));
            }
            _ => {
                let value = if word == "to" { words.value()? } else { word };
                if !value.starts_with(|c: char| c.is_ascii_digit())
                    && [
                        "unicast",
                        "local",
                        "broadcast",
                        "multicast",
                        "throw",
                        "unreachable",
                        "prohibit",
                        "blackhole",
                        "nat",
                        "anycast",
                        "xresolve",
                    ]
                    .contains(&value)
                {
                    return Err(unsupported(&format!("the route type \"{value}\"")));
                }
                if matches(value, "help") {
                    return Err(usage());
                }
                if destination.is_some() {
                    return Err(duparg2("to", value));
                }
                let net = if value == "default" {
                    let any: IpAddr = match family {
                        Family::Ipv6 => IpAddr::from([0u16; 8]),
                        _ => IpAddr::from([0u8; 4]),
                    };
                    IpNetwork::new(any, 0).expect("a /0 prefix")
                } else {
                    super::addr::prefix(value, family)?
                };
                if family == Family::Any && value != "default" {
                    family = Family::of(net.ip());
                }
                destination = Some(net);
            }
        }
    }
    let Some(mut destination) = destination else {
        return Err(usage());
    };
    // "default" before the gateway told the family: the gateway's family decides.
    if destination.prefix() == 0 && gateway.is_some_and(|g| g.is_ipv6()) {
        destination = IpNetwork::new(IpAddr::from([0u16; 8]), 0).expect("a /0 prefix");
    }
    let handle = session.handle()?;
    let mut route = Route::new(destination);
    if let Some(dev) = dev {
        let Some(link) = IfName::new(dev)
            .ok()
            .and_then(|n| handle.link().get(&n).ok())
        else {
            print_err(format!("Cannot find device \"{dev}\"\n"));
            return Ok(1);
        };
        route = route.dev(LinkRef::Index(link.index));
    }
    if let Some(gw) = gateway {
        route = route.via(gw);
    }
    if let Some(metric) = metric {
        route = route.metric(metric);
    }
    if let Some(table) = table {
        route = route.table(table);
    }
    let result = if delete {
        handle.route().delete(&route)
    } else {
        handle.route().add(&route)
    };
    match result {
        Ok(()) => Ok(0),
        Err(Error::InvalidInput {
            what: "route destination",
            ..
        }) => {
            print_err("Error: Invalid prefix for given prefix length.\n");
            Ok(2)
        }
        Err(Error::InvalidInput {
            what,
            value,
            reason,
        }) => Err(unsupported(&format!("{what} {value} ({reason})"))),
        Err(e) => {
            kernel_error(&e);
            Ok(2)
        }
    }
}

/// An address of `family` as `ip` reads one (`get_addr`); a bad one ends vip with
/// status 1, as it ends `ip`.
fn address(text: &str, family: Family) -> Result<IpAddr, Stop> {
    parse_addr(text, family).ok_or_else(|| {
        print_err(format!(
            "Error: {} address is expected rather than \"{text}\".\n",
            family_name(family)
        ));
        Stop(1)
    })
}
