//! `-d` (`-details`): what `ip -d link show` and `ip -d address show` add to a link's
//! record, printed from [`vnet_core::LinkExtended`] in iproute2 6.1's words, order and
//! JSON keys: the promiscuity and MTU range, the kind's options, the bridge port's
//! options, the address generation mode and the queue and offload limits.

use std::fmt::{Display, Write as _};

use vnet_core::{
    BridgeData, BridgeId, BridgePortData, KindData, Link, LinkExtended, MacVlanData, TunData,
    VlanData, VxlanData,
};

use super::out::Out;
use super::show::json_str;

/// The kinds whose options ip 6.1 prints and vip does not decode: `ip -d` on such a
/// link is refused rather than printed wrong.
const KINDS_VIP_CANNOT_DETAIL: [&str; 27] = [
    "amt",
    "bareudp",
    "bond",
    "can",
    "dsa",
    "geneve",
    "gtp",
    "hsr",
    "ipoib",
    "ipvlan",
    "ipvtap",
    "rmnet",
    "vrf",
    "wwan",
    "macsec",
    "gre",
    "gretap",
    "erspan",
    "ip6gre",
    "ip6gretap",
    "ip6erspan",
    "ip6tnl",
    "ipip",
    "sit",
    "vti",
    "vti6",
    "xfrm",
];

/// The port kinds whose options ip 6.1 prints and vip does not decode.
const PORT_KINDS_VIP_CANNOT_DETAIL: [&str; 2] = ["bond", "vrf"];

/// The kind (or port kind, as `KIND_slave`) of `extended` whose options ip prints and
/// vip cannot, if it has one.
pub(super) fn undecoded_kind(extended: &LinkExtended) -> Option<String> {
    if let Some(kind) = extended.kind.as_deref()
        && KINDS_VIP_CANNOT_DETAIL.contains(&kind)
    {
        return Some(kind.to_string());
    }
    extended
        .port_kind
        .as_deref()
        .filter(|k| PORT_KINDS_VIP_CANNOT_DETAIL.contains(k))
        .map(|k| format!("{k}_slave"))
}

/// Writes fields in text (`label value `) or as JSON members (`,"key":value`).
struct Fields<'a> {
    out: &'a mut Out,
    json: bool,
    /// In JSON: no member written yet in the current object (no comma before the next).
    first: bool,
}

impl Fields<'_> {
    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        let _ = write!(self.out, "\"{key}\":");
    }

    /// A number: `label N ` in text, `"key":N` in JSON.
    fn uint(&mut self, key: &str, label: &str, value: impl Display) {
        if self.json {
            self.key(key);
            let _ = write!(self.out, "{value}");
        } else {
            let _ = write!(self.out, "{label} {value} ");
        }
    }

    /// A string: `label S ` in text, `"key":"S"` in JSON.
    fn string(&mut self, key: &str, label: &str, value: &str) {
        if self.json {
            self.key(key);
            self.out.push_str(&json_str(value));
        } else {
            let _ = write!(self.out, "{label} {value} ");
        }
    }

    /// An interface name as the kernel has it (bytes): `label NAME ` in text,
    /// `"key":"NAME"` in JSON.
    fn name(&mut self, key: &str, label: &str, name: &[u8]) {
        if self.json {
            self.key(key);
            self.out.json_name(name);
        } else {
            let _ = write!(self.out, "{label} ");
            self.out.name(name);
            self.out.push(' ');
        }
    }

    /// `label on|off ` in text, `"key":true|false` in JSON.
    fn on_off(&mut self, key: &str, label: &str, on: bool) {
        if self.json {
            self.key(key);
            self.out.push_str(if on { "true" } else { "false" });
        } else {
            let _ = write!(self.out, "{label} {} ", if on { "on" } else { "off" });
        }
    }

    /// A flag printed only when set: `label ` in text, `"key":true` in JSON.
    fn flag(&mut self, key: &str, label: &str) {
        if self.json {
            self.key(key);
            self.out.push_str("true");
        } else {
            let _ = write!(self.out, "{label} ");
        }
    }

    /// `%#llx` in text, the same as a string in JSON (`0` has no prefix).
    fn hex(&mut self, key: &str, label: &str, value: u64) {
        let text = if value == 0 {
            "0".to_string()
        } else {
            format!("{value:#x}")
        };
        self.string(key, label, &text);
    }

    /// A bridge timer (centiseconds): `label %4i.%.2i ` in text, a bare number in JSON.
    fn timer(&mut self, key: &str, centiseconds: u64) {
        let (s, c) = (centiseconds / 100, centiseconds % 100);
        if self.json {
            self.key(key);
            let _ = write!(self.out, "{s}.{c:02}");
        } else {
            let _ = write!(self.out, "{key} {s:4}.{c:02} ");
        }
    }

    fn text(&mut self, s: &str) {
        if !self.json {
            self.out.push_str(s);
        }
    }

    fn begin(&mut self, key: &str) {
        if self.json {
            self.key(key);
            self.out.push('{');
            self.first = true;
        }
    }

    fn end(&mut self) {
        if self.json {
            self.out.push('}');
            self.first = false;
        }
    }
}

