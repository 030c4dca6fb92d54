//! Connection tracking over ctnetlink: list entries, delete them.
//!
//! NAT in Linux decides once per flow: the first packet's translation is stored in the
//! flow's conntrack entry and every later packet follows it. A NAT rule added or removed
//! therefore changes only new flows; existing ones keep their old translation until their
//! entry is deleted. That is what [`ConntrackHandle::flush`] and
//! [`ConntrackHandle::flush_matching`] are for (`conntrack -F`, `conntrack -D`).
//!
//! ctnetlink can flush everything in one request, but filtering a flush by address is
//! not supported by the kernel (it answers `EOPNOTSUPP` to a flush with `CTA_FILTER`), so
//! a filtered flush dumps the table and deletes the matching entries one by one by their
//! original tuple, as `conntrack -D -s ADDR` does.

use std::fmt;
use std::net::IpAddr;

use ipnetwork::IpNetwork;
use netlink_packet_core::Nla;
use netlink_packet_netfilter::conntrack::{
    ConntrackAttribute, ConntrackMessage, IPTuple, ProtoInfo, ProtoInfoTCP, ProtoTuple, Status,
    Tuple,
};
use netlink_packet_netfilter::{
    NetfilterHeader, NetfilterMessage, NetfilterMessageInner, NetfilterProtoFamily,
};
use nix::errno::Errno;

use crate::error::{Context, Result};
use crate::netlink::Connection;
use crate::uapi::netlink::NLA_TYPE_MASK;
use crate::uapi::nf_conntrack_tcp::*;
// Needed to delete entries outside zone 0; netlink-packet-netfilter leaves it untyped.
use crate::uapi::nfnetlink_conntrack::CTA_ZONE;

/// One direction of a tracked flow: addresses and, for TCP, UDP, SCTP and the like, ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlowTuple {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Source port, for protocols with ports.
    pub src_port: Option<u16>,
    /// Destination port, for protocols with ports.
    pub dst_port: Option<u16>,
}

impl fmt::Display for FlowTuple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "src={} dst={}", self.src, self.dst)?;
        if let Some(p) = self.src_port {
            write!(f, " sport={p}")?;
        }
        if let Some(p) = self.dst_port {
            write!(f, " dport={p}")?;
        }
        Ok(())
    }
}

/// A conntrack entry, as `conntrack -L` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConntrackEntry {
    /// The layer-4 protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...).
    pub protocol: u8,
    /// The flow as its first packet went (before any NAT).
    pub original: FlowTuple,
    /// The flow as the answers come back (after NAT: its source is the translated
    /// destination, its destination the translated source).
    pub reply: FlowTuple,
    /// The TCP state (`ESTABLISHED`, `TIME_WAIT`, ...), for TCP entries.
    pub tcp_state: Option<TcpState>,
    /// The raw `IPS_*` status bits.
    pub status: u32,
    /// The connection mark (`ct mark`).
    pub mark: u32,
    /// Seconds left before the entry expires.
    pub timeout: u32,
    original_raw: Vec<Tuple>,
    zone: Option<ConntrackAttribute>,
}

impl ConntrackEntry {
    /// The protocol's name as conntrack prints it ("tcp", "udp", "icmp", ...), or its
    /// number.
    pub fn protocol_name(&self) -> String {
        match self.protocol {
            1 => "icmp".into(),
            6 => "tcp".into(),
            17 => "udp".into(),
            33 => "dccp".into(),
            47 => "gre".into(),
            58 => "icmpv6".into(),
            132 => "sctp".into(),
            136 => "udplite".into(),
            n => n.to_string(),
        }
    }

    /// True when the source was translated (SNAT or MASQUERADE).
    pub fn src_nat(&self) -> bool {
        self.status & Status::SrcNat.bits() != 0
    }

    /// True when the destination was translated (DNAT, port forwarding).
    pub fn dst_nat(&self) -> bool {
        self.status & Status::DstNat.bits() != 0
    }

    /// True when packets were seen in both directions.
    pub fn seen_reply(&self) -> bool {
        self.status & Status::SeenReply.bits() != 0
    }

    /// True when the entry is assured (it will not be evicted early).
    pub fn assured(&self) -> bool {
        self.status & Status::Assured.bits() != 0
    }

    /// True when `addr` is any of the four addresses of the entry (source or destination,
    /// original or reply direction).
    pub fn involves(&self, addr: IpAddr) -> bool {
        self.addresses().contains(&addr)
    }

    /// True when any of the four addresses of the entry (source or destination, original
    /// or reply direction) is in `network`.
    pub fn involves_network(&self, network: IpNetwork) -> bool {
        self.addresses().iter().any(|&addr| network.contains(addr))
    }

