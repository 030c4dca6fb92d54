//! [`LinkExtended`]: what `ip -d link show` adds to `ip link show`, decoded from the
//! kernel's `RTM_NEWLINK` answer: the device's counters of promiscuity and multicast
//! users, its MTU range, queues and offload limits, its IPv6 address generation mode,
//! and the options of its kind (`IFLA_INFO_DATA`) and of the port it is (`IFLA_INFO_SLAVE_DATA`).
//!
//! Every field is an `Option` or a list: `None` means the kernel did not send that
//! attribute (a kernel built without bridge VLAN filtering sends no `vlan_protocol`),
//! which is what decides whether `ip` prints it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netlink_packet_core::Nla;
use netlink_packet_route::link::{AfSpecInet6, AfSpecUnspec, LinkAttribute, LinkInfo};

use super::info::Link;
use crate::bridge::BridgeId;
use crate::netlink::raw::attributes;
use crate::uapi::if_bridge::{BR_BOOLOPT_MCAST_VLAN_SNOOPING, BR_BOOLOPT_NO_LL_LEARN};
use crate::uapi::if_link::*;
use crate::values::MacAddr;

/// The details of a link that `ip -d link show` prints (see [`Link::extended`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct LinkExtended {
    /// How many users asked for promiscuous mode (`IFLA_PROMISCUITY`): a bridge port
    /// counts one for its bridge.
    pub promiscuity: Option<u32>,
    /// How many users asked for all multicast traffic (`IFLA_ALLMULTI`).
    pub allmulti: Option<u32>,
    /// The smallest MTU the device takes (`IFLA_MIN_MTU`).
    pub min_mtu: Option<u32>,
    /// The largest MTU the device takes (`IFLA_MAX_MTU`).
    pub max_mtu: Option<u32>,
    /// The kind's name as the kernel sent it (`IFLA_INFO_KIND`).
    pub kind: Option<String>,
    /// The kind's options (`IFLA_INFO_DATA`), for the kinds vnet decodes; `None` when
    /// the kernel sent none, or for another kind.
    pub kind_data: Option<KindData>,
    /// The kind of the master this link is a port of (`IFLA_INFO_SLAVE_KIND`:
    /// `bridge`, `bond`, ...).
    pub port_kind: Option<String>,
    /// The port's options (`IFLA_INFO_SLAVE_DATA`) when its master is a bridge.
    pub port_data: Option<BridgePortData>,
    /// How the kernel makes the link's IPv6 link-local address
    /// (`IFLA_INET6_ADDR_GEN_MODE`).
    pub addr_gen_mode: Option<AddrGenMode>,
    /// Transmit queues (`IFLA_NUM_TX_QUEUES`).
    pub num_tx_queues: Option<u32>,
    /// Receive queues (`IFLA_NUM_RX_QUEUES`).
    pub num_rx_queues: Option<u32>,
    /// Largest generic segmentation offload packet (`IFLA_GSO_MAX_SIZE`).
    pub gso_max_size: Option<u32>,
    /// Most segments in one GSO packet (`IFLA_GSO_MAX_SEGS`).
    pub gso_max_segs: Option<u32>,
    /// Largest TCP segmentation offload packet the device takes (`IFLA_TSO_MAX_SIZE`).
    pub tso_max_size: Option<u32>,
    /// Most segments in one TSO packet (`IFLA_TSO_MAX_SEGS`).
    pub tso_max_segs: Option<u32>,
    /// Largest generic receive offload packet (`IFLA_GRO_MAX_SIZE`).
    pub gro_max_size: Option<u32>,
    /// The physical port's name (`IFLA_PHYS_PORT_NAME`).
    pub phys_port_name: Option<String>,
    /// The physical port's id (`IFLA_PHYS_PORT_ID`).
    pub phys_port_id: Option<Vec<u8>>,
    /// The switch's id (`IFLA_PHYS_SWITCH_ID`).
    pub phys_switch_id: Option<Vec<u8>>,
    /// The bus of the parent device (`IFLA_PARENT_DEV_BUS_NAME`: `pci`, `virtio`...).
    pub parent_bus: Option<String>,
    /// The parent device (`IFLA_PARENT_DEV_NAME`: `0000:00:03.0`...).
    pub parent_dev: Option<String>,
}

/// How the kernel makes a link's IPv6 link-local address (`IN6_ADDR_GEN_MODE_*`). Its
/// `Display` is the word `ip -d link` prints after `addrgenmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddrGenMode {
    /// From the MAC address (`eui64`).
    Eui64,
    /// None is made (`none`).
    None,
    /// From a secret, RFC 7217 (`stable_secret`).
    StablePrivacy,
    /// At random (`random`).
    Random,
    /// A mode the kernel has added since; `ip` prints it in hexadecimal.
    Other(u8),
}

impl std::fmt::Display for AddrGenMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AddrGenMode::Eui64 => f.write_str("eui64"),
            AddrGenMode::None => f.write_str("none"),
            AddrGenMode::StablePrivacy => f.write_str("stable_secret"),
            AddrGenMode::Random => f.write_str("random"),
            AddrGenMode::Other(n) => write!(f, "{n:#04x}"),
        }
    }
}

impl AddrGenMode {
    fn from_number(n: u8) -> AddrGenMode {
        match n {
            IN6_ADDR_GEN_MODE_EUI64 => AddrGenMode::Eui64,
            IN6_ADDR_GEN_MODE_NONE => AddrGenMode::None,
            IN6_ADDR_GEN_MODE_STABLE_PRIVACY => AddrGenMode::StablePrivacy,
            IN6_ADDR_GEN_MODE_RANDOM => AddrGenMode::Random,
            n => AddrGenMode::Other(n),
        }
    }
}

