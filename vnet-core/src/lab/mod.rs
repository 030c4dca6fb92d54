//! Labs: whole topologies described once in a TOML file, built, checked and removed in
//! one process (`vnet lab up/status/down`), with rollback and ownership marks.
//!
//! A [`Lab`] comes from a file ([`Lab::from_toml`]), checked completely before anything
//! is built: a problem is reported at its line and column ([`LabFileError`]). Then:
//!
//! - [`Lab::up`] builds it: node namespaces, bridges, veths, taps, VLAN interfaces,
//!   addresses, routes, forwarding and proxy-ARP switches, NAT, and runs each node's
//!   `exec` commands. If a step fails (or the caller cancels it), everything this run
//!   created is removed in reverse order and the error names the step ([`LabError`]).
//! - [`Lab::status`] lists every object the lab owns as present, missing or changed.
//! - [`Lab::down`] (or [`down_marked`], from the lab's name alone) removes what `up`
//!   made, found by the marks `up` put on the objects themselves, so it works without
//!   any state record and never touches what someone made by hand:
//!   - node namespaces are named `LAB-NODE` and their `lo` is put in the lab's link
//!     group ([`Lab::group`]);
//!   - every device `up` creates in the host namespace (bridges, the host ends of veths,
//!     taps, VLAN and VXLAN interfaces) is in the lab's link group, and goes with one
//!     `ip link delete group N` request;
//!   - NAT rules live in the lab's own nf_tables table `ip vnet-lab-LAB`.
//!
//! "The host" is the namespace `up` is called for ([`Lab::up_in`]; [`Lab::up`] takes
//! the caller's). The file format is documented in `examples/labs/README.md`.

mod file;
mod graph;
mod state;

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use ipnetwork::IpNetwork;

pub use file::LabFileError;
pub use state::{DEFAULT_STATE_DIR, LabRecord, list_records, load_record, remove_record};

use crate::bridge::PortVlan;
use crate::error::{Error, Result};
use crate::handle::Handle;
use crate::link::{Bridge, BridgeOptions, LinkChange, LinkSpec, Veth, Vlan, Vxlan};
use crate::netfilter::Netfilter;
use crate::netfilter::nat::NatRule;
use crate::netns::Netns;
use crate::route::Route;
use crate::sysctl::{Conf, SysctlKey, Sysctls};
use crate::tuntap::TunTap;
use crate::values::{IfName, MacAddr, Mtu, VlanId, Vni};

/// The bytes a VXLAN header costs on the wire (outer IPv4 20 + UDP 8 + VXLAN 8 + inner
/// Ethernet 14): links on a bridge stretched across hosts get an MTU this much smaller.
pub const VXLAN_OVERHEAD: u32 = 50;

/// A lab: a topology read from a lab file, ready to be built, checked or removed.
#[derive(Debug, Clone)]
pub struct Lab {
    name: String,
    description: Option<String>,
    group: u32,
    forwarding: bool,
    bridges: Vec<LabBridge>,
    nodes: Vec<Node>,
    links: Vec<LabLink>,
    taps: Vec<LabTap>,
    vlans: Vec<LabVlan>,
    routes: Vec<LabRoute>,
    nat: Vec<NatRule>,
    proxy_arp: Vec<ProxyArp>,
    hosts: Vec<LabHost>,
    source: String,
    host: Option<usize>,
}

#[derive(Debug, Clone)]
struct LabBridge {
    name: IfName,
    address: Option<IpNetwork>,
    options: BridgeOptions,
    /// Host interfaces enslaved to it (an uplink): not the lab's, only released.
    uplinks: Vec<IfName>,
    vni: Option<Vni>,
    /// The hosts (indexes in `Lab::hosts`) it is on.
    hosts: Vec<usize>,
}

#[derive(Debug, Clone)]
struct Node {
    name: String,
    netns_name: String,
    forwarding: bool,
    proxy_arp: bool,
    interfaces: Vec<NodeInterface>,
    routes: Vec<LabRoute>,
    exec: Vec<String>,
}

#[derive(Debug, Clone)]
struct NodeInterface {
    name: IfName,
    host_name: IfName,
    bridge: Option<IfName>,
    addresses: Vec<IpNetwork>,
    host_addresses: Vec<IpNetwork>,
    host_proxy_arp: bool,
    mtu: Option<Mtu>,
    vlans: Vec<PortVlan>,
}

#[derive(Debug, Clone)]
struct P2pEnd {
    node: usize,
    interface: IfName,
    addresses: Vec<IpNetwork>,
}

#[derive(Debug, Clone)]
struct LabLink {
    a: P2pEnd,
    b: P2pEnd,
}

#[derive(Debug, Clone)]
struct LabTap {
    name: IfName,
    bridge: Option<IfName>,
    owner: Option<u32>,
    group: Option<u32>,
    multi_queue: bool,
    queues: u16,
    mac: Option<MacAddr>,
    vlans: Vec<PortVlan>,
    memory: u32,
    disk: Option<String>,
}

#[derive(Debug, Clone)]
struct LabVlan {
    name: IfName,
    parent: IfName,
    id: VlanId,
    addresses: Vec<IpNetwork>,
}

#[derive(Debug, Clone, PartialEq)]
struct LabRoute {
    /// `None`: the default route.
    to: Option<IpNetwork>,
    via: Option<IpAddr>,
    dev: Option<IfName>,
}

