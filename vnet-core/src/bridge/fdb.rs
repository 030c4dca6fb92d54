//! The forwarding database (`bridge fdb`): learned and static entries of a bridge, and
//! the entries of devices with their own table, such as VXLAN remotes.

use std::net::IpAddr;

use netlink_packet_core::{NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourFlags, NeighbourMessage, NeighbourState,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use super::BridgeHandle;
use crate::error::{Context, Result};
use crate::link::LinkRef;
use crate::values::{MacAddr, VlanId};

const NUD_REACHABLE: u16 = 0x02;
const NUD_NOARP: u16 = 0x40;
const NUD_PERMANENT: u16 = 0x80;

/// What kind of forwarding entry: the kernel's `NUD_*` state of an fdb entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FdbEntryKind {
    /// A local address of the bridge or of a port: frames to it are delivered to this
    /// host (`permanent`, what `brctl showmacs` shows as "is local? yes").
    Local,
    /// A static entry: forwarded to its port, never aged (`static`).
    Static,
    /// A learned (or dynamically added) entry that ages out (no state word in `bridge
    /// fdb show`).
    Dynamic,
}

impl FdbEntryKind {
    /// The state word iproute2 sends for it (`bridge fdb add ... permanent|static|dynamic`).
    fn request_state(self) -> u16 {
        match self {
            FdbEntryKind::Local => NUD_NOARP | NUD_PERMANENT,
            FdbEntryKind::Static => NUD_NOARP | NUD_REACHABLE,
            FdbEntryKind::Dynamic => NUD_REACHABLE,
        }
    }

    fn from_state(state: u16) -> Self {
        if state & NUD_PERMANENT != 0 {
            FdbEntryKind::Local
        } else if state & NUD_NOARP != 0 {
            FdbEntryKind::Static
        } else {
            FdbEntryKind::Dynamic
        }
    }
}

/// A forwarding database entry, as `bridge fdb show` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FdbEntry {
    /// The MAC address.
    pub mac: MacAddr,
    /// The device the entry points to: a bridge port, or the bridge itself for its own
    /// addresses, or a device with its own table (a VXLAN).
    pub ifindex: u32,
    /// The bridge holding the entry (`master BR`), for bridge entries.
    pub master: Option<u32>,
    /// True for an entry of the device's own table (`self`), false for a bridge entry.
    pub is_self: bool,
    /// Kind (local, static, learned).
    pub kind: FdbEntryKind,
    /// VLAN id, when the entry is per VLAN.
    pub vlan: Option<u16>,
    /// The remote (tunnel endpoint) of a VXLAN entry (`dst`).
    pub dst: Option<IpAddr>,
    /// The VNI of a VXLAN entry, when it differs from the device's.
    pub vni: Option<u32>,
    /// Hundredths of a second since the entry was last refreshed (the ageing timer
    /// `brctl showmacs` prints for learned entries).
    pub updated: Option<u32>,
}

/// An entry to add to or delete from a forwarding database; see
/// [`BridgeHandle::fdb_add`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FdbSpec {
    mac: MacAddr,
    dev: LinkRef,
    on_self: bool,
    kind: FdbEntryKind,
    vlan: Option<VlanId>,
    dst: Option<IpAddr>,
}

impl FdbSpec {
    /// A static entry in the bridge's table sending `mac` to the bridge port `port`,
    /// like `bridge fdb add MAC dev PORT master static`.
    pub fn port(mac: MacAddr, port: impl Into<LinkRef>) -> Self {
        FdbSpec {
            mac,
            dev: port.into(),
            on_self: false,
            kind: FdbEntryKind::Static,
            vlan: None,
            dst: None,
        }
    }

    /// An entry in the device's own table, like `bridge fdb add MAC dev DEV [self]`:
    /// a VXLAN's remote entries (with [`FdbSpec::dst`]), or a local address of the
    /// bridge device itself. Permanent by default, as iproute2 makes them.
    pub fn device(mac: MacAddr, dev: impl Into<LinkRef>) -> Self {
        FdbSpec {
            mac,
            dev: dev.into(),
            on_self: true,
            kind: FdbEntryKind::Local,
            vlan: None,
            dst: None,
        }
    }