/// The options of a link's kind (`IFLA_INFO_DATA`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KindData {
    /// A bridge's options and spanning tree state.
    Bridge(Box<BridgeData>),
    /// A VXLAN device's options.
    Vxlan(VxlanData),
    /// A macvlan or macvtap device's options.
    MacVlan(MacVlanData),
    /// A tun or tap device's options.
    Tun(TunData),
    /// An 802.1Q/802.1ad sub-interface's options.
    Vlan(VlanData),
}

/// A bridge's options (`IFLA_BR_*`). Times are in centiseconds, as the kernel gives
/// them (`forward_delay` 1500 is 15 s); timers are the time left, in centiseconds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct BridgeData {
    /// `IFLA_BR_FORWARD_DELAY`.
    pub forward_delay: Option<u32>,
    /// `IFLA_BR_HELLO_TIME`.
    pub hello_time: Option<u32>,
    /// `IFLA_BR_MAX_AGE`.
    pub max_age: Option<u32>,
    /// `IFLA_BR_AGEING_TIME`.
    pub ageing_time: Option<u32>,
    /// `IFLA_BR_STP_STATE`: 0 off, 1 the kernel's, 2 a user-space daemon's.
    pub stp_state: Option<u32>,
    /// `IFLA_BR_PRIORITY`.
    pub priority: Option<u16>,
    /// `IFLA_BR_VLAN_FILTERING`.
    pub vlan_filtering: Option<u8>,
    /// `IFLA_BR_VLAN_PROTOCOL`: the EtherType (0x8100 for 802.1Q, 0x88a8 for 802.1ad).
    pub vlan_protocol: Option<u16>,
    /// `IFLA_BR_BRIDGE_ID`.
    pub bridge_id: Option<BridgeId>,
    /// `IFLA_BR_ROOT_ID`: the designated root.
    pub root_id: Option<BridgeId>,
    /// `IFLA_BR_ROOT_PORT`.
    pub root_port: Option<u16>,
    /// `IFLA_BR_ROOT_PATH_COST`.
    pub root_path_cost: Option<u32>,
    /// `IFLA_BR_TOPOLOGY_CHANGE`.
    pub topology_change: Option<u8>,
    /// `IFLA_BR_TOPOLOGY_CHANGE_DETECTED`.
    pub topology_change_detected: Option<u8>,
    /// `IFLA_BR_HELLO_TIMER`.
    pub hello_timer: Option<u64>,
    /// `IFLA_BR_TCN_TIMER`.
    pub tcn_timer: Option<u64>,
    /// `IFLA_BR_TOPOLOGY_CHANGE_TIMER`.
    pub topology_change_timer: Option<u64>,
    /// `IFLA_BR_GC_TIMER`.
    pub gc_timer: Option<u64>,
    /// `IFLA_BR_VLAN_DEFAULT_PVID`.
    pub vlan_default_pvid: Option<u16>,
    /// `IFLA_BR_VLAN_STATS_ENABLED`.
    pub vlan_stats_enabled: Option<u8>,
    /// `IFLA_BR_VLAN_STATS_PER_PORT`.
    pub vlan_stats_per_port: Option<u8>,
    /// `IFLA_BR_GROUP_FWD_MASK`.
    pub group_fwd_mask: Option<u16>,
    /// `IFLA_BR_GROUP_ADDR`: the STP group address.
    pub group_addr: Option<MacAddr>,
    /// `IFLA_BR_MCAST_SNOOPING`.
    pub mcast_snooping: Option<u8>,
    /// `BR_BOOLOPT_NO_LL_LEARN` of `IFLA_BR_MULTI_BOOLOPT`, when its mask has it.
    pub no_linklocal_learn: Option<bool>,
    /// `BR_BOOLOPT_MCAST_VLAN_SNOOPING` of `IFLA_BR_MULTI_BOOLOPT`, when its mask has it.
    pub mcast_vlan_snooping: Option<bool>,
    /// `IFLA_BR_MCAST_ROUTER`.
    pub mcast_router: Option<u8>,
    /// `IFLA_BR_MCAST_QUERY_USE_IFADDR`.
    pub mcast_query_use_ifaddr: Option<u8>,
    /// `IFLA_BR_MCAST_QUERIER`.
    pub mcast_querier: Option<u8>,
    /// `IFLA_BR_MCAST_HASH_ELASTICITY`.
    pub mcast_hash_elasticity: Option<u32>,
    /// `IFLA_BR_MCAST_HASH_MAX`.
    pub mcast_hash_max: Option<u32>,
    /// `IFLA_BR_MCAST_LAST_MEMBER_CNT`.
    pub mcast_last_member_cnt: Option<u32>,
    /// `IFLA_BR_MCAST_STARTUP_QUERY_CNT`.
    pub mcast_startup_query_cnt: Option<u32>,
    /// `IFLA_BR_MCAST_LAST_MEMBER_INTVL`.
    pub mcast_last_member_intvl: Option<u64>,
    /// `IFLA_BR_MCAST_MEMBERSHIP_INTVL`.
    pub mcast_membership_intvl: Option<u64>,
    /// `IFLA_BR_MCAST_QUERIER_INTVL`.
    pub mcast_querier_intvl: Option<u64>,
    /// `IFLA_BR_MCAST_QUERY_INTVL`.
    pub mcast_query_intvl: Option<u64>,
    /// `IFLA_BR_MCAST_QUERY_RESPONSE_INTVL`.
    pub mcast_query_response_intvl: Option<u64>,
    /// `IFLA_BR_MCAST_STARTUP_QUERY_INTVL`.
    pub mcast_startup_query_intvl: Option<u64>,
    /// `IFLA_BR_MCAST_STATS_ENABLED`.
    pub mcast_stats_enabled: Option<u8>,
    /// `IFLA_BR_MCAST_IGMP_VERSION`.
    pub mcast_igmp_version: Option<u8>,
    /// `IFLA_BR_MCAST_MLD_VERSION`.
    pub mcast_mld_version: Option<u8>,
    /// `IFLA_BR_NF_CALL_IPTABLES`.
    pub nf_call_iptables: Option<u8>,
    /// `IFLA_BR_NF_CALL_IP6TABLES`.
    pub nf_call_ip6tables: Option<u8>,
    /// `IFLA_BR_NF_CALL_ARPTABLES`.
    pub nf_call_arptables: Option<u8>,
}