#[derive(Debug, Clone)]
struct ProxyArp {
    interface: IfName,
    address: IpAddr,
}

#[derive(Debug, Clone)]
struct LabHost {
    name: String,
    underlay: IpAddr,
    nodes: Vec<usize>,
    bridges: Vec<usize>,
    taps: Vec<usize>,
}

/// The link group that marks a lab's devices: derived from its name (FNV-1a), in
/// `0x40000000..0x80000000`, so it is never 0 (every device's default group).
pub fn lab_group(name: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in name.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    0x4000_0000 | (hash & 0x3fff_ffff)
}

/// The link group of lab `lab`'s part on host `host` (or of the whole lab, for `None`).
pub fn host_group(lab: &str, host: Option<&str>) -> u32 {
    match host {
        Some(h) => lab_group(&format!("{lab}@{h}")),
        None => lab_group(lab),
    }
}

/// The name of a lab node's namespace: `LAB-NODE`.
pub fn node_netns_name(lab: &str, node: &str) -> String {
    format!("{lab}-{node}")
}

/// The nf_tables table (family `ip`) a lab's NAT rules live in: `vnet-lab-LAB`.
pub fn nat_table_name(lab: &str) -> String {
    format!("vnet-lab-{lab}")
}

/// The host end of a node's veth: `LAB-NODE-IF` when that fits in 15 bytes, else
/// `vXXXXXX-N` (the lab's group in hex, and the veth's number in the file).
fn host_end_name(lab: &str, node: &str, interface: &IfName, n: usize) -> IfName {
    let long = format!("{lab}-{node}-{interface}");
    let name = if long.len() <= 15 {
        long
    } else {
        format!("v{:06x}-{n}", lab_group(lab) & 0xff_ffff)
    };
    IfName::new(name).expect("a valid generated name")
}

/// A failed [`Lab::up`] or [`Lab::down`]: which step, why, and what rollback did.
#[derive(Debug)]
#[non_exhaustive]
pub enum LabError {
    /// A step failed (or was cancelled); what the run had created was removed.
    Step {
        /// The lab.
        lab: String,
        /// The step, numbered from 1, and what it does.
        step: String,
        /// Why it failed.
        source: Box<Error>,
        /// Rollback steps that failed themselves (normally empty), as text.
        rollback_failures: Vec<String>,
    },
    /// `up` of a lab whose objects are already there: nothing was changed.
    AlreadyUp {
        /// The lab.
        lab: String,
        /// What of it was found.
        found: Vec<String>,
    },
    /// Removing the lab, or reading its state, failed.
    Down {
        /// The lab.
        lab: String,
        /// Why.
        source: Box<Error>,
    },
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabError::Step {
                lab,
                step,
                source,
                rollback_failures,
            } => {
                write!(
                    f,
                    "lab '{lab}': {step}: {source}; everything this run created was removed"
                )?;
                for failure in rollback_failures {
                    write!(f, "; rollback: {failure}")?;
                }
                Ok(())
            }
            LabError::AlreadyUp { lab, found } => write!(
                f,
                "lab '{lab}' is already up ({}); nothing was changed",
                found.join(", ")
            ),
            LabError::Down { lab, source } => write!(f, "lab '{lab}': {source}"),
        }
    }
}

impl std::error::Error for LabError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LabError::Step { source, .. } | LabError::Down { source, .. } => Some(source.as_ref()),
            LabError::AlreadyUp { .. } => None,
        }
    }
}

/// Options of [`Lab::up_with`].
#[derive(Debug, Default)]
pub struct UpOptions<'a> {
    /// Checked before every step: once true, `up` stops, rolls back and fails with
    /// "interrupted" (what a Ctrl-C handler sets).
    pub cancel: Option<&'a AtomicBool>,
    /// Makes step number `n` (from 1) fail before it does anything: for tests of the
    /// rollback.
    pub fail_at_step: Option<usize>,
    /// Where to keep the lab's record (its file, for `status` and `down` by name);
    /// `None` keeps none.
    pub state_dir: Option<PathBuf>,
}

/// What [`Lab::up`] did.
#[derive(Debug, Clone)]
pub struct UpReport {
    /// Every step, in order.
    pub steps: Vec<String>,
    /// The output of each node's `exec` commands: (node, command, stdout).
    pub exec_output: Vec<(String, String, String)>,
}

/// What [`Lab::down`] removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownReport {
    /// Node namespaces deleted.
    pub namespaces: Vec<String>,
    /// Host devices deleted (the lab's link group).
    pub links: Vec<IfName>,
    /// NAT rules deleted (with the lab's table).
    pub nat_rules: usize,
    /// Proxy-ARP entries deleted.
    pub proxy_arp: usize,
}

impl DownReport {
    /// True when nothing of the lab was found.
    pub fn is_empty(&self) -> bool {
        self.namespaces.is_empty()
            && self.links.is_empty()
            && self.nat_rules == 0
            && self.proxy_arp == 0
    }
}

/// The state of one object of a lab, as [`Lab::status`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectState {
    /// There, as `up` made it.
    Present,
    /// Not there.
    Missing,
    /// There, but not as `up` made it: what differs.
    Changed(String),
}

