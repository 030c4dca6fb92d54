//! Numbers from the kernel's user-space API headers (`include/uapi/linux/...`) that the
//! netlink crates do not name for vnet: every one is defined here once, named as its
//! header names it, in a module named after that header.
//!
//! The rest of vnet uses these names, never the bare numbers. Constants the `libc`
//! crate exports under the kernel's own names (`IFF_TAP`, `TUNSETIFF`, ...) are used
//! from there.

/// `linux/netlink.h`: the netlink header and extended ACKs.
pub(crate) mod netlink {
    /// `NLMSG_HDRLEN`: the aligned size of `struct nlmsghdr`.
    pub(crate) const NLMSG_HDRLEN: usize = 16;
    /// `NLMSGERR_ATTR_MSG`: the extended ACK's human-readable message.
    pub(crate) const NLMSGERR_ATTR_MSG: u16 = 1;
    /// `NLA_TYPE_MASK`: an attribute's type without `NLA_F_NESTED` and
    /// `NLA_F_NET_BYTEORDER`.
    pub(crate) const NLA_TYPE_MASK: u16 = !(1 << 15 | 1 << 14);
    /// `NLA_ALIGNTO`: attributes and messages start on 4-byte boundaries.
    pub(crate) const NLA_ALIGNTO: usize = 4;

    /// Rounds `len` up to the next [`NLA_ALIGNTO`] boundary (`NLA_ALIGN`, `NLMSG_ALIGN`).
    pub(crate) const fn align(len: usize) -> usize {
        (len + NLA_ALIGNTO - 1) & !(NLA_ALIGNTO - 1)
    }
}

/// `linux/if.h`.
pub(crate) mod r#if {
    /// `IFNAMSIZ`: an interface name's buffer, NUL included.
    pub(crate) const IFNAMSIZ: usize = 16;
}

/// `linux/rtnetlink.h`: routing tables, route types, protocols and scopes.
pub(crate) mod rtnetlink {
    /// `RT_TABLE_COMPAT`: the header's table field when the real table (above 255)
    /// travels in `RTA_TABLE`.
    pub(crate) const RT_TABLE_COMPAT: u8 = 252;
    /// `RT_TABLE_MAIN`: the table `ip route` uses unless told otherwise.
    pub(crate) const RT_TABLE_MAIN: u32 = 254;
    /// `RTM_F_CLONED`: a route of the cache, not of a table.
    pub(crate) const RTM_F_CLONED: u32 = 0x200;
    /// `RTN_LOCAL`: a route type, an address of this host.
    pub(crate) const RTN_LOCAL: u32 = 2;
    /// `RTM_NEWLINK`: a link message (answer to `RTM_GETLINK`, or a notification).
    pub(crate) const RTM_NEWLINK: u16 = 16;
    /// `RTM_DELLINK`.
    pub(crate) const RTM_DELLINK: u16 = 17;
    /// `RTM_NEWADDR`: an address message.
    pub(crate) const RTM_NEWADDR: u16 = 20;
    /// `RTM_DELADDR`.
    pub(crate) const RTM_DELADDR: u16 = 21;
    /// `sizeof(struct ifinfomsg)`: the fixed header of a link message.
    pub(crate) const IFINFOMSG_LEN: usize = 16;
    /// `sizeof(struct ifaddrmsg)`: the fixed header of an address message.
    pub(crate) const IFADDRMSG_LEN: usize = 8;
}

/// `linux/if_addr.h`: address attributes.
pub(crate) mod if_addr {
    /// `IFA_LABEL`: the label of an IPv4 address (the device's name, or `NAME:ALIAS`).
    pub(crate) const IFA_LABEL: u16 = 3;
}

/// `linux/neighbour.h`: neighbour states (`NUD_*`), a bit each.
pub(crate) mod neighbour {
    /// `NUD_INCOMPLETE`.
    pub(crate) const NUD_INCOMPLETE: u16 = 0x01;
    /// `NUD_REACHABLE`.
    pub(crate) const NUD_REACHABLE: u16 = 0x02;
    /// `NUD_STALE`.
    pub(crate) const NUD_STALE: u16 = 0x04;
    /// `NUD_DELAY`.
    pub(crate) const NUD_DELAY: u16 = 0x08;
    /// `NUD_PROBE`.
    pub(crate) const NUD_PROBE: u16 = 0x10;
    /// `NUD_FAILED`.
    pub(crate) const NUD_FAILED: u16 = 0x20;
    /// `NUD_NOARP`.
    pub(crate) const NUD_NOARP: u16 = 0x40;
    /// `NUD_PERMANENT`.
    pub(crate) const NUD_PERMANENT: u16 = 0x80;
}

