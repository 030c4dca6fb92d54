//! [`Link`]: what `ip -d link show` tells about a device.

use std::fmt;
use std::str::FromStr;

use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVlan, InfoVxlan, LinkAttribute, LinkFlags, LinkInfo, LinkMessage, State,
};

use super::vlan::VlanProtocol;
use crate::values::MacAddr;

/// A network device as the kernel describes it.
#[derive(Debug, Clone)]
pub struct Link {
    /// Interface index.
    pub index: u32,
    /// Interface name.
    pub name: String,
    /// Kind (veth, bridge, vlan, vxlan, tun, ...); `None` for devices without link info,
    /// such as `lo` or a physical NIC.
    pub kind: Option<LinkKind>,
    /// Administratively up (`IFF_UP`).
    pub up: bool,
    /// Carrier present (`IFF_LOWER_UP`).
    pub lower_up: bool,
    /// RFC 2863 operational state (`UP`, `DOWN`, `UNKNOWN`, `LOWERLAYERDOWN`, ...).
    pub operstate: OperState,
    /// Index of the master (bridge) this link is enslaved to.
    pub master: Option<u32>,
    /// MTU.
    pub mtu: Option<u32>,
    /// MAC address (for Ethernet-like devices).
    pub mac: Option<MacAddr>,
    /// Index of the parent link (`IFLA_LINK`: a VLAN's parent, a veth's peer). It may
    /// live in another namespace, see `link_netnsid`.
    pub parent: Option<u32>,
    /// The namespace id (in this namespace's numbering) of the parent or peer, when it
    /// lives elsewhere.
    pub link_netnsid: Option<i32>,
    /// Device group.
    pub group: u32,
    /// Kind-specific details.
    pub details: LinkDetails,
    raw: LinkMessage,
}

/// Kind-specific details of a [`Link`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LinkDetails {
    /// A VLAN sub-interface.
    Vlan {
        /// VLAN id.
        id: u16,
        /// Tag protocol.
        protocol: VlanProtocol,
    },
    /// A VXLAN device.
    Vxlan {
        /// VNI.
        vni: u32,
        /// Destination UDP port.
        port: Option<u16>,
        /// MAC learning.
        learning: Option<bool>,
    },
    /// Nothing parsed for this kind.
    #[default]
    None,
}

impl Link {
    /// Builds a `Link` from an `RTM_NEWLINK` message.
    pub(crate) fn from_message(message: LinkMessage) -> Link {
        let mut link = Link {
            index: message.header.index,
            name: String::new(),
            kind: None,
            up: message.header.flags.contains(LinkFlags::Up),
            lower_up: message.header.flags.contains(LinkFlags::LowerUp),
            operstate: OperState::Unknown,
            master: None,
            mtu: None,
            mac: None,
            parent: None,
            link_netnsid: None,
            group: 0,
            details: LinkDetails::None,
            raw: LinkMessage::default(),
        };
        for attribute in &message.attributes {
            match attribute {
                LinkAttribute::IfName(name) => link.name = name.clone(),
                LinkAttribute::OperState(state) => link.operstate = OperState::from_state(*state),
                LinkAttribute::Controller(master) if *master != 0 => link.master = Some(*master),
                LinkAttribute::Mtu(mtu) => link.mtu = Some(*mtu),
                LinkAttribute::Address(mac) => link.mac = MacAddr::from_slice(mac),
                LinkAttribute::Link(parent) if *parent != 0 => link.parent = Some(*parent),
                LinkAttribute::LinkNetNsId(id) => link.link_netnsid = Some(*id),
                LinkAttribute::Group(group) => link.group = *group,
                LinkAttribute::LinkInfo(infos) => {
                    for info in infos {
                        match info {
                            LinkInfo::Kind(kind) => link.kind = Some(LinkKind::from_info(kind)),
                            LinkInfo::Data(data) => link.details = details(data),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        link.raw = message;
        link
    }

    /// The message the kernel sent, for the parts of vnet that read more than the
    /// fields above (bridge, bridge port and tun attributes).
    pub(crate) fn raw(&self) -> &LinkMessage {
        &self.raw
    }
}

/// The kind of a link (`IFLA_INFO_KIND`). Its `Display` is the word `ip -d link show`
/// prints after the MTU line and `ip link add ... type` takes (`veth`, `bridge`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LinkKind {
    /// `veth`: a virtual Ethernet pair.
    Veth,
    /// `bridge`: a Linux bridge.
    Bridge,
    /// `vlan`: an 802.1Q/802.1ad sub-interface.
    Vlan,
    /// `vxlan`: a VXLAN tunnel end point.
    Vxlan,
    /// `macvlan`.
    MacVlan,
    /// `macvtap`.
    MacVtap,
    /// `tun`: a tun or tap device (see [`crate::TunInfo`] for which).
    Tun,
    /// `dummy`.
    Dummy,
    /// `ifb`: an intermediate functional block.
    Ifb,
    /// Any other kind, by the name the kernel gave.
    Other(String),
}

impl LinkKind {
    /// The kind's name, as the kernel and `ip` spell it.
    pub fn as_str(&self) -> &str {
        match self {
            LinkKind::Veth => "veth",
            LinkKind::Bridge => "bridge",
            LinkKind::Vlan => "vlan",
            LinkKind::Vxlan => "vxlan",
            LinkKind::MacVlan => "macvlan",
            LinkKind::MacVtap => "macvtap",
            LinkKind::Tun => "tun",
            LinkKind::Dummy => "dummy",
            LinkKind::Ifb => "ifb",
            LinkKind::Other(name) => name,
        }
    }

    fn from_info(kind: &InfoKind) -> LinkKind {
        match kind {
            InfoKind::Veth => LinkKind::Veth,
            InfoKind::Bridge => LinkKind::Bridge,
            InfoKind::Vlan => LinkKind::Vlan,
            InfoKind::Vxlan => LinkKind::Vxlan,
            InfoKind::MacVlan => LinkKind::MacVlan,
            InfoKind::MacVtap => LinkKind::MacVtap,
            InfoKind::Tun => LinkKind::Tun,
            InfoKind::Dummy => LinkKind::Dummy,
            InfoKind::Ifb => LinkKind::Ifb,
            other => LinkKind::Other(other.to_string()),
        }
    }
}

impl fmt::Display for LinkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LinkKind {
    type Err = std::convert::Infallible;
    /// Any kind name: the ones vnet knows become their variant, the rest
    /// [`LinkKind::Other`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "veth" => LinkKind::Veth,
            "bridge" => LinkKind::Bridge,
            "vlan" => LinkKind::Vlan,
            "vxlan" => LinkKind::Vxlan,
            "macvlan" => LinkKind::MacVlan,
            "macvtap" => LinkKind::MacVtap,
            "tun" => LinkKind::Tun,
            "dummy" => LinkKind::Dummy,
            "ifb" => LinkKind::Ifb,
            other => LinkKind::Other(other.to_string()),
        })
    }
}

/// The RFC 2863 operational state of a link (`IF_OPER_*`, `IFLA_OPERSTATE`). Its
/// `Display` is the word `ip link show` prints after `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperState {
    /// `UNKNOWN`: the driver does not say (loopback, tun/tap without carrier
    /// tracking).
    Unknown,
    /// `NOTPRESENT`: a component is missing.
    NotPresent,
    /// `DOWN`.
    Down,
    /// `LOWERLAYERDOWN`: down because a device it stands on is (a veth whose peer is
    /// down, a VLAN whose parent is).
    LowerLayerDown,
    /// `TESTING`.
    Testing,
    /// `DORMANT`: waiting for an external event.
    Dormant,
    /// `UP`: ready to carry traffic.
    Up,
    /// A number the kernel has added since; `ip` prints it in hexadecimal (`state
    /// 0x7`).
    Other(u8),
}