impl ObjectState {
    /// `present`, `missing` or `changed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ObjectState::Present => "present",
            ObjectState::Missing => "missing",
            ObjectState::Changed(_) => "changed",
        }
    }
}

/// One object of a lab and its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectStatus {
    /// What it is: `netns`, `bridge`, `veth`, `interface`, `address`, `route`, `tap`,
    /// `vlan`, `vxlan`, `nat`, `proxy-arp`.
    pub kind: &'static str,
    /// Its name (or the rule, the address).
    pub name: String,
    /// Where it is: `host`, or the node namespace's name.
    pub place: String,
    /// Present, missing or changed.
    pub state: ObjectState,
}

/// Something `up` made, to remove on rollback.
enum Undo {
    Netns(String),
    HostLink(IfName),
    Release(IfName),
    NatTable,
    ProxyArp(IfName, IpAddr),
    Sysctl(SysctlKey, u32),
}

/// One run of `up`: its steps and what to undo.
struct Run<'a> {
    options: &'a UpOptions<'a>,
    steps: Vec<String>,
    undo: Vec<Undo>,
}

impl Run<'_> {
    /// Runs step `what` (`f` pushes its undo entries as it goes).
    fn step(
        &mut self,
        what: impl Into<String>,
        f: impl FnOnce(&mut Vec<Undo>) -> Result<()>,
    ) -> std::result::Result<(), (String, Error)> {
        let what = format!("step {} ({})", self.steps.len() + 1, what.into());
        self.steps.push(what.clone());
        if self
            .options
            .cancel
            .is_some_and(|c| c.load(Ordering::SeqCst))
        {
            return Err((
                what,
                Error::io("interrupted", std::io::ErrorKind::Interrupted.into()),
            ));
        }
        if self.options.fail_at_step == Some(self.steps.len()) {
            return Err((
                what,
                Error::invalid("step", self.steps.len(), "failure injected by the caller"),
            ));
        }
        f(&mut self.undo).map_err(|e| (what, e))
    }
}

impl Lab {
    /// Reads a lab from TOML text; `file` names it in error messages
    /// (`lab.toml:14:9: node "vm4" is on bridge "br9", which the lab does not define`).
    /// Everything is checked here, before anything is built.
    pub fn from_toml(text: &str, file: &str) -> std::result::Result<Lab, LabFileError> {
        file::parse(text, file)
    }

    /// The lab's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The lab's description, when the file gives one.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The link group that marks the lab's devices (see the module documentation).
    pub fn group(&self) -> u32 {
        self.group
    }

    /// The TOML text the lab was read from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The names of the lab's hosts (empty for a lab on one machine).
    pub fn hosts(&self) -> Vec<&str> {
        self.hosts.iter().map(|h| h.name.as_str()).collect()
    }

    /// The host this lab is built on, when it spans several ([`Lab::on_host`]).
    pub fn host(&self) -> Option<&str> {
        self.host.map(|h| self.hosts[h].name.as_str())
    }

    /// The node namespaces' names (`LAB-NODE`) of the nodes built here.
    pub fn namespaces(&self) -> Vec<&str> {
        self.local_nodes().map(|n| n.netns_name.as_str()).collect()
    }

    /// The same lab, to be built on host `name` of its `[[host]]` list: only the nodes,
    /// bridges and taps that host has, and its bridges stitched to the other hosts' with
    /// VXLAN.
    pub fn on_host(mut self, name: &str) -> Result<Lab> {
        let Some(i) = self.hosts.iter().position(|h| h.name == name) else {
            return Err(Error::invalid(
                "host",
                name,
                format!("lab '{}' has no such host", self.name),
            ));
        };
        self.host = Some(i);
        // Each host's part has marks of its own, so hosts that share a /run/netns (a
        // test rig) never take each other's namespaces for theirs.
        self.group = host_group(&self.name, Some(name));
        Ok(self)
    }

    fn is_local_node(&self, i: usize) -> bool {
        self.host.is_none_or(|h| self.hosts[h].nodes.contains(&i))
    }

