//! The Linux bridge: options and spanning tree state of a bridge, its ports and their
//! options, the forwarding database and per-port VLANs. What `ip link ... type bridge`,
//! `bridge link`, `bridge fdb`, `bridge vlan` and `brctl` do, over netlink only.
//!
//! Creating a bridge is a link spec, [`crate::Bridge`]; everything after creation is here,
//! behind [`crate::Handle::bridge`]:
//!
//! ```no_run
//! use vnet_core::{Bridge, BridgeOptions, Handle, IfName, PortOptions};
//!
//! # fn main() -> vnet_core::Result<()> {
//! let h = Handle::current()?;
//! let br0 = IfName::new("br0")?;
//! h.link().add(&Bridge::new(br0.clone()))?;                       // ip link add br0 type bridge
//! h.bridge().set_options(&br0, &BridgeOptions { stp: Some(true), ..Default::default() })?;
//! h.bridge().add_port(&br0, &IfName::new("tap0")?)?;              // ip link set tap0 master br0
//! h.bridge().set_port_options(&IfName::new("tap0")?, &PortOptions { cost: Some(10), ..Default::default() })?;
//! for port in h.bridge().ports(&br0)? {
//!     println!("{} {:?}", port.name, port.state);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Everything is read over netlink (`IFLA_BR_*`, `IFLA_BRPORT_*`, `RTM_GETNEIGH` of
//! `AF_BRIDGE`), never from `/sys/class/net`, which shows the namespace sysfs was mounted
//! in rather than the handle's.

pub(crate) mod fdb;
mod info;
mod port;
pub(crate) mod vlan;

pub use crate::values::BridgeId;
pub use fdb::{FdbEntry, FdbEntryKind, FdbSpec};
pub use info::{BridgeInfo, BridgeStp, StpMode};
pub use port::{PortInfo, PortOptions, PortState};
pub use vlan::PortVlan;

use netlink_packet_route::link::{
    InfoBridge, InfoData, InfoKind, LinkAttribute, LinkInfo, LinkMessage,
};

use std::os::fd::AsFd;

use nix::errno::Errno;
use nix::sys::socket::{AddressFamily, SockFlag, SockType, socket};

use crate::error::{Context, Error, Result};
use crate::link::{BridgeOptions, Link, LinkHandle, LinkRef, identify, not_found};
use crate::netlink::Connection;
use crate::sys::bridge_ioctl;
use crate::uapi::if_bridge::BRCTL_SET_AGEING_TIME;
use crate::values::IfName;

/// The bridge calls of a [`crate::Handle`]: `handle.bridge()`.
#[derive(Debug, Clone, Copy)]
pub struct BridgeHandle<'a> {
    conn: &'a Connection,
}

