//! `ip link show` and `ip address show`: links, and links with their addresses, printed
//! as iproute2 6.1 prints them, in text or (`-j`) JSON.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;

use vnet_core::{Address, Family, Handle, IfName, Link, LinkType, Netns};

use super::args::{Words, duparg2, invarg, matches, unsupported};
use super::out::Out;
use super::{Session, Status, details, stats, usage};
use crate::print_err;

/// Which listing: `ip link show` (links only, with their mode) or `ip address show`
/// (links with their addresses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Listing {
    Links,
    Addresses,
}

/// The filters of `ip link show` / `ip address show`.
#[derive(Debug, Default)]
struct Filter<'a> {
    dev: Option<&'a OsStr>,
    up: bool,
    kind: Option<&'a str>,
    master: Option<u32>,
    group: Option<u32>,
}

/// `ip link show [dev] DEV [up] [type KIND] [master BR] [group N]`, and the same for
/// `ip address show`.
pub(super) fn run(session: &mut Session, words: &mut Words<'_>, listing: Listing) -> Status {
    let json = session.json;
    let pretty = session.pretty;
    let brief = session.brief;
    let oneline = session.oneline;
    let family = session.family;
    let stats = session.stats;
    let details = session.details;
    let handle = session.handle()?;
    let mut filter = Filter::default();
    while let Some(word) = words.take() {
        match word {
            "up" => filter.up = true,
            "type" => filter.kind = Some(words.value()?),
            "master" => {
                let value = words.name()?;
                let index = lookup(handle, value)
                    .map(|l| l.index)
                    .ok_or_else(|| invarg("Device does not exist\n", value))?;
                filter.master = Some(index);
            }
            "group" => {
                let value = words.value()?;
                let group = match value {
                    "default" => Some(0),
                    other => super::args::get_integer(other)
                        .filter(|&g| g >= 0)
                        .map(|g| g as u32),
                };
                filter.group =
                    Some(group.ok_or_else(|| invarg("Invalid \"group\" value\n", value))?);
            }
            "to" | "scope" | "label" | "vrf" | "nomaster" => {
                return Err(unsupported(&format!(
                    "\"{word}\" in ip {}",
                    listing.object()
                )));
            }
            _ => {
                let value = if word == "dev" {
                    words.name()?
                } else {
                    if matches(word, "help") {
                        return Err(usage());
                    }
                    words.taken_raw()
                };
                if filter.dev.is_some() {
                    return Err(duparg2("dev", value));
                }
                filter.dev = Some(value);
            }
        }
    }
    let all = match handle.link().list() {
        Ok(all) => all,
        Err(e) => {
            print_err(format!("vip: {e}\n"));
            return Ok(1);
        }
    };
    let mut links: Vec<&Link> = all.iter().collect();
    if let Some(dev) = filter.dev {
        let Some(link) = all.iter().find(|l| l.name.as_bytes() == dev.as_bytes()) else {
            print_err([b"Device \"", dev.as_bytes(), b"\" does not exist.\n"].concat());
            return Ok(1);
        };
        links = vec![link];
    }
    links.retain(|l| {
        (!filter.up || l.up)
            && filter.master.is_none_or(|m| l.master == Some(m))
            && filter.group.is_none_or(|g| l.group == g)
            && filter
                .kind
                .is_none_or(|k| l.kind.as_ref().is_some_and(|kind| kind.as_str() == k))
    });
    // `-d` on a kind whose options vip does not decode: refused before anything is
    // printed, rather than printed unlike ip.
    if details && !brief {
        for link in &links {
            if let Some(kind) = details::undecoded_kind(&link.extended()) {
                return Err(unsupported(&format!(
                    "\"-d\" on {kind} links (\"{}\")",
                    link.name.to_string_lossy()
                )));
            }
        }
    }
    let addresses = match listing {
        Listing::Links => Vec::new(),
        Listing::Addresses => match handle.addr().list(None) {
            Ok(list) => list,
            Err(e) => {
                print_err(format!("vip: {e}\n"));
                return Ok(1);
            }
        },
    };
    let of_family = |a: &Address| match family {
        Family::Any => true,
        Family::Ipv4 => a.network.is_ipv4(),
        Family::Ipv6 => a.network.is_ipv6(),
    };
    // With a family, `ip address` shows only the links that have an address of it.
    if listing == Listing::Addresses && family != Family::Any {
        links.retain(|l| addresses.iter().any(|a| a.index == l.index && of_family(a)));
    }
    let names: HashMap<u32, &IfName> = all.iter().map(|l| (l.index, &l.name)).collect();
    // `ip -6 address` dumps links through the IPv6 layer, whose answers leave out the
    // qdisc, the master and the group (and `ip` then asks for the queue length itself).
    let ipv6_view = listing == Listing::Addresses && family == Family::Ipv6 && filter.dev.is_none();
    let ctx = Context {
        ipv6_view,
        names,
        up: all.iter().map(|l| (l.index, l.up)).collect(),
        listing,
        netns_names: netns_names(handle, &links),
        show_link_layer: listing == Listing::Links || family == Family::Any || details,
        stats,
        details,
    };
    let mut out = Out::new();
    if json {
        out.push('[');
    }
    for (i, link) in links.iter().enumerate() {
        let addrs: Vec<&Address> = addresses
            .iter()
            .filter(|a| a.index == link.index && of_family(a) && (!filter.up || link.up))
            .collect();
        match (json, brief) {
            (true, false) => {
                if i > 0 {
                    out.push(',');
                }
                ctx.link_json(&mut out, link, &addrs);
            }
            (true, true) => {
                if i > 0 {
                    out.push(',');
                }
                ctx.brief_json(&mut out, link, &addrs);
            }
            (false, false) if oneline => ctx.link_oneline(&mut out, link, &addrs),
            (false, false) => ctx.link_text(&mut out, link, &addrs),
            (false, true) => ctx.brief_text(&mut out, link, &addrs),
        }
    }
    if json {
        out.push_str("]\n");
    }
    if json {
        super::print_json(pretty, &out);
    } else {
        crate::print_out_bytes(out.as_bytes());
    }
    Ok(0)
}