    fn local_nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| self.is_local_node(*i))
            .map(|(_, n)| n)
    }

    fn local_bridges(&self) -> impl Iterator<Item = &LabBridge> {
        self.bridges
            .iter()
            .filter(|b| self.host.is_none_or(|h| b.hosts.contains(&h)))
    }

    fn local_taps(&self) -> impl Iterator<Item = &LabTap> {
        self.taps
            .iter()
            .enumerate()
            .filter_map(|(i, t)| match self.host {
                Some(h) if !self.hosts[h].taps.contains(&i) => None,
                _ => Some(t),
            })
    }

    /// The bridges of this host that also live on other hosts: (bridge, VXLAN device,
    /// VNI, the other hosts' underlay addresses).
    fn stitched(&self) -> Vec<(&LabBridge, IfName, Vni, Vec<IpAddr>)> {
        let Some(h) = self.host else {
            return Vec::new();
        };
        self.bridges
            .iter()
            .enumerate()
            .filter(|(_, b)| b.hosts.contains(&h) && b.hosts.len() > 1)
            .map(|(i, b)| {
                let vni = b.vni.unwrap_or_else(|| {
                    Vni::new((self.group.wrapping_add(i as u32)) & 0xff_ffff).expect("24 bits")
                });
                let name = IfName::new(format!("vx{:06x}-{i}", self.group & 0xff_ffff))
                    .expect("a valid generated name");
                let remotes = b
                    .hosts
                    .iter()
                    .filter(|&&o| o != h)
                    .map(|&o| self.hosts[o].underlay)
                    .collect();
                (b, name, vni, remotes)
            })
            .collect()
    }

    /// The MTU of links on `bridge`: lowered by [`VXLAN_OVERHEAD`] when the bridge is
    /// stretched across hosts.
    fn bridge_mtu(&self, bridge: &IfName) -> Option<Mtu> {
        let stretched = self.host.is_some()
            && self
                .bridges
                .iter()
                .any(|b| &b.name == bridge && b.hosts.len() > 1);
        stretched.then(|| Mtu::new(1500 - VXLAN_OVERHEAD).expect("valid MTU"))
    }

    /// Builds the lab in the caller's network namespace (see [`Lab::up_in`]).
    pub fn up(&self) -> std::result::Result<UpReport, LabError> {
        let host = Netns::current().map_err(|e| self.down_error(e))?;
        self.up_in(&host, &UpOptions::default())
    }

    /// Builds the lab in the caller's network namespace with `options`.
    pub fn up_with(&self, options: &UpOptions<'_>) -> std::result::Result<UpReport, LabError> {
        let host = Netns::current().map_err(|e| self.down_error(e))?;
        self.up_in(&host, options)
    }

    fn down_error(&self, source: Error) -> LabError {
        LabError::Down {
            lab: self.name.clone(),
            source: Box::new(source),
        }
    }

    /// Builds the lab with `host` as its host namespace. Refuses, changing nothing, when
    /// objects of the lab are already there ([`LabError::AlreadyUp`]). On failure, what
    /// this run created is removed in reverse order.
    pub fn up_in(
        &self,
        host: &Netns,
        options: &UpOptions<'_>,
    ) -> std::result::Result<UpReport, LabError> {
        let found = self.marked_objects(host).map_err(|e| self.down_error(e))?;
        if !found.is_empty() {
            return Err(LabError::AlreadyUp {
                lab: self.name.clone(),
                found,
            });
        }
        let mut run = Run {
            options,
            steps: Vec::new(),
            undo: Vec::new(),
        };
        let mut exec_output = Vec::new();
        let mut result = self.build(host, &mut run, &mut exec_output);
        if result.is_ok() && options.cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
            // Interrupted during the last step: the lab is not left half-owned.
            result = Err((
                format!("after step {} (the last)", run.steps.len()),
                Error::io("interrupted", std::io::ErrorKind::Interrupted.into()),
            ));
        }
        match result {
            Ok(()) => Ok(UpReport {
                steps: run.steps,
                exec_output,
            }),
            Err((step, source)) => {
                let rollback_failures = rollback(self, host, run.undo);
                Err(LabError::Step {
                    lab: self.name.clone(),
                    step,
                    source: Box::new(source),
                    rollback_failures,
                })
            }
        }
    }

    fn build(
        &self,
        host_ns: &Netns,
        run: &mut Run<'_>,
        exec_output: &mut Vec<(String, String, String)>,
    ) -> std::result::Result<(), (String, Error)> {
        let g = self.group;
        let lo = IfName::new("lo").expect("valid");
        let nodes: Vec<&Node> = self.local_nodes().collect();
        let node_pos = |i: usize| nodes.iter().position(|n| std::ptr::eq(*n, &self.nodes[i]));
        let fail = |what: &str, e: Error| (what.to_string(), e);
        let host = Handle::new(host_ns).map_err(|e| fail("opening the host namespace", e))?;

        // Namespaces, each marked by its lo in the lab's group.
        let mut namespaces = Vec::new();
        if !nodes.is_empty() {
            run.step(
                format!("creating {} node namespaces", nodes.len()),
                |undo| {
                    let names: Vec<&str> = nodes.iter().map(|n| n.netns_name.as_str()).collect();
                    namespaces = Netns::add_many(&names)?;
                    undo.extend(names.iter().map(|n| Undo::Netns(n.to_string())));
                    Ok(())
                },
            )?;
        }
        let mut handles = Vec::new();
        if !nodes.is_empty() {
            run.step("opening the node namespaces and marking them", |_| {
                handles = Handle::new_many(&namespaces)?;
                for h in &handles {
                    h.link().set(&lo, &LinkChange::new().up().group(g))?;
                }
                Ok(())
            })?;
        }

        // Bridges of this host.
        for b in self.local_bridges() {
            run.step(format!("creating bridge '{}'", b.name), |undo| {
                host.link().add(
                    &Bridge::new(b.name.clone())
                        .options(b.options.clone())
                        .group(g)
                        .up(),
                )?;
                undo.push(Undo::HostLink(b.name.clone()));
                if let Some(a) = b.address {
                    host.addr().add(&b.name, a)?;
                }
                for port in &b.uplinks {
                    host.link()
                        .set(port, &LinkChange::new().master(&b.name).up())?;
                    undo.push(Undo::Release(port.clone()));
                }
                Ok(())
            })?;
        }

        // Node veths: peers born in their namespaces, host ends in the group, enslaved
        // by index (one lookup per bridge, not one per veth).
        let mut bridge_index = std::collections::BTreeMap::new();
        for b in self.local_bridges() {
            let index = host
                .link()
                .get(&b.name)
                .map_err(|e| fail("looking up the lab's bridges", e))?
                .index;
            bridge_index.insert(b.name.clone(), index);
        }
        let mut veths = Vec::new();
        let mut veth_names = Vec::new();
        for (n, node) in nodes.iter().enumerate() {
            for i in &node.interfaces {
                let mut veth = Veth::new(i.host_name.clone(), i.name.clone())
                    .peer_netns(&namespaces[n])
                    .group(g)
                    .up();
                let mtu = i
                    .mtu
                    .or_else(|| i.bridge.as_ref().and_then(|b| self.bridge_mtu(b)));
                if let Some(m) = mtu {
                    veth = veth.mtu(m).peer_mtu(m);
                }
                if let Some(b) = &i.bridge {
                    veth = match bridge_index.get(b) {
                        Some(&index) => veth.master(index),
                        None => veth.master(b),
                    };
                }
                veths.push(veth);
                veth_names.push(i.host_name.clone());
            }
        }
        if !veths.is_empty() {
            run.step(format!("creating {} node veths", veths.len()), |undo| {
                let specs: Vec<&dyn LinkSpec> = veths.iter().map(|v| v as &dyn LinkSpec).collect();
                let result = host.link().add_many(&specs);
                // Whatever was made before a failure is in the group: rollback finds it.
                undo.extend(veth_names.iter().map(|n| Undo::HostLink(n.clone())));
                result
            })?;
        }

        // Point-to-point links between two nodes of this host.
        for l in &self.links {
            let (Some(a), Some(b)) = (node_pos(l.a.node), node_pos(l.b.node)) else {
                continue;
            };
            run.step(
                format!(
                    "creating link {}:{} - {}:{}",
                    nodes[a].name, l.a.interface, nodes[b].name, l.b.interface
                ),
                |_| {
                    // Both ends inside node namespaces: they go with them.
                    host.link().add(
                        &Veth::new(l.a.interface.clone(), l.b.interface.clone())
                            .netns(&namespaces[a])
                            .peer_netns(&namespaces[b]),
                    )
                },
            )?;
        }

        // Taps for real VMs.
        let taps: Vec<&LabTap> = self.local_taps().collect();
        if !taps.is_empty() {
            run.step(format!("creating {} taps", taps.len()), |undo| {
                for t in &taps {
                    let mut spec = TunTap::tap(t.name.clone())
                        .multi_queue(t.multi_queue)
                        .vnet_hdr(true)
                        .link_group(g);
                    if let Some(o) = t.owner {
                        spec = spec.owner(o);
                    }
                    if let Some(gid) = t.group {
                        spec = spec.group(gid);
                    }
                    host.tuntap().add(&spec)?;
                    undo.push(Undo::HostLink(t.name.clone()));
                    let mut change = LinkChange::new().up();
                    if let Some(b) = &t.bridge {
                        change = change.master(b);
                        if let Some(m) = self.bridge_mtu(b) {
                            change = change.mtu(m);
                        }
                    }
                    host.link().set(&t.name, &change)?;
                }
                Ok(())
            })?;
        }

        // VLAN sub-interfaces of the host.
        for v in &self.vlans {
            run.step(format!("creating VLAN interface '{}'", v.name), |undo| {
                host.link()
                    .add(&Vlan::new(v.name.clone(), &v.parent, v.id).group(g).up())?;
                undo.push(Undo::HostLink(v.name.clone()));
                for a in &v.addresses {
                    host.addr().add(&v.name, *a)?;
                }
                Ok(())
            })?;
        }

        // Access and trunk ports.
        let mut port_vlans: Vec<(IfName, &PortVlan)> = Vec::new();
        for node in &nodes {
            for i in &node.interfaces {
                port_vlans.extend(i.vlans.iter().map(|v| (i.host_name.clone(), v)));
            }
        }
        for t in &taps {
            port_vlans.extend(t.vlans.iter().map(|v| (t.name.clone(), v)));
        }
        if !port_vlans.is_empty() {
            run.step("setting the VLANs of bridge ports", |_| {
                for (port, vlan) in &port_vlans {
                    if vlan.pvid {
                        // An access port leaves the default VLAN 1 for its own.
                        let one = VlanId::new(1).expect("valid");
                        let _ = host.bridge().vlan_del(port, one);
                    }
                    host.bridge().vlan_add(port, vlan)?;
                }
                Ok(())
            })?;
        }

        // Host ends of routed veths: addresses, proxy ARP.
        for node in &nodes {
            for i in node.interfaces.iter().filter(|i| i.bridge.is_none()) {
                if i.host_addresses.is_empty() && !i.host_proxy_arp {
                    continue;
                }
                run.step(format!("configuring host end '{}'", i.host_name), |_| {
                    for a in &i.host_addresses {
                        host.addr().add(&i.host_name, *a)?;
                    }
                    if i.host_proxy_arp {
                        Sysctls::new(host_ns)
                            .set(&SysctlKey::ProxyArp(Conf::Dev(i.host_name.clone())), 1)?;
                    }
                    Ok(())
                })?;
            }
        }

        // Inside each node: links up, addresses, routes, switches.
        if !nodes.is_empty() {
            run.step(
                "configuring the nodes (links, addresses, routes, sysctls)",
                |_| {
                    for (n, node) in nodes.iter().enumerate() {
                        let h = &handles[n];
                        let mut ifaces: Vec<(&IfName, &[IpNetwork])> = node
                            .interfaces
                            .iter()
                            .map(|i| (&i.name, i.addresses.as_slice()))
                            .collect();
                        for l in &self.links {
                            for end in [&l.a, &l.b] {
                                if node_pos(end.node) == Some(n) {
                                    ifaces.push((&end.interface, end.addresses.as_slice()));
                                }
                            }
                        }
                        for (name, addresses) in &ifaces {
                            h.link().up(*name)?;
                            for a in *addresses {
                                h.addr().add(*name, *a)?;
                            }
                        }
                        for r in &node.routes {
                            h.route().add(&r.to_route())?;
                        }
                        if node.forwarding || node.proxy_arp {
                            let s = Sysctls::new(&namespaces[n]);
                            if node.forwarding {
                                s.set(&SysctlKey::IpForward, 1)?;
                            }
                            if node.proxy_arp {
                                s.set(&SysctlKey::ProxyArp(Conf::All), 1)?;
                            }
                        }
                    }
                    Ok(())
                },
            )?;
        }

        // The host: routes, forwarding, proxy-ARP entries.
        for r in &self.routes {
            run.step(format!("adding host route {}", r.describe()), |_| {
                host.route().add(&r.to_route())
            })?;
        }
        if self.forwarding {
            run.step("turning on forwarding in the host", |undo| {
                let s = Sysctls::new(host_ns);
                let before = s.set(&SysctlKey::IpForward, 1)?;
                if before != 1 {
                    undo.push(Undo::Sysctl(SysctlKey::IpForward, before));
                }
                Ok(())
            })?;
        }
        for p in &self.proxy_arp {
            run.step(
                format!("adding proxy-ARP entry {} on '{}'", p.address, p.interface),
                |undo| {
                    host.neigh().add_proxy(&p.interface, p.address)?;
                    undo.push(Undo::ProxyArp(p.interface.clone(), p.address));
                    Ok(())
                },
            )?;
        }

        // VXLAN stitching of bridges that span hosts.
        for (b, name, vni, remotes) in self.stitched() {
            let local = self.hosts[self.host.expect("stitched only on a host")].underlay;
            run.step(
                format!(
                    "stitching bridge '{}' to {} other hosts with VXLAN '{name}'",
                    b.name,
                    remotes.len()
                ),
                |undo| {
                    host.link().add(
                        &Vxlan::new(name.clone(), vni)
                            .local(local)
                            .port(4789)
                            .group(g)
                            .master(&b.name)
                            .up(),
                    )?;
                    undo.push(Undo::HostLink(name.clone()));
                    // Without a lower device the kernel makes it 1500 whatever the
                    // create request says (6.18): the 50 bytes of encapsulation must fit
                    // in the underlay's 1500, so its MTU is set once it exists.
                    let mtu = Mtu::new(1500 - VXLAN_OVERHEAD).expect("valid MTU");
                    host.link().set(&name, &LinkChange::new().mtu(mtu))?;
                    let zero = MacAddr::ZERO;
                    for remote in &remotes {
                        // Head-end replication: an all-zero entry per remote host, appended.
                        host.bridge().fdb_append(
                            &crate::bridge::FdbSpec::device(zero, &name).dst(*remote),
                        )?;
                    }
                    Ok(())
                },
            )?;
        }

        // NAT, in one transaction, in the lab's own table.
        if !self.nat.is_empty() {
            run.step(format!("adding {} NAT rules", self.nat.len()), |undo| {
                let nf = Netfilter::new(host_ns)?;
                let table = nat_table_name(&self.name);
                undo.push(Undo::NatTable);
                nf.nat_table(&table)?.add_many(&self.nat)?;
                Ok(())
            })?;
        }

        // The record, then each node's commands.
        if let Some(dir) = &run.options.state_dir {
            run.step("writing the lab's record", |_| state::save(dir, self))?;
        }
        for node in &nodes {
            for command in &node.exec {
                run.step(
                    format!("running '{command}' in node '{}'", node.name),
                    |_| {
                        let output = Netns::command(&node.netns_name, "/bin/sh")?
                            .arg("-c")
                            .arg(command)
                            .output()
                            .map_err(|e| Error::io(format!("running '{command}'"), e))?;
                        if !output.status.success() {
                            return Err(Error::io(
                                format!(
                                    "running '{command}' in node '{}' ({}): {}",
                                    node.name,
                                    output.status,
                                    String::from_utf8_lossy(&output.stderr).trim()
                                ),
                                std::io::Error::other("command failed"),
                            ));
                        }
                        exec_output.push((
                            node.name.clone(),
                            command.clone(),
                            String::from_utf8_lossy(&output.stdout).into_owned(),
                        ));
                        Ok(())
                    },
                )?;
            }
        }
        Ok(())
    }

    /// What of this lab is already in `host` (by its marks).
    fn marked_objects(&self, host: &Netns) -> Result<Vec<String>> {
        let mut found = Vec::new();
        let handle = Handle::new(host)?;
        let links = handle.link().list()?;
        found.extend(
            links
                .iter()
                .filter(|l| l.group == self.group)
                .map(|l| format!("link '{}'", l.name)),
        );
        for (ns, _, _) in marked_namespaces(&self.name, self.group, &handle)? {
            found.push(format!("netns '{ns}'"));
        }
        let nf = Netfilter::new(host)?;
        let table = nat_table_name(&self.name);
        if let Ok(rules) = nf.nat_table(&table)?.list() {
            if !rules.is_empty() {
                found.push(format!("{} NAT rules in table ip {table}", rules.len()));
            }
        }
        Ok(found)
    }

    /// Removes the lab from the caller's namespace: see [`Lab::down_in`].
    pub fn down(&self) -> std::result::Result<DownReport, LabError> {
        let host = Netns::current().map_err(|e| self.down_error(e))?;
        self.down_in(&host, None)
    }

    /// Removes what `up` made in `host`, found by its marks ([`down_marked`]), and the
    /// lab's proxy-ARP entries; removes its record from `state_dir` when given.
    pub fn down_in(
        &self,
        host: &Netns,
        state_dir: Option<&std::path::Path>,
    ) -> std::result::Result<DownReport, LabError> {
        let mut report = DownReport::default();
        let handle = Handle::new(host).map_err(|e| self.down_error(e))?;
        for p in &self.proxy_arp {
            if handle.neigh().delete_proxy(&p.interface, p.address).is_ok() {
                report.proxy_arp += 1;
            }
        }
        let marked = down_marked(&self.name, self.host(), host, state_dir)?;
        report.namespaces = marked.namespaces;
        report.links = marked.links;
        report.nat_rules = marked.nat_rules;
        Ok(report)
    }

    /// Every object this lab owns (on this host), and whether it is there as `up` made
    /// it, in `host`.
    pub fn status_in(&self, host: &Netns) -> Result<Vec<ObjectStatus>> {
        status::check(self, host)
    }

    /// [`Lab::status_in`] of the caller's namespace.
    pub fn status(&self) -> Result<Vec<ObjectStatus>> {
        self.status_in(&Netns::current()?)
    }

    /// For each tap, the QEMU command line that starts a guest on it.
    pub fn qemu_commands(&self) -> Vec<(String, String)> {
        self.local_taps()
            .map(|t| {
                let mut netdev = format!("tap,id=net0,ifname={},script=no,downscript=no,vhost=on", t.name);
                let mut device = "virtio-net-pci,netdev=net0".to_string();
                if t.multi_queue && t.queues > 1 {
                    netdev.push_str(&format!(",queues={}", t.queues));
                    device.push_str(&format!(",mq=on,vectors={}", 2 * t.queues + 2));
                }
                if let Some(mac) = t.mac {
                    device.push_str(&format!(",mac={mac}"));
                }
                let disk = t
                    .disk
                    .as_deref()
                    .map(|d| format!(" -drive file={d},if=virtio"))
                    .unwrap_or_default();
                (
                    t.name.to_string(),
                    format!(
                        "qemu-system-x86_64 -enable-kvm -m {} -netdev {netdev} -device {device}{disk} -nographic",
                        t.memory
                    ),
                )
            })
            .collect()
    }

    /// The topology as a Graphviz DOT text (`dot -Tsvg` renders it).
    pub fn to_dot(&self) -> String {
        graph::dot(self)
    }
}