/// A bridge port's options and spanning tree state (`IFLA_BRPORT_*`); timers in
/// centiseconds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct BridgePortData {
    /// `IFLA_BRPORT_STATE`: 0 disabled, 1 listening, 2 learning, 3 forwarding, 4 blocking.
    pub state: Option<u8>,
    /// `IFLA_BRPORT_PRIORITY`.
    pub priority: Option<u16>,
    /// `IFLA_BRPORT_COST`.
    pub cost: Option<u32>,
    /// `IFLA_BRPORT_MODE`: hairpin.
    pub hairpin: Option<bool>,
    /// `IFLA_BRPORT_GUARD`: BPDU guard.
    pub guard: Option<bool>,
    /// `IFLA_BRPORT_PROTECT`: root block.
    pub root_block: Option<bool>,
    /// `IFLA_BRPORT_FAST_LEAVE`.
    pub fast_leave: Option<bool>,
    /// `IFLA_BRPORT_LEARNING`.
    pub learning: Option<bool>,
    /// `IFLA_BRPORT_UNICAST_FLOOD`.
    pub unicast_flood: Option<bool>,
    /// `IFLA_BRPORT_ID`.
    pub id: Option<u16>,
    /// `IFLA_BRPORT_NO`.
    pub no: Option<u16>,
    /// `IFLA_BRPORT_DESIGNATED_PORT`.
    pub designated_port: Option<u16>,
    /// `IFLA_BRPORT_DESIGNATED_COST`.
    pub designated_cost: Option<u16>,
    /// `IFLA_BRPORT_BRIDGE_ID`: the designated bridge.
    pub bridge_id: Option<BridgeId>,
    /// `IFLA_BRPORT_ROOT_ID`: the designated root.
    pub root_id: Option<BridgeId>,
    /// `IFLA_BRPORT_HOLD_TIMER`.
    pub hold_timer: Option<u64>,
    /// `IFLA_BRPORT_MESSAGE_AGE_TIMER`.
    pub message_age_timer: Option<u64>,
    /// `IFLA_BRPORT_FORWARD_DELAY_TIMER`.
    pub forward_delay_timer: Option<u64>,
    /// `IFLA_BRPORT_TOPOLOGY_CHANGE_ACK`.
    pub topology_change_ack: Option<u8>,
    /// `IFLA_BRPORT_CONFIG_PENDING`.
    pub config_pending: Option<u8>,
    /// `IFLA_BRPORT_PROXYARP`.
    pub proxy_arp: Option<bool>,
    /// `IFLA_BRPORT_PROXYARP_WIFI`.
    pub proxy_arp_wifi: Option<bool>,
    /// `IFLA_BRPORT_MULTICAST_ROUTER`.
    pub multicast_router: Option<u8>,
    /// `IFLA_BRPORT_MCAST_FLOOD`.
    pub mcast_flood: Option<bool>,
    /// `IFLA_BRPORT_BCAST_FLOOD`.
    pub bcast_flood: Option<bool>,
    /// `IFLA_BRPORT_MCAST_TO_UCAST`.
    pub mcast_to_unicast: Option<bool>,
    /// `IFLA_BRPORT_NEIGH_SUPPRESS`.
    pub neigh_suppress: Option<bool>,
    /// `IFLA_BRPORT_GROUP_FWD_MASK`.
    pub group_fwd_mask: Option<u16>,
    /// `IFLA_BRPORT_VLAN_TUNNEL`.
    pub vlan_tunnel: Option<bool>,
    /// `IFLA_BRPORT_ISOLATED`.
    pub isolated: Option<bool>,
    /// `IFLA_BRPORT_LOCKED`.
    pub locked: Option<bool>,
    /// `IFLA_BRPORT_BACKUP_PORT`: the backup port's index.
    pub backup_port: Option<u32>,
}