    /// The kind of entry (`permanent`, `static`, `dynamic`).
    pub fn kind(mut self, kind: FdbEntryKind) -> Self {
        self.kind = kind;
        self
    }

    /// Only for VLAN `vid` (`vlan VID`).
    pub fn vlan(mut self, vid: VlanId) -> Self {
        self.vlan = Some(vid);
        self
    }

    /// The remote tunnel endpoint of a VXLAN entry (`dst ADDR`).
    pub fn dst(mut self, addr: IpAddr) -> Self {
        self.dst = Some(addr);
        self
    }

    fn describe(&self) -> String {
        let mut s = format!("fdb entry {} dev '{}'", self.mac, self.dev);
        if let Some(v) = self.vlan {
            s += &format!(" vlan {v}");
        }
        if let Some(d) = self.dst {
            s += &format!(" dst {d}");
        }
        s
    }
}

impl BridgeHandle<'_> {
    /// Lists the bridge's forwarding database, like `bridge fdb show br BR` without the
    /// ports' own (`self`) entries: learned, static and local entries of every port,
    /// and the bridge's own local addresses (with `ifindex` the bridge's).
    pub fn fdb_list(&self, bridge: impl Into<LinkRef>) -> Result<Vec<FdbEntry>> {
        let bridge = bridge.into();
        let index = self.links().index(&bridge)?;
        let mut request = NeighbourMessage::default();
        request.header.family = AddressFamily::Bridge;
        request
            .attributes
            .push(NeighbourAttribute::Controller(index));
        let entries = self
            .dump_fdb(request)
            .op(|| format!("listing the forwarding database of bridge '{bridge}'"))?;
        Ok(entries
            .into_iter()
            .filter(|e| !e.is_self && e.master == Some(index))
            .collect())
    }

    /// Lists every fdb entry on one device, both the bridge's entries for it and its
    /// own table (`self`), like `bridge fdb show dev DEV`. For a VXLAN this shows its
    /// remotes.
    pub fn fdb_list_dev(&self, dev: impl Into<LinkRef>) -> Result<Vec<FdbEntry>> {
        let dev = dev.into();
        let index = self.links().index(&dev)?;
        let mut request = NeighbourMessage::default();
        request.header.family = AddressFamily::Bridge;
        request.header.ifindex = index;
        let entries = self
            .dump_fdb(request)
            .op(|| format!("listing the forwarding entries of '{dev}'"))?;
        Ok(entries.into_iter().filter(|e| e.ifindex == index).collect())
    }

    /// Adds an entry, like `bridge fdb add ...`. Fails with `EEXIST` if it exists.
    pub fn fdb_add(&self, spec: &FdbSpec) -> Result<()> {
        self.fdb_new(spec, NLM_F_CREATE | NLM_F_EXCL)
            .op(|| format!("adding {}", spec.describe()))
    }

    /// Adds or replaces an entry, like `bridge fdb replace ...`.
    pub fn fdb_replace(&self, spec: &FdbSpec) -> Result<()> {
        self.fdb_new(spec, NLM_F_CREATE | NLM_F_REPLACE)
            .op(|| format!("replacing {}", spec.describe()))
    }

    /// Appends an entry, like `bridge fdb append ...`: for a VXLAN, one more remote for
    /// the same MAC, which is how the all-zero MAC floods to several remotes:
    /// `bridge fdb append 00:00:00:00:00:00 dev vxlan42 dst 192.0.2.2`.
    pub fn fdb_append(&self, spec: &FdbSpec) -> Result<()> {
        self.fdb_new(spec, NLM_F_CREATE | NLM_F_APPEND)
            .op(|| format!("appending {}", spec.describe()))
    }

    /// Deletes an entry, like `bridge fdb del ...` (for a VXLAN with `dst`, only that
    /// remote).
    pub fn fdb_del(&self, spec: &FdbSpec) -> Result<()> {
        let message = self.fdb_message(spec)?;
        self.conn
            .request_ack(RouteNetlinkMessage::DelNeighbour(message), 0)
            .op(|| format!("deleting {}", spec.describe()))
    }

    fn fdb_new(&self, spec: &FdbSpec, flags: u16) -> Result<()> {
        let message = self.fdb_message(spec)?;
        self.conn
            .request_ack(RouteNetlinkMessage::NewNeighbour(message), flags)
    }

    fn fdb_message(&self, spec: &FdbSpec) -> Result<NeighbourMessage> {
        let mut message = NeighbourMessage::default();
        message.header.family = AddressFamily::Bridge;
        message.header.ifindex = self.links().index(&spec.dev)?;
        message.header.state = NeighbourState::from(spec.kind.request_state());
        message.header.flags = if spec.on_self {
            NeighbourFlags::Own
        } else {
            NeighbourFlags::Controller
        };
        message
            .attributes
            .push(NeighbourAttribute::LinkLayerAddress(
                spec.mac.octets().to_vec(),
            ));
        if let Some(vid) = spec.vlan {
            message.attributes.push(NeighbourAttribute::Vlan(vid.get()));
        }
        match spec.dst {
            Some(IpAddr::V4(a)) => message
                .attributes
                .push(NeighbourAttribute::Destination(NeighbourAddress::Inet(a))),
            Some(IpAddr::V6(a)) => message
                .attributes
                .push(NeighbourAttribute::Destination(NeighbourAddress::Inet6(a))),
            None => {}
        }
        Ok(message)
    }

    fn dump_fdb(&self, request: NeighbourMessage) -> Result<Vec<FdbEntry>> {
        let replies = self.conn.dump(RouteNetlinkMessage::GetNeighbour(request))?;
        Ok(replies
            .into_iter()
            .filter_map(|m| match m {
                RouteNetlinkMessage::NewNeighbour(m) => parse(m),
                _ => None,
            })
            .collect())
    }
}