mod status;

impl LabRoute {
    fn to_route(&self) -> Route {
        let mut route = match (self.to, self.via) {
            (None, Some(via)) => Route::default_via(via),
            (None, None) => Route::new("0.0.0.0/0".parse().expect("valid")),
            (Some(to), via) => {
                let r = Route::new(to);
                match via {
                    Some(v) => r.via(v),
                    None => r,
                }
            }
        };
        if let Some(dev) = &self.dev {
            route = route.dev(dev);
        }
        route
    }

    fn describe(&self) -> String {
        let mut s = match self.to {
            Some(to) => to.to_string(),
            None => "default".to_string(),
        };
        if let Some(v) = self.via {
            s.push_str(&format!(" via {v}"));
        }
        if let Some(d) = &self.dev {
            s.push_str(&format!(" dev {d}"));
        }
        s
    }
}

/// Undoes `undo` in reverse order in `host`; returns what could not be undone.
fn rollback(lab: &Lab, host_ns: &Netns, undo: Vec<Undo>) -> Vec<String> {
    let mut failures = Vec::new();
    let host = match Handle::new(host_ns) {
        Ok(h) => h,
        Err(e) => return vec![e.to_string()],
    };
    for step in undo.into_iter().rev() {
        let result = match &step {
            Undo::Netns(name) => Netns::delete(name),
            Undo::HostLink(name) => match host.link().delete(name) {
                Err(e) if e.errno() == libc::ENODEV => Ok(()),
                other => other,
            },
            Undo::Release(name) => host
                .link()
                .set(name, &LinkChange::new().no_master())
                .or_else(|e| {
                    if e.errno() == libc::ENODEV {
                        Ok(())
                    } else {
                        Err(e)
                    }
                }),
            Undo::NatTable => Netfilter::new(host_ns).and_then(|nf| {
                let table = nat_table_name(&lab.name);
                nf.nat_table(&table)?.delete_table().map(|_| ())
            }),
            Undo::ProxyArp(dev, addr) => host.neigh().delete_proxy(dev, *addr),
            Undo::Sysctl(key, value) => Sysctls::new(host_ns).set(key, *value).map(|_| ()),
        };
        if let Err(e) = result {
            failures.push(e.to_string());
        }
    }
    failures
}