/// A bridge id as ip prints it: priority bytes in hex, a dot, and the MAC address
/// without leading zeros (`ether_ntoa`): `8000.7e:5:d1:9f:5a:56`.
fn bridge_id(id: &BridgeId) -> String {
    let mac: Vec<String> = id.mac.octets().iter().map(|b| format!("{b:x}")).collect();
    format!("{:04x}.{}", id.priority, mac.join(":"))
}

/// An EtherType as ip names it (`ll_proto_n2a`).
fn ether_type(protocol: u16) -> String {
    match protocol {
        0x8100 => "802.1Q".to_string(),
        0x88a8 => "802.1ad".to_string(),
        n => format!("[{n}]"),
    }
}

/// Writes the details of `link` after its `link/...` line: in text (`json` false) or as
/// members of its JSON object. `name_of` names an interface index as ip does; `do_link`
/// is true for `ip link show` (which adds `addrgenmode`).
pub(super) fn write(
    out: &mut Out,
    json: bool,
    link: &Link,
    name_of: &dyn Fn(u32) -> Vec<u8>,
    do_link: bool,
) {
    let x = link.extended();
    let mut f = Fields {
        out,
        json,
        first: false,
    };
    if let Some(n) = x.promiscuity {
        f.uint("promiscuity", " promiscuity", n);
    }
    if let Some(n) = x.allmulti {
        f.uint("allmulti", " allmulti", n);
    }
    if let Some(n) = x.min_mtu {
        f.uint("min_mtu", "minmtu", n);
    }
    if let Some(n) = x.max_mtu {
        f.uint("max_mtu", "maxmtu", n);
    }
    // ip opens `linkinfo` whenever the kernel sent IFLA_LINKINFO, even empty.
    if x.kind.is_some() || x.port_kind.is_some() {
        link_info(&mut f, &x, name_of);
    }
    if do_link && let Some(mode) = x.addr_gen_mode {
        f.string("inet6_addr_gen_mode", "addrgenmode", &mode.to_string());
    }
    for (key, label, value) in [
        ("num_tx_queues", "numtxqueues", x.num_tx_queues),
        ("num_rx_queues", "numrxqueues", x.num_rx_queues),
        ("gso_max_size", "gso_max_size", x.gso_max_size),
        ("gso_max_segs", "gso_max_segs", x.gso_max_segs),
        ("tso_max_size", "tso_max_size", x.tso_max_size),
        ("tso_max_segs", "tso_max_segs", x.tso_max_segs),
        ("gro_max_size", "gro_max_size", x.gro_max_size),
    ] {
        if let Some(n) = value {
            f.uint(key, label, n);
        }
    }
    if let Some(name) = &x.phys_port_name {
        f.string("phys_port_name", "portname", name);
    }
    let hex = |b: &[u8]| b.iter().map(|b| format!("{b:02x}")).collect::<String>();
    if let Some(id) = &x.phys_port_id {
        f.string("phys_port_id", "portid", &hex(id));
    }
    if let Some(id) = &x.phys_switch_id {
        f.string("phys_switch_id", "switchid", &hex(id));
    }
    if let Some(bus) = &x.parent_bus {
        f.string("parentbus", "parentbus", bus);
    }
    if let Some(dev) = &x.parent_dev {
        f.string("parentdev", "parentdev", dev);
    }
}

