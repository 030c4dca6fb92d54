//! [`Link`]: what `ip -d link show` tells about a device.

use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVlan, InfoVxlan, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
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
    /// Kind ("veth", "bridge", "vlan", "vxlan", "tun", ...); `None` for devices without
    /// link info, such as `lo` or a physical NIC.
    pub kind: Option<String>,
    /// Administratively up (`IFF_UP`).
    pub up: bool,
    /// Carrier present (`IFF_LOWER_UP`).
    pub lower_up: bool,
    /// RFC 2863 operational state ("UP", "DOWN", "UNKNOWN", "LOWERLAYERDOWN", ...).
    pub operstate: String,
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
    pub fn from_message(message: LinkMessage) -> Link {
        let mut link = Link {
            index: message.header.index,
            name: String::new(),
            kind: None,
            up: message.header.flags.contains(LinkFlags::Up),
            lower_up: message.header.flags.contains(LinkFlags::LowerUp),
            operstate: "UNKNOWN".into(),
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
                LinkAttribute::OperState(state) => {
                    link.operstate = state.to_string().to_uppercase()
                }
                LinkAttribute::Controller(master) if *master != 0 => link.master = Some(*master),
                LinkAttribute::Mtu(mtu) => link.mtu = Some(*mtu),
                LinkAttribute::Address(mac) => link.mac = MacAddr::from_slice(mac),
                LinkAttribute::Link(parent) if *parent != 0 => link.parent = Some(*parent),
                LinkAttribute::LinkNetNsId(id) => link.link_netnsid = Some(*id),
                LinkAttribute::Group(group) => link.group = *group,
                LinkAttribute::LinkInfo(infos) => {
                    for info in infos {
                        match info {
                            LinkInfo::Kind(kind) => link.kind = Some(kind_name(kind)),
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

    /// The message the kernel sent, for callers that need more than the fields above.
    pub fn message(&self) -> &LinkMessage {
        &self.raw
    }
}

fn kind_name(kind: &InfoKind) -> String {
    kind.to_string()
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
