//! [`Link`]: what `ip -d link show` tells about a device.

use std::fmt;
use std::str::FromStr;

use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVlan, InfoVxlan, LinkAttribute, LinkFlags, LinkInfo, LinkMessage, Prop,
    State, Stats64,
};

use super::vlan::VlanProtocol;
use crate::netlink::names;
use crate::uapi::if_link::{IFLA_ALT_IFNAME, IFLA_IFALIAS, IFLA_IFNAME};
use crate::values::{IfName, MacAddr};

/// A network device as the kernel describes it.
#[derive(Debug, Clone)]
pub struct Link {
    /// Interface index.
    pub index: u32,
    /// Interface name, its bytes exactly as the kernel has them.
    pub name: IfName,
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
    /// Interface flags (`IFF_*`): what `ip link` prints between `<` and `>`.
    pub flags: IfFlags,
    /// Hardware type (`ARPHRD_*`): `ether`, `loopback`, `none`, ...
    pub link_type: LinkType,
    /// The queueing discipline (`noqueue`, `noop`, `fq_codel`, ...).
    pub qdisc: Option<String>,
    /// Transmit queue length.
    pub txqlen: Option<u32>,
    /// Link mode (`IFLA_LINKMODE`).
    pub link_mode: Option<LinkMode>,
    /// The link-layer address as the kernel gives it, of any length (a tunnel's is
    /// an IP address; [`Link::mac`] holds it when it is an Ethernet one).
    pub address: Option<Vec<u8>>,
    /// The link-layer broadcast address (the peer's, on a point-to-point link).
    pub broadcast: Option<Vec<u8>>,
    /// The permanent hardware address, for devices that have one.
    pub permanent_address: Option<Vec<u8>>,
    /// The alias (`ip link set DEV alias TEXT`); bytes that are not UTF-8 read as
    /// U+FFFD.
    pub alias: Option<String>,
    /// Alternative names (`ip link property add dev DEV altname NAME`).
    pub alt_names: Vec<IfName>,
    /// Kind-specific details.
    pub details: LinkDetails,
    /// The device's counters (`IFLA_STATS64`), what `ip -s link` prints.
    pub stats: Option<LinkStats>,
    /// How many times the carrier came or went (`IFLA_CARRIER_CHANGES`).
    pub carrier_changes: Option<u32>,
    raw: LinkMessage,
}

/// A device's counters since it was created (`struct rtnl_link_stats64`): the packets
/// and bytes it received and sent, and why it lost the ones it lost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Packets received.
    pub rx_packets: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Bad packets received.
    pub rx_errors: u64,
    /// Packets that could not be sent.
    pub tx_errors: u64,
    /// Received packets dropped (no space, or nothing to take them).
    pub rx_dropped: u64,
    /// Packets dropped before being sent.
    pub tx_dropped: u64,
    /// Multicast packets received.
    pub multicast: u64,
    /// Collisions while sending.
    pub collisions: u64,
    /// Received frames of a wrong length.
    pub rx_length_errors: u64,
    /// Receive ring overruns.
    pub rx_over_errors: u64,
    /// Received frames with a bad CRC.
    pub rx_crc_errors: u64,
    /// Received frames misaligned.
    pub rx_frame_errors: u64,
    /// Receive FIFO overruns.
    pub rx_fifo_errors: u64,
    /// Frames the receiver missed.
    pub rx_missed_errors: u64,
    /// Sends aborted.
    pub tx_aborted_errors: u64,
    /// Sends that lost the carrier.
    pub tx_carrier_errors: u64,
    /// Transmit FIFO underruns.
    pub tx_fifo_errors: u64,
    /// Heartbeat (SQE test) failures.
    pub tx_heartbeat_errors: u64,
    /// Late collisions.
    pub tx_window_errors: u64,
    /// Compressed packets received.
    pub rx_compressed: u64,
    /// Compressed packets sent.
    pub tx_compressed: u64,
    /// Packets dropped for want of a protocol handler.
    pub rx_nohandler: u64,
    /// Packets dropped as addressed to another host.
    pub rx_otherhost_dropped: u64,
}