/// `linkinfo`: the kind and its options, then the port kind and its options.
fn link_info(f: &mut Fields<'_>, x: &LinkExtended, name_of: &dyn Fn(u32) -> Vec<u8>) {
    f.begin("linkinfo");
    if let Some(kind) = &x.kind {
        f.text("\n");
        f.string("info_kind", "   ", kind);
        let printed = [
            "bridge", "vxlan", "macvlan", "macvtap", "tun", "vlan", // decoded by vip
        ];
        if printed.contains(&kind.as_str()) {
            f.begin("info_data");
            match &x.kind_data {
                Some(KindData::Bridge(b)) => bridge(f, b),
                Some(KindData::Vxlan(v)) => vxlan(f, v, name_of),
                Some(KindData::MacVlan(m)) => macvlan(f, m),
                Some(KindData::Tun(t)) => tun(f, t),
                Some(KindData::Vlan(v)) => vlan(f, v),
                _ => {}
            }
            f.end();
        }
    }
    if let Some(kind) = &x.port_kind {
        f.text("\n");
        if f.json {
            f.string("info_slave_kind", "", kind);
        } else {
            f.text(&format!("    {kind}_slave "));
        }
        if kind == "bridge" {
            f.begin("info_slave_data");
            if let Some(p) = &x.port_data {
                bridge_port(f, p, name_of);
            }
            f.end();
        }
    }
    f.end();
}

fn bridge(f: &mut Fields<'_>, b: &BridgeData) {
    let u32s = [
        ("forward_delay", b.forward_delay),
        ("hello_time", b.hello_time),
        ("max_age", b.max_age),
        ("ageing_time", b.ageing_time),
        ("stp_state", b.stp_state),
        ("priority", b.priority.map(u32::from)),
        ("vlan_filtering", b.vlan_filtering.map(u32::from)),
    ];
    for (key, value) in u32s {
        if let Some(n) = value {
            f.uint(key, key, n);
        }
    }
    if let Some(p) = b.vlan_protocol {
        f.string("vlan_protocol", "vlan_protocol", &ether_type(p));
    }
    if let Some(id) = &b.bridge_id {
        f.string("bridge_id", "bridge_id", &bridge_id(id));
    }
    // ip 6.1 prints the bridge id again as the designated root (it reads
    // IFLA_BR_BRIDGE_ID there); vip prints what ip prints.
    if b.root_id.is_some()
        && let Some(id) = &b.bridge_id
    {
        f.string("root_id", "designated_root", &bridge_id(id));
    }
    let more = [
        ("root_port", b.root_port.map(u32::from)),
        ("root_path_cost", b.root_path_cost),
        ("topology_change", b.topology_change.map(u32::from)),
        (
            "topology_change_detected",
            b.topology_change_detected.map(u32::from),
        ),
    ];
    for (key, value) in more {
        if let Some(n) = value {
            f.uint(key, key, n);
        }
    }
    for (key, value) in [
        ("hello_timer", b.hello_timer),
        ("tcn_timer", b.tcn_timer),
        ("topology_change_timer", b.topology_change_timer),
        ("gc_timer", b.gc_timer),
    ] {
        if let Some(t) = value {
            f.timer(key, t);
        }
    }
    for (key, value) in [
        ("vlan_default_pvid", b.vlan_default_pvid.map(u32::from)),
        ("vlan_stats_enabled", b.vlan_stats_enabled.map(u32::from)),
        ("vlan_stats_per_port", b.vlan_stats_per_port.map(u32::from)),
    ] {
        if let Some(n) = value {
            f.uint(key, key, n);
        }
    }
    if let Some(mask) = b.group_fwd_mask {
        f.hex("group_fwd_mask", "group_fwd_mask", u64::from(mask));
    }
    if let Some(mac) = b.group_addr {
        f.string("group_addr", "group_address", &mac.to_string());
    }
    if let Some(n) = b.mcast_snooping {
        f.uint("mcast_snooping", "mcast_snooping", n);
    }
    if let Some(on) = b.no_linklocal_learn {
        f.uint("no_linklocal_learn", "no_linklocal_learn", u8::from(on));
    }
    if let Some(on) = b.mcast_vlan_snooping {
        f.uint("mcast_vlan_snooping", "mcast_vlan_snooping", u8::from(on));
    }
    let numbers: [(&str, &str, Option<u64>); 19] = [
        (
            "mcast_router",
            "mcast_router",
            b.mcast_router.map(u64::from),
        ),
        (
            "mcast_query_use_ifaddr",
            "mcast_query_use_ifaddr",
            b.mcast_query_use_ifaddr.map(u64::from),
        ),
        (
            "mcast_querier",
            "mcast_querier",
            b.mcast_querier.map(u64::from),
        ),
        (
            "mcast_hash_elasticity",
            "mcast_hash_elasticity",
            b.mcast_hash_elasticity.map(u64::from),
        ),
        (
            "mcast_hash_max",
            "mcast_hash_max",
            b.mcast_hash_max.map(u64::from),
        ),
        (
            "mcast_last_member_cnt",
            "mcast_last_member_count",
            b.mcast_last_member_cnt.map(u64::from),
        ),
        (
            "mcast_startup_query_cnt",
            "mcast_startup_query_count",
            b.mcast_startup_query_cnt.map(u64::from),
        ),
        (
            "mcast_last_member_intvl",
            "mcast_last_member_interval",
            b.mcast_last_member_intvl,
        ),
        (
            "mcast_membership_intvl",
            "mcast_membership_interval",
            b.mcast_membership_intvl,
        ),
        (
            "mcast_querier_intvl",
            "mcast_querier_interval",
            b.mcast_querier_intvl,
        ),
        (
            "mcast_query_intvl",
            "mcast_query_interval",
            b.mcast_query_intvl,
        ),
        (
            "mcast_query_response_intvl",
            "mcast_query_response_interval",
            b.mcast_query_response_intvl,
        ),
        (
            "mcast_startup_query_intvl",
            "mcast_startup_query_interval",
            b.mcast_startup_query_intvl,
        ),
        (
            "mcast_stats_enabled",
            "mcast_stats_enabled",
            b.mcast_stats_enabled.map(u64::from),
        ),
        (
            "mcast_igmp_version",
            "mcast_igmp_version",
            b.mcast_igmp_version.map(u64::from),
        ),
        (
            "mcast_mld_version",
            "mcast_mld_version",
            b.mcast_mld_version.map(u64::from),
        ),
        (
            "nf_call_iptables",
            "nf_call_iptables",
            b.nf_call_iptables.map(u64::from),
        ),
        (
            "nf_call_ip6tables",
            "nf_call_ip6tables",
            b.nf_call_ip6tables.map(u64::from),
        ),
        (
            "nf_call_arptables",
            "nf_call_arptables",
            b.nf_call_arptables.map(u64::from),
        ),
    ];
    for (key, label, value) in numbers {
        if let Some(n) = value {
            f.uint(key, label, n);
        }
    }
}