/// The namespaces under `/run/netns` that lab `lab` made (with their ids in `host`'s
/// numbering, when they have one): named `LAB-*`, and either holding the peer of a veth
/// of the lab's group in `host` (which `up` created inside it) or, for the others, with
/// their `lo` in the lab's group. Only the latter need a socket opened inside them.
fn marked_namespaces(
    lab: &str,
    group: u32,
    host: &Handle,
) -> Result<Vec<(String, Netns, Option<i32>)>> {
    let prefix = format!("{lab}-");
    let candidates: Vec<String> = Netns::list()?
        .into_iter()
        .filter(|n| n.starts_with(&prefix))
        .collect();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let peers: std::collections::BTreeSet<i32> = host
        .link()
        .list()?
        .into_iter()
        .filter(|l| l.group == group && l.kind.as_ref().is_some_and(|k| k.as_str() == "veth"))
        .filter_map(|l| l.link_netnsid)
        .collect();
    let mut ours = Vec::new();
    let mut unsure = Vec::new();
    for name in candidates {
        // One that vanished meanwhile is not ours to delete.
        let Ok(ns) = Netns::open(&name) else { continue };
        let id = host.nsid().get(&ns).ok().flatten();
        if id.is_some_and(|id| peers.contains(&id)) {
            ours.push((name, ns, id));
        } else {
            unsure.push((name, ns, id));
        }
    }
    if !unsure.is_empty() {
        // One thread opens the sockets of the rest.
        let lo = IfName::new("lo").expect("valid");
        let opened: Vec<Netns> = unsure.iter().map(|(_, ns, _)| ns.clone()).collect();
        let handles = Handle::new_many(&opened)?;
        let marked: Vec<bool> = handles
            .iter()
            .map(|h| h.link().get(&lo).is_ok_and(|l| l.group == group))
            .collect();
        drop(handles);
        ours.extend(
            unsure
                .into_iter()
                .zip(marked)
                .filter(|(_, m)| *m)
                .map(|(x, _)| x),
        );
    }
    ours.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(ours)
}