/// A VXLAN device's options (`IFLA_VXLAN_*`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct VxlanData {
    /// `IFLA_VXLAN_COLLECT_METADATA`: external control (`external`).
    pub collect_metadata: Option<bool>,
    /// `IFLA_VXLAN_VNIFILTER`.
    pub vnifilter: Option<bool>,
    /// `IFLA_VXLAN_ID`: the VNI.
    pub id: Option<u32>,
    /// `IFLA_VXLAN_GROUP` or `IFLA_VXLAN_GROUP6`: the remote end or multicast group.
    pub group: Option<IpAddr>,
    /// `IFLA_VXLAN_LOCAL` or `IFLA_VXLAN_LOCAL6`.
    pub local: Option<IpAddr>,
    /// `IFLA_VXLAN_LINK`: the index of the device the tunnel goes out of.
    pub link: Option<u32>,
    /// `IFLA_VXLAN_PORT_RANGE`: the source port range (low, high).
    pub port_range: Option<(u16, u16)>,
    /// `IFLA_VXLAN_PORT`: the destination UDP port.
    pub port: Option<u16>,
    /// `IFLA_VXLAN_LEARNING`.
    pub learning: Option<bool>,
    /// `IFLA_VXLAN_PROXY`.
    pub proxy: Option<bool>,
    /// `IFLA_VXLAN_RSC`.
    pub rsc: Option<bool>,
    /// `IFLA_VXLAN_L2MISS`.
    pub l2miss: Option<bool>,
    /// `IFLA_VXLAN_L3MISS`.
    pub l3miss: Option<bool>,
    /// `IFLA_VXLAN_TOS` (1 means inherit).
    pub tos: Option<u8>,
    /// `IFLA_VXLAN_TTL_INHERIT`.
    pub ttl_inherit: Option<bool>,
    /// `IFLA_VXLAN_TTL` (0 means auto).
    pub ttl: Option<u8>,
    /// `IFLA_VXLAN_DF`: 0 unset, 1 set, 2 inherit.
    pub df: Option<u8>,
    /// `IFLA_VXLAN_LABEL`: the IPv6 flow label, in host order.
    pub label: Option<u32>,
    /// `IFLA_VXLAN_AGEING`: seconds an FDB entry lives (0: forever).
    pub ageing: Option<u32>,
    /// `IFLA_VXLAN_LIMIT`: most FDB entries (0: no limit).
    pub limit: Option<u32>,
    /// `IFLA_VXLAN_UDP_CSUM`.
    pub udp_csum: Option<bool>,
    /// `IFLA_VXLAN_UDP_ZERO_CSUM6_TX`.
    pub udp_zero_csum6_tx: Option<bool>,
    /// `IFLA_VXLAN_UDP_ZERO_CSUM6_RX`.
    pub udp_zero_csum6_rx: Option<bool>,
    /// `IFLA_VXLAN_REMCSUM_TX`.
    pub remcsum_tx: Option<bool>,
    /// `IFLA_VXLAN_REMCSUM_RX`.
    pub remcsum_rx: Option<bool>,
    /// `IFLA_VXLAN_GBP` was sent (a flag).
    pub gbp: bool,
    /// `IFLA_VXLAN_GPE` was sent (a flag).
    pub gpe: bool,
}

/// A macvlan or macvtap device's options (`IFLA_MACVLAN_*`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct MacVlanData {
    /// `IFLA_MACVLAN_MODE` (`MACVLAN_MODE_*`: 1 private, 2 vepa, 4 bridge, 8 passthru,
    /// 16 source).
    pub mode: Option<u32>,
    /// `IFLA_MACVLAN_FLAGS` (`MACVLAN_FLAG_NOPROMISC` 1, `MACVLAN_FLAG_NODST` 2).
    pub flags: Option<u16>,
    /// `IFLA_MACVLAN_BC_QUEUE_LEN`: the broadcast queue length asked for.
    pub bc_queue_len: Option<u32>,
    /// `IFLA_MACVLAN_BC_QUEUE_LEN_USED`: the broadcast queue length in use.
    pub bc_queue_len_used: Option<u32>,
    /// `IFLA_MACVLAN_MACADDR_COUNT`: how many source addresses (source mode).
    pub macaddr_count: Option<u32>,
    /// `IFLA_MACVLAN_MACADDR_DATA`: the source addresses (source mode).
    pub macaddrs: Vec<MacAddr>,
}

/// A tun or tap device's options (`IFLA_TUN_*`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TunData {
    /// `IFLA_TUN_TYPE`: `IFF_TUN` (1) or `IFF_TAP` (2).
    pub tun_type: Option<u8>,
    /// `IFLA_TUN_PI`: packet information header.
    pub pi: Option<bool>,
    /// `IFLA_TUN_VNET_HDR`.
    pub vnet_hdr: Option<bool>,
    /// `IFLA_TUN_MULTI_QUEUE`.
    pub multi_queue: Option<bool>,
    /// `IFLA_TUN_PERSIST`.
    pub persist: Option<bool>,
    /// `IFLA_TUN_OWNER`: the owning user id.
    pub owner: Option<u32>,
    /// `IFLA_TUN_GROUP`: the owning group id.
    pub group: Option<u32>,
    /// `IFLA_TUN_NUM_QUEUES`.
    pub num_queues: Option<u32>,
    /// `IFLA_TUN_NUM_DISABLED_QUEUES`.
    pub num_disabled_queues: Option<u32>,
}

/// An 802.1Q/802.1ad sub-interface's options (`IFLA_VLAN_*`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct VlanData {
    /// `IFLA_VLAN_PROTOCOL`: the EtherType (0x8100 or 0x88a8).
    pub protocol: Option<u16>,
    /// `IFLA_VLAN_ID`.
    pub id: Option<u16>,
    /// `IFLA_VLAN_FLAGS` (`VLAN_FLAG_*`: 1 reorder_hdr, 2 gvrp, 4 loose_binding,
    /// 8 mvrp, 16 bridge_binding).
    pub flags: Option<u32>,
    /// `IFLA_VLAN_INGRESS_QOS`: priority mappings (from, to).
    pub ingress_qos: Option<Vec<(u32, u32)>>,
    /// `IFLA_VLAN_EGRESS_QOS`: priority mappings (from, to).
    pub egress_qos: Option<Vec<(u32, u32)>>,
}