/// The port states ip names (`BR_STATE_*`).
const PORT_STATES: [&str; 5] = [
    "disabled",
    "listening",
    "learning",
    "forwarding",
    "blocking",
];

/// The names ip gives the bits of a port's group forwarding mask.
fn fwd_mask_str(mask: u16) -> String {
    let words: Vec<String> = (0..16)
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| match i {
            0 => "stp".to_string(),
            2 => "lacp".to_string(),
            14 => "lldp".to_string(),
            i => format!("{:#x}", 1u32 << i),
        })
        .collect();
    if words.is_empty() {
        "0x0".to_string()
    } else {
        words.join(",")
    }
}

fn bridge_port(f: &mut Fields<'_>, p: &BridgePortData, name_of: &dyn Fn(u32) -> Vec<u8>) {
    if let Some(state) = p.state {
        match PORT_STATES.get(usize::from(state)) {
            Some(name) => f.string("state", "state", name),
            None if f.json => f.uint("state_index", "", state),
            None => f.text(&format!("state ({state}) ")),
        }
    }
    if let Some(n) = p.priority {
        f.uint("priority", "priority", n);
    }
    if let Some(n) = p.cost {
        f.uint("cost", "cost", n);
    }
    for (key, value) in [
        ("hairpin", p.hairpin),
        ("guard", p.guard),
        ("root_block", p.root_block),
        ("fastleave", p.fast_leave),
        ("learning", p.learning),
        ("flood", p.unicast_flood),
    ] {
        if let Some(on) = value {
            f.on_off(key, key, on);
        }
    }
    if let Some(id) = p.id {
        f.hex("id", "port_id", u64::from(id));
    }
    if let Some(no) = p.no {
        f.hex("no", "port_no", u64::from(no));
    }
    if let Some(n) = p.designated_port {
        f.uint("designated_port", "designated_port", n);
    }
    if let Some(n) = p.designated_cost {
        f.uint("designated_cost", "designated_cost", n);
    }
    if let Some(id) = &p.bridge_id {
        f.string("bridge_id", "designated_bridge", &bridge_id(id));
    }
    if let Some(id) = &p.root_id {
        f.string("root_id", "designated_root", &bridge_id(id));
    }
    for (key, value) in [
        ("hold_timer", p.hold_timer),
        ("message_age_timer", p.message_age_timer),
        ("forward_delay_timer", p.forward_delay_timer),
    ] {
        if let Some(t) = value {
            f.timer(key, t);
        }
    }
    if let Some(n) = p.topology_change_ack {
        f.uint("topology_change_ack", "topology_change_ack", n);
    }
    if let Some(n) = p.config_pending {
        f.uint("config_pending", "config_pending", n);
    }
    if let Some(on) = p.proxy_arp {
        f.on_off("proxy_arp", "proxy_arp", on);
    }
    if let Some(on) = p.proxy_arp_wifi {
        f.on_off("proxy_arp_wifi", "proxy_arp_wifi", on);
    }
    if let Some(n) = p.multicast_router {
        f.uint("multicast_router", "mcast_router", n);
    }
    // Text only: JSON has it as `fastleave` already.
    if let Some(on) = p.fast_leave {
        f.text(&format!(
            "mcast_fast_leave {} ",
            if on { "on" } else { "off" }
        ));
    }
    for (key, value) in [
        ("mcast_flood", p.mcast_flood),
        ("bcast_flood", p.bcast_flood),
        ("mcast_to_unicast", p.mcast_to_unicast),
        ("neigh_suppress", p.neigh_suppress),
    ] {
        if let Some(on) = value {
            f.on_off(key, key, on);
        }
    }
    if let Some(mask) = p.group_fwd_mask {
        f.hex("group_fwd_mask", "group_fwd_mask", u64::from(mask));
        f.string(
            "group_fwd_mask_str",
            "group_fwd_mask_str",
            &fwd_mask_str(mask),
        );
    }
    for (key, value) in [
        ("vlan_tunnel", p.vlan_tunnel),
        ("isolated", p.isolated),
        ("locked", p.locked),
    ] {
        if let Some(on) = value {
            f.on_off(key, key, on);
        }
    }
    if let Some(index) = p.backup_port {
        f.name("backup_port", "backup_port", &name_of(index));
    }
}