/// Removes lab `lab` (its part for host `on_host`, when it spans hosts) from `host` by
/// its marks alone, without its file: its NAT table, its link group in `host`, its
/// marked namespaces, and its record in `state_dir` (when given). What someone made by
/// hand (not marked) stays, even in the lab's bridges.
pub fn down_marked(
    lab: &str,
    on_host: Option<&str>,
    host: &Netns,
    state_dir: Option<&std::path::Path>,
) -> std::result::Result<DownReport, LabError> {
    let err = |source: Error| LabError::Down {
        lab: lab.to_string(),
        source: Box::new(source),
    };
    if !file::valid_lab_name(lab) {
        return Err(err(Error::invalid("lab name", lab, "not a valid lab name")));
    }
    let group = host_group(lab, on_host);
    let mut report = DownReport::default();
    // NAT first: the rules' conntrack flush reads the uplink's addresses.
    let nf = Netfilter::new(host).map_err(err)?;
    let table = nat_table_name(lab);
    let nat = nf.nat_table(&table).map_err(err)?;
    report.nat_rules = nat.list().map(|r| r.len()).unwrap_or(0);
    nat.delete_table().map_err(err)?;
    // The namespaces first: the kernel destroys them, and the veths whose peers are
    // inside, asynchronously (as `ip netns delete` leaves it to do), which is most of a
    // lab's devices. Their ids in the host's numbering tell those veths apart.
    let handle = Handle::new(host).map_err(err)?;
    let marked = marked_namespaces(lab, group, &handle).map_err(err)?;
    let going: std::collections::BTreeSet<i32> = marked.iter().filter_map(|m| m.2).collect();
    let names: Vec<String> = marked.into_iter().map(|(name, _, _)| name).collect();
    for ns in &names {
        Netns::delete(ns).map_err(err)?;
    }
    report.namespaces = names;
    // Then the rest of the lab's devices in the host: bridges, taps, VLAN and VXLAN
    // devices (and any veth whose peer is not in a namespace being deleted).
    let members: Vec<crate::link::Link> = handle
        .link()
        .list()
        .map_err(err)?
        .into_iter()
        .filter(|l| l.group == group)
        .collect();
    let goes_with_its_netns = |l: &crate::link::Link| {
        l.kind.as_ref().is_some_and(|k| k.as_str() == "veth")
            && l.link_netnsid.is_some_and(|id| going.contains(&id))
    };
    let rest: Vec<&crate::link::Link> =
        members.iter().filter(|l| !goes_with_its_netns(l)).collect();
    if rest.len() == members.len() || rest.len() > 4 {
        // One request for the whole group (one RCU wait for all of them).
        if !members.is_empty() {
            handle.link().delete_group(group).map_err(err)?;
        }
    } else {
        for l in &rest {
            match handle.link().delete(crate::link::LinkRef::Index(l.index)) {
                Err(e) if e.errno() != libc::ENODEV => return Err(err(e)),
                _ => {}
            }
        }
    }
    report.links = members.into_iter().map(|l| l.name).collect();
    if let Some(dir) = state_dir {
        state::remove_record(dir, lab).map_err(err)?;
    }
    Ok(report)
}