impl Link {
    /// What `ip -d link show` adds for this link, decoded from the kernel's answer.
    pub fn extended(&self) -> LinkExtended {
        let mut x = LinkExtended::default();
        for attribute in &self.raw().attributes {
            match attribute {
                LinkAttribute::Promiscuity(n) => x.promiscuity = Some(*n),
                LinkAttribute::AllMulticast(n) => x.allmulti = Some(*n),
                LinkAttribute::MinMtu(n) => x.min_mtu = Some(*n),
                LinkAttribute::MaxMtu(n) => x.max_mtu = Some(*n),
                LinkAttribute::NumTxQueues(n) => x.num_tx_queues = Some(*n),
                LinkAttribute::NumRxQueues(n) => x.num_rx_queues = Some(*n),
                LinkAttribute::GsoMaxSize(n) => x.gso_max_size = Some(*n),
                LinkAttribute::GsoMaxSegs(n) => x.gso_max_segs = Some(*n),
                LinkAttribute::TsoMaxSize(n) => x.tso_max_size = Some(*n),
                LinkAttribute::TsoMaxSegs(n) => x.tso_max_segs = Some(*n),
                LinkAttribute::GroMaxSize(n) => x.gro_max_size = Some(*n),
                LinkAttribute::PhysPortName(s) => x.phys_port_name = Some(s.clone()),
                LinkAttribute::PhysPortId(_) | LinkAttribute::PhysSwitchId(_) => {
                    let value = value_of(attribute);
                    if matches!(attribute, LinkAttribute::PhysPortId(_)) {
                        x.phys_port_id = Some(value);
                    } else {
                        x.phys_switch_id = Some(value);
                    }
                }
                LinkAttribute::ParentDevBusName(s) => x.parent_bus = Some(s.clone()),
                LinkAttribute::ParentDevName(s) => x.parent_dev = Some(s.clone()),
                LinkAttribute::AfSpecUnspec(families) => {
                    for family in families {
                        if let AfSpecUnspec::Inet6(attrs) = family {
                            for a in attrs {
                                if let AfSpecInet6::AddrGenMode(_) = a {
                                    let mode = value_of(a).first().copied().unwrap_or(0);
                                    x.addr_gen_mode = Some(AddrGenMode::from_number(mode));
                                }
                            }
                        }
                    }
                }
                LinkAttribute::LinkInfo(infos) => x.read_link_info(infos),
                _ => {}
            }
        }
        x
    }
}

/// An attribute's value as the kernel sent it (the crate parsed it; emitting gives the
/// bytes back).
fn value_of(attribute: &impl Nla) -> Vec<u8> {
    let mut value = vec![0; attribute.value_len()];
    attribute.emit_value(&mut value);
    value
}

impl LinkExtended {
    fn read_link_info(&mut self, infos: &[LinkInfo]) {
        for info in infos {
            match info {
                LinkInfo::Kind(kind) => self.kind = Some(kind.to_string()),
                LinkInfo::PortKind(kind) => self.port_kind = Some(kind.to_string()),
                _ => {}
            }
        }
        for info in infos {
            match info {
                LinkInfo::Data(data) => {
                    let bytes = value_of(data);
                    self.kind_data = match self.kind.as_deref() {
                        Some("bridge") => Some(KindData::Bridge(Box::new(bridge(&bytes)))),
                        Some("vxlan") => Some(KindData::Vxlan(vxlan(&bytes))),
                        Some("macvlan" | "macvtap") => Some(KindData::MacVlan(macvlan(&bytes))),
                        Some("tun") => Some(KindData::Tun(tun(&bytes))),
                        Some("vlan") => Some(KindData::Vlan(vlan(&bytes))),
                        _ => None,
                    };
                }
                LinkInfo::PortData(data) if self.port_kind.as_deref() == Some("bridge") => {
                    self.port_data = Some(bridge_port(&value_of(data)));
                }
                _ => {}
            }
        }
    }
}

fn u8_of(v: &[u8]) -> Option<u8> {
    v.first().copied()
}

fn bool_of(v: &[u8]) -> Option<bool> {
    u8_of(v).map(|b| b != 0)
}

fn u16_of(v: &[u8]) -> Option<u16> {
    Some(u16::from_ne_bytes(v.get(..2)?.try_into().ok()?))
}

fn be16_of(v: &[u8]) -> Option<u16> {
    Some(u16::from_be_bytes(v.get(..2)?.try_into().ok()?))
}

fn u32_of(v: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(v.get(..4)?.try_into().ok()?))
}

fn u64_of(v: &[u8]) -> Option<u64> {
    Some(u64::from_ne_bytes(v.get(..8)?.try_into().ok()?))
}

/// `struct ifla_bridge_id`: two priority bytes (network order) and a MAC address.
fn bridge_id_of(v: &[u8]) -> Option<BridgeId> {
    Some(BridgeId {
        priority: be16_of(v)?,
        mac: MacAddr::from_slice(v.get(2..8)?)?,
    })
}

fn ipv4_of(v: &[u8]) -> Option<IpAddr> {
    let octets: [u8; 4] = v.get(..4)?.try_into().ok()?;
    Some(IpAddr::V4(Ipv4Addr::from(octets)))
}

fn ipv6_of(v: &[u8]) -> Option<IpAddr> {
    let octets: [u8; 16] = v.get(..16)?.try_into().ok()?;
    Some(IpAddr::V6(Ipv6Addr::from(octets)))
}