impl From<&Stats64> for LinkStats {
    fn from(s: &Stats64) -> LinkStats {
        LinkStats {
            rx_packets: s.rx_packets,
            tx_packets: s.tx_packets,
            rx_bytes: s.rx_bytes,
            tx_bytes: s.tx_bytes,
            rx_errors: s.rx_errors,
            tx_errors: s.tx_errors,
            rx_dropped: s.rx_dropped,
            tx_dropped: s.tx_dropped,
            multicast: s.multicast,
            collisions: s.collisions,
            rx_length_errors: s.rx_length_errors,
            rx_over_errors: s.rx_over_errors,
            rx_crc_errors: s.rx_crc_errors,
            rx_frame_errors: s.rx_frame_errors,
            rx_fifo_errors: s.rx_fifo_errors,
            rx_missed_errors: s.rx_missed_errors,
            tx_aborted_errors: s.tx_aborted_errors,
            tx_carrier_errors: s.tx_carrier_errors,
            tx_fifo_errors: s.tx_fifo_errors,
            tx_heartbeat_errors: s.tx_heartbeat_errors,
            tx_window_errors: s.tx_window_errors,
            rx_compressed: s.rx_compressed,
            tx_compressed: s.tx_compressed,
            rx_nohandler: s.rx_nohandler,
            rx_otherhost_dropped: s.rx_otherhost_dropped,
        }
    }
}

/// The flags of a network device (`IFF_*`, `ifi_flags`). Its `Display` is the list
/// `ip link` prints between `<` and `>`: `NO-CARRIER` first for a device that is up
/// without a carrier, then each flag in iproute2's order, comma-separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IfFlags(pub u32);

impl IfFlags {
    /// `IFF_UP`: administratively up.
    pub const UP: IfFlags = IfFlags(0x1);
    /// `IFF_BROADCAST`.
    pub const BROADCAST: IfFlags = IfFlags(0x2);
    /// `IFF_LOOPBACK`.
    pub const LOOPBACK: IfFlags = IfFlags(0x8);
    /// `IFF_POINTOPOINT`.
    pub const POINTOPOINT: IfFlags = IfFlags(0x10);
    /// `IFF_RUNNING`: operationally up (`ip` prints `NO-CARRIER` when it is missing
    /// on a device that is up).
    pub const RUNNING: IfFlags = IfFlags(0x40);
    /// `IFF_NOARP`.
    pub const NOARP: IfFlags = IfFlags(0x80);
    /// `IFF_PROMISC`.
    pub const PROMISC: IfFlags = IfFlags(0x100);
    /// `IFF_MULTICAST`.
    pub const MULTICAST: IfFlags = IfFlags(0x1000);
    /// `IFF_LOWER_UP`: the carrier is present.
    pub const LOWER_UP: IfFlags = IfFlags(0x10000);

    /// The flags in the order `ip link` prints them, with their names.
    const NAMED: [(u32, &'static str); 18] = [
        (0x8, "LOOPBACK"),
        (0x2, "BROADCAST"),
        (0x10, "POINTOPOINT"),
        (0x1000, "MULTICAST"),
        (0x80, "NOARP"),
        (0x200, "ALLMULTI"),
        (0x100, "PROMISC"),
        (0x400, "MASTER"),
        (0x800, "SLAVE"),
        (0x4, "DEBUG"),
        (0x8000, "DYNAMIC"),
        (0x4000, "AUTOMEDIA"),
        (0x2000, "PORTSEL"),
        (0x20, "NOTRAILERS"),
        (0x1, "UP"),
        (0x10000, "LOWER_UP"),
        (0x20000, "DORMANT"),
        (0x40000, "ECHO"),
    ];

    /// True when every flag of `other` is set.
    pub fn contains(self, other: IfFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// The names `ip link` prints, in its order: `NO-CARRIER` for a device that is up
    /// without `IFF_RUNNING`, then the named flags, then any other bits in hexadecimal.
    pub fn names(self) -> Vec<String> {
        let mut out = Vec::new();
        if self.contains(IfFlags::UP) && !self.contains(IfFlags::RUNNING) {
            out.push("NO-CARRIER".to_string());
        }
        let mut rest = self.0 & !IfFlags::RUNNING.0;
        for (bit, name) in Self::NAMED {
            if rest & bit != 0 {
                rest &= !bit;
                out.push(name.to_string());
            }
        }
        if rest != 0 {
            out.push(format!("{rest:x}"));
        }
        out
    }
}

impl fmt::Display for IfFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(","))
    }
}

/// The hardware type of a device (`ARPHRD_*`, `ifi_type`). Its `Display` is the word
/// after `link/` in `ip link show` (`ether`, `loopback`, `none`, ...; `[N]` for a number
/// without a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LinkType(pub u16);

impl LinkType {
    /// `ARPHRD_ETHER`: Ethernet (veth, bridge, tap, vxlan, macvlan...).
    pub const ETHER: LinkType = LinkType(1);
    /// `ARPHRD_LOOPBACK`.
    pub const LOOPBACK: LinkType = LinkType(772);
    /// `ARPHRD_NONE`: no link layer (a tun device).
    pub const NONE: LinkType = LinkType(0xfffe);

