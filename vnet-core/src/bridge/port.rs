//! Bridge ports: enslaving and releasing links, port options and the per-port spanning
//! tree state (`IFLA_BRPORT_*`).

use netlink_packet_route::link::{
    BridgePortState, InfoBridgePort, InfoPortData, InfoPortKind, LinkAttribute, LinkInfo,
    LinkMessage,
};

use super::{BridgeHandle, BridgeId};
use crate::error::{Context, Error, Result};
use crate::link::{Link, LinkChange, LinkRef, identify, not_found};
use crate::values::IfName;

/// The 802.1D state of a bridge port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PortState {
    /// Disabled (the port or its bridge is down).
    Disabled,
    /// Listening: taking part in STP, not learning, not forwarding.
    Listening,
    /// Learning: learning MAC addresses, not forwarding yet.
    Learning,
    /// Forwarding.
    Forwarding,
    /// Blocking: STP keeps the port closed to break a loop.
    Blocking,
    /// A state number this version does not know.
    Other(u8),
}

impl PortState {
    /// The kernel's number for the state (`BR_STATE_*`).
    pub fn number(self) -> u8 {
        match self {
            PortState::Disabled => 0,
            PortState::Listening => 1,
            PortState::Learning => 2,
            PortState::Forwarding => 3,
            PortState::Blocking => 4,
            PortState::Other(n) => n,
        }
    }

    /// The name `brctl showstp` and `bridge link` print ("forwarding", ...).
    pub fn name(self) -> &'static str {
        match self {
            PortState::Disabled => "disabled",
            PortState::Listening => "listening",
            PortState::Learning => "learning",
            PortState::Forwarding => "forwarding",
            PortState::Blocking => "blocking",
            PortState::Other(_) => "<INVALID STATE>",
        }
    }
}

impl PortState {
    fn from_wire(state: BridgePortState) -> Self {
        match u8::from(state) {
            0 => PortState::Disabled,
            1 => PortState::Listening,
            2 => PortState::Learning,
            3 => PortState::Forwarding,
            4 => PortState::Blocking,
            n => PortState::Other(n),
        }
    }
}

/// Options of a bridge port, like `ip link set PORT type bridge_slave ...` or
/// `bridge link set dev PORT ...`. Unset options are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortOptions {
    /// STP path cost (`cost`, `brctl setpathcost`; the kernel accepts 1 to 65535).
    pub cost: Option<u32>,
    /// STP port priority (`priority`, `brctl setportprio`; the kernel accepts 0 to 63).
    pub priority: Option<u16>,
    /// Hairpin mode: frames may leave by the port they came in (`hairpin`,
    /// `brctl hairpin`), what reflective relay for VMs on one port needs.
    pub hairpin: Option<bool>,
    /// Learn source MACs of frames arriving on this port (`learning`).
    pub learning: Option<bool>,
    /// Flood unknown unicast to this port (`flood`).
    pub flooding: Option<bool>,
    /// Flood unknown multicast to this port (`mcast_flood`).
    pub multicast_flooding: Option<bool>,
    /// Flood broadcast to this port (`bcast_flood`).
    pub broadcast_flooding: Option<bool>,
    /// Isolated: talks only to non-isolated ports (`isolated`).
    pub isolated: Option<bool>,
}

impl PortOptions {
    fn attributes(&self) -> Vec<InfoBridgePort> {
        let mut out = Vec::new();
        if let Some(v) = self.cost {
            out.push(InfoBridgePort::Cost(v));
        }
        if let Some(v) = self.priority {
            out.push(InfoBridgePort::Priority(v));
        }
        if let Some(v) = self.hairpin {
            out.push(InfoBridgePort::HairpinMode(v));
        }
        if let Some(v) = self.learning {
            out.push(InfoBridgePort::Learning(v));
        }
        if let Some(v) = self.flooding {
            out.push(InfoBridgePort::UnicastFlood(v));
        }
        if let Some(v) = self.multicast_flooding {
            out.push(InfoBridgePort::MulticastFlood(v));
        }
        if let Some(v) = self.broadcast_flooding {
            out.push(InfoBridgePort::BroadcastFlood(v));
        }
        if let Some(v) = self.isolated {
            out.push(InfoBridgePort::Isolated(v));
        }
        out
    }
}

