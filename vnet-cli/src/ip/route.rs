//! `ip route add | delete`: routes through a gateway or a device.

use std::ffi::OsStr;
use std::net::IpAddr;

use ipnetwork::IpNetwork;
use vnet_core::{Error, Family, LinkRef, Route, RouteProtocol, RouteWrite, Scope};

use super::args::{
    Words, duparg2, family_name, get_unsigned, invarg, matches, parse_addr, unknown_command,
    unsupported,
};
use super::out::Out;
use super::{Session, Status, Stop, kernel_error, usage};
use crate::print_err;

/// `ip route VERB ...`.
pub(super) fn run(session: &mut Session, words: &mut Words<'_>) -> Status {
    let Some(verb) = words.take() else {
        return show(session, words, false);
    };
    // In iproute2's order: the first verb a word abbreviates wins. `None` deletes.
    let how = if matches(verb, "add") {
        Some(RouteWrite::Add)
    } else if matches(verb, "change") || verb == "chg" {
        Some(RouteWrite::Change)
    } else if matches(verb, "replace") {
        Some(RouteWrite::Replace)
    } else if matches(verb, "prepend") {
        Some(RouteWrite::Prepend)
    } else if matches(verb, "append") {
        Some(RouteWrite::Append)
    } else if matches(verb, "test") {
        Some(RouteWrite::Test)
    } else if matches(verb, "delete") {
        None
    } else if matches(verb, "list") || matches(verb, "show") || matches(verb, "lst") {
        return show(session, words, false);
    } else if matches(verb, "get") {
        return get(session, words);
    } else if matches(verb, "flush") {
        return show(session, words, true);
    } else if ["save", "restore", "showdump", "help"]
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
    let mut dev: Option<&OsStr> = None;
    let mut metric: Option<u32> = None;
    let mut table: Option<u32> = None;
    let mut source: Option<IpAddr> = None;
    let mut scope: Option<Scope> = None;
    let mut protocol: Option<RouteProtocol> = None;
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
            "dev" | "oif" => dev = Some(words.name()?),
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
            "src" => {
                let value = words.value()?;
                let addr = address(value, family)?;
                if family == Family::Any {
                    family = Family::of(addr);
                }
                source = Some(addr);
            }
            "scope" => {
                let value = words.value()?;
                scope = Some(
                    value
                        .parse::<Scope>()
                        .map_err(|_| invarg("invalid \"scope\" value\n", value))?,
                );
            }
            _ if matches(word, "protocol") => {
                let value = words.value()?;
                protocol = Some(
                    value
                        .parse::<RouteProtocol>()
                        .map_err(|_| invarg("\"protocol\" value is invalid\n", value))?,
                );
            }
            "as" | "from" | "tos" | "encap" | "ttl-propagate" | "nexthop" | "nhid" | "onlink"
            | "mtu" | "advmss" | "hoplimit" | "window" | "rtt" | "rttvar" | "cwnd" | "initcwnd"
            | "initrwnd" | "features" | "quickack" | "congctl" | "realm" | "realms" | "expires"
            | "pervasive" | "mss" | "ssthresh" | "rto_min" | "reordering"
            | "fastopen_no_cookie" => {
                return Err(unsupported(&format!("\"{word}\" in ip route")));
            }
            _ if ["dsfield", "vrf", "pref", "lock"]
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
        let index = match super::find_device(handle, dev) {
            Ok(index) => index,
            Err(status) => return Ok(status),
        };
        route = route.dev(LinkRef::Index(index));
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
    if let Some(source) = source {
        route = route.source(source);
    }
    if let Some(scope) = scope {
        route = route.scope(scope);
    }
    if let Some(protocol) = protocol {
        route = route.protocol(protocol);
    }
    let result = match how {
        None => handle.route().delete(&route),
        Some(how) => handle.route().write(&route, how),
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

/// A table as `ip route` names it (`rtnl_rttable_n2a`).
fn table_name(table: u32) -> String {
    match table {
        253 => "default".to_string(),
        254 => "main".to_string(),
        255 => "local".to_string(),
        n => n.to_string(),
    }
}

/// `ip route show [table T|all] [dev DEV]`: the routes of one table (main by default;
/// IPv4 unless `-6`), in text or JSON, as iproute2 prints them; or, for `flush`, the
/// same routes deleted.
fn show(session: &mut Session, words: &mut Words<'_>, flush: bool) -> Status {
    if flush && words.is_empty() {
        print_err("\"ip route flush\" requires arguments.\n");
        return Ok(1);
    }
    let json = session.json;
    let mut family = session.family;
    // None: every table.
    let mut table: Option<u32> = Some(254);
    let mut dev: Option<&OsStr> = None;
    while let Some(word) = words.take() {
        if matches(word, "table") {
            let value = words.value()?;
            table = match value {
                "main" => Some(254),
                "local" => Some(255),
                "default" => Some(253),
                "all" => None,
                "help" => return Err(usage()),
                "cache" => return Err(unsupported("\"table cache\"")),
                other => Some(
                    get_unsigned(other, u32::MAX.into())
                        .ok_or_else(|| invarg("table id value is invalid\n", other))?
                        as u32,
                ),
            };
        } else if word == "dev" || word == "oif" {
            dev = Some(words.name()?);
        } else {
            return Err(unsupported(&format!("\"{word}\" in ip route show")));
        }
    }
    // One table and no family: IPv4, as ip lists it.
    if family == Family::Any && table.is_some() {
        family = Family::Ipv4;
    }
    let handle = session.handle()?;
    let oif = match dev {
        None => None,
        Some(dev) => match super::find_device(handle, dev) {
            Ok(index) => Some(index),
            Err(status) => return Ok(status),
        },
    };
    let routes = match handle.route().list_all_tables(family) {
        Ok(routes) => routes,
        Err(e) => {
            print_err(format!("vip: {e}\n"));
            return Ok(1);
        }
    };
    let names = super::link_names(handle);
    let name_of = |i: u32| super::name_of(&names, i);
    let selected = routes.iter().filter(|r| {
        !r.cloned && table.is_none_or(|t| r.table == t) && oif.is_none_or(|o| r.device == Some(o))
    });
    if flush {
        for r in selected {
            let mut route = Route::new(r.destination).table(r.table);
            if let Some(gw) = r.gateway {
                route = route.via(gw);
            }
            if let Some(d) = r.device {
                route = route.dev(LinkRef::Index(d));
            }
            if let Some(m) = r.metric {
                route = route.metric(m);
            }
            // A route the kernel removed meanwhile (with its device) is fine to miss.
            let _ = handle.route().delete(&route);
        }
        return Ok(0);
    }
    // `-d` prints the type, table, protocol and scope even where they are the default.
    let details = session.details;
    let mut text = Out::new();
    let mut objects = Vec::new();
    for r in selected {
        let mut t = Out::new();
        let mut o: Vec<Out> = Vec::new();
        if r.kind != vnet_core::RouteType::Unicast || details {
            t += &format!("{} ", r.kind);
            o.push(format!("\"type\":\"{}\"", r.kind).into());
        }
        let host = if r.destination.is_ipv4() { 32 } else { 128 };
        let dst = if r.destination.prefix() == 0 {
            "default".to_string()
        } else if r.destination.prefix() == host {
            r.destination.ip().to_string()
        } else {
            r.destination.to_string()
        };
        t += &format!("{dst} ");
        o.push(format!("\"dst\":\"{dst}\"").into());
        if r.tos != 0 {
            return Err(unsupported("a route with a TOS"));
        }
        if let Some(gw) = r.gateway {
            t += &format!("via {gw} ");
            o.push(format!("\"gateway\":\"{gw}\"").into());
        }
        if let Some(d) = r.device.filter(|_| oif.is_none()) {
            dev_member(&mut t, &mut o, &name_of(d));
        }
        if table.is_none() && (r.table != 254 || details) {
            t += &format!("table {} ", table_name(r.table));
            o.push(format!("\"table\":\"{}\"", table_name(r.table)).into());
        }
        if r.protocol != vnet_core::RouteProtocol::BOOT || details {
            t += &format!("proto {} ", r.protocol);
            o.push(format!("\"protocol\":\"{}\"", r.protocol).into());
        }
        if r.scope != vnet_core::Scope::Global || details {
            t += &format!("scope {} ", r.scope);
            o.push(format!("\"scope\":\"{}\"", r.scope).into());
        }
        if let Some(src) = r.source {
            t += &format!("src {src} ");
            o.push(format!("\"prefsrc\":\"{src}\"").into());
        }
        if let Some(m) = r.metric {
            t += &format!("metric {m} ");
            o.push(format!("\"metric\":{m}").into());
        }
        let flags = r.flags.names();
        for f in &flags {
            t += &format!("{f} ");
        }
        let flags: Vec<String> = flags.iter().map(|f| format!("\"{f}\"")).collect();
        o.push(format!("\"flags\":[{}]", flags.join(",")).into());
        if let Some(p) = r.preference {
            let word = match p {
                3 => "low".to_string(),
                0 => "medium".to_string(),
                1 => "high".to_string(),
                n => n.to_string(),
            };
            if matches!(p, 0 | 1 | 3) {
                t += &format!("pref {word}");
                o.push(format!("\"pref\":\"{word}\"").into());
            } else {
                t += word.as_str();
                o.push(format!("\"pref\":{word}").into());
            }
        }
        text.extend(&t);
        text.push('\n');
        objects.push(object(&o));
    }
    if json {
        let mut array = Out::from("[");
        array.extend(&Out::join(&objects, ","));
        array.push_str("]\n");
        super::print_json(session.pretty, &array);
    } else {
        crate::print_out_bytes(text.as_bytes());
    }
    Ok(0)
}

/// `ip route get ADDR [oif DEV]`: the route the kernel would use (IPv4), with its cache
/// flags, as iproute2 prints an answer of the route cache.
fn get(session: &mut Session, words: &mut Words<'_>) -> Status {
    let json = session.json;
    let family = session.family;
    let mut destination: Option<IpAddr> = None;
    let mut oif: Option<&OsStr> = None;
    while let Some(word) = words.take() {
        if matches(word, "oif") || word == "dev" {
            oif = Some(words.name()?);
        } else if [
            "tos",
            "from",
            "iif",
            "mark",
            "notify",
            "connected",
            "vrf",
            "uid",
            "fibmatch",
            "as",
            "sport",
            "dport",
            "ipproto",
        ]
        .iter()
        .any(|k| matches(word, k))
            || word == "dsfield"
        {
            return Err(unsupported(&format!("\"{word}\" in ip route get")));
        } else {
            let value = if word == "to" { words.value()? } else { word };
            if matches(value, "help") {
                return Err(usage());
            }
            let net = super::addr::prefix(value, family)?;
            if net.is_ipv6() {
                return Err(unsupported("\"ip route get\" of an IPv6 address"));
            }
            if net.prefix() != 32 {
                print_err(format!(
                    "Warning: /{} as prefix is invalid, only /32 (or none) is supported.\n",
                    net.prefix()
                ));
            }
            destination = Some(net.ip());
        }
    }
    let Some(destination) = destination else {
        return Err(usage());
    };
    let handle = session.handle()?;
    let oif = match oif {
        None => None,
        Some(dev) => match super::find_device(handle, dev) {
            Ok(index) => Some(LinkRef::Index(index)),
            Err(status) => return Ok(status),
        },
    };
    let r = match handle.route().get(destination, oif) {
        Ok(r) => r,
        Err(e) => {
            kernel_error(&e);
            return Ok(2);
        }
    };
    let names = super::link_names(handle);
    let name_of = |i: u32| super::name_of(&names, i);
    let details = session.details;
    let mut t = Out::new();
    let mut o: Vec<Out> = Vec::new();
    if r.kind != vnet_core::RouteType::Unicast || details {
        t += &format!("{} ", r.kind);
        o.push(format!("\"type\":\"{}\"", r.kind).into());
    }
    t += &format!("{} ", r.destination.ip());
    o.push(format!("\"dst\":\"{}\"", r.destination.ip()).into());
    if let Some(gw) = r.gateway {
        t += &format!("via {gw} ");
        o.push(format!("\"gateway\":\"{gw}\"").into());
    }
    if let Some(d) = r.device {
        dev_member(&mut t, &mut o, &name_of(d));
    }
    if r.table != 254 || details {
        t += &format!("table {} ", table_name(r.table));
        o.push(format!("\"table\":\"{}\"", table_name(r.table)).into());
    }
    if let Some(src) = r.source {
        t += &format!("src {src} ");
        o.push(format!("\"prefsrc\":\"{src}\"").into());
    }
    let flags = r.flags.names();
    for f in &flags {
        t += &format!("{f} ");
    }
    let quoted: Vec<String> = flags.iter().map(|f| format!("\"{f}\"")).collect();
    o.push(format!("\"flags\":[{}]", quoted.join(",")).into());
    if let Some(uid) = r.uid {
        t += &format!("uid {uid} ");
        o.push(format!("\"uid\":{uid}").into());
    }
    // The cache flags (`RTCF_*`, the high half of the route's flags), in ip's order.
    const CACHE: [(u32, &str); 13] = [
        (0x8000_0000, "local"),
        (0x4000_0000, "reject"),
        (0x2000_0000, "mc"),
        (0x1000_0000, "brd"),
        (0x0800_0000, "dst-nat"),
        (0x0080_0000, "src-nat"),
        (0x0040_0000, "masq"),
        (0x0400_0000, "dst-direct"),
        (0x0004_0000, "redirected"),
        (0x0100_0000, "redirect"),
        (0x0020_0000, "fastroute"),
        (0x0001_0000, "notify"),
        (0x0008_0000, "tproxy"),
    ];
    let mut rest = r.flags.0 & !0xffff;
    let mut words_set = Vec::new();
    for (bit, name) in CACHE {
        if rest & bit != 0 {
            rest &= !bit;
            words_set.push(name);
        }
    }
    t += "\n    cache ";
    if !words_set.is_empty() || rest != 0 {
        t += "<";
        t += &words_set.join(",");
        if rest != 0 {
            if !words_set.is_empty() {
                t += ",";
            }
            t += &format!("{rest:x}>");
        } else {
            t += "> ";
        }
    }
    let quoted: Vec<String> = words_set.iter().map(|f| format!("\"{f}\"")).collect();
    let mut cache = format!("\"cache\":[{}", quoted.join(","));
    if rest != 0 {
        cache += &format!(
            "{}\"cache_flags\":\"{rest:x}\"",
            if quoted.is_empty() { "" } else { "," }
        );
    }
    o.push((cache + "]").into());
    if json {
        let mut array = Out::from("[");
        array.extend(&object(&o));
        array.push_str("]\n");
        super::print_json(session.pretty, &array);
    } else {
        t.push('\n');
        crate::print_out_bytes(t.as_bytes());
    }
    Ok(0)
}

/// `dev NAME ` in the text of a route, and its `"dev"` member in JSON (the name as the
/// kernel has it).
fn dev_member(text: &mut Out, members: &mut Vec<Out>, name: &[u8]) {
    text.push_str("dev ");
    text.name(name);
    text.push(' ');
    let mut member = Out::from("\"dev\":");
    member.json_name(name);
    members.push(member);
}

/// A JSON object of `members`.
fn object(members: &[Out]) -> Out {
    let mut object = Out::from("{");
    object.extend(&Out::join(members, ","));
    object.push('}');
    object
}