impl Listing {
    fn object(self) -> &'static str {
        match self {
            Listing::Links => "link",
            Listing::Addresses => "address",
        }
    }
}

fn lookup(handle: &Handle, name: &OsStr) -> Option<Link> {
    IfName::new(name)
        .ok()
        .and_then(|n| handle.link().get(&n).ok())
}

/// The names of the namespaces the links' peers live in, by the id this namespace
/// gave them (`link-netns NAME`), as `ip` finds them among /run/netns.
fn netns_names(handle: &Handle, links: &[&Link]) -> HashMap<i32, String> {
    let mut out = HashMap::new();
    if links.iter().all(|l| l.link_netnsid.is_none()) {
        return out;
    }
    for name in Netns::list_unsorted().unwrap_or_default() {
        if let Ok(ns) = Netns::open(&name)
            && let Ok(Some(id)) = handle.nsid().get(&ns)
        {
            out.entry(id).or_insert(name);
        }
    }
    out
}

/// What printing needs besides the link itself.
struct Context<'a> {
    ipv6_view: bool,
    names: HashMap<u32, &'a IfName>,
    up: HashMap<u32, bool>,
    listing: Listing,
    netns_names: HashMap<i32, String>,
    show_link_layer: bool,
    /// `-s` once or twice: the counters.
    stats: u8,
    /// `-d`: the details ([`details`]).
    details: bool,
}