fn vxlan(f: &mut Fields<'_>, v: &VxlanData, name_of: &dyn Fn(u32) -> Vec<u8>) {
    if v.collect_metadata == Some(true) {
        f.flag("external", "external");
    }
    if v.vnifilter == Some(true) {
        // ip 6.1 prints this word without the space after it.
        if f.json {
            f.flag("vnifilter", "");
        } else {
            f.text("vnifilter");
        }
    }
    if let Some(id) = v.id {
        f.uint("id", "id", id);
    }
    if let Some(addr) = v.group.filter(|a| !a.is_unspecified()) {
        let key = match (addr.is_multicast(), addr.is_ipv4()) {
            (true, true) => "group",
            (false, true) => "remote",
            (true, false) => "group6",
            (false, false) => "remote6",
        };
        let label = if addr.is_multicast() {
            "group"
        } else {
            "remote"
        };
        f.string(key, label, &addr.to_string());
    }
    if let Some(addr) = v.local.filter(|a| !a.is_unspecified()) {
        let key = if addr.is_ipv4() { "local" } else { "local6" };
        f.string(key, "local", &addr.to_string());
    }
    if let Some(link) = v.link.filter(|&l| l != 0) {
        f.name("link", "dev", &name_of(link));
    }
    if let Some((low, high)) = v.port_range {
        if f.json {
            f.begin("port_range");
            f.uint("low", "", low);
            f.uint("high", "", high);
            f.end();
        } else {
            f.text(&format!("srcport {low} {high} "));
        }
    }
    if let Some(port) = v.port {
        f.uint("port", "dstport", port);
    }
    if let Some(learning) = v.learning {
        if f.json {
            f.key("learning");
            f.out.push_str(if learning { "true" } else { "false" });
        } else if !learning {
            f.text("nolearning ");
        }
    }
    for (key, value) in [
        ("proxy", v.proxy),
        ("rsc", v.rsc),
        ("l2miss", v.l2miss),
        ("l3miss", v.l3miss),
    ] {
        if value == Some(true) {
            f.flag(key, key);
        }
    }
    match v.tos {
        Some(1) if !f.json => f.text("tos inherit "),
        Some(tos) if tos != 0 => f.hex("tos", "tos", u64::from(tos)),
        _ => {}
    }
    if v.ttl_inherit == Some(true) {
        f.text("ttl inherit ");
    } else if let Some(ttl) = v.ttl {
        if f.json || ttl != 0 {
            f.uint("ttl", "ttl", ttl);
        } else {
            f.text("ttl auto ");
        }
    }
    match v.df {
        Some(0) if f.json => f.string("df", "df", "unset"),
        Some(1) => f.string("df", "df", "set"),
        Some(2) => f.string("df", "df", "inherit"),
        _ => {}
    }
    if let Some(label) = v.label.filter(|&l| l != 0) {
        f.hex("label", "flowlabel", u64::from(label));
    }
    match v.ageing {
        Some(0) => {
            if f.json {
                f.uint("ageing", "", 0);
            } else {
                f.text("ageing none ");
            }
        }
        Some(age) => f.uint("ageing", "ageing", age),
        None => {}
    }
    if let Some(limit) = v.limit.filter(|&l| l != 0) {
        f.uint("limit", "maxaddr", limit);
    }
    for (key, word, value) in [
        ("udp_csum", "udpcsum", v.udp_csum),
        ("udp_zero_csum6_tx", "udp6zerocsumtx", v.udp_zero_csum6_tx),
        ("udp_zero_csum6_rx", "udp6zerocsumrx", v.udp_zero_csum6_rx),
    ] {
        if let Some(on) = value {
            if f.json {
                f.key(key);
                f.out.push_str(if on { "true" } else { "false" });
            } else {
                f.text(&format!("{}{word} ", if on { "" } else { "no" }));
            }
        }
    }
    if v.remcsum_tx == Some(true) {
        f.flag("remcsum_tx", "remcsumtx");
    }
    if v.remcsum_rx == Some(true) {
        f.flag("remcsum_rx", "remcsumrx");
    }
    if v.gbp {
        f.flag("gbp", "gbp");
    }
    if v.gpe {
        f.flag("gpe", "gpe");
    }
}