/// A bridge port as the kernel describes it: its options and its spanning tree state,
/// everything `brctl showstp` prints for a port.
///
/// Timers are in hundredths of a second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortInfo {
    /// Interface index of the port.
    pub index: u32,
    /// Interface name of the port.
    pub name: IfName,
    /// Interface index of its bridge.
    pub bridge: u32,
    /// Administratively up.
    pub up: bool,
    /// STP state.
    pub state: PortState,
    /// Port number within the bridge (`port_no`).
    pub port_no: u16,
    /// Port identifier: priority and number (`port_id`).
    pub port_id: u16,
    /// Port priority.
    pub priority: u16,
    /// Path cost.
    pub cost: u32,
    /// Designated root.
    pub designated_root: BridgeId,
    /// Designated bridge.
    pub designated_bridge: BridgeId,
    /// Designated port.
    pub designated_port: u16,
    /// Designated cost.
    pub designated_cost: u16,
    /// Message age timer.
    pub message_age_timer: u64,
    /// Forward delay timer.
    pub forward_delay_timer: u64,
    /// Hold timer.
    pub hold_timer: u64,
    /// Topology change acknowledge flag.
    pub topology_change_ack: bool,
    /// Config pending flag.
    pub config_pending: bool,
    /// Hairpin mode.
    pub hairpin: bool,
    /// MAC learning.
    pub learning: bool,
    /// Unknown unicast flooding.
    pub flooding: bool,
    /// Unknown multicast flooding.
    pub multicast_flooding: bool,
    /// Broadcast flooding.
    pub broadcast_flooding: bool,
    /// Isolated.
    pub isolated: bool,
}

impl PortInfo {
    /// The port details of a link, or `None` if the link is not a bridge port.
    pub fn from_link(link: &Link) -> Option<PortInfo> {
        let bridge = link.master?;
        let mut attrs = None;
        for attribute in &link.raw().attributes {
            if let LinkAttribute::LinkInfo(infos) = attribute {
                for i in infos {
                    if let LinkInfo::PortData(InfoPortData::BridgePort(a)) = i {
                        attrs = Some(a);
                    }
                }
            }
        }
        let mut p = PortInfo {
            index: link.index,
            name: link.name.clone(),
            bridge,
            up: link.up,
            state: PortState::Disabled,
            port_no: 0,
            port_id: 0,
            priority: 0,
            cost: 0,
            designated_root: BridgeId::default(),
            designated_bridge: BridgeId::default(),
            designated_port: 0,
            designated_cost: 0,
            message_age_timer: 0,
            forward_delay_timer: 0,
            hold_timer: 0,
            topology_change_ack: false,
            config_pending: false,
            hairpin: false,
            learning: false,
            flooding: false,
            multicast_flooding: false,
            broadcast_flooding: false,
            isolated: false,
        };
        for a in attrs? {
            match a {
                InfoBridgePort::State(s) => p.state = PortState::from_wire(*s),
                InfoBridgePort::PortNumber(v) => p.port_no = *v,
                InfoBridgePort::PortId(v) => p.port_id = *v,
                InfoBridgePort::Priority(v) => p.priority = *v,
                InfoBridgePort::Cost(v) => p.cost = *v,
                InfoBridgePort::RootId(id) => p.designated_root = BridgeId::from_wire(id),
                InfoBridgePort::BridgeId(id) => p.designated_bridge = BridgeId::from_wire(id),
                InfoBridgePort::DesignatedPort(v) => p.designated_port = *v,
                InfoBridgePort::DesignatedCost(v) => p.designated_cost = *v,
                InfoBridgePort::MessageAgeTimer(v) => p.message_age_timer = *v,
                InfoBridgePort::ForwardDelayTimer(v) => p.forward_delay_timer = *v,
                InfoBridgePort::HoldTimer(v) => p.hold_timer = *v,
                InfoBridgePort::TopologyChangeAck(v) => p.topology_change_ack = *v,
                InfoBridgePort::ConfigPending(v) => p.config_pending = *v,
                InfoBridgePort::HairpinMode(v) => p.hairpin = *v,
                InfoBridgePort::Learning(v) => p.learning = *v,
                InfoBridgePort::UnicastFlood(v) => p.flooding = *v,
                InfoBridgePort::MulticastFlood(v) => p.multicast_flooding = *v,
                InfoBridgePort::BroadcastFlood(v) => p.broadcast_flooding = *v,
                InfoBridgePort::Isolated(v) => p.isolated = *v,
                _ => {}
            }
        }
        Some(p)
    }
}