/// A JSON string as iproute2's writer quotes it.
pub(super) fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{c}' => out.push_str("\\f"),
            '\u{8}' => out.push_str("\\b"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A link-layer address as `ip` prints one (`ll_addr_n2a`): an IP address for IP
/// tunnels, colon-separated hex bytes otherwise.
fn lladdr(bytes: &[u8], kind: LinkType) -> String {
    match (bytes.len(), kind.0) {
        (4, 768 | 776 | 778) => {
            std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string()
        }
        (16, 769 | 823) => {
            let octets: [u8; 16] = bytes.try_into().expect("16 bytes");
            std::net::Ipv6Addr::from(octets).to_string()
        }
        _ => bytes
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

/// The group as `ip` names it (`/etc/iproute2/group`: 0 is `default`).
fn group_name(group: u32) -> String {
    if group == 0 {
        "default".to_string()
    } else {
        group.to_string()
    }
}

impl Context<'_> {
    /// The name of interface `index` as the kernel has it, or `ifINDEX`.
    fn name_of(&self, index: u32) -> Vec<u8> {
        self.names
            .get(&index)
            .map_or_else(|| format!("if{index}").into(), |n| n.as_bytes().to_vec())
    }

    /// The link's name, with the peer or parent shown after `@` (`ifN` when it lives in
    /// another namespace).
    fn full_name(&self, link: &Link) -> Vec<u8> {
        let mut name = link.name.as_bytes().to_vec();
        match (link.parent, link.link_netnsid) {
            (None, _) => {}
            (Some(index), Some(_)) => name.extend(format!("@if{index}").bytes()),
            (Some(index), None) => {
                name.push(b'@');
                name.extend(self.name_of(index));
            }
        }
        name
    }

    /// The flags, and `M-DOWN` when the link's parent or peer in this namespace is down
    /// (or unknown, as `ip` counts it).
    fn flag_names(&self, link: &Link) -> Vec<String> {
        let mut flags = link.flags.names();
        if let (Some(parent), None) = (link.parent, link.link_netnsid)
            && !self.up.get(&parent).copied().unwrap_or(false)
        {
            flags.push("M-DOWN".to_string());
        }
        flags
    }

    fn link_text(&self, out: &mut Out, link: &Link, addrs: &[&Address]) {
        let flags = self.flag_names(link);
        let _ = write!(out, "{}: ", link.index);
        out.name(&self.full_name(link));
        let _ = write!(out, ": <{}> ", flags.join(","));
        if let Some(mtu) = link.mtu {
            let _ = write!(out, "mtu {mtu} ");
        }
        if let Some(q) = link.qdisc.as_ref().filter(|_| !self.ipv6_view) {
            let _ = write!(out, "qdisc {q} ");
        }
        if let Some(m) = link.master.filter(|_| !self.ipv6_view) {
            out.push_str("master ");
            out.name(&self.name_of(m));
            out.push(' ');
        }
        let _ = write!(out, "state {} ", link.operstate);
        if self.listing == Listing::Links
            && let Some(mode) = link.link_mode
        {
            let _ = write!(out, "mode {mode} ");
        }
        if !self.ipv6_view {
            let _ = write!(out, "group {} ", group_name(link.group));
        }
        if let Some(q) = link.txqlen.filter(|&q| q != 0) {
            let _ = write!(out, "qlen {q}");
        }
        if self.show_link_layer {
            let _ = write!(out, "\n    link/{} ", link.link_type);
            if let Some(a) = &link.address {
                out.push_str(&lladdr(a, link.link_type));
            }
            if let Some(b) = link.broadcast.as_ref().filter(|_| !self.ipv6_view) {
                let word = if link.flags.contains(vnet_core::IfFlags::POINTOPOINT) {
                    " peer "
                } else {
                    " brd "
                };
                out.push_str(word);
                out.push_str(&lladdr(b, link.link_type));
            }
            if let Some(p) = &link.permanent_address
                && link.address.as_ref() != Some(p)
                && !self.ipv6_view
            {
                let _ = write!(out, " permaddr {}", lladdr(p, link.link_type));
            }
        }
        if let Some(id) = link.link_netnsid {
            match self.netns_names.get(&id) {
                Some(name) if id >= 0 => {
                    let _ = write!(out, " link-netns {name}");
                }
                _ if id >= 0 => {
                    let _ = write!(out, " link-netnsid {id}");
                }
                _ => out.push_str(" link-netnsid unknown"),
            }
        }
        if self.details && !self.ipv6_view {
            details::write(
                out,
                false,
                link,
                &|i| self.name_of(i),
                self.listing == Listing::Links,
            );
        }
        if (self.listing == Listing::Links || self.details)
            && !self.ipv6_view
            && let Some(alias) = &link.alias
        {
            let _ = write!(out, "\n    alias {alias}");
        }
        let counters = link.stats.as_ref().filter(|_| self.stats > 0);
        if let Some(counters) = counters.filter(|_| self.listing == Listing::Links) {
            out.push('\n');
            stats::text(out, counters, link.carrier_changes, self.stats);
        }
        for alt in &link.alt_names {
            out.push_str("\n    altname ");
            out.name(alt.as_bytes());
        }
        out.push('\n');
        for a in addrs {
            address_text(out, a);
        }
        if let Some(counters) = counters.filter(|_| self.listing == Listing::Addresses) {
            stats::text(out, counters, link.carrier_changes, self.stats);
            out.push('\n');
        }
    }

    /// `-o`: each record on one line, its inner line breaks printed as `\`; `ip -o
    /// address` leaves the link out and starts each address with `INDEX: NAME`.
    fn link_oneline(&self, out: &mut Out, link: &Link, addrs: &[&Address]) {
        let mut one_line = |record: Out| {
            let record = record.as_bytes();
            let body = record.strip_suffix(b"\n").unwrap_or(record);
            for &b in body {
                out.name(if b == b'\n' {
                    b"\\"
                } else {
                    std::slice::from_ref(&b)
                });
            }
            out.push('\n');
        };
        match self.listing {
            Listing::Links => {
                let mut record = Out::new();
                self.link_text(&mut record, link, &[]);
                one_line(record);
            }
            Listing::Addresses => {
                for a in addrs {
                    let mut record = Out::new();
                    let _ = write!(record, "{}: ", link.index);
                    record.name(link.name.as_bytes());
                    address_text(&mut record, a);
                    one_line(record);
                }
            }
        }
    }

    /// `-br`: the name (with its `@` peer) in 16 columns, the state in 14, then the
    /// MAC address and flags (`ip -br link`) or the addresses (`ip -br address`).
    fn brief_text(&self, out: &mut Out, link: &Link, addrs: &[&Address]) {
        out.name_padded(&self.full_name(link), 16);
        out.push(' ');
        match link.operstate {
            vnet_core::OperState::Other(n) => {
                let _ = write!(out, "state {n:#x}");
            }
            state => {
                let _ = write!(out, "{:<14} ", state.to_string());
            }
        }
        match self.listing {
            Listing::Links => {
                if let Some(a) = &link.address {
                    let _ = write!(out, "{} ", lladdr(a, link.link_type));
                }
                let _ = write!(out, "<{}> ", self.flag_names(link).join(","));
                out.push('\n');
            }
            Listing::Addresses => {
                for a in addrs {
                    let _ = write!(out, "{}", a.network.ip());
                    if let Some(peer) = a.peer {
                        let _ = write!(out, " peer {peer}");
                    }
                    let _ = write!(out, "/{} ", a.network.prefix());
                    if let Some(m) = a.metric {
                        let _ = write!(out, "metric {m} ");
                    }
                }
                out.push('\n');
            }
        }
    }

    /// `-br -j`: the same fields as JSON.
    fn brief_json(&self, out: &mut Out, link: &Link, addrs: &[&Address]) {
        out.push('{');
        match (link.parent, link.link_netnsid) {
            (Some(index), Some(_)) => {
                let _ = write!(out, "\"link_index\":{index},");
            }
            (Some(index), None) => {
                out.push_str("\"link\":");
                out.json_name(&self.name_of(index));
                out.push(',');
            }
            (None, _) => {}
        }
        out.push_str("\"ifname\":");
        out.json_name(link.name.as_bytes());
        match link.operstate {
            vnet_core::OperState::Other(n) => {
                let _ = write!(out, ",\"operstate_index\":{n}");
            }
            state => {
                let _ = write!(out, ",\"operstate\":{}", json_str(&state.to_string()));
            }
        }
        match self.listing {
            Listing::Links => {
                if let Some(a) = &link.address {
                    let _ = write!(out, ",\"address\":{}", json_str(&lladdr(a, link.link_type)));
                }
                let flags: Vec<String> =
                    self.flag_names(link).iter().map(|f| json_str(f)).collect();
                let _ = write!(out, ",\"flags\":[{}]", flags.join(","));
            }
            Listing::Addresses => {
                out.push_str(",\"addr_info\":[");
                for (i, a) in addrs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{{\"local\":\"{}\"", a.network.ip());
                    if let Some(peer) = a.peer {
                        let _ = write!(out, ",\"address\":\"{peer}\"");
                    }
                    let _ = write!(out, ",\"prefixlen\":{}", a.network.prefix());
                    if let Some(m) = a.metric {
                        let _ = write!(out, ",\"metric\":{m}");
                    }
                    out.push('}');
                }
                out.push(']');
            }
        }
        out.push('}');
    }

    fn link_json(&self, out: &mut Out, link: &Link, addrs: &[&Address]) {
        let _ = write!(out, "{{\"ifindex\":{}", link.index);
        match (link.parent, link.link_netnsid) {
            (Some(index), Some(_)) => {
                let _ = write!(out, ",\"link_index\":{index}");
            }
            (Some(index), None) => {
                out.push_str(",\"link\":");
                out.json_name(&self.name_of(index));
            }
            (None, _) => {}
        }
        out.push_str(",\"ifname\":");
        out.json_name(link.name.as_bytes());
        let flags: Vec<String> = self.flag_names(link).iter().map(|f| json_str(f)).collect();
        let _ = write!(out, ",\"flags\":[{}]", flags.join(","));
        if let Some(mtu) = link.mtu {
            let _ = write!(out, ",\"mtu\":{mtu}");
        }
        if let Some(q) = link.qdisc.as_ref().filter(|_| !self.ipv6_view) {
            let _ = write!(out, ",\"qdisc\":{}", json_str(q));
        }
        if let Some(m) = link.master.filter(|_| !self.ipv6_view) {
            out.push_str(",\"master\":");
            out.json_name(&self.name_of(m));
        }
        match link.operstate {
            vnet_core::OperState::Other(n) => {
                let _ = write!(out, ",\"operstate_index\":{n}");
            }
            state => {
                let _ = write!(out, ",\"operstate\":{}", json_str(&state.to_string()));
            }
        }
        if self.listing == Listing::Links
            && let Some(mode) = link.link_mode
        {
            match mode {
                vnet_core::LinkMode::Other(n) => {
                    let _ = write!(out, ",\"linkmode_index\":{n}");
                }
                mode => {
                    let _ = write!(out, ",\"linkmode\":{}", json_str(&mode.to_string()));
                }
            }
        }
        if !self.ipv6_view {
            let _ = write!(out, ",\"group\":{}", json_str(&group_name(link.group)));
        }
        if let Some(q) = link.txqlen.filter(|&q| q != 0) {
            let _ = write!(out, ",\"txqlen\":{q}");
        }
        if self.show_link_layer {
            let _ = write!(
                out,
                ",\"link_type\":{}",
                json_str(&link.link_type.to_string())
            );
            if let Some(a) = &link.address {
                let _ = write!(out, ",\"address\":{}", json_str(&lladdr(a, link.link_type)));
            }
            if let Some(b) = link.broadcast.as_ref().filter(|_| !self.ipv6_view) {
                if link.flags.contains(vnet_core::IfFlags::POINTOPOINT) {
                    out.push_str(",\"link_pointtopoint\":true");
                }
                let _ = write!(
                    out,
                    ",\"broadcast\":{}",
                    json_str(&lladdr(b, link.link_type))
                );
            }
            if let Some(p) = &link.permanent_address
                && link.address.as_ref() != Some(p)
                && !self.ipv6_view
            {
                let _ = write!(
                    out,
                    ",\"permaddr\":{}",
                    json_str(&lladdr(p, link.link_type))
                );
            }
        }
        if let Some(id) = link.link_netnsid {
            let _ = write!(out, ",\"link_netnsid\":{id}");
        }
        if self.details && !self.ipv6_view {
            details::write(
                out,
                true,
                link,
                &|i| self.name_of(i),
                self.listing == Listing::Links,
            );
        }
        if (self.listing == Listing::Links || self.details)
            && !self.ipv6_view
            && let Some(alias) = &link.alias
        {
            let _ = write!(out, ",\"ifalias\":{}", json_str(alias));
        }
        let counters = link.stats.as_ref().filter(|_| self.stats > 0);
        if let Some(counters) = counters.filter(|_| self.listing == Listing::Links) {
            stats::json(out, counters, link.carrier_changes, self.stats);
        }
        if !link.alt_names.is_empty() {
            out.push_str(",\"altnames\":[");
            for (i, alt) in link.alt_names.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.json_name(alt.as_bytes());
            }
            out.push(']');
        }
        if self.listing == Listing::Addresses {
            out.push_str(",\"addr_info\":[");
            for (i, a) in addrs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                address_json(out, a);
            }
            out.push(']');
            if let Some(counters) = counters {
                stats::json(out, counters, link.carrier_changes, self.stats);
            }
        }
        out.push('}');
    }
}