/// `linux/if_link.h`: link attributes vnet decodes itself (those netlink-packet-route
/// leaves untyped, and the ones that carry names).
pub(crate) mod if_link {
    /// `IFLA_IFNAME`: the device's name.
    pub(crate) const IFLA_IFNAME: u16 = 3;
    /// `IFLA_IFALIAS`: the device's alias text.
    pub(crate) const IFLA_IFALIAS: u16 = 20;
    /// `IFLA_PROP_LIST`: a nest of properties (alternative names).
    pub(crate) const IFLA_PROP_LIST: u16 = 52;
    /// `IFLA_ALT_IFNAME`: an alternative name, inside `IFLA_PROP_LIST`.
    pub(crate) const IFLA_ALT_IFNAME: u16 = 53;
    /// `IFLA_TUN_OWNER`.
    pub(crate) const IFLA_TUN_OWNER: u16 = 1;
    /// `IFLA_TUN_GROUP`.
    pub(crate) const IFLA_TUN_GROUP: u16 = 2;
    /// `IFLA_TUN_TYPE`.
    pub(crate) const IFLA_TUN_TYPE: u16 = 3;
    /// `IFLA_TUN_PI`.
    pub(crate) const IFLA_TUN_PI: u16 = 4;
    /// `IFLA_TUN_VNET_HDR`.
    pub(crate) const IFLA_TUN_VNET_HDR: u16 = 5;
    /// `IFLA_TUN_PERSIST`.
    pub(crate) const IFLA_TUN_PERSIST: u16 = 6;
    /// `IFLA_TUN_MULTI_QUEUE`.
    pub(crate) const IFLA_TUN_MULTI_QUEUE: u16 = 7;
    /// `IFLA_TUN_NUM_QUEUES`.
    pub(crate) const IFLA_TUN_NUM_QUEUES: u16 = 8;
    /// `IFLA_TUN_NUM_DISABLED_QUEUES`.
    pub(crate) const IFLA_TUN_NUM_DISABLED_QUEUES: u16 = 9;

