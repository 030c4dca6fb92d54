//! The lab file: TOML read with serde, then checked as a whole before anything is built.
//!
//! Every value that names something keeps its place in the file (`toml::Spanned`), so a
//! problem found after parsing (a bridge the lab does not define, an address that is
//! not one) is reported at its line and column, like a syntax error.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::ops::Range;

use ipnetwork::IpNetwork;
use serde::Deserialize;
use toml::Spanned;

use super::{
    Lab, LabBridge, LabHost, LabLink, LabRoute, LabTap, LabVlan, Node, NodeInterface, P2pEnd,
    ProxyArp,
};
use crate::bridge::PortVlan;
use crate::link::BridgeOptions;
use crate::netfilter::nat::{L4Protocol, Masquerade, NatRule, PortForward};
use crate::values::{IfName, MacAddr, Mtu, VlanId, Vni};

/// A problem in a lab file, at a line and column (both from 1): its `Display` is
/// `FILE:LINE:COLUMN: MESSAGE`, the form compilers and editors understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabFileError {
    /// The file name as the caller gave it.
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column (in characters), from 1.
    pub column: usize,
    /// What is wrong, naming the value.
    pub message: String,
}

impl fmt::Display for LabFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for LabFileError {}

/// Line and column (from 1) of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLab {
    name: S<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    forwarding: bool,
    #[serde(default, rename = "bridge")]
    bridges: Vec<FileBridge>,
    #[serde(default, rename = "node")]
    nodes: Vec<FileNode>,
    #[serde(default, rename = "link")]
    links: Vec<FileLink>,
    #[serde(default, rename = "tap")]
    taps: Vec<FileTap>,
    #[serde(default, rename = "vlan")]
    vlans: Vec<FileVlan>,
    #[serde(default, rename = "route")]
    routes: Vec<FileRoute>,
    #[serde(default)]
    nat: FileNat,
    #[serde(default, rename = "proxy_arp")]
    proxy_arp: Vec<FileProxyArp>,
    #[serde(default, rename = "host")]
    hosts: Vec<FileHost>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileBridge {
    name: S<String>,
    #[serde(default)]
    address: Option<S<String>>,
    #[serde(default)]
    stp: Option<bool>,
    /// Seconds.
    #[serde(default)]
    forward_delay: Option<S<f64>>,
    #[serde(default)]
    hello_time: Option<S<f64>>,
    #[serde(default)]
    max_age: Option<S<f64>>,
    #[serde(default)]
    vlan_filtering: Option<bool>,
    #[serde(default)]
    ports: Vec<S<String>>,
    #[serde(default)]
    vni: Option<S<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileNode {
    name: S<String>,
    #[serde(default)]
    forwarding: bool,
    #[serde(default)]
    proxy_arp: bool,
    #[serde(default)]
    gateway: Option<S<String>>,
    #[serde(default, rename = "interface")]
    interfaces: Vec<FileInterface>,
    #[serde(default, rename = "route")]
    routes: Vec<FileRoute>,
    #[serde(default)]
    exec: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileInterface {
    name: S<String>,
    #[serde(default)]
    bridge: Option<S<String>>,
    #[serde(default)]
    host_name: Option<S<String>>,
    #[serde(default)]
    addresses: Vec<S<String>>,
    #[serde(default)]
    host_addresses: Vec<S<String>>,
    #[serde(default)]
    host_proxy_arp: bool,
    #[serde(default)]
    mtu: Option<S<u32>>,
    #[serde(default)]
    pvid: Option<S<u16>>,
    #[serde(default)]
    vlans: Vec<S<u16>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRoute {
    to: S<String>,
    #[serde(default)]
    via: Option<S<String>>,
    #[serde(default)]
    dev: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEnd {
    node: S<String>,
    interface: S<String>,
    #[serde(default)]
    addresses: Vec<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLink {
    a: FileEnd,
    b: FileEnd,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTap {
    name: S<String>,
    #[serde(default)]
    bridge: Option<S<String>>,
    #[serde(default)]
    owner: Option<u32>,
    #[serde(default)]
    group: Option<u32>,
    #[serde(default)]
    multi_queue: bool,
    #[serde(default)]
    queues: Option<S<u16>>,
    #[serde(default)]
    mac: Option<S<String>>,
    #[serde(default)]
    pvid: Option<S<u16>>,
    #[serde(default)]
    vlans: Vec<S<u16>>,
    #[serde(default)]
    memory: Option<u32>,
    #[serde(default)]
    disk: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileVlan {
    name: S<String>,
    parent: S<String>,
    id: S<u16>,
    #[serde(default)]
    addresses: Vec<S<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileNat {
    #[serde(default)]
    masquerade: Vec<FileMasquerade>,
    #[serde(default, rename = "forward")]
    forwards: Vec<FileForward>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMasquerade {
    #[serde(default)]
    source: Option<S<String>>,
    out: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileForward {
    protocol: S<String>,
    port: S<u16>,
    #[serde(default)]
    node: Option<S<String>>,
    #[serde(default)]
    to: Option<S<String>>,
    #[serde(default)]
    to_port: Option<S<u16>>,
    #[serde(default)]
    input: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileProxyArp {
    interface: S<String>,
    address: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileHost {
    name: S<String>,
    underlay: S<String>,
    #[serde(default)]
    nodes: Vec<S<String>>,
    #[serde(default)]
    bridges: Vec<S<String>>,
    #[serde(default)]
    taps: Vec<S<String>>,
}

/// Checks a parsed file and turns it into a [`Lab`], reporting the first problem at its
/// place in the file.
struct Checker<'t> {
    file: &'t str,
    text: &'t str,
}

impl Checker<'_> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> LabFileError {
        let (line, column) = position(self.text, span.start);
        LabFileError {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    fn ifname(&self, value: &S<String>, what: &str) -> Result<IfName, LabFileError> {
        IfName::new(value.get_ref().as_str())
            .map_err(|e| self.error(value.span(), format!("{what} \"{}\": {e}", value.get_ref())))
    }

    fn cidr(&self, value: &S<String>, what: &str) -> Result<IpNetwork, LabFileError> {
        crate::values::parse_cidr(value.get_ref()).map_err(|e| {
            self.error(
                value.span(),
                format!(
                    "{what} \"{}\" is not an address with a prefix length: {e}",
                    value.get_ref()
                ),
            )
        })
    }

    fn ip(&self, value: &S<String>, what: &str) -> Result<IpAddr, LabFileError> {
        value.get_ref().parse().map_err(|_| {
            self.error(
                value.span(),
                format!("{what} \"{}\" is not an IP address", value.get_ref()),
            )
        })
    }

    fn vlan(&self, value: &S<u16>) -> Result<VlanId, LabFileError> {
        VlanId::new(u32::from(*value.get_ref()))
            .map_err(|e| self.error(value.span(), format!("VLAN {}: {e}", value.get_ref())))
    }

    fn seconds(&self, value: &Option<S<f64>>, what: &str) -> Result<Option<u32>, LabFileError> {
        let Some(value) = value else { return Ok(None) };
        let s = *value.get_ref();
        if !(0.0..=600.0).contains(&s) {
            return Err(self.error(
                value.span(),
                format!("{what} {s} is out of range (0 to 600 seconds)"),
            ));
        }
        Ok(Some((s * 100.0).round() as u32))
    }

    fn port_vlans(
        &self,
        pvid: &Option<S<u16>>,
        vlans: &[S<u16>],
        bridge: Option<&S<String>>,
        filtering: &BTreeMap<String, bool>,
    ) -> Result<Vec<PortVlan>, LabFileError> {
        let mut out = Vec::new();
        if let Some(p) = pvid {
            out.push(PortVlan {
                vid: self.vlan(p)?,
                pvid: true,
                untagged: true,
            });
        }
        for v in vlans {
            out.push(PortVlan::tagged(self.vlan(v)?));
        }
        if !out.is_empty() {
            let span = pvid
                .as_ref()
                .map(|p| p.span())
                .unwrap_or_else(|| vlans[0].span());
            match bridge {
                None => {
                    return Err(self.error(span, "VLANs are given for a port that is on no bridge"));
                }
                Some(b) if !filtering.get(b.get_ref()).copied().unwrap_or(false) => {
                    return Err(self.error(
                        span,
                        format!(
                            "VLANs are given for a port of bridge \"{}\", which does not have vlan_filtering = true",
                            b.get_ref()
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(out)
    }
}

/// Whether `name` is a valid lab name: 1 to 24 of `[A-Za-z0-9_.]` and `-` (not first),
/// since it prefixes namespace names and nf_tables table names.
pub(crate) fn valid_lab_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 24
        && !name.starts_with('-')
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Parses and checks a lab file (`text`, named `file` in messages).
pub(super) fn parse(text: &str, file: &str) -> Result<Lab, LabFileError> {
    let checker = Checker { file, text };
    let parsed: FileLab = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        checker.error(span, e.message().trim_end().to_string())
    })?;
    check(&checker, parsed, text)
}

fn check(c: &Checker<'_>, f: FileLab, text: &str) -> Result<Lab, LabFileError> {
    let name = f.name.get_ref().clone();
    if !valid_lab_name(&name) {
        return Err(c.error(
            f.name.span(),
            format!(
                "lab name \"{name}\" must be 1 to 24 letters, digits, '_', '-' or '.' (not starting with '-' or '.')"
            ),
        ));
    }
    let group = super::lab_group(&name);
    // Every host-side name the lab creates, to catch two objects with one name.
    let mut host_names: BTreeMap<IfName, Range<usize>> = BTreeMap::new();
    let mut claim = |n: &IfName, span: Range<usize>| -> Result<(), LabFileError> {
        if let Some(first) = host_names.get(n) {
            let (l, col) = position(text, first.start);
            return Err(c.error(
                span,
                format!("interface name \"{n}\" is used twice in the host (first at {l}:{col})"),
            ));
        }
        host_names.insert(n.clone(), span);
        Ok(())
    };

    // Bridges.
    let mut bridges = Vec::new();
    let mut filtering = BTreeMap::new();
    for b in &f.bridges {
        let name = c.ifname(&b.name, "bridge")?;
        claim(&name, b.name.span())?;
        let address = b
            .address
            .as_ref()
            .map(|a| c.cidr(a, "bridge address"))
            .transpose()?;
        let mut ports = Vec::new();
        for p in &b.ports {
            ports.push(c.ifname(p, "bridge port")?);
        }
        let vni = match &b.vni {
            Some(v) => Some(
                Vni::new(*v.get_ref())
                    .map_err(|e| c.error(v.span(), format!("VNI {}: {e}", v.get_ref())))?,
            ),
            None => None,
        };
        filtering.insert(name.to_string(), b.vlan_filtering.unwrap_or(false));
        bridges.push(LabBridge {
            name,
            address,
            options: BridgeOptions {
                stp: b.stp,
                forward_delay: c.seconds(&b.forward_delay, "forward_delay")?,
                hello_time: c.seconds(&b.hello_time, "hello_time")?,
                max_age: c.seconds(&b.max_age, "max_age")?,
                vlan_filtering: b.vlan_filtering,
                ..BridgeOptions::default()
            },
            uplinks: ports,
            vni,
            hosts: Vec::new(),
        });
    }
    let bridge_defined = |b: &S<String>, who: &str| -> Result<IfName, LabFileError> {
        if f.bridges.iter().any(|x| x.name.get_ref() == b.get_ref()) {
            c.ifname(b, "bridge")
        } else {
            Err(c.error(
                b.span(),
                format!(
                    "{who} is on bridge \"{}\", which the lab does not define",
                    b.get_ref()
                ),
            ))
        }
    };

    // Nodes.
    let mut nodes: Vec<Node> = Vec::new();
    let mut seen_nodes: BTreeMap<String, Range<usize>> = BTreeMap::new();
    let mut veth_count = 0usize;
    for n in &f.nodes {
        let node_name = n.name.get_ref().clone();
        if node_name.is_empty()
            || !node_name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.'))
        {
            return Err(c.error(
                n.name.span(),
                format!("node name \"{node_name}\" must be letters, digits, '_', '-' or '.'"),
            ));
        }
        if seen_nodes
            .insert(node_name.clone(), n.name.span())
            .is_some()
        {
            return Err(c.error(
                n.name.span(),
                format!("node \"{node_name}\" is defined twice"),
            ));
        }
        let mut interfaces = Vec::new();
        let mut if_names = BTreeSet::new();
        for i in &n.interfaces {
            let ifname = c.ifname(&i.name, "interface")?;
            if ifname == "lo" || !if_names.insert(ifname.clone()) {
                return Err(c.error(
                    i.name.span(),
                    format!("node \"{node_name}\" has interface \"{ifname}\" twice"),
                ));
            }
            let who = format!("node \"{node_name}\"");
            let bridge = i
                .bridge
                .as_ref()
                .map(|b| bridge_defined(b, &who))
                .transpose()?;
            veth_count += 1;
            let host_name = match &i.host_name {
                Some(h) => c.ifname(h, "host_name")?,
                None => super::host_end_name(&name, &node_name, &ifname, veth_count),
            };
            claim(&host_name, i.host_name.as_ref().unwrap_or(&i.name).span())?;
            let mut addresses = Vec::new();
            for a in &i.addresses {
                addresses.push(c.cidr(a, "address")?);
            }
            let mut host_addresses = Vec::new();
            for a in &i.host_addresses {
                host_addresses.push(c.cidr(a, "host address")?);
            }
            if bridge.is_some() && !host_addresses.is_empty() {
                return Err(c.error(
                    i.host_addresses[0].span(),
                    "an interface on a bridge cannot have host_addresses (give the bridge an address)",
                ));
            }
            let mtu = match &i.mtu {
                Some(m) => Some(
                    Mtu::new(*m.get_ref())
                        .map_err(|e| c.error(m.span(), format!("MTU {}: {e}", m.get_ref())))?,
                ),
                None => None,
            };
            let vlans = c.port_vlans(&i.pvid, &i.vlans, i.bridge.as_ref(), &filtering)?;
            interfaces.push(NodeInterface {
                name: ifname,
                host_name,
                bridge,
                addresses,
                host_addresses,
                host_proxy_arp: i.host_proxy_arp,
                mtu,
                vlans,
            });
        }
        let mut routes = Vec::new();
        if let Some(g) = &n.gateway {
            routes.push(LabRoute {
                to: None,
                via: Some(c.ip(g, "gateway")?),
                dev: None,
            });
        }
        for r in &n.routes {
            routes.push(route(c, r, |d| {
                n.interfaces.iter().any(|i| i.name.get_ref() == d)
                    || f.links.iter().any(|l| {
                        (l.a.node.get_ref() == &node_name && l.a.interface.get_ref() == d)
                            || (l.b.node.get_ref() == &node_name && l.b.interface.get_ref() == d)
                    })
            })?);
        }
        nodes.push(Node {
            netns_name: super::node_netns_name(&name, &node_name),
            name: node_name,
            forwarding: n.forwarding,
            proxy_arp: n.proxy_arp,
            interfaces,
            routes,
            exec: n.exec.clone(),
        });
    }
    let node_index = |s: &S<String>, who: &str| -> Result<usize, LabFileError> {
        nodes
            .iter()
            .position(|n| &n.name == s.get_ref())
            .ok_or_else(|| {
                c.error(
                    s.span(),
                    format!(
                        "{who} names node \"{}\", which the lab does not define",
                        s.get_ref()
                    ),
                )
            })
    };

    // Point-to-point links.
    let mut links = Vec::new();
    for l in &f.links {
        let mut ends = Vec::new();
        for end in [&l.a, &l.b] {
            let node = node_index(&end.node, "a link")?;
            let interface = c.ifname(&end.interface, "interface")?;
            if nodes[node].interfaces.iter().any(|i| i.name == interface)
                || links.iter().any(|x: &LabLink| {
                    [&x.a, &x.b]
                        .iter()
                        .any(|e| e.node == node && e.interface == interface)
                })
                || ends
                    .iter()
                    .any(|e: &P2pEnd| e.node == node && e.interface == interface)
            {
                return Err(c.error(
                    end.interface.span(),
                    format!(
                        "node \"{}\" has interface \"{interface}\" twice",
                        nodes[node].name
                    ),
                ));
            }
            let mut addresses = Vec::new();
            for a in &end.addresses {
                addresses.push(c.cidr(a, "address")?);
            }
            ends.push(P2pEnd {
                node,
                interface,
                addresses,
            });
        }
        let b = ends.pop().expect("two ends");
        let a = ends.pop().expect("two ends");
        if a.node == b.node {
            return Err(c.error(l.b.node.span(), "a link joins a node to itself"));
        }
        links.push(LabLink { a, b });
    }

    // Taps.
    let mut taps = Vec::new();
    for t in &f.taps {
        let name = c.ifname(&t.name, "tap")?;
        claim(&name, t.name.span())?;
        let bridge = t
            .bridge
            .as_ref()
            .map(|b| bridge_defined(b, &format!("tap \"{name}\"")))
            .transpose()?;
        let mac =
            match &t.mac {
                Some(m) => Some(m.get_ref().parse::<MacAddr>().map_err(|e| {
                    c.error(m.span(), format!("MAC address \"{}\": {e}", m.get_ref()))
                })?),
                None => None,
            };
        let queues = match &t.queues {
            Some(q) if *q.get_ref() == 0 || (*q.get_ref() > 1 && !t.multi_queue) => {
                return Err(c.error(
                    q.span(),
                    "queues above 1 need multi_queue = true (and 0 is no queue)",
                ));
            }
            Some(q) => *q.get_ref(),
            None if t.multi_queue => 2,
            None => 1,
        };
        taps.push(LabTap {
            name,
            bridge,
            owner: t.owner,
            group: t.group,
            multi_queue: t.multi_queue,
            queues,
            mac,
            vlans: c.port_vlans(&t.pvid, &t.vlans, t.bridge.as_ref(), &filtering)?,
            memory: t.memory.unwrap_or(512),
            disk: t.disk.clone(),
        });
    }

    // VLAN sub-interfaces in the host.
    let mut vlans = Vec::new();
    for v in &f.vlans {
        let name = c.ifname(&v.name, "VLAN interface")?;
        claim(&name, v.name.span())?;
        let parent = c.ifname(&v.parent, "VLAN parent")?;
        let mut addresses = Vec::new();
        for a in &v.addresses {
            addresses.push(c.cidr(a, "address")?);
        }
        vlans.push(LabVlan {
            name,
            parent,
            id: c.vlan(&v.id)?,
            addresses,
        });
    }

    // Host routes.
    let mut routes = Vec::new();
    for r in &f.routes {
        routes.push(route(c, r, |_| true)?);
    }

    // NAT.
    let mut nat = Vec::new();
    for m in &f.nat.masquerade {
        let mut rule = Masquerade::new(c.ifname(&m.out, "masquerade interface")?);
        if let Some(s) = &m.source {
            match c.cidr(s, "masquerade source")? {
                IpNetwork::V4(n) => rule = rule.source(n),
                IpNetwork::V6(_) => return Err(c.error(s.span(), "NAT handles IPv4 only")),
            }
        }
        nat.push(NatRule::Masquerade(rule));
    }
    for fw in &f.nat.forwards {
        let protocol: L4Protocol = fw.protocol.get_ref().parse().map_err(|_| {
            c.error(
                fw.protocol.span(),
                format!("protocol \"{}\" is not tcp or udp", fw.protocol.get_ref()),
            )
        })?;
        let to: Ipv4Addr = match (&fw.node, &fw.to) {
            (Some(_), Some(t)) => {
                return Err(c.error(t.span(), "a port forward names either node or to, not both"));
            }
            (None, Some(t)) => match c.ip(t, "port forward target")? {
                IpAddr::V4(a) => a,
                IpAddr::V6(_) => return Err(c.error(t.span(), "NAT handles IPv4 only")),
            },
            (Some(n), None) => {
                let node = &nodes[node_index(n, "a port forward")?];
                first_ipv4(node).ok_or_else(|| {
                    c.error(
                        n.span(),
                        format!("node \"{}\" has no IPv4 address to forward to", node.name),
                    )
                })?
            }
            (None, None) => {
                return Err(c.error(fw.port.span(), "a port forward needs node or to"));
            }
        };
        let mut rule = PortForward::new(protocol, *fw.port.get_ref(), to)
            .map_err(|e| c.error(fw.port.span(), e.to_string()))?;
        if let Some(p) = &fw.to_port {
            rule = rule
                .to_port(*p.get_ref())
                .map_err(|e| c.error(p.span(), e.to_string()))?;
        }
        if let Some(i) = &fw.input {
            rule = rule.input(c.ifname(i, "input interface")?);
        }
        nat.push(NatRule::PortForward(rule));
    }

    let mut proxy_arp = Vec::new();
    for p in &f.proxy_arp {
        proxy_arp.push(ProxyArp {
            interface: c.ifname(&p.interface, "proxy-ARP interface")?,
            address: c.ip(&p.address, "proxy-ARP address")?,
        });
    }

    // Hosts.
    let mut hosts = Vec::new();
    for h in &f.hosts {
        let underlay = c.ip(&h.underlay, "underlay address")?;
        let mut host_nodes = Vec::new();
        for n in &h.nodes {
            let i = node_index(n, &format!("host \"{}\"", h.name.get_ref()))?;
            if hosts.iter().any(|x: &LabHost| x.nodes.contains(&i)) {
                return Err(c.error(
                    n.span(),
                    format!("node \"{}\" is on two hosts", n.get_ref()),
                ));
            }
            host_nodes.push(i);
        }
        let mut host_bridges = Vec::new();
        for b in &h.bridges {
            let name = bridge_defined(b, &format!("host \"{}\"", h.name.get_ref()))?;
            let i = bridges
                .iter()
                .position(|x| x.name == name)
                .expect("defined");
            bridges[i].hosts.push(hosts.len());
            host_bridges.push(i);
        }
        let mut host_taps = Vec::new();
        for t in &h.taps {
            let i = taps
                .iter()
                .position(|x| x.name == t.get_ref().as_str())
                .ok_or_else(|| {
                    c.error(
                        t.span(),
                        format!(
                            "host names tap \"{}\", which the lab does not define",
                            t.get_ref()
                        ),
                    )
                })?;
            host_taps.push(i);
        }
        hosts.push(LabHost {
            name: h.name.get_ref().clone(),
            underlay,
            nodes: host_nodes,
            bridges: host_bridges,
            taps: host_taps,
        });
    }
    if !hosts.is_empty() {
        for (i, n) in f.nodes.iter().enumerate() {
            if !hosts.iter().any(|h| h.nodes.contains(&i)) {
                return Err(c.error(
                    n.name.span(),
                    format!("node \"{}\" is on no host", n.name.get_ref()),
                ));
            }
            for (j, iface) in n.interfaces.iter().enumerate() {
                if let Some(b) = &nodes[i].interfaces[j].bridge {
                    let h = hosts
                        .iter()
                        .position(|h| h.nodes.contains(&i))
                        .expect("checked");
                    if !bridges.iter().any(|x| &x.name == b && x.hosts.contains(&h)) {
                        return Err(c.error(
                            iface.bridge.as_ref().expect("has a bridge").span(),
                            format!(
                                "node \"{}\" is on bridge \"{b}\", which host \"{}\" does not have",
                                n.name.get_ref(),
                                hosts[h].name
                            ),
                        ));
                    }
                }
            }
        }
        for (l, fl) in links.iter().zip(&f.links) {
            let ha = hosts.iter().position(|h| h.nodes.contains(&l.a.node));
            let hb = hosts.iter().position(|h| h.nodes.contains(&l.b.node));
            if ha != hb {
                return Err(c.error(
                    fl.b.node.span(),
                    "a link joins nodes on two hosts: put a bridge on both hosts instead",
                ));
            }
        }
    }

    Ok(Lab {
        name,
        description: f.description,
        group,
        forwarding: f.forwarding || !nat.is_empty(),
        bridges,
        nodes,
        links,
        taps,
        vlans,
        routes,
        nat,
        proxy_arp,
        hosts,
        source: text.to_string(),
        host: None,
    })
}

fn route(
    c: &Checker<'_>,
    r: &FileRoute,
    dev_known: impl Fn(&str) -> bool,
) -> Result<LabRoute, LabFileError> {
    let to = if r.to.get_ref() == "default" {
        None
    } else {
        Some(c.cidr(&r.to, "route destination")?)
    };
    let via = r.via.as_ref().map(|v| c.ip(v, "gateway")).transpose()?;
    let dev = match &r.dev {
        Some(d) if !dev_known(d.get_ref()) => {
            return Err(c.error(
                d.span(),
                format!(
                    "route through \"{}\", an interface the node does not have",
                    d.get_ref()
                ),
            ));
        }
        Some(d) => Some(c.ifname(d, "route device")?),
        None => None,
    };
    if via.is_none() && dev.is_none() {
        return Err(c.error(r.to.span(), "a route needs via or dev"));
    }
    Ok(LabRoute { to, via, dev })
}

fn first_ipv4(node: &Node) -> Option<Ipv4Addr> {
    node.interfaces
        .iter()
        .flat_map(|i| &i.addresses)
        .find_map(|a| match a {
            IpNetwork::V4(n) => Some(n.ip()),
            IpNetwork::V6(_) => None,
        })
}