fn bridge(bytes: &[u8]) -> BridgeData {
    let mut b = BridgeData::default();
    for (kind, v) in attributes(bytes) {
        match kind {
            IFLA_BR_FORWARD_DELAY => b.forward_delay = u32_of(v),
            IFLA_BR_HELLO_TIME => b.hello_time = u32_of(v),
            IFLA_BR_MAX_AGE => b.max_age = u32_of(v),
            IFLA_BR_AGEING_TIME => b.ageing_time = u32_of(v),
            IFLA_BR_STP_STATE => b.stp_state = u32_of(v),
            IFLA_BR_PRIORITY => b.priority = u16_of(v),
            IFLA_BR_VLAN_FILTERING => b.vlan_filtering = u8_of(v),
            IFLA_BR_VLAN_PROTOCOL => b.vlan_protocol = be16_of(v),
            IFLA_BR_BRIDGE_ID => b.bridge_id = bridge_id_of(v),
            IFLA_BR_ROOT_ID => b.root_id = bridge_id_of(v),
            IFLA_BR_ROOT_PORT => b.root_port = u16_of(v),
            IFLA_BR_ROOT_PATH_COST => b.root_path_cost = u32_of(v),
            IFLA_BR_TOPOLOGY_CHANGE => b.topology_change = u8_of(v),
            IFLA_BR_TOPOLOGY_CHANGE_DETECTED => b.topology_change_detected = u8_of(v),
            IFLA_BR_HELLO_TIMER => b.hello_timer = u64_of(v),
            IFLA_BR_TCN_TIMER => b.tcn_timer = u64_of(v),
            IFLA_BR_TOPOLOGY_CHANGE_TIMER => b.topology_change_timer = u64_of(v),
            IFLA_BR_GC_TIMER => b.gc_timer = u64_of(v),
            IFLA_BR_VLAN_DEFAULT_PVID => b.vlan_default_pvid = u16_of(v),
            IFLA_BR_VLAN_STATS_ENABLED => b.vlan_stats_enabled = u8_of(v),
            IFLA_BR_VLAN_STATS_PER_PORT => b.vlan_stats_per_port = u8_of(v),
            IFLA_BR_GROUP_FWD_MASK => b.group_fwd_mask = u16_of(v),
            IFLA_BR_GROUP_ADDR => b.group_addr = MacAddr::from_slice(v),
            IFLA_BR_MCAST_SNOOPING => b.mcast_snooping = u8_of(v),
            IFLA_BR_MULTI_BOOLOPT => {
                // struct br_boolopt_multi { __u32 optval; __u32 optmask; }
                if let (Some(val), Some(mask)) = (u32_of(v), v.get(4..).and_then(u32_of)) {
                    let bit = |n: u32| (mask & 1 << n != 0).then_some(val & 1 << n != 0);
                    b.no_linklocal_learn = bit(BR_BOOLOPT_NO_LL_LEARN);
                    b.mcast_vlan_snooping = bit(BR_BOOLOPT_MCAST_VLAN_SNOOPING);
                }
            }
            IFLA_BR_MCAST_ROUTER => b.mcast_router = u8_of(v),
            IFLA_BR_MCAST_QUERY_USE_IFADDR => b.mcast_query_use_ifaddr = u8_of(v),
            IFLA_BR_MCAST_QUERIER => b.mcast_querier = u8_of(v),
            IFLA_BR_MCAST_HASH_ELASTICITY => b.mcast_hash_elasticity = u32_of(v),
            IFLA_BR_MCAST_HASH_MAX => b.mcast_hash_max = u32_of(v),
            IFLA_BR_MCAST_LAST_MEMBER_CNT => b.mcast_last_member_cnt = u32_of(v),
            IFLA_BR_MCAST_STARTUP_QUERY_CNT => b.mcast_startup_query_cnt = u32_of(v),
            IFLA_BR_MCAST_LAST_MEMBER_INTVL => b.mcast_last_member_intvl = u64_of(v),
            IFLA_BR_MCAST_MEMBERSHIP_INTVL => b.mcast_membership_intvl = u64_of(v),
            IFLA_BR_MCAST_QUERIER_INTVL => b.mcast_querier_intvl = u64_of(v),
            IFLA_BR_MCAST_QUERY_INTVL => b.mcast_query_intvl = u64_of(v),
            IFLA_BR_MCAST_QUERY_RESPONSE_INTVL => b.mcast_query_response_intvl = u64_of(v),
            IFLA_BR_MCAST_STARTUP_QUERY_INTVL => b.mcast_startup_query_intvl = u64_of(v),
            IFLA_BR_MCAST_STATS_ENABLED => b.mcast_stats_enabled = u8_of(v),
            IFLA_BR_MCAST_IGMP_VERSION => b.mcast_igmp_version = u8_of(v),
            IFLA_BR_MCAST_MLD_VERSION => b.mcast_mld_version = u8_of(v),
            IFLA_BR_NF_CALL_IPTABLES => b.nf_call_iptables = u8_of(v),
            IFLA_BR_NF_CALL_IP6TABLES => b.nf_call_ip6tables = u8_of(v),
            IFLA_BR_NF_CALL_ARPTABLES => b.nf_call_arptables = u8_of(v),
            _ => {}
        }
    }
    b
}