    // Bridge options (`IFLA_INFO_DATA` of a bridge).
    /// `IFLA_BR_FORWARD_DELAY`.
    pub(crate) const IFLA_BR_FORWARD_DELAY: u16 = 1;
    /// `IFLA_BR_HELLO_TIME`.
    pub(crate) const IFLA_BR_HELLO_TIME: u16 = 2;
    /// `IFLA_BR_MAX_AGE`.
    pub(crate) const IFLA_BR_MAX_AGE: u16 = 3;
    /// `IFLA_BR_AGEING_TIME`.
    pub(crate) const IFLA_BR_AGEING_TIME: u16 = 4;
    /// `IFLA_BR_STP_STATE`.
    pub(crate) const IFLA_BR_STP_STATE: u16 = 5;
    /// `IFLA_BR_PRIORITY`.
    pub(crate) const IFLA_BR_PRIORITY: u16 = 6;
    /// `IFLA_BR_VLAN_FILTERING`.
    pub(crate) const IFLA_BR_VLAN_FILTERING: u16 = 7;
    /// `IFLA_BR_VLAN_PROTOCOL`.
    pub(crate) const IFLA_BR_VLAN_PROTOCOL: u16 = 8;
    /// `IFLA_BR_GROUP_FWD_MASK`.
    pub(crate) const IFLA_BR_GROUP_FWD_MASK: u16 = 9;
    /// `IFLA_BR_ROOT_ID`.
    pub(crate) const IFLA_BR_ROOT_ID: u16 = 10;
    /// `IFLA_BR_BRIDGE_ID`.
    pub(crate) const IFLA_BR_BRIDGE_ID: u16 = 11;
    /// `IFLA_BR_ROOT_PORT`.
    pub(crate) const IFLA_BR_ROOT_PORT: u16 = 12;
    /// `IFLA_BR_ROOT_PATH_COST`.
    pub(crate) const IFLA_BR_ROOT_PATH_COST: u16 = 13;
    /// `IFLA_BR_TOPOLOGY_CHANGE`.
    pub(crate) const IFLA_BR_TOPOLOGY_CHANGE: u16 = 14;
    /// `IFLA_BR_TOPOLOGY_CHANGE_DETECTED`.
    pub(crate) const IFLA_BR_TOPOLOGY_CHANGE_DETECTED: u16 = 15;
    /// `IFLA_BR_HELLO_TIMER`.
    pub(crate) const IFLA_BR_HELLO_TIMER: u16 = 16;
    /// `IFLA_BR_TCN_TIMER`.
    pub(crate) const IFLA_BR_TCN_TIMER: u16 = 17;
    /// `IFLA_BR_TOPOLOGY_CHANGE_TIMER`.
    pub(crate) const IFLA_BR_TOPOLOGY_CHANGE_TIMER: u16 = 18;
    /// `IFLA_BR_GC_TIMER`.
    pub(crate) const IFLA_BR_GC_TIMER: u16 = 19;
    /// `IFLA_BR_GROUP_ADDR`.
    pub(crate) const IFLA_BR_GROUP_ADDR: u16 = 20;
    /// `IFLA_BR_MCAST_ROUTER`.
    pub(crate) const IFLA_BR_MCAST_ROUTER: u16 = 22;
    /// `IFLA_BR_MCAST_SNOOPING`.
    pub(crate) const IFLA_BR_MCAST_SNOOPING: u16 = 23;
    /// `IFLA_BR_MCAST_QUERY_USE_IFADDR`.
    pub(crate) const IFLA_BR_MCAST_QUERY_USE_IFADDR: u16 = 24;
    /// `IFLA_BR_MCAST_QUERIER`.
    pub(crate) const IFLA_BR_MCAST_QUERIER: u16 = 25;
    /// `IFLA_BR_MCAST_HASH_ELASTICITY`.
    pub(crate) const IFLA_BR_MCAST_HASH_ELASTICITY: u16 = 26;
    /// `IFLA_BR_MCAST_HASH_MAX`.
    pub(crate) const IFLA_BR_MCAST_HASH_MAX: u16 = 27;
    /// `IFLA_BR_MCAST_LAST_MEMBER_CNT`.
    pub(crate) const IFLA_BR_MCAST_LAST_MEMBER_CNT: u16 = 28;
    /// `IFLA_BR_MCAST_STARTUP_QUERY_CNT`.
    pub(crate) const IFLA_BR_MCAST_STARTUP_QUERY_CNT: u16 = 29;
    /// `IFLA_BR_MCAST_LAST_MEMBER_INTVL`.
    pub(crate) const IFLA_BR_MCAST_LAST_MEMBER_INTVL: u16 = 30;
    /// `IFLA_BR_MCAST_MEMBERSHIP_INTVL`.
    pub(crate) const IFLA_BR_MCAST_MEMBERSHIP_INTVL: u16 = 31;
    /// `IFLA_BR_MCAST_QUERIER_INTVL`.
    pub(crate) const IFLA_BR_MCAST_QUERIER_INTVL: u16 = 32;
    /// `IFLA_BR_MCAST_QUERY_INTVL`.
    pub(crate) const IFLA_BR_MCAST_QUERY_INTVL: u16 = 33;
    /// `IFLA_BR_MCAST_QUERY_RESPONSE_INTVL`.
    pub(crate) const IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: u16 = 34;
    /// `IFLA_BR_MCAST_STARTUP_QUERY_INTVL`.
    pub(crate) const IFLA_BR_MCAST_STARTUP_QUERY_INTVL: u16 = 35;
    /// `IFLA_BR_NF_CALL_IPTABLES`.
    pub(crate) const IFLA_BR_NF_CALL_IPTABLES: u16 = 36;
    /// `IFLA_BR_NF_CALL_IP6TABLES`.
    pub(crate) const IFLA_BR_NF_CALL_IP6TABLES: u16 = 37;
    /// `IFLA_BR_NF_CALL_ARPTABLES`.
    pub(crate) const IFLA_BR_NF_CALL_ARPTABLES: u16 = 38;
    /// `IFLA_BR_VLAN_DEFAULT_PVID`.
    pub(crate) const IFLA_BR_VLAN_DEFAULT_PVID: u16 = 39;
    /// `IFLA_BR_VLAN_STATS_ENABLED`.
    pub(crate) const IFLA_BR_VLAN_STATS_ENABLED: u16 = 41;
    /// `IFLA_BR_MCAST_STATS_ENABLED`.
    pub(crate) const IFLA_BR_MCAST_STATS_ENABLED: u16 = 42;
    /// `IFLA_BR_MCAST_IGMP_VERSION`.
    pub(crate) const IFLA_BR_MCAST_IGMP_VERSION: u16 = 43;
    /// `IFLA_BR_MCAST_MLD_VERSION`.
    pub(crate) const IFLA_BR_MCAST_MLD_VERSION: u16 = 44;
    /// `IFLA_BR_VLAN_STATS_PER_PORT`.
    pub(crate) const IFLA_BR_VLAN_STATS_PER_PORT: u16 = 45;
    /// `IFLA_BR_MULTI_BOOLOPT`.
    pub(crate) const IFLA_BR_MULTI_BOOLOPT: u16 = 46;