impl<'a> BridgeHandle<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        BridgeHandle { conn }
    }

    /// The link calls on the same connection.
    fn links(&self) -> LinkHandle<'a> {
        LinkHandle::new(self.conn)
    }

    /// Reads a bridge's options and spanning tree state, like
    /// `ip -d link show BR` or the bridge part of `brctl showstp BR`.
    ///
    /// Fails with [`Error::NotFound`] if there is no such link, and with
    /// [`Error::InvalidInput`] (errno `EINVAL`) naming the link and its kind if the link
    /// is not a bridge.
    pub fn info(&self, bridge: impl Into<LinkRef>) -> Result<BridgeInfo> {
        let bridge = bridge.into();
        let link = self
            .links()
            .get_ref(&bridge)
            .op(|| format!("reading bridge '{bridge}'"))?;
        BridgeInfo::from_link(&link).ok_or_else(|| not_a_bridge(&link))
    }

    /// Lists every bridge of the namespace with its options and STP state, sorted by
    /// name (as `brctl show` lists them).
    pub fn list(&self) -> Result<Vec<BridgeInfo>> {
        let mut request = LinkMessage::default();
        request
            .attributes
            .push(LinkAttribute::LinkInfo(vec![LinkInfo::Kind(
                InfoKind::Bridge,
            )]));
        let links = self
            .links()
            .list_matching(request)
            .op(|| "listing bridges".to_string())?;
        let mut out: Vec<BridgeInfo> = links.iter().filter_map(BridgeInfo::from_link).collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Sets the ageing time of `bridge` to `centis` hundredths of a second, a 64-bit
    /// value, through the old bridge ioctl (`BRCTL_SET_AGEING_TIME`), which is what
    /// `brctl setageing` reaches through sysfs: the kernel takes an `unsigned long`
    /// there, where netlink's `IFLA_BR_AGEING_TIME` carries 32 bits.
    ///
    /// The kernel converts the value to jiffies and back in 64-bit arithmetic that wraps,
    /// and reports the low 32 bits of the result; how it wraps depends on its `HZ` (with
    /// HZ 250, 10^14 reads back as 1034945328). Use [`BridgeHandle::set_options`] for any
    /// value that fits in 32 bits.
    pub fn set_ageing_time_wide(&self, bridge: &IfName, centis: u64) -> Result<()> {
        let op = || format!("setting the ageing time of bridge '{bridge}' (BRCTL_SET_AGEING_TIME)");
        let name = bridge.as_bytes().to_vec();
        self.conn
            .netns()
            .run(move || {
                let socket = socket(
                    AddressFamily::Unix,
                    SockType::Datagram,
                    SockFlag::SOCK_CLOEXEC,
                    None,
                )?;
                bridge_ioctl::set(socket.as_fd(), &name, BRCTL_SET_AGEING_TIME, centis)
                    .map_err(|e| Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)))
            })?
            .map_err(|e| Error::sys(op(), e))
    }

    /// Changes options of an existing bridge, like
    /// `ip link set BR type bridge stp_state 1 forward_delay 400 ...` (or `brctl stp`,
    /// `brctl setfd`, `setageing`, `sethello`, `setmaxage`, `setbridgeprio`).
    ///
    /// The options travel as `IFLA_INFO_DATA` in an `RTM_NEWLINK` without
    /// `NLM_F_CREATE`: the kernel silently ignores link-info data in `RTM_SETLINK`. The
    /// kernel checks the ranges (with STP on, a forward delay of 2 to 30 s; a hello time
    /// of 1 to 10 s; a max age of 6 to 40 s) and answers `ERANGE` outside them.
    pub fn set_options(&self, bridge: impl Into<LinkRef>, options: &BridgeOptions) -> Result<()> {
        let bridge = bridge.into();
        let attributes = options.attributes();
        if attributes.is_empty() {
            return Ok(());
        }
        self.links()
            .change_info(changelink_message(&bridge, attributes))
            .map_err(|e| not_found(e, &bridge))
            .op(|| format!("setting options of bridge '{bridge}'"))
    }

    /// Flushes the learned (dynamic) entries of a bridge's forwarding database, like
    /// `ip link set BR type bridge fdb_flush`.
    pub fn flush_fdb(&self, bridge: impl Into<LinkRef>) -> Result<()> {
        let bridge = bridge.into();
        self.links()
            .change_info(changelink_message(&bridge, vec![InfoBridge::FdbFlush]))
            .map_err(|e| not_found(e, &bridge))
            .op(|| format!("flushing the forwarding database of bridge '{bridge}'"))
    }
}

/// An `RTM_NEWLINK` (to be sent without `NLM_F_CREATE`) changing bridge attributes.
fn changelink_message(bridge: &LinkRef, attributes: Vec<InfoBridge>) -> LinkMessage {
    let mut message = LinkMessage::default();
    identify(&mut message, bridge);
    message.attributes.push(LinkAttribute::LinkInfo(vec![
        LinkInfo::Kind(InfoKind::Bridge),
        LinkInfo::Data(InfoData::Bridge(attributes)),
    ]));
    message
}

/// The error for a link that exists but is not a bridge. The kernel was never asked
/// about the bridge (vnet read the link and saw its kind), so this is the caller's
/// value that is wrong, not a kernel answer.
fn not_a_bridge(link: &Link) -> Error {
    let reason = match &link.kind {
        Some(kind) => format!("it is a {kind} link, not a bridge"),
        None => "it is not a bridge".to_string(),
    };
    Error::invalid("bridge", &link.name, reason)
}
