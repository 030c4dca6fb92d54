//! The bytes of the `RTM_NEWLINK` requests vnet builds, checked attribute by attribute
//! against the kernel's ABI (`include/uapi/linux/if_link.h`) with a TLV reader of our own,
//! independent of netlink-packet-route, and the parsing of replies into [`Link`].
//!
//! These matter most for what this machine's kernel cannot run (VLAN): the bytes are
//! proven here, the behaviour in the stock-kernel lane.

use netlink_packet_core::Emitable;
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVlan, LinkAttribute, LinkFlags, LinkInfo, LinkMessage, State,
};

use super::{Link, LinkDetails, LinkHandle, LinkRef, LinkSpec, MacVlan, MacVlanMode, Veth, Vlan};
use super::{LinkKind, OperState, VlanProtocol, Vxlan};
use crate::netlink::{Connection, NETLINK_ROUTE};
use crate::netns::Netns;
use crate::values::{IfName, MacAddr, Mtu, VlanId, Vni};

// From include/uapi/linux/if_link.h and if_ether.h.
const IFLA_ADDRESS: u16 = 1;
const IFLA_IFNAME: u16 = 3;
const IFLA_MTU: u16 = 4;
const IFLA_LINK: u16 = 5;
const IFLA_MASTER: u16 = 10;
const IFLA_LINKINFO: u16 = 18;
const IFLA_INFO_KIND: u16 = 1;
const IFLA_INFO_DATA: u16 = 2;
const IFLA_VLAN_ID: u16 = 1;
const IFLA_VLAN_PROTOCOL: u16 = 5;
const VETH_INFO_PEER: u16 = 1;
const IFLA_MACVLAN_MODE: u16 = 1;
const IFLA_VXLAN_ID: u16 = 1;
const IFLA_VXLAN_GROUP: u16 = 2;
const IFLA_VXLAN_LOCAL: u16 = 4;
const IFLA_VXLAN_LEARNING: u16 = 7;
const IFLA_VXLAN_PORT: u16 = 15;
const IFF_UP: u32 = 1;
const IFINFOMSG_LEN: usize = 16;

/// The attributes of a TLV area: (type without flag bits, value).
fn attrs(mut bytes: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut out = Vec::new();
    while bytes.len() >= 4 {
        let len = u16::from_ne_bytes([bytes[0], bytes[1]]) as usize;
        let kind = u16::from_ne_bytes([bytes[2], bytes[3]]) & 0x3fff;
        assert!(len >= 4 && len <= bytes.len(), "bad attribute length {len}");
        out.push((kind, bytes[4..len].to_vec()));
        bytes = &bytes[((len + 3) & !3).min(bytes.len())..];
    }
    out
}

fn find(attrs: &[(u16, Vec<u8>)], kind: u16) -> Vec<u8> {
    attrs
        .iter()
        .find(|(k, _)| *k == kind)
        .unwrap_or_else(|| panic!("attribute {kind} missing"))
        .1
        .clone()
}

fn wire(message: &LinkMessage) -> Vec<u8> {
    let mut buf = vec![0; message.buffer_len()];
    message.emit(&mut buf);
    buf
}

/// The (ifinfomsg flags, change mask, top-level attributes) of a spec's request.
fn request(spec: &dyn LinkSpec) -> (u32, u32, Vec<(u16, Vec<u8>)>) {
    let netns = Netns::current().unwrap();
    let conn =
        Connection::open(&netns, NETLINK_ROUTE).expect("a netlink socket (no privileges needed)");
    let message = spec.message(&LinkHandle::new(&conn)).unwrap();
    let bytes = wire(&message);
    let flags = u32::from_ne_bytes(bytes[8..12].try_into().unwrap());
    let change = u32::from_ne_bytes(bytes[12..16].try_into().unwrap());
    (flags, change, attrs(&bytes[IFINFOMSG_LEN..]))
}

/// (IFLA_INFO_KIND, IFLA_INFO_DATA attributes) of a request.
fn link_info(top: &[(u16, Vec<u8>)]) -> (String, Vec<u8>) {
    let info = attrs(&find(top, IFLA_LINKINFO));
    let kind = find(&info, IFLA_INFO_KIND);
    let kind = String::from_utf8(kind)
        .unwrap()
        .trim_end_matches('\0')
        .to_string();
    (kind, find(&info, IFLA_INFO_DATA))
}

fn name_of(value: &[u8]) -> &str {
    std::str::from_utf8(value).unwrap().trim_end_matches('\0')
}

fn n(s: &str) -> IfName {
    IfName::new(s).unwrap()
}

#[test]
fn vlan_request_carries_parent_id_and_protocol() {
    for (protocol, ethertype) in [
        (VlanProtocol::Dot1Q, 0x8100u16),
        (VlanProtocol::Dot1Ad, 0x88a8),
    ] {
        let spec = Vlan::new(n("eth0.100"), LinkRef::Index(7), VlanId::new(100).unwrap())
            .protocol(protocol);
        let (_, _, top) = request(&spec);
        assert_eq!(name_of(&find(&top, IFLA_IFNAME)), "eth0.100");
        assert_eq!(find(&top, IFLA_LINK), 7u32.to_ne_bytes());
        let (kind, data) = link_info(&top);
        assert_eq!(kind, "vlan");
        let data = attrs(&data);
        assert_eq!(find(&data, IFLA_VLAN_ID), 100u16.to_ne_bytes());
        // The protocol travels in network byte order.
        assert_eq!(find(&data, IFLA_VLAN_PROTOCOL), ethertype.to_be_bytes());
    }
}