    /// The names of iproute2's table (`ll_types.c`) for the types vnet meets.
    const NAMES: [(u16, &'static str); 14] = [
        (0, "netrom"),
        (1, "ether"),
        (2, "eether"),
        (512, "ppp"),
        (768, "ipip"),
        (769, "tunnel6"),
        (772, "loopback"),
        (776, "sit"),
        (778, "gre"),
        (823, "gre6"),
        (824, "netlink"),
        (825, "6lowpan"),
        (0xfffe, "none"),
        (0xffff, "void"),
    ];
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Self::NAMES.iter().find(|(n, _)| *n == self.0) {
            Some((_, name)) => f.write_str(name),
            None => write!(f, "[{}]", self.0),
        }
    }
}

/// The link mode of a device (`IF_LINK_MODE_*`). Its `Display` is the word `ip link`
/// prints after `mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkMode {
    /// `DEFAULT`.
    Default,
    /// `DORMANT`: the upward transition waits for a supplicant.
    Dormant,
    /// Another mode; `ip` prints its number.
    Other(u8),
}

impl fmt::Display for LinkMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkMode::Default => f.write_str("DEFAULT"),
            LinkMode::Dormant => f.write_str("DORMANT"),
            LinkMode::Other(n) => write!(f, "{n}"),
        }
    }
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
            name: IfName::from_kernel(Vec::new()),
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
            flags: IfFlags(message.header.flags.bits()),
            link_type: LinkType(message.header.link_layer_type.into()),
            qdisc: None,
            txqlen: None,
            link_mode: None,
            address: None,
            broadcast: None,
            permanent_address: None,
            alias: None,
            alt_names: Vec::new(),
            details: LinkDetails::None,
            stats: None,
            carrier_changes: None,
            raw: LinkMessage::default(),
        };
        for attribute in &message.attributes {
            match attribute {
                LinkAttribute::IfName(name) => {
                    link.name = IfName::from_kernel(name.clone().into_bytes())
                }
                // Names that are not UTF-8 (see `netlink::names`).
                LinkAttribute::Other(nla) => {
                    if let Some(name) = names::raw_name(nla, IFLA_IFNAME) {
                        link.name = IfName::from_kernel(name);
                    } else if let Some(alias) = names::raw_name(nla, IFLA_IFALIAS) {
                        link.alias = Some(String::from_utf8_lossy(&alias).into_owned());
                    }
                }
                LinkAttribute::OperState(state) => link.operstate = OperState::from_state(*state),
                LinkAttribute::Controller(master) if *master != 0 => link.master = Some(*master),
                LinkAttribute::Mtu(mtu) => link.mtu = Some(*mtu),
                LinkAttribute::Address(bytes) => {
                    link.mac = MacAddr::from_slice(bytes);
                    link.address = Some(bytes.clone());
                }
                LinkAttribute::Broadcast(bytes) => link.broadcast = Some(bytes.clone()),
                LinkAttribute::PermAddress(bytes) => link.permanent_address = Some(bytes.clone()),
                LinkAttribute::Qdisc(qdisc) => link.qdisc = Some(qdisc.clone()),
                LinkAttribute::TxQueueLen(len) => link.txqlen = Some(*len),
                LinkAttribute::Mode(mode) => {
                    link.link_mode = Some(match u8::from(*mode) {
                        0 => LinkMode::Default,
                        1 => LinkMode::Dormant,
                        n => LinkMode::Other(n),
                    })
                }
                LinkAttribute::IfAlias(alias) => link.alias = Some(alias.clone()),
                LinkAttribute::PropList(props) => {
                    link.alt_names.extend(props.iter().filter_map(|p| match p {
                        Prop::AltIfName(name) => {
                            Some(IfName::from_kernel(name.clone().into_bytes()))
                        }
                        Prop::Other(nla) => {
                            names::raw_name(nla, IFLA_ALT_IFNAME).map(IfName::from_kernel)
                        }
                        _ => None,
                    }))
                }
                LinkAttribute::Link(parent) if *parent != 0 => link.parent = Some(*parent),
                LinkAttribute::LinkNetNsId(id) => link.link_netnsid = Some(*id),
                LinkAttribute::Group(group) => link.group = *group,
                LinkAttribute::Stats64(stats) => link.stats = Some(LinkStats::from(stats)),
                LinkAttribute::CarrierChanges(n) => link.carrier_changes = Some(*n),
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