    /// The four addresses of the entry: original source and destination, then reply
    /// source and destination.
    fn addresses(&self) -> [IpAddr; 4] {
        [
            self.original.src,
            self.original.dst,
            self.reply.src,
            self.reply.dst,
        ]
    }

    pub(crate) fn from_attributes(attributes: Vec<ConntrackAttribute>) -> Option<ConntrackEntry> {
        let mut original = None;
        let mut reply = None;
        let mut protocol = 0;
        let mut tcp_state = None;
        let mut status = 0;
        let mut mark = 0;
        let mut timeout = 0;
        let mut original_raw = Vec::new();
        let mut zone = None;
        for attribute in attributes {
            match attribute {
                ConntrackAttribute::CtaTupleOrig(tuples) => {
                    let (p, t) = flow(&tuples)?;
                    protocol = p;
                    original = Some(t);
                    original_raw = tuples;
                }
                ConntrackAttribute::CtaTupleReply(tuples) => reply = Some(flow(&tuples)?.1),
                ConntrackAttribute::CtaProtoInfo(infos) => {
                    for info in infos {
                        if let ProtoInfo::TCP(tcp) = info {
                            for item in tcp {
                                if let ProtoInfoTCP::State(s) = item {
                                    tcp_state = Some(TcpState::from_number(s));
                                }
                            }
                        }
                    }
                }
                ConntrackAttribute::CtaStatus(s) => status = s.bits(),
                ConntrackAttribute::CtaMark(m) => mark = m,
                ConntrackAttribute::CtaTimeout(t) => timeout = t,
                ConntrackAttribute::Other(nla) if nla.kind() & NLA_TYPE_MASK == CTA_ZONE => {
                    zone = Some(ConntrackAttribute::Other(nla))
                }
                _ => {}
            }
        }
        Some(ConntrackEntry {
            protocol,
            original: original?,
            reply: reply?,
            tcp_state,
            status,
            mark,
            timeout,
            original_raw,
            zone,
        })
    }

    fn family(&self) -> NetfilterProtoFamily {
        match self.original.src {
            IpAddr::V4(_) => NetfilterProtoFamily::IPv4,
            IpAddr::V6(_) => NetfilterProtoFamily::IPv6,
        }
    }
}

impl fmt::Display for ConntrackEntry {
    /// The way `conntrack -L` prints an entry.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.protocol_name(),
            self.protocol,
            self.timeout
        )?;
        if let Some(state) = self.tcp_state {
            write!(f, " {state}")?;
        }
        write!(f, " {}", self.original)?;
        if !self.seen_reply() {
            f.write_str(" [UNREPLIED]")?;
        }
        write!(f, " {}", self.reply)?;
        if self.assured() {
            f.write_str(" [ASSURED]")?;
        }
        if self.src_nat() {
            f.write_str(" [SNAT]")?;
        }
        if self.dst_nat() {
            f.write_str(" [DNAT]")?;
        }
        write!(f, " mark={}", self.mark)
    }
}