    // Bridge port options (`IFLA_INFO_SLAVE_DATA` of a bridge port).
    /// `IFLA_BRPORT_STATE`.
    pub(crate) const IFLA_BRPORT_STATE: u16 = 1;
    /// `IFLA_BRPORT_PRIORITY`.
    pub(crate) const IFLA_BRPORT_PRIORITY: u16 = 2;
    /// `IFLA_BRPORT_COST`.
    pub(crate) const IFLA_BRPORT_COST: u16 = 3;
    /// `IFLA_BRPORT_MODE`.
    pub(crate) const IFLA_BRPORT_MODE: u16 = 4;
    /// `IFLA_BRPORT_GUARD`.
    pub(crate) const IFLA_BRPORT_GUARD: u16 = 5;
    /// `IFLA_BRPORT_PROTECT`.
    pub(crate) const IFLA_BRPORT_PROTECT: u16 = 6;
    /// `IFLA_BRPORT_FAST_LEAVE`.
    pub(crate) const IFLA_BRPORT_FAST_LEAVE: u16 = 7;
    /// `IFLA_BRPORT_LEARNING`.
    pub(crate) const IFLA_BRPORT_LEARNING: u16 = 8;
    /// `IFLA_BRPORT_UNICAST_FLOOD`.
    pub(crate) const IFLA_BRPORT_UNICAST_FLOOD: u16 = 9;
    /// `IFLA_BRPORT_PROXYARP`.
    pub(crate) const IFLA_BRPORT_PROXYARP: u16 = 10;
    /// `IFLA_BRPORT_PROXYARP_WIFI`.
    pub(crate) const IFLA_BRPORT_PROXYARP_WIFI: u16 = 12;
    /// `IFLA_BRPORT_ROOT_ID`.
    pub(crate) const IFLA_BRPORT_ROOT_ID: u16 = 13;
    /// `IFLA_BRPORT_BRIDGE_ID`.
    pub(crate) const IFLA_BRPORT_BRIDGE_ID: u16 = 14;
    /// `IFLA_BRPORT_DESIGNATED_PORT`.
    pub(crate) const IFLA_BRPORT_DESIGNATED_PORT: u16 = 15;
    /// `IFLA_BRPORT_DESIGNATED_COST`.
    pub(crate) const IFLA_BRPORT_DESIGNATED_COST: u16 = 16;
    /// `IFLA_BRPORT_ID`.
    pub(crate) const IFLA_BRPORT_ID: u16 = 17;
    /// `IFLA_BRPORT_NO`.
    pub(crate) const IFLA_BRPORT_NO: u16 = 18;
    /// `IFLA_BRPORT_TOPOLOGY_CHANGE_ACK`.
    pub(crate) const IFLA_BRPORT_TOPOLOGY_CHANGE_ACK: u16 = 19;
    /// `IFLA_BRPORT_CONFIG_PENDING`.
    pub(crate) const IFLA_BRPORT_CONFIG_PENDING: u16 = 20;
    /// `IFLA_BRPORT_MESSAGE_AGE_TIMER`.
    pub(crate) const IFLA_BRPORT_MESSAGE_AGE_TIMER: u16 = 21;
    /// `IFLA_BRPORT_FORWARD_DELAY_TIMER`.
    pub(crate) const IFLA_BRPORT_FORWARD_DELAY_TIMER: u16 = 22;
    /// `IFLA_BRPORT_HOLD_TIMER`.
    pub(crate) const IFLA_BRPORT_HOLD_TIMER: u16 = 23;
    /// `IFLA_BRPORT_MULTICAST_ROUTER`.
    pub(crate) const IFLA_BRPORT_MULTICAST_ROUTER: u16 = 25;
    /// `IFLA_BRPORT_MCAST_FLOOD`.
    pub(crate) const IFLA_BRPORT_MCAST_FLOOD: u16 = 27;
    /// `IFLA_BRPORT_MCAST_TO_UCAST`.
    pub(crate) const IFLA_BRPORT_MCAST_TO_UCAST: u16 = 28;
    /// `IFLA_BRPORT_VLAN_TUNNEL`.
    pub(crate) const IFLA_BRPORT_VLAN_TUNNEL: u16 = 29;
    /// `IFLA_BRPORT_BCAST_FLOOD`.
    pub(crate) const IFLA_BRPORT_BCAST_FLOOD: u16 = 30;
    /// `IFLA_BRPORT_GROUP_FWD_MASK`.
    pub(crate) const IFLA_BRPORT_GROUP_FWD_MASK: u16 = 31;
    /// `IFLA_BRPORT_NEIGH_SUPPRESS`.
    pub(crate) const IFLA_BRPORT_NEIGH_SUPPRESS: u16 = 32;
    /// `IFLA_BRPORT_ISOLATED`.
    pub(crate) const IFLA_BRPORT_ISOLATED: u16 = 33;
    /// `IFLA_BRPORT_BACKUP_PORT`.
    pub(crate) const IFLA_BRPORT_BACKUP_PORT: u16 = 34;
    /// `IFLA_BRPORT_LOCKED`.
    pub(crate) const IFLA_BRPORT_LOCKED: u16 = 39;