impl OperState {
    fn from_state(state: State) -> OperState {
        match state {
            State::Unknown => OperState::Unknown,
            State::NotPresent => OperState::NotPresent,
            State::Down => OperState::Down,
            State::LowerLayerDown => OperState::LowerLayerDown,
            State::Testing => OperState::Testing,
            State::Dormant => OperState::Dormant,
            State::Up => OperState::Up,
            State::Other(n) => OperState::Other(n),
            other => OperState::Other(other.into()),
        }
    }
}

impl fmt::Display for OperState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OperState::Unknown => "UNKNOWN",
            OperState::NotPresent => "NOTPRESENT",
            OperState::Down => "DOWN",
            OperState::LowerLayerDown => "LOWERLAYERDOWN",
            OperState::Testing => "TESTING",
            OperState::Dormant => "DORMANT",
            OperState::Up => "UP",
            OperState::Other(n) => return write!(f, "{n:#x}"),
        })
    }
}

fn details(data: &InfoData) -> LinkDetails {
    match data {
        InfoData::Vlan(attrs) => {
            let mut id = 0;
            let mut protocol = VlanProtocol::Dot1Q;
            for a in attrs {
                match a {
                    InfoVlan::Id(v) => id = *v,
                    InfoVlan::Protocol(netlink_packet_route::link::VlanProtocol::Ieee8021Ad) => {
                        protocol = VlanProtocol::Dot1Ad
                    }
                    _ => {}
                }
            }
            LinkDetails::Vlan { id, protocol }
        }
        InfoData::Vxlan(attrs) => {
            let mut vni = 0;
            let mut port = None;
            let mut learning = None;
            for a in attrs {
                match a {
                    InfoVxlan::Id(v) => vni = *v,
                    InfoVxlan::Port(p) => port = Some(*p),
                    InfoVxlan::Learning(l) => learning = Some(*l),
                    _ => {}
                }
            }
            LinkDetails::Vxlan {
                vni,
                port,
                learning,
            }
        }
        _ => LinkDetails::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_states_print_as_ip_link_prints_them() {
        for word in [
            "veth",
            "bridge",
            "vlan",
            "vxlan",
            "macvlan",
            "macvtap",
            "tun",
            "dummy",
            "ifb",
            "wireguard",
        ] {
            let kind: LinkKind = word.parse().unwrap();
            assert_eq!(kind.to_string(), word);
        }
        assert_eq!(
            "wireguard".parse::<LinkKind>().unwrap(),
            LinkKind::Other("wireguard".into())
        );
        assert_eq!(LinkKind::from_info(&InfoKind::Tun), LinkKind::Tun);
        assert_eq!(
            OperState::from_state(State::LowerLayerDown).to_string(),
            "LOWERLAYERDOWN"
        );
        assert_eq!(OperState::from_state(State::Other(9)).to_string(), "0x9");
    }
}