fn macvlan(f: &mut Fields<'_>, m: &MacVlanData) {
    let Some(mode) = m.mode else {
        return;
    };
    let name = match mode {
        1 => "private",
        2 => "vepa",
        4 => "bridge",
        8 => "passthru",
        16 => "source",
        _ => "unknown",
    };
    f.string("mode", "mode", name);
    let flags = m.flags.unwrap_or(0);
    if flags & 1 != 0 {
        f.flag("nopromisc", "nopromisc");
    }
    if flags & 2 != 0 {
        f.flag("nodst", "nodst");
    }
    if let Some(n) = m.bc_queue_len {
        f.uint("bcqueuelen", "bcqueuelen", n);
    }
    if let Some(n) = m.bc_queue_len_used {
        f.uint("usedbcqueuelen", "usedbcqueuelen", n);
    }
    if mode != 16 {
        return;
    }
    let Some(count) = m.macaddr_count else {
        return;
    };
    if f.json {
        f.uint("macaddr_count", "", count);
        f.key("macaddr_data");
        let list: Vec<String> = m
            .macaddrs
            .iter()
            .map(|a| json_str(&a.to_string()))
            .collect();
        let _ = write!(f.out, "[{}]", list.join(","));
    } else {
        f.text(&format!("remotes ({count}) "));
        for a in &m.macaddrs {
            f.text(&format!("{a} "));
        }
    }
}