    // VXLAN options.
    /// `IFLA_VXLAN_ID`.
    pub(crate) const IFLA_VXLAN_ID: u16 = 1;
    /// `IFLA_VXLAN_GROUP`.
    pub(crate) const IFLA_VXLAN_GROUP: u16 = 2;
    /// `IFLA_VXLAN_LINK`.
    pub(crate) const IFLA_VXLAN_LINK: u16 = 3;
    /// `IFLA_VXLAN_LOCAL`.
    pub(crate) const IFLA_VXLAN_LOCAL: u16 = 4;
    /// `IFLA_VXLAN_TTL`.
    pub(crate) const IFLA_VXLAN_TTL: u16 = 5;
    /// `IFLA_VXLAN_TOS`.
    pub(crate) const IFLA_VXLAN_TOS: u16 = 6;
    /// `IFLA_VXLAN_LEARNING`.
    pub(crate) const IFLA_VXLAN_LEARNING: u16 = 7;
    /// `IFLA_VXLAN_AGEING`.
    pub(crate) const IFLA_VXLAN_AGEING: u16 = 8;
    /// `IFLA_VXLAN_LIMIT`.
    pub(crate) const IFLA_VXLAN_LIMIT: u16 = 9;
    /// `IFLA_VXLAN_PORT_RANGE`.
    pub(crate) const IFLA_VXLAN_PORT_RANGE: u16 = 10;
    /// `IFLA_VXLAN_PROXY`.
    pub(crate) const IFLA_VXLAN_PROXY: u16 = 11;
    /// `IFLA_VXLAN_RSC`.
    pub(crate) const IFLA_VXLAN_RSC: u16 = 12;
    /// `IFLA_VXLAN_L2MISS`.
    pub(crate) const IFLA_VXLAN_L2MISS: u16 = 13;
    /// `IFLA_VXLAN_L3MISS`.
    pub(crate) const IFLA_VXLAN_L3MISS: u16 = 14;
    /// `IFLA_VXLAN_PORT`.
    pub(crate) const IFLA_VXLAN_PORT: u16 = 15;
    /// `IFLA_VXLAN_GROUP6`.
    pub(crate) const IFLA_VXLAN_GROUP6: u16 = 16;
    /// `IFLA_VXLAN_LOCAL6`.
    pub(crate) const IFLA_VXLAN_LOCAL6: u16 = 17;
    /// `IFLA_VXLAN_UDP_CSUM`.
    pub(crate) const IFLA_VXLAN_UDP_CSUM: u16 = 18;
    /// `IFLA_VXLAN_UDP_ZERO_CSUM6_TX`.
    pub(crate) const IFLA_VXLAN_UDP_ZERO_CSUM6_TX: u16 = 19;
    /// `IFLA_VXLAN_UDP_ZERO_CSUM6_RX`.
    pub(crate) const IFLA_VXLAN_UDP_ZERO_CSUM6_RX: u16 = 20;
    /// `IFLA_VXLAN_REMCSUM_TX`.
    pub(crate) const IFLA_VXLAN_REMCSUM_TX: u16 = 21;
    /// `IFLA_VXLAN_REMCSUM_RX`.
    pub(crate) const IFLA_VXLAN_REMCSUM_RX: u16 = 22;
    /// `IFLA_VXLAN_GBP`.
    pub(crate) const IFLA_VXLAN_GBP: u16 = 23;
    /// `IFLA_VXLAN_COLLECT_METADATA`.
    pub(crate) const IFLA_VXLAN_COLLECT_METADATA: u16 = 25;
    /// `IFLA_VXLAN_LABEL`.
    pub(crate) const IFLA_VXLAN_LABEL: u16 = 26;
    /// `IFLA_VXLAN_GPE`.
    pub(crate) const IFLA_VXLAN_GPE: u16 = 27;
    /// `IFLA_VXLAN_TTL_INHERIT`.
    pub(crate) const IFLA_VXLAN_TTL_INHERIT: u16 = 28;
    /// `IFLA_VXLAN_DF`.
    pub(crate) const IFLA_VXLAN_DF: u16 = 29;
    /// `IFLA_VXLAN_VNIFILTER`.
    pub(crate) const IFLA_VXLAN_VNIFILTER: u16 = 30;

    // macvlan/macvtap options.
    /// `IFLA_MACVLAN_MODE`.
    pub(crate) const IFLA_MACVLAN_MODE: u16 = 1;
    /// `IFLA_MACVLAN_FLAGS`.
    pub(crate) const IFLA_MACVLAN_FLAGS: u16 = 2;
    /// `IFLA_MACVLAN_MACADDR`.
    pub(crate) const IFLA_MACVLAN_MACADDR: u16 = 4;
    /// `IFLA_MACVLAN_MACADDR_DATA`.
    pub(crate) const IFLA_MACVLAN_MACADDR_DATA: u16 = 5;
    /// `IFLA_MACVLAN_MACADDR_COUNT`.
    pub(crate) const IFLA_MACVLAN_MACADDR_COUNT: u16 = 6;
    /// `IFLA_MACVLAN_BC_QUEUE_LEN`.
    pub(crate) const IFLA_MACVLAN_BC_QUEUE_LEN: u16 = 7;
    /// `IFLA_MACVLAN_BC_QUEUE_LEN_USED`.
    pub(crate) const IFLA_MACVLAN_BC_QUEUE_LEN_USED: u16 = 8;

    // 802.1Q options.
    /// `IFLA_VLAN_ID`.
    pub(crate) const IFLA_VLAN_ID: u16 = 1;
    /// `IFLA_VLAN_FLAGS`.
    pub(crate) const IFLA_VLAN_FLAGS: u16 = 2;
    /// `IFLA_VLAN_EGRESS_QOS`.
    pub(crate) const IFLA_VLAN_EGRESS_QOS: u16 = 3;
    /// `IFLA_VLAN_INGRESS_QOS`.
    pub(crate) const IFLA_VLAN_INGRESS_QOS: u16 = 4;
    /// `IFLA_VLAN_PROTOCOL`.
    pub(crate) const IFLA_VLAN_PROTOCOL: u16 = 5;
    /// `IFLA_VLAN_QOS_MAPPING`.
    pub(crate) const IFLA_VLAN_QOS_MAPPING: u16 = 1;