impl BridgeHandle<'_> {
    /// Enslaves `port` to `bridge`, like `ip link set PORT master BR` (or
    /// `brctl addif BR PORT`).
    ///
    /// A link already enslaved elsewhere is moved by the kernel; callers that must
    /// refuse that (as brctl does, with `EBUSY`) check [`Link::master`] first.
    pub fn add_port(&self, bridge: impl Into<LinkRef>, port: impl Into<LinkRef>) -> Result<()> {
        let (bridge, port) = (bridge.into(), port.into());
        let links = self.links();
        let master = links
            .index(&bridge)
            .op(|| format!("adding '{port}' to bridge '{bridge}'"))?;
        links
            .set(port.clone(), &LinkChange::new().master(master))
            .op(|| format!("adding '{port}' to bridge '{bridge}'"))
    }

    /// Enslaves many links to `bridge`, all or nothing, like an `ip -batch` of
    /// `link set X master BR` that undoes itself when a line fails.
    ///
    /// Each port is looked up first (a missing one fails the call before anything
    /// changes); the changes then travel together ([`crate::LinkHandle::set_many`]), each
    /// acknowledged. If the kernel refuses any of them, the ports this call enslaved are
    /// put back as they were, in reverse order: released, or returned to the bridge they
    /// were taken from (as a new port there, with that bridge's default port options).
    /// Ports that were already ports of `bridge` are left alone. The error names the
    /// first port the kernel refused.
    pub fn add_ports(&self, bridge: impl Into<LinkRef>, ports: &[LinkRef]) -> Result<()> {
        let bridge = bridge.into();
        let links = self.links();
        let count = ports.len();
        let master = links
            .index(&bridge)
            .op(|| format!("adding {count} ports to bridge '{bridge}'"))?;
        // One round trip looks them all up: a missing one fails here, before any change,
        // and the error names it.
        let found = links.get_many(ports).map_err(|e| {
            let i = match &e {
                Error::NotFound { name, .. } => ports.iter().position(|p| p.to_string() == *name),
                _ => None,
            };
            match i {
                Some(i) => e.with_op(which(&bridge, ports, i, "")),
                None => e.with_op(format!("adding {count} ports to bridge '{bridge}'")),
            }
        })?;
        // The ports to move, with their position in `ports`.
        let (positions, changes): (Vec<usize>, Vec<(LinkRef, LinkChange)>) = found
            .iter()
            .enumerate()
            .filter(|(_, link)| link.master != Some(master))
            .map(|(i, link)| {
                (
                    i,
                    (LinkRef::Index(link.index), LinkChange::new().master(master)),
                )
            })
            .unzip();
        links
            .apply_changes(&changes)
            .map_err(|failure| match failure.index {
                None => failure
                    .error
                    .with_op(format!("adding {count} ports to bridge '{bridge}'")),
                Some(k) => {
                    let note = failure.undone.note("port", "enslaved", "put back");
                    failure
                        .error
                        .with_op(which(&bridge, ports, positions[k], &note))
                }
            })
    }

    /// Releases `port` from its bridge, like `ip link set PORT nomaster` (or
    /// `brctl delif BR PORT`). Releasing a link that has no master does nothing.
    pub fn remove_port(&self, port: impl Into<LinkRef>) -> Result<()> {
        let port = port.into();
        self.links()
            .set(port.clone(), &LinkChange::new().no_master())
            .op(|| format!("removing '{port}' from its bridge"))
    }

    /// Reads one port's options and STP state, like `ip -d link show PORT`.
    ///
    /// Fails with [`Error::NotFound`] if the link does not exist, and with
    /// [`Error::InvalidInput`] (errno `EINVAL`) naming the link if it is not a bridge
    /// port.
    pub fn port_info(&self, port: impl Into<LinkRef>) -> Result<PortInfo> {
        let port = port.into();
        let link = self
            .links()
            .get_ref(&port)
            .op(|| format!("reading bridge port '{port}'"))?;
        PortInfo::from_link(&link).ok_or_else(|| {
            // vnet read the link and found no bridge port data: nothing the kernel said.
            let reason = match link.master {
                None => "it is not enslaved to a bridge".to_string(),
                Some(m) => format!("its master (link {m}) is not a bridge"),
            };
            Error::invalid("bridge port", &link.name, reason)
        })
    }

    /// Lists the ports of `bridge` with their options and STP state, sorted by name
    /// (the port part of `brctl showstp BR`; `bridge link show master BR`).
    ///
    /// One dump filtered by the kernel on the master (`IFLA_MASTER`).
    pub fn ports(&self, bridge: impl Into<LinkRef>) -> Result<Vec<PortInfo>> {
        let bridge = bridge.into();
        let index = self.links().index(&bridge)?;
        let mut request = LinkMessage::default();
        request.attributes.push(LinkAttribute::Controller(index));
        let links = self
            .links()
            .list_matching(request)
            .op(|| format!("listing ports of bridge '{bridge}'"))?;
        let mut ports: Vec<PortInfo> = links
            .iter()
            .filter_map(PortInfo::from_link)
            .filter(|p| p.bridge == index)
            .collect();
        ports.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(ports)
    }

    /// Changes options of a bridge port, like
    /// `ip link set PORT type bridge_slave cost 10 priority 2 hairpin on learning off
    /// flood off isolated on` (or `brctl setpathcost`, `setportprio`, `hairpin`).
    ///
    /// Sent as `IFLA_INFO_SLAVE_DATA` in an `RTM_NEWLINK` without `NLM_F_CREATE` (the
    /// kernel ignores link-info data in `RTM_SETLINK`). The kernel checks the ranges
    /// (cost 1 to 65535, priority 0 to 63) and answers `ERANGE` outside them.
    pub fn set_port_options(&self, port: impl Into<LinkRef>, options: &PortOptions) -> Result<()> {
        let port = port.into();
        let attributes = options.attributes();
        if attributes.is_empty() {
            return Ok(());
        }
        let mut message = LinkMessage::default();
        identify(&mut message, &port);
        message.attributes.push(LinkAttribute::LinkInfo(vec![
            LinkInfo::PortKind(InfoPortKind::Bridge),
            LinkInfo::PortData(InfoPortData::BridgePort(attributes)),
        ]));
        self.links()
            .change_info(message)
            .map_err(|e| not_found(e, &port))
            .op(|| format!("setting options of bridge port '{port}'"))
    }
}

/// The step text of a port of [`BridgeHandle::add_ports`]: "adding 'p1' to bridge
/// 'br0' (port 2 of 5{note})".
fn which(bridge: &LinkRef, ports: &[LinkRef], i: usize, note: &str) -> String {
    format!(
        "adding '{}' to bridge '{bridge}' (port {} of {}{note})",
        ports[i],
        i + 1,
        ports.len()
    )
}