#[test]
fn veth_request_carries_the_peer_and_the_host_ends_state() {
    let spec = Veth::new(n("ext0"), n("int0"))
        .mtu(Mtu::new(1400).unwrap())
        .peer_mac(MacAddr([2, 0, 0, 0, 0, 9]))
        .master(LinkRef::Index(3))
        .up();
    let (flags, change, top) = request(&spec);
    assert_eq!(flags & IFF_UP, IFF_UP, "up in the create request");
    assert_eq!(change & IFF_UP, IFF_UP);
    assert_eq!(name_of(&find(&top, IFLA_IFNAME)), "ext0");
    assert_eq!(find(&top, IFLA_MASTER), 3u32.to_ne_bytes());
    assert_eq!(find(&top, IFLA_MTU), 1400u32.to_ne_bytes());
    let (kind, data) = link_info(&top);
    assert_eq!(kind, "veth");
    // VETH_INFO_PEER holds a whole ifinfomsg, then the peer's attributes.
    let peer = find(&attrs(&data), VETH_INFO_PEER);
    let peer = attrs(&peer[IFINFOMSG_LEN..]);
    assert_eq!(name_of(&find(&peer, IFLA_IFNAME)), "int0");
    assert_eq!(find(&peer, IFLA_ADDRESS), [2, 0, 0, 0, 0, 9]);
    assert_eq!(
        find(&peer, IFLA_MTU),
        1400u32.to_ne_bytes(),
        "the peer inherits the MTU"
    );
}

#[test]
fn macvlan_request_carries_the_mode() {
    for (mode, value) in [
        (MacVlanMode::Private, 1u32),
        (MacVlanMode::Vepa, 2),
        (MacVlanMode::Bridge, 4),
        (MacVlanMode::Passthru, 8),
    ] {
        let (_, _, top) = request(&MacVlan::new(n("mv0"), LinkRef::Index(2)).mode(mode));
        assert_eq!(find(&top, IFLA_LINK), 2u32.to_ne_bytes());
        let (kind, data) = link_info(&top);
        assert_eq!(kind, "macvlan");
        assert_eq!(find(&attrs(&data), IFLA_MACVLAN_MODE), value.to_ne_bytes());
    }
}

#[test]
fn vxlan_request_carries_vni_group_local_port_and_learning() {
    let spec = Vxlan::new(n("vx42"), Vni::new(42).unwrap())
        .multicast_group("239.1.1.1".parse().unwrap())
        .parent(LinkRef::Index(2))
        .local("192.0.2.1".parse().unwrap())
        .port(4789)
        .no_learning();
    let (_, _, top) = request(&spec);
    let (kind, data) = link_info(&top);
    assert_eq!(kind, "vxlan");
    let data = attrs(&data);
    assert_eq!(find(&data, IFLA_VXLAN_ID), 42u32.to_ne_bytes());
    assert_eq!(find(&data, IFLA_VXLAN_GROUP), [239, 1, 1, 1]);
    assert_eq!(find(&data, IFLA_VXLAN_LOCAL), [192, 0, 2, 1]);
    assert_eq!(find(&data, IFLA_VXLAN_PORT), 4789u16.to_be_bytes());
    assert_eq!(find(&data, IFLA_VXLAN_LEARNING), [0]);
}

#[test]
fn replies_parse_into_links() {
    let mut message = LinkMessage::default();
    message.header.index = 12;
    message.header.flags = LinkFlags::Up | LinkFlags::LowerUp;
    message.attributes = vec![
        LinkAttribute::IfName("eth0.100".into()),
        LinkAttribute::OperState(State::Up),
        LinkAttribute::Controller(4),
        LinkAttribute::Mtu(1496),
        LinkAttribute::Address(vec![2, 0, 0, 0, 0, 1]),
        LinkAttribute::Link(3),
        LinkAttribute::Group(7),
        LinkAttribute::LinkInfo(vec![
            LinkInfo::Kind(InfoKind::Vlan),
            LinkInfo::Data(InfoData::Vlan(vec![
                InfoVlan::Id(100),
                InfoVlan::Protocol(netlink_packet_route::link::VlanProtocol::Ieee8021Ad),
            ])),
        ]),
    ];
    // Through the wire and back, as the kernel's reply would arrive.
    use netlink_packet_core::Parseable;
    let bytes = wire(&message);
    let parsed = LinkMessage::parse(bytes.as_slice()).unwrap();
    let link = Link::from_message(parsed);
    assert_eq!(link.index, 12);
    assert_eq!(link.name, "eth0.100");
    assert!(link.up && link.lower_up);
    assert_eq!(link.operstate, OperState::Up);
    assert_eq!(link.operstate.to_string(), "UP");
    assert_eq!(link.master, Some(4));
    assert_eq!(link.mtu, Some(1496));
    assert_eq!(link.mac, Some(MacAddr([2, 0, 0, 0, 0, 1])));
    assert_eq!(link.parent, Some(3));
    assert_eq!(link.group, 7);
    assert_eq!(link.kind, Some(LinkKind::Vlan));
    assert_eq!(
        link.details,
        LinkDetails::Vlan {
            id: 100,
            protocol: VlanProtocol::Dot1Ad
        }
    );
}