    // IPv6 address generation modes (`IFLA_INET6_ADDR_GEN_MODE` of `IFLA_AF_SPEC`).
    /// `IN6_ADDR_GEN_MODE_EUI64`.
    pub(crate) const IN6_ADDR_GEN_MODE_EUI64: u8 = 0;
    /// `IN6_ADDR_GEN_MODE_NONE`.
    pub(crate) const IN6_ADDR_GEN_MODE_NONE: u8 = 1;
    /// `IN6_ADDR_GEN_MODE_STABLE_PRIVACY`.
    pub(crate) const IN6_ADDR_GEN_MODE_STABLE_PRIVACY: u8 = 2;
    /// `IN6_ADDR_GEN_MODE_RANDOM`.
    pub(crate) const IN6_ADDR_GEN_MODE_RANDOM: u8 = 3;
}

/// `linux/netfilter/nfnetlink.h`: nfnetlink subsystems and batches.
pub(crate) mod nfnetlink {
    /// `NFNL_SUBSYS_NFTABLES`.
    pub(crate) const NFNL_SUBSYS_NFTABLES: u16 = 10;
    /// `NFNL_MSG_BATCH_BEGIN`.
    pub(crate) const NFNL_MSG_BATCH_BEGIN: u8 = 16;
    /// `NFNL_BATCH_GENID`: the ruleset generation a batch applies to.
    pub(crate) const NFNL_BATCH_GENID: u16 = 1;
    /// The size of `struct nfgenmsg`, which starts every nfnetlink payload.
    pub(crate) const NFGENMSG_LEN: usize = 4;
}

/// `linux/netfilter/nf_tables.h`: nf_tables messages, attributes and expression
/// arguments.
pub(crate) mod nf_tables {
    use super::nfnetlink::NFNL_SUBSYS_NFTABLES;

    /// `NFT_MSG_NEWTABLE`.
    pub(crate) const NFT_MSG_NEWTABLE: u16 = 0;
    /// `NFT_MSG_NEWGEN`: the ruleset generation (the answer to `NFT_MSG_GETGEN`; the
    /// library reads it through netlink-packet-netfilter, the fuzz target by number).
    #[cfg(feature = "fuzzing")]
    pub(crate) const NFT_MSG_NEWGEN: u16 = 16;
    /// The netlink message type of an nf_tables table (a dump answers with these).
    pub(crate) const NEWTABLE_MESSAGE_TYPE: u16 = NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWTABLE;
    /// `NFTA_TABLE_NAME`.
    pub(crate) const NFTA_TABLE_NAME: u16 = 1;
    /// `NFTA_TABLE_USERDATA`.
    pub(crate) const NFTA_TABLE_USERDATA: u16 = 6;

    /// `NFT_MSG_NEWRULE`.
    pub(crate) const NFT_MSG_NEWRULE: u16 = 6;
    /// The netlink message type of a rule in a dump: subsystem in the high byte.
    pub(crate) const NEWRULE_MESSAGE_TYPE: u16 = NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWRULE;

    /// `NFTA_RULE_TABLE`.
    pub(crate) const NFTA_RULE_TABLE: u16 = 1;
    /// `NFTA_RULE_CHAIN`.
    pub(crate) const NFTA_RULE_CHAIN: u16 = 2;
    /// `NFTA_RULE_HANDLE`.
    pub(crate) const NFTA_RULE_HANDLE: u16 = 3;
    /// `NFTA_RULE_EXPRESSIONS`.
    pub(crate) const NFTA_RULE_EXPRESSIONS: u16 = 4;

    /// `NFTA_LIST_ELEM`.
    pub(crate) const NFTA_LIST_ELEM: u16 = 1;
    /// `NFTA_EXPR_NAME`.
    pub(crate) const NFTA_EXPR_NAME: u16 = 1;
    /// `NFTA_EXPR_DATA`.
    pub(crate) const NFTA_EXPR_DATA: u16 = 2;
    /// `NFTA_DATA_VALUE`.
    pub(crate) const NFTA_DATA_VALUE: u16 = 1;

    /// `NFTA_META_DREG`.
    pub(crate) const NFTA_META_DREG: u16 = 1;
    /// `NFTA_META_KEY`.
    pub(crate) const NFTA_META_KEY: u16 = 2;
    /// `NFT_META_IIFNAME`.
    pub(crate) const NFT_META_IIFNAME: u32 = 6;
    /// `NFT_META_OIFNAME`.
    pub(crate) const NFT_META_OIFNAME: u32 = 7;
    /// `NFT_META_L4PROTO`.
    pub(crate) const NFT_META_L4PROTO: u32 = 16;