fn flow(tuples: &[Tuple]) -> Option<(u8, FlowTuple)> {
    let mut src = None;
    let mut dst = None;
    let mut protocol = 0;
    let mut src_port = None;
    let mut dst_port = None;
    for tuple in tuples {
        match tuple {
            Tuple::Ip(ips) => {
                for ip in ips {
                    match ip {
                        IPTuple::SourceAddress(a) => src = Some(*a),
                        IPTuple::DestinationAddress(a) => dst = Some(*a),
                        _ => {}
                    }
                }
            }
            Tuple::Proto(protos) => {
                for p in protos {
                    match p {
                        ProtoTuple::Protocol(n) => protocol = u8::from(*n),
                        ProtoTuple::SourcePort(port) => src_port = Some(*port),
                        ProtoTuple::DestinationPort(port) => dst_port = Some(*port),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Some((
        protocol,
        FlowTuple {
            src: src?,
            dst: dst?,
            src_port,
            dst_port,
        },
    ))
}

/// The TCP state of a conntrack entry (`enum tcp_conntrack`). Its `Display` is the
/// word `conntrack -L` prints (`ESTABLISHED`, `TIME_WAIT`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TcpState {
    /// `NONE`.
    None,
    /// `SYN_SENT`.
    SynSent,
    /// `SYN_RECV`.
    SynRecv,
    /// `ESTABLISHED`.
    Established,
    /// `FIN_WAIT`.
    FinWait,
    /// `CLOSE_WAIT`.
    CloseWait,
    /// `LAST_ACK`.
    LastAck,
    /// `TIME_WAIT`.
    TimeWait,
    /// `CLOSE`.
    Close,
    /// `SYN_SENT2`: a simultaneous open.
    SynSent2,
    /// A state number the kernel has added since; printed as `UNKNOWN`.
    Other(u8),
}

impl TcpState {
    fn from_number(n: u8) -> TcpState {
        match n {
            TCP_CONNTRACK_NONE => TcpState::None,
            TCP_CONNTRACK_SYN_SENT => TcpState::SynSent,
            TCP_CONNTRACK_SYN_RECV => TcpState::SynRecv,
            TCP_CONNTRACK_ESTABLISHED => TcpState::Established,
            TCP_CONNTRACK_FIN_WAIT => TcpState::FinWait,
            TCP_CONNTRACK_CLOSE_WAIT => TcpState::CloseWait,
            TCP_CONNTRACK_LAST_ACK => TcpState::LastAck,
            TCP_CONNTRACK_TIME_WAIT => TcpState::TimeWait,
            TCP_CONNTRACK_CLOSE => TcpState::Close,
            TCP_CONNTRACK_SYN_SENT2 => TcpState::SynSent2,
            n => TcpState::Other(n),
        }
    }

    /// The word `conntrack -L` prints.
    pub fn as_str(self) -> &'static str {
        match self {
            TcpState::None => "NONE",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRecv => "SYN_RECV",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait => "FIN_WAIT",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::LastAck => "LAST_ACK",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Close => "CLOSE",
            TcpState::SynSent2 => "SYN_SENT2",
            TcpState::Other(_) => "UNKNOWN",
        }
    }
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn message(family: NetfilterProtoFamily, inner: ConntrackMessage) -> NetfilterMessage {
    NetfilterMessage::new(NetfilterHeader::new(family, 0, 0), inner)
}

/// The conntrack calls of a [`crate::Netfilter`]: `netfilter.conntrack()`.
#[derive(Debug, Clone, Copy)]
pub struct ConntrackHandle<'a> {
    conn: &'a Connection,
}

impl<'a> ConntrackHandle<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        ConntrackHandle { conn }
    }

    /// Lists every entry of both IP families, like `conntrack -L` (and `-f ipv6`).
    pub fn list(&self) -> Result<Vec<ConntrackEntry>> {
        let replies = self
            .conn
            .dump(message(
                NetfilterProtoFamily::Unspec,
                ConntrackMessage::Get(Vec::new()),
            ))
            .op(|| format!("listing conntrack entries in {}", self.describe()))?;
        Ok(replies
            .into_iter()
            .filter_map(|m| match m.inner {
                NetfilterMessageInner::Conntrack(ConntrackMessage::New(attributes)) => {
                    ConntrackEntry::from_attributes(attributes)
                }
                _ => None,
            })
            .collect())
    }

    /// Deletes every entry, like `conntrack -F`.
    pub fn flush(&self) -> Result<()> {
        self.conn
            .request_ack(
                message(
                    NetfilterProtoFamily::Unspec,
                    ConntrackMessage::Delete(Vec::new()),
                ),
                0,
            )
            .op(|| format!("flushing conntrack entries in {}", self.describe()))
    }

    /// Deletes one entry, like `conntrack -D` with its original tuple. Returns false
    /// when it was already gone (expired, or deleted by someone else meanwhile).
    pub fn delete(&self, entry: &ConntrackEntry) -> Result<bool> {
        let mut attributes = vec![ConntrackAttribute::CtaTupleOrig(entry.original_raw.clone())];
        attributes.extend(entry.zone.clone());
        let result = self
            .conn
            .request_ack(
                message(entry.family(), ConntrackMessage::Delete(attributes)),
                0,
            )
            .op(|| format!("deleting conntrack entry {}", entry.original));
        match result {
            Ok(()) => Ok(true),
            Err(e) if e.is_errno(Errno::ENOENT) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Deletes the entries for which `matches` is true, and returns how many it deleted.
    pub fn flush_matching(&self, matches: impl Fn(&ConntrackEntry) -> bool) -> Result<usize> {
        let mut deleted = 0;
        for entry in self.list()?.iter().filter(|e| matches(e)) {
            if self.delete(entry)? {
                deleted += 1;
            }
        }
        Ok(deleted)
    }

    /// Deletes the entries in which `addr` appears (as source or destination, in either
    /// direction), and returns how many it deleted.
    pub fn flush_address(&self, addr: IpAddr) -> Result<usize> {
        self.flush_matching(|e| e.involves(addr))
    }

    fn describe(&self) -> String {
        self.conn.netns().describe()
    }
}