fn bridge_port(bytes: &[u8]) -> BridgePortData {
    let mut p = BridgePortData::default();
    for (kind, v) in attributes(bytes) {
        match kind {
            IFLA_BRPORT_STATE => p.state = u8_of(v),
            IFLA_BRPORT_PRIORITY => p.priority = u16_of(v),
            IFLA_BRPORT_COST => p.cost = u32_of(v),
            IFLA_BRPORT_MODE => p.hairpin = bool_of(v),
            IFLA_BRPORT_GUARD => p.guard = bool_of(v),
            IFLA_BRPORT_PROTECT => p.root_block = bool_of(v),
            IFLA_BRPORT_FAST_LEAVE => p.fast_leave = bool_of(v),
            IFLA_BRPORT_LEARNING => p.learning = bool_of(v),
            IFLA_BRPORT_UNICAST_FLOOD => p.unicast_flood = bool_of(v),
            IFLA_BRPORT_ID => p.id = u16_of(v),
            IFLA_BRPORT_NO => p.no = u16_of(v),
            IFLA_BRPORT_DESIGNATED_PORT => p.designated_port = u16_of(v),
            IFLA_BRPORT_DESIGNATED_COST => p.designated_cost = u16_of(v),
            IFLA_BRPORT_BRIDGE_ID => p.bridge_id = bridge_id_of(v),
            IFLA_BRPORT_ROOT_ID => p.root_id = bridge_id_of(v),
            IFLA_BRPORT_HOLD_TIMER => p.hold_timer = u64_of(v),
            IFLA_BRPORT_MESSAGE_AGE_TIMER => p.message_age_timer = u64_of(v),
            IFLA_BRPORT_FORWARD_DELAY_TIMER => p.forward_delay_timer = u64_of(v),
            IFLA_BRPORT_TOPOLOGY_CHANGE_ACK => p.topology_change_ack = u8_of(v),
            IFLA_BRPORT_CONFIG_PENDING => p.config_pending = u8_of(v),
            IFLA_BRPORT_PROXYARP => p.proxy_arp = bool_of(v),
            IFLA_BRPORT_PROXYARP_WIFI => p.proxy_arp_wifi = bool_of(v),
            IFLA_BRPORT_MULTICAST_ROUTER => p.multicast_router = u8_of(v),
            IFLA_BRPORT_MCAST_FLOOD => p.mcast_flood = bool_of(v),
            IFLA_BRPORT_BCAST_FLOOD => p.bcast_flood = bool_of(v),
            IFLA_BRPORT_MCAST_TO_UCAST => p.mcast_to_unicast = bool_of(v),
            IFLA_BRPORT_NEIGH_SUPPRESS => p.neigh_suppress = bool_of(v),
            IFLA_BRPORT_GROUP_FWD_MASK => p.group_fwd_mask = u16_of(v),
            IFLA_BRPORT_VLAN_TUNNEL => p.vlan_tunnel = bool_of(v),
            IFLA_BRPORT_ISOLATED => p.isolated = bool_of(v),
            IFLA_BRPORT_LOCKED => p.locked = bool_of(v),
            IFLA_BRPORT_BACKUP_PORT => p.backup_port = u32_of(v),
            _ => {}
        }
    }
    p
}

fn vxlan(bytes: &[u8]) -> VxlanData {
    let mut x = VxlanData::default();
    for (kind, v) in attributes(bytes) {
        match kind {
            IFLA_VXLAN_COLLECT_METADATA => x.collect_metadata = bool_of(v),
            IFLA_VXLAN_VNIFILTER => x.vnifilter = bool_of(v),
            IFLA_VXLAN_ID => x.id = u32_of(v),
            IFLA_VXLAN_GROUP => x.group = ipv4_of(v),
            IFLA_VXLAN_GROUP6 if x.group.is_none() => x.group = ipv6_of(v),
            IFLA_VXLAN_LOCAL => x.local = ipv4_of(v),
            IFLA_VXLAN_LOCAL6 if x.local.is_none() => x.local = ipv6_of(v),
            IFLA_VXLAN_LINK => x.link = u32_of(v),
            IFLA_VXLAN_PORT_RANGE => {
                x.port_range = be16_of(v).zip(v.get(2..).and_then(be16_of));
            }
            IFLA_VXLAN_PORT => x.port = be16_of(v),
            IFLA_VXLAN_LEARNING => x.learning = bool_of(v),
            IFLA_VXLAN_PROXY => x.proxy = bool_of(v),
            IFLA_VXLAN_RSC => x.rsc = bool_of(v),
            IFLA_VXLAN_L2MISS => x.l2miss = bool_of(v),
            IFLA_VXLAN_L3MISS => x.l3miss = bool_of(v),
            IFLA_VXLAN_TOS => x.tos = u8_of(v),
            IFLA_VXLAN_TTL_INHERIT => x.ttl_inherit = bool_of(v),
            IFLA_VXLAN_TTL => x.ttl = u8_of(v),
            IFLA_VXLAN_DF => x.df = u8_of(v),
            IFLA_VXLAN_LABEL => {
                x.label = v
                    .get(..4)
                    .and_then(|b| b.try_into().ok())
                    .map(u32::from_be_bytes)
            }
            IFLA_VXLAN_AGEING => x.ageing = u32_of(v),
            IFLA_VXLAN_LIMIT => x.limit = u32_of(v),
            IFLA_VXLAN_UDP_CSUM => x.udp_csum = bool_of(v),
            IFLA_VXLAN_UDP_ZERO_CSUM6_TX => x.udp_zero_csum6_tx = bool_of(v),
            IFLA_VXLAN_UDP_ZERO_CSUM6_RX => x.udp_zero_csum6_rx = bool_of(v),
            IFLA_VXLAN_REMCSUM_TX => x.remcsum_tx = bool_of(v),
            IFLA_VXLAN_REMCSUM_RX => x.remcsum_rx = bool_of(v),
            IFLA_VXLAN_GBP => x.gbp = true,
            IFLA_VXLAN_GPE => x.gpe = true,
            _ => {}
        }
    }
    x
}