fn tun(f: &mut Fields<'_>, t: &TunData) {
    if let Some(kind) = t.tun_type {
        let name = match i32::from(kind) {
            libc::IFF_TUN => "tun".to_string(),
            libc::IFF_TAP => "tap".to_string(),
            n => format!("UNKNOWN:{n}"),
        };
        f.string("type", "type", &name);
    }
    if let Some(on) = t.pi {
        f.on_off("pi", "pi", on);
    }
    if let Some(on) = t.vnet_hdr {
        f.on_off("vnet_hdr", "vnet_hdr", on);
    }
    if t.multi_queue == Some(true) {
        f.flag("multi_queue", "multi_queue");
        if let Some(n) = t.num_queues {
            f.uint("numqueues", "numqueues", n);
        }
        if let Some(n) = t.num_disabled_queues {
            f.uint("numdisabled", "numdisabled", n);
        }
    } else if f.json {
        f.key("multi_queue");
        f.out.push_str("false");
    }
    if let Some(on) = t.persist {
        f.on_off("persist", "persist", on);
    }
    if let Some(uid) = t.owner {
        match nix::unistd::User::from_uid(uid.into()).ok().flatten() {
            Some(user) => f.string("user", "user", &user.name),
            None => f.uint("user", "user", uid),
        }
    }
    if let Some(gid) = t.group {
        match nix::unistd::Group::from_gid(gid.into()).ok().flatten() {
            Some(group) => f.string("group", "group", &group.name),
            None => f.uint("group", "group", gid),
        }
    }
}

fn vlan(f: &mut Fields<'_>, v: &VlanData) {
    let Some(id) = v.id else {
        return;
    };
    let protocol = v.protocol.map_or("802.1q".to_string(), ether_type);
    f.string("protocol", "protocol", &protocol);
    f.uint("id", "id", id);
    if let Some(flags) = v.flags {
        let mut rest = flags;
        let mut words = Vec::new();
        for (bit, name) in [
            (0x1, "REORDER_HDR"),
            (0x2, "GVRP"),
            (0x8, "MVRP"),
            (0x4, "LOOSE_BINDING"),
            (0x10, "BRIDGE_BINDING"),
        ] {
            if rest & bit != 0 {
                rest &= !bit;
                words.push(name.to_string());
            }
        }
        if rest != 0 {
            words.push(format!("{rest:x}"));
        }
        if f.json {
            f.key("flags");
            let list: Vec<String> = words.iter().map(|w| json_str(w)).collect();
            let _ = write!(f.out, "[{}]", list.join(","));
        } else {
            f.text(&format!("<{}> ", words.join(",")));
        }
    }
    for (key, word, map) in [
        ("ingress_qos", "ingress-qos-map", &v.ingress_qos),
        ("egress_qos", "egress-qos-map", &v.egress_qos),
    ] {
        let Some(map) = map else {
            continue;
        };
        if f.json {
            f.key(key);
            let list: Vec<String> = map
                .iter()
                .map(|(from, to)| format!("{{\"from\":{from},\"to\":{to}}}"))
                .collect();
            let _ = write!(f.out, "[{}]", list.join(","));
        } else {
            f.text(&format!("\n      {word} {{ "));
            for (from, to) in map {
                f.text(&format!("{from}:{to} "));
            }
            f.text("} ");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_as_ip_prints_them() {
        let id = BridgeId {
            priority: 0x8000,
            mac: vnet_core::MacAddr([0x7e, 0x05, 0xd1, 0x9f, 0x5a, 0x56]),
        };
        assert_eq!(bridge_id(&id), "8000.7e:5:d1:9f:5a:56");
        assert_eq!(fwd_mask_str(0), "0x0");
        assert_eq!(fwd_mask_str(0b101 | 1 << 3 | 1 << 14), "stp,lacp,0x8,lldp");
        assert_eq!(ether_type(0x88a8), "802.1ad");
        assert_eq!(ether_type(0x1234), "[4660]");
    }

    #[test]
    fn kinds_vip_cannot_detail_are_named() {
        let mut x = LinkExtended::default();
        x.kind = Some("veth".into());
        assert_eq!(undecoded_kind(&x), None);
        x.port_kind = Some("bond".into());
        assert_eq!(undecoded_kind(&x).as_deref(), Some("bond_slave"));
        x.kind = Some("ipip".into());
        assert_eq!(undecoded_kind(&x).as_deref(), Some("ipip"));
    }
}