    /// `NFTA_PAYLOAD_DREG`.
    pub(crate) const NFTA_PAYLOAD_DREG: u16 = 1;
    /// `NFTA_PAYLOAD_BASE`.
    pub(crate) const NFTA_PAYLOAD_BASE: u16 = 2;
    /// `NFTA_PAYLOAD_OFFSET`.
    pub(crate) const NFTA_PAYLOAD_OFFSET: u16 = 3;
    /// `NFTA_PAYLOAD_LEN`.
    pub(crate) const NFTA_PAYLOAD_LEN: u16 = 4;
    /// `NFT_PAYLOAD_LL_HEADER` (`enum nft_payload_bases`): the link-layer header.
    pub(crate) const NFT_PAYLOAD_LL_HEADER: u32 = 0;
    /// `NFT_PAYLOAD_NETWORK_HEADER`.
    pub(crate) const NFT_PAYLOAD_NETWORK_HEADER: u32 = 1;
    /// `NFT_PAYLOAD_TRANSPORT_HEADER`.
    pub(crate) const NFT_PAYLOAD_TRANSPORT_HEADER: u32 = 2;

    /// `NFTA_BITWISE_SREG`.
    pub(crate) const NFTA_BITWISE_SREG: u16 = 1;
    /// `NFTA_BITWISE_DREG`.
    pub(crate) const NFTA_BITWISE_DREG: u16 = 2;
    /// `NFTA_BITWISE_LEN`.
    pub(crate) const NFTA_BITWISE_LEN: u16 = 3;
    /// `NFTA_BITWISE_MASK`.
    pub(crate) const NFTA_BITWISE_MASK: u16 = 4;
    /// `NFTA_BITWISE_XOR`.
    pub(crate) const NFTA_BITWISE_XOR: u16 = 5;
    /// `NFTA_BITWISE_OP`.
    pub(crate) const NFTA_BITWISE_OP: u16 = 6;

    /// `NFTA_CMP_SREG`.
    pub(crate) const NFTA_CMP_SREG: u16 = 1;
    /// `NFTA_CMP_OP`.
    pub(crate) const NFTA_CMP_OP: u16 = 2;
    /// `NFTA_CMP_DATA`.
    pub(crate) const NFTA_CMP_DATA: u16 = 3;
    /// `NFT_CMP_EQ`.
    pub(crate) const NFT_CMP_EQ: u32 = 0;

    /// `NFTA_CT_DREG`.
    pub(crate) const NFTA_CT_DREG: u16 = 1;
    /// `NFTA_CT_KEY`.
    pub(crate) const NFTA_CT_KEY: u16 = 2;
    /// `NFT_CT_STATUS` (`enum nft_ct_keys`): the entry's `IPS_*` bits, a u32 in host
    /// byte order.
    pub(crate) const NFT_CT_STATUS: u32 = 2;

    /// `NFTA_IMMEDIATE_DREG`.
    pub(crate) const NFTA_IMMEDIATE_DREG: u16 = 1;
    /// `NFTA_IMMEDIATE_DATA`.
    pub(crate) const NFTA_IMMEDIATE_DATA: u16 = 2;

    /// `NFTA_NAT_TYPE`.
    pub(crate) const NFTA_NAT_TYPE: u16 = 1;
    /// `NFTA_NAT_FAMILY`.
    pub(crate) const NFTA_NAT_FAMILY: u16 = 2;
    /// `NFTA_NAT_REG_ADDR_MIN`.
    pub(crate) const NFTA_NAT_REG_ADDR_MIN: u16 = 3;
    /// `NFTA_NAT_REG_PROTO_MIN`.
    pub(crate) const NFTA_NAT_REG_PROTO_MIN: u16 = 5;
    /// `NFTA_NAT_FLAGS`.
    pub(crate) const NFTA_NAT_FLAGS: u16 = 7;
    /// `NFT_NAT_DNAT` (`enum nft_nat_types`).
    pub(crate) const NFT_NAT_DNAT: u32 = 1;

    /// `NFTA_FIB_DREG`.
    pub(crate) const NFTA_FIB_DREG: u16 = 1;
    /// `NFTA_FIB_RESULT`.
    pub(crate) const NFTA_FIB_RESULT: u16 = 2;
    /// `NFTA_FIB_FLAGS`.
    pub(crate) const NFTA_FIB_FLAGS: u16 = 3;
    /// `NFT_FIB_RESULT_ADDRTYPE`: the route type of the address looked up.
    pub(crate) const NFT_FIB_RESULT_ADDRTYPE: u32 = 3;
    /// `NFTA_FIB_F_DADDR`: look the destination address up.
    pub(crate) const NFTA_FIB_F_DADDR: u32 = 1 << 1;
    /// `NFTA_FIB_F_SADDR`: look the source address up.
    pub(crate) const NFTA_FIB_F_SADDR: u32 = 1 << 0;
    /// `NFTA_FIB_F_IIF`: only a route through the packet's input interface counts.
    pub(crate) const NFTA_FIB_F_IIF: u32 = 1 << 3;
    /// `NFT_FIB_RESULT_OIF`: the index of the interface the route goes out of.
    pub(crate) const NFT_FIB_RESULT_OIF: u32 = 1;

