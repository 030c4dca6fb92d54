//! Entry points for the fuzz targets under `fuzz/` (cargo feature `fuzzing`; not part of
//! the API).
//!
//! Each takes one datagram as the kernel would send it and runs it through the same
//! decoders the library runs on the kernel's answers: the engine's split into messages
//! ([`crate::netlink::parse_datagram`]), the netlink crates' deserialisation, the
//! extended-ACK reader, then vnet's own reading of each object. None may panic, hang or
//! allocate without bound, whatever the bytes.

use netlink_packet_core::NetlinkPayload;
use netlink_packet_netfilter::NetfilterMessage;
use netlink_packet_netfilter::NetfilterMessageInner;
use netlink_packet_netfilter::conntrack::ConntrackMessage;
use netlink_packet_route::RouteNetlinkMessage;

use crate::bridge::{BridgeInfo, PortInfo};
use crate::link::Link;
use crate::netfilter::conntrack::ConntrackEntry;
use crate::netlink::raw::RawMessage;
use crate::netlink::{NETLINK_NETFILTER, NETLINK_ROUTE, kernel_error, parse_datagram};
use crate::tuntap::TunInfo;
use crate::uapi::nf_tables::NFT_MSG_NEWGEN;
use crate::uapi::nfnetlink::NFNL_SUBSYS_NFTABLES;

/// The port the fuzzed datagrams are addressed to (messages for other ports are skipped,
/// as a socket skips them); port 0 (the kernel's broadcasts) is read too.
const PORT: u32 = 1;

/// Reads `payload`'s error, if it is one, the way the engine does (errno and
/// extended-ACK text).
fn error_of<I>(flags: u16, payload: &NetlinkPayload<I>) -> Option<crate::error::Error> {
    match payload {
        NetlinkPayload::Error(err) => err
            .code
            .map(|code| kernel_error(flags, code.get(), &err.header)),
        _ => None,
    }
}

/// An rtnetlink datagram: links (with their tun, bridge and bridge-port attributes and
/// bridge VLANs), addresses, routes, neighbours and FDB entries, and error answers with
/// their extended ACKs. Returns how many objects were decoded.
#[doc(hidden)]
pub fn rtnl_datagram(datagram: &[u8]) -> usize {
    let mut decoded = 0;
    let mut datagram = datagram.to_vec();
    let _ = parse_datagram::<RouteNetlinkMessage>(
        &mut datagram,
        NETLINK_ROUTE,
        PORT,
        |header, payload| {
            if let Some(e) = error_of(header.flags, &payload) {
                decoded += e.to_string().len().min(1);
                return;
            }
            let NetlinkPayload::InnerMessage(message) = payload else {
                return;
            };
            match message {
                RouteNetlinkMessage::NewLink(m) => {
                    decoded += crate::bridge::vlan::port_vlans(&m).len();
                    let link = Link::from_message(m);
                    decoded += usize::from(TunInfo::from_link(&link).is_some())
                        + usize::from(BridgeInfo::from_link(&link).is_some())
                        + usize::from(PortInfo::from_link(&link).is_some());
                    decoded += format!("{link:?}").len().min(1);
                }
                RouteNetlinkMessage::NewAddress(m) => {
                    decoded += usize::from(crate::addr::parse(m).is_some());
                }
                RouteNetlinkMessage::NewRoute(m) => {
                    decoded += usize::from(crate::route::parse(m).is_some());
                }
                RouteNetlinkMessage::NewNeighbour(m) => {
                    decoded += usize::from(crate::neigh::parse(m.clone()).is_some());
                    decoded += usize::from(crate::bridge::fdb::parse(m).is_some());
                }
                _ => {}
            }
        },
    );
    decoded
}

/// Whether any netlink message in `datagram` (read header by header, whatever its port or
/// sequence number) is an nf_tables object other than the ruleset generation.
fn holds_nf_tables_object(datagram: &[u8]) -> bool {
    let mut rest = datagram;
    while rest.len() >= 16 {
        let len = u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let kind = u16::from_ne_bytes([rest[4], rest[5]]);
        if kind >> 8 == NFNL_SUBSYS_NFTABLES && kind & 0xff != NFT_MSG_NEWGEN {
            return true;
        }
        let step = (len + 3) & !3;
        if len < 16 || step > rest.len() {
            break;
        }
        rest = &rest[step..];
    }
    false
}

/// An nfnetlink datagram: nf_tables rule dumps (the NAT rules of table `ip vnet`,
/// decoded from their expressions), conntrack entries, the ruleset generation, and error
/// answers. Returns how many objects were decoded.
#[doc(hidden)]
pub fn nfnl_datagram(datagram: &[u8]) -> usize {
    let mut decoded = 0;
    let datagram = &mut datagram.to_vec();
    // Rule and table dumps are read raw (see netlink::raw), everything else typed. Of
    // nf_tables, vnet reads only the generation typed: netlink-packet-netfilter's typed
    // parsers of tables, chains and rules panic on malformed nested attributes (a fuzz run
    // found it in the rule parser: netlink-packet-core's NlaBuffer::value slices past the
    // buffer), which is why vnet never hands them an object, and neither does this target.
    let _ = parse_datagram::<RawMessage>(datagram, NETLINK_NETFILTER, PORT, |header, payload| {
        if let Some(e) = error_of(header.flags, &payload) {
            decoded += e.to_string().len().min(1);
        } else if let NetlinkPayload::InnerMessage(m) = payload
            && let Ok(Some(rule)) =
                crate::netfilter::nat::decode_rule(&m, crate::netfilter::nat::TABLE)
        {
            decoded += usize::from(rule.rule.is_some());
        }
    });
    if holds_nf_tables_object(datagram) {
        return decoded;
    }
    let _ = parse_datagram::<NetfilterMessage>(datagram, NETLINK_NETFILTER, PORT, |_, payload| {
        let NetlinkPayload::InnerMessage(m) = payload else {
            return;
        };
        if let NetfilterMessageInner::Conntrack(ConntrackMessage::New(attributes)) = m.inner
            && let Some(entry) = ConntrackEntry::from_attributes(attributes)
        {
            decoded += format!("{entry:?}").len().min(1);
        }
    });
    decoded
}