fn macvlan(bytes: &[u8]) -> MacVlanData {
    let mut m = MacVlanData::default();
    for (kind, v) in attributes(bytes) {
        match kind {
            IFLA_MACVLAN_MODE => m.mode = u32_of(v),
            IFLA_MACVLAN_FLAGS => m.flags = u16_of(v),
            IFLA_MACVLAN_BC_QUEUE_LEN => m.bc_queue_len = u32_of(v),
            IFLA_MACVLAN_BC_QUEUE_LEN_USED => m.bc_queue_len_used = u32_of(v),
            IFLA_MACVLAN_MACADDR_COUNT => m.macaddr_count = u32_of(v),
            IFLA_MACVLAN_MACADDR_DATA => {
                m.macaddrs = attributes(v)
                    .filter(|(k, _)| *k == IFLA_MACVLAN_MACADDR)
                    .filter_map(|(_, a)| MacAddr::from_slice(a.get(..6)?))
                    .collect();
            }
            _ => {}
        }
    }
    m
}

fn tun(bytes: &[u8]) -> TunData {
    let mut t = TunData::default();
    for (kind, v) in attributes(bytes) {
        match kind {
            IFLA_TUN_TYPE => t.tun_type = u8_of(v),
            IFLA_TUN_PI => t.pi = bool_of(v),
            IFLA_TUN_VNET_HDR => t.vnet_hdr = bool_of(v),
            IFLA_TUN_MULTI_QUEUE => t.multi_queue = bool_of(v),
            IFLA_TUN_PERSIST => t.persist = bool_of(v),
            IFLA_TUN_OWNER => t.owner = u32_of(v),
            IFLA_TUN_GROUP => t.group = u32_of(v),
            IFLA_TUN_NUM_QUEUES => t.num_queues = u32_of(v),
            IFLA_TUN_NUM_DISABLED_QUEUES => t.num_disabled_queues = u32_of(v),
            _ => {}
        }
    }
    t
}

fn vlan(bytes: &[u8]) -> VlanData {
    let mut l = VlanData::default();
    // struct ifla_vlan_qos_mapping { __u32 from; __u32 to; }, one per attribute.
    let mappings = |v: &[u8]| {
        attributes(v)
            .filter(|(k, _)| *k == IFLA_VLAN_QOS_MAPPING)
            .filter_map(|(_, m)| Some((u32_of(m)?, u32_of(m.get(4..)?)?)))
            .collect::<Vec<_>>()
    };
    for (kind, v) in attributes(bytes) {
        match kind {
            IFLA_VLAN_PROTOCOL => l.protocol = be16_of(v),
            IFLA_VLAN_ID => l.id = u16_of(v),
            IFLA_VLAN_FLAGS => l.flags = u32_of(v),
            IFLA_VLAN_INGRESS_QOS => l.ingress_qos = Some(mappings(v)),
            IFLA_VLAN_EGRESS_QOS => l.egress_qos = Some(mappings(v)),
            _ => {}
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One attribute as the kernel lays it out: length, type, value, padding.
    fn nla(kind: u16, value: &[u8]) -> Vec<u8> {
        let mut out = ((4 + value.len()) as u16).to_ne_bytes().to_vec();
        out.extend(kind.to_ne_bytes());
        out.extend(value);
        while out.len() % 4 != 0 {
            out.push(0);
        }
        out
    }

    #[test]
    fn bridge_options_decode_from_their_attributes() {
        let mut bytes = nla(IFLA_BR_FORWARD_DELAY, &1500u32.to_ne_bytes());
        bytes.extend(nla(IFLA_BR_VLAN_PROTOCOL, &0x8100u16.to_be_bytes()));
        bytes.extend(nla(
            IFLA_BR_BRIDGE_ID,
            &[0x80, 0x00, 0x7e, 0x05, 0xd1, 0x9f, 0x5a, 0x56],
        ));
        let mut boolopt = 0u32.to_ne_bytes().to_vec();
        boolopt.extend(0b11u32.to_ne_bytes());
        bytes.extend(nla(IFLA_BR_MULTI_BOOLOPT, &boolopt));
        bytes.extend(nla(IFLA_BR_GC_TIMER, &1234u64.to_ne_bytes()));
        let b = bridge(&bytes);
        assert_eq!(b.forward_delay, Some(1500));
        assert_eq!(b.vlan_protocol, Some(0x8100));
        assert_eq!(b.bridge_id.unwrap().priority, 0x8000);
        assert_eq!(b.no_linklocal_learn, Some(false));
        assert_eq!(b.mcast_vlan_snooping, Some(false));
        assert_eq!(b.gc_timer, Some(1234));
        assert_eq!(b.hello_time, None);
    }

    #[test]
    fn vxlan_ports_are_network_order_and_flags_count_by_presence() {
        let mut bytes = nla(IFLA_VXLAN_PORT, &4789u16.to_be_bytes());
        bytes.extend(nla(IFLA_VXLAN_GROUP, &[10, 0, 0, 2]));
        bytes.extend(nla(IFLA_VXLAN_GBP, &[]));
        let x = vxlan(&bytes);
        assert_eq!(x.port, Some(4789));
        assert_eq!(x.group, Some("10.0.0.2".parse().unwrap()));
        assert!(x.gbp && !x.gpe);
        assert_eq!(AddrGenMode::from_number(3).to_string(), "random");
        assert_eq!(AddrGenMode::from_number(9).to_string(), "0x09");
    }
}