    /// `NFTA_RULE_USERDATA`: opaque bytes kept with a rule (nft keeps comments there).
    pub(crate) const NFTA_RULE_USERDATA: u16 = 7;
    /// `NFTNL_UDATA_RULE_COMMENT` (libnftnl `udata.h`): the type of a comment in a rule's
    /// userdata, a type-length-value list of one-byte types and lengths.
    pub(crate) const NFTNL_UDATA_RULE_COMMENT: u8 = 0;
}

/// `linux/netfilter.h` and `linux/netfilter/nf_nat.h`.
pub(crate) mod netfilter {
    /// `NFPROTO_IPV4`.
    pub(crate) const NFPROTO_IPV4: u32 = 2;
    /// `NFPROTO_BRIDGE`.
    pub(crate) const NFPROTO_BRIDGE: u32 = 7;
    /// `NF_DROP`: the verdict that drops a packet.
    pub(crate) const NF_DROP: u32 = 0;
    /// `NF_NAT_RANGE_PROTO_SPECIFIED`: a NAT rule that gives a port.
    pub(crate) const NF_NAT_RANGE_PROTO_SPECIFIED: u32 = 2;
    /// `IPS_DST_NAT` (`linux/netfilter/nf_conntrack_common.h`): the flow's destination
    /// was translated.
    pub(crate) const IPS_DST_NAT: u32 = 1 << 5;
}

/// `linux/netfilter/nfnetlink_conntrack.h`.
pub(crate) mod nfnetlink_conntrack {
    /// `CTA_ZONE`: the conntrack zone of an entry.
    pub(crate) const CTA_ZONE: u16 = 18;
}

/// `linux/netfilter/nf_conntrack_tcp.h` (`enum tcp_conntrack`), the TCP states of
/// conntrack entries.
pub(crate) mod nf_conntrack_tcp {
    /// `TCP_CONNTRACK_NONE`.
    pub(crate) const TCP_CONNTRACK_NONE: u8 = 0;
    /// `TCP_CONNTRACK_SYN_SENT`.
    pub(crate) const TCP_CONNTRACK_SYN_SENT: u8 = 1;
    /// `TCP_CONNTRACK_SYN_RECV`.
    pub(crate) const TCP_CONNTRACK_SYN_RECV: u8 = 2;
    /// `TCP_CONNTRACK_ESTABLISHED`.
    pub(crate) const TCP_CONNTRACK_ESTABLISHED: u8 = 3;
    /// `TCP_CONNTRACK_FIN_WAIT`.
    pub(crate) const TCP_CONNTRACK_FIN_WAIT: u8 = 4;
    /// `TCP_CONNTRACK_CLOSE_WAIT`.
    pub(crate) const TCP_CONNTRACK_CLOSE_WAIT: u8 = 5;
    /// `TCP_CONNTRACK_LAST_ACK`.
    pub(crate) const TCP_CONNTRACK_LAST_ACK: u8 = 6;
    /// `TCP_CONNTRACK_TIME_WAIT`.
    pub(crate) const TCP_CONNTRACK_TIME_WAIT: u8 = 7;
    /// `TCP_CONNTRACK_CLOSE`.
    pub(crate) const TCP_CONNTRACK_CLOSE: u8 = 8;
    /// `TCP_CONNTRACK_SYN_SENT2`.
    pub(crate) const TCP_CONNTRACK_SYN_SENT2: u8 = 9;
}

/// `linux/if_bridge.h`: bridge STP modes (`stp_state`) and boolean options
/// (`IFLA_BR_MULTI_BOOLOPT` bits).
pub(crate) mod if_bridge {
    /// `BR_NO_STP`.
    pub(crate) const BR_NO_STP: u32 = 0;
    /// `BR_KERNEL_STP`.
    pub(crate) const BR_KERNEL_STP: u32 = 1;
    /// `BR_USER_STP`.
    pub(crate) const BR_USER_STP: u32 = 2;
    /// `BR_BOOLOPT_NO_LL_LEARN`.
    pub(crate) const BR_BOOLOPT_NO_LL_LEARN: u32 = 0;
    /// `BR_BOOLOPT_MCAST_VLAN_SNOOPING`.
    pub(crate) const BR_BOOLOPT_MCAST_VLAN_SNOOPING: u32 = 1;
    /// `BRCTL_SET_AGEING_TIME`: the old bridge ioctl's command (through
    /// `SIOCDEVPRIVATE`) that sets the ageing time from an `unsigned long`.
    pub(crate) const BRCTL_SET_AGEING_TIME: u64 = 11;
}

/// `linux/nsfs.h`: ioctls on namespace files.
pub(crate) mod nsfs {
    /// `NS_GET_NSTYPE` (`_IO(0xb7, 0x3)`): the `CLONE_NEW*` type of the namespace.
    pub(crate) const NS_GET_NSTYPE: u64 = 0xb703;
}

/// `linux/sockios.h`.
pub(crate) mod sockios {
    /// `SIOCDEVPRIVATE`: a device's private ioctl (the old bridge ioctls).
    pub(crate) const SIOCDEVPRIVATE: u64 = 0x89f0;
}