fn family_word(a: &Address) -> &'static str {
    if a.network.is_ipv4() { "inet" } else { "inet6" }
}

fn lifetime_text(seconds: Option<u32>) -> String {
    seconds.map_or_else(|| "forever".to_string(), |s| format!("{s}sec"))
}

fn address_text(out: &mut Out, a: &Address) {
    let _ = write!(out, "    {} {}", family_word(a), a.network.ip());
    if let Some(peer) = a.peer {
        let _ = write!(out, " peer {peer}");
    }
    let _ = write!(out, "/{} ", a.network.prefix());
    if let Some(m) = a.metric {
        let _ = write!(out, "metric {m} ");
    }
    if let Some(b) = a.broadcast {
        let _ = write!(out, "brd {b} ");
    }
    if let Some(any) = a.anycast {
        let _ = write!(out, "any {any} ");
    }
    let _ = write!(out, "scope {} ", a.scope);
    for word in a.flag_words() {
        let _ = write!(out, "{word} ");
    }
    if let Some(label) = &a.label {
        out.name(label.as_bytes());
    }
    let _ = write!(
        out,
        "\n       valid_lft {} preferred_lft {}\n",
        lifetime_text(a.valid_lifetime),
        lifetime_text(a.preferred_lifetime)
    );
}

fn address_json(out: &mut Out, a: &Address) {
    let _ = write!(
        out,
        "{{\"family\":\"{}\",\"local\":\"{}\"",
        family_word(a),
        a.network.ip()
    );
    if let Some(peer) = a.peer {
        let _ = write!(out, ",\"address\":\"{peer}\"");
    }
    let _ = write!(out, ",\"prefixlen\":{}", a.network.prefix());
    if let Some(m) = a.metric {
        let _ = write!(out, ",\"metric\":{m}");
    }
    if let Some(b) = a.broadcast {
        let _ = write!(out, ",\"broadcast\":\"{b}\"");
    }
    if let Some(any) = a.anycast {
        let _ = write!(out, ",\"anycast\":\"{any}\"");
    }
    let _ = write!(out, ",\"scope\":{}", json_str(&a.scope.to_string()));
    for word in a.flag_words() {
        match word.strip_prefix("flags ") {
            Some(hex) => {
                let _ = write!(out, ",\"ifa_flags\":\"{hex}\"");
            }
            None => {
                let _ = write!(out, ",{}:true", json_str(&word));
            }
        }
    }
    if let Some(label) = &a.label {
        out.push_str(",\"label\":");
        out.json_name(label.as_bytes());
    }
    let forever = |s: Option<u32>| s.unwrap_or(u32::MAX);
    let _ = write!(
        out,
        ",\"valid_life_time\":{},\"preferred_life_time\":{}}}",
        forever(a.valid_lifetime),
        forever(a.preferred_lifetime)
    );
}
