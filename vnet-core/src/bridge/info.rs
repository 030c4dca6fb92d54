//! [`BridgeInfo`]: a bridge's options and spanning tree state, read from `IFLA_BR_*`.

use std::fmt;

use netlink_packet_route::link::{BridgeStpState, InfoBridge, InfoData, LinkAttribute, LinkInfo};

use crate::link::{BridgeOptions, Link, LinkKind};
use crate::uapi::if_bridge::{BR_KERNEL_STP, BR_NO_STP, BR_USER_STP};
use crate::values::{IfName, MacAddr};

/// An 802.1D bridge identifier: priority and MAC address, printed the way `brctl` and
/// sysfs print it (`8000.0242ac110002`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct BridgeId {
    /// Bridge priority (the high 16 bits).
    pub priority: u16,
    /// MAC address.
    pub mac: MacAddr,
}

impl fmt::Display for BridgeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04x}.", self.priority)?;
        for b in self.mac.octets() {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl BridgeId {
    pub(crate) fn from_wire(id: &netlink_packet_route::link::BridgeId) -> Self {
        BridgeId {
            priority: id.priority,
            mac: MacAddr(id.address),
        }
    }
}

/// Which spanning tree runs on a bridge (`stp_state`, `BR_*_STP`). Its `Display` is the
/// number `ip -d link show` prints after `stp_state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StpMode {
    /// No spanning tree (`BR_NO_STP`, 0): every port forwards at once.
    #[default]
    Off,
    /// The kernel's STP (`BR_KERNEL_STP`, 1).
    Kernel,
    /// A user-space daemon's STP or RSTP (`BR_USER_STP`, 2).
    User,
    /// A mode the kernel has added since.
    Other(u32),
}

impl StpMode {
    /// The kernel's number for this mode.
    pub fn number(self) -> u32 {
        match self {
            StpMode::Off => BR_NO_STP,
            StpMode::Kernel => BR_KERNEL_STP,
            StpMode::User => BR_USER_STP,
            StpMode::Other(n) => n,
        }
    }

    /// True unless the mode is [`StpMode::Off`].
    pub fn is_on(self) -> bool {
        self != StpMode::Off
    }

    fn from_number(n: u32) -> StpMode {
        match n {
            BR_NO_STP => StpMode::Off,
            BR_KERNEL_STP => StpMode::Kernel,
            BR_USER_STP => StpMode::User,
            n => StpMode::Other(n),
        }
    }
}

impl fmt::Display for StpMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

/// The spanning tree state of a bridge: everything `brctl showstp` prints for it.
///
/// Times and timers are in hundredths of a second (the kernel's `clock_t` unit).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BridgeStp {
    /// Which spanning tree runs (`stp_state`).
    pub stp_state: StpMode,
    /// This bridge's identifier.
    pub bridge_id: BridgeId,
    /// The designated root's identifier.
    pub root_id: BridgeId,
    /// The port number towards the root (0 when this bridge is the root).
    pub root_port: u16,
    /// The path cost to the root.
    pub root_path_cost: u32,
    /// A topology change is in progress.
    pub topology_change: bool,
    /// A topology change was detected.
    pub topology_change_detected: bool,
    /// Hello timer.
    pub hello_timer: u64,
    /// Topology change notification timer.
    pub tcn_timer: u64,
    /// Topology change timer.
    pub topology_change_timer: u64,
    /// Garbage collection (fdb ageing) timer.
    pub gc_timer: u64,
}

/// A bridge as the kernel describes it: its options and STP state.
#[derive(Debug, Clone)]
pub struct BridgeInfo {
    /// Interface index.
    pub index: u32,
    /// Interface name.
    pub name: IfName,
    /// Administratively up.
    pub up: bool,
    /// Current values of the options (every field set that the kernel reported).
    pub options: BridgeOptions,
    /// Spanning tree state.
    pub stp: BridgeStp,
}

impl BridgeInfo {
    /// The bridge details of a link, or `None` if the link is not a bridge.
    pub fn from_link(link: &Link) -> Option<BridgeInfo> {
        if link.kind != Some(LinkKind::Bridge) {
            return None;
        }
        let mut info = BridgeInfo {
            index: link.index,
            name: link.name.clone(),
            up: link.up,
            options: BridgeOptions::default(),
            stp: BridgeStp::default(),
        };
        for attribute in &link.raw().attributes {
            let LinkAttribute::LinkInfo(infos) = attribute else {
                continue;
            };
            for i in infos {
                if let LinkInfo::Data(InfoData::Bridge(attrs)) = i {
                    for a in attrs {
                        info.apply(a);
                    }
                }
            }
        }
        Some(info)
    }

    fn apply(&mut self, attribute: &InfoBridge) {
        let (o, s) = (&mut self.options, &mut self.stp);
        match attribute {
            InfoBridge::StpState(state) => {
                s.stp_state = StpMode::from_number(u32::from(*state));
                o.stp = Some(*state != BridgeStpState::Disabled);
            }
            InfoBridge::ForwardDelay(v) => o.forward_delay = Some(*v),
            InfoBridge::HelloTime(v) => o.hello_time = Some(*v),
            InfoBridge::MaxAge(v) => o.max_age = Some(*v),
            InfoBridge::AgeingTime(v) => o.ageing_time = Some(*v),
            InfoBridge::Priority(v) => o.priority = Some(*v),
            InfoBridge::VlanFiltering(v) => o.vlan_filtering = Some(*v),
            InfoBridge::VlanDefaultPvid(v) => o.default_pvid = Some(*v),
            InfoBridge::MulticastSnooping(v) => o.multicast_snooping = Some(*v),
            InfoBridge::BridgeId(id) => s.bridge_id = BridgeId::from_wire(id),
            InfoBridge::RootId(id) => s.root_id = BridgeId::from_wire(id),
            InfoBridge::RootPort(v) => s.root_port = *v,
            InfoBridge::RootPathCost(v) => s.root_path_cost = *v,
            InfoBridge::TopologyChange(v) => s.topology_change = *v != 0,
            InfoBridge::TopologyChangeDetected(v) => s.topology_change_detected = *v != 0,
            InfoBridge::HelloTimer(v) => s.hello_timer = *v,
            InfoBridge::TcnTimer(v) => s.tcn_timer = *v,
            InfoBridge::TopologyChangeTimer(v) => s.topology_change_timer = *v,
            InfoBridge::GcTimer(v) => s.gc_timer = *v,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bridge_id_prints_like_brctl() {
        let id = BridgeId {
            priority: 0x8000,
            mac: MacAddr([0x06, 0xb1, 0x4f, 0x59, 0xf6, 0x14]),
        };
        assert_eq!(id.to_string(), "8000.06b14f59f614");
    }
}