pub(crate) fn parse(message: NeighbourMessage) -> Option<FdbEntry> {
    let mut entry = FdbEntry {
        mac: MacAddr::ZERO,
        ifindex: message.header.ifindex,
        master: None,
        is_self: message.header.flags.contains(NeighbourFlags::Own),
        kind: FdbEntryKind::from_state(u16::from(message.header.state)),
        vlan: None,
        dst: None,
        vni: None,
        updated: None,
    };
    let mut mac = None;
    for attribute in message.attributes {
        match attribute {
            NeighbourAttribute::LinkLayerAddress(bytes) => mac = MacAddr::from_slice(&bytes),
            NeighbourAttribute::Controller(m) => entry.master = Some(m),
            NeighbourAttribute::Vlan(v) => entry.vlan = Some(v),
            NeighbourAttribute::Vni(v) => entry.vni = Some(v),
            NeighbourAttribute::Destination(NeighbourAddress::Inet(a)) => {
                entry.dst = Some(IpAddr::V4(a))
            }
            NeighbourAttribute::Destination(NeighbourAddress::Inet6(a)) => {
                entry.dst = Some(IpAddr::V6(a))
            }
            // In AF_BRIDGE messages the crate cannot tell the address family of
            // NDA_DST and leaves it raw: 4 bytes are IPv4, 16 are IPv6.
            NeighbourAttribute::Destination(NeighbourAddress::Other(bytes)) => {
                entry.dst = match bytes.len() {
                    4 => <[u8; 4]>::try_from(bytes.as_slice()).ok().map(IpAddr::from),
                    16 => <[u8; 16]>::try_from(bytes.as_slice())
                        .ok()
                        .map(IpAddr::from),
                    _ => None,
                }
            }
            NeighbourAttribute::CacheInfo(ci) => entry.updated = Some(ci.updated),
            _ => {}
        }
    }
    entry.mac = mac?;
    Some(entry)
}
