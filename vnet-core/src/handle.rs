//! [`Handle`]: the entry point to one network namespace's rtnetlink, and every
//! sub-handle it hands out.

use crate::addr::AddressHandle;
use crate::bridge::BridgeHandle;
use crate::error::Result;
use crate::link::LinkHandle;
use crate::neigh::NeighbourHandle;
use crate::netlink::{Connection, NETLINK_ROUTE};
use crate::netns::Netns;
use crate::nsid::NsidHandle;
use crate::route::RouteHandle;
use crate::tuntap::TunTapHandle;

/// A connection to the rtnetlink of one network namespace.
///
/// Its socket was opened inside that namespace, so every request acts there, whichever
/// thread makes it; the caller's thread never moves. Sub-handles group the calls the way
/// `ip` groups its objects: [`Handle::link`], [`Handle::addr`], [`Handle::route`],
/// [`Handle::neigh`], [`Handle::bridge`], [`Handle::tuntap`].
///
/// A `Handle` is `Send` and `Sync`; requests from several threads are serialized.
#[derive(Debug)]
pub struct Handle {
    conn: Connection,
}

impl Handle {
    /// Opens a handle on the calling thread's network namespace.
    pub fn current() -> Result<Handle> {
        Handle::new(&Netns::current()?)
    }

    /// Opens a handle on `netns`, from any thread.
    pub fn new(netns: &Netns) -> Result<Handle> {
        Ok(Handle {
            conn: Connection::open(netns, NETLINK_ROUTE)?,
        })
    }

    /// Opens handles on several namespaces, all sockets opened by one short-lived thread
    /// that enters each in turn (cheaper than one [`Handle::new`] each, for a lab).
    pub fn new_many(netns: &[Netns]) -> Result<Vec<Handle>> {
        Ok(Connection::open_each(netns, NETLINK_ROUTE)?
            .into_iter()
            .map(|conn| Handle { conn })
            .collect())
    }

    /// Opens a handle on the named network namespace `name` (`/run/netns/NAME`).
    pub fn open(name: &str) -> Result<Handle> {
        Handle::new(&Netns::open(name)?)
    }

    /// The namespace this handle acts in.
    pub fn netns(&self) -> &Netns {
        self.conn.netns()
    }

    /// How many dumps (`ip link show` and the like) the kernel interrupted with
    /// `NLM_F_DUMP_INTR` because the table changed while it was read, and this handle
    /// restarted from the beginning, since it was opened. A dump is returned only once a
    /// pass was not interrupted (after at most 10 restarts), so what it returns is one
    /// consistent picture; this count shows how often that took more than one pass.
    pub fn dump_restarts(&self) -> u64 {
        self.conn.dump_restarts()
    }

    /// Links (`ip link`).
    pub fn link(&self) -> LinkHandle<'_> {
        LinkHandle::new(&self.conn)
    }

    /// Addresses (`ip address`).
    pub fn addr(&self) -> AddressHandle<'_> {
        AddressHandle::new(&self.conn)
    }

    /// Routes (`ip route`).
    pub fn route(&self) -> RouteHandle<'_> {
        RouteHandle::new(&self.conn)
    }

    /// Neighbours, including proxy entries (`ip neigh`).
    pub fn neigh(&self) -> NeighbourHandle<'_> {
        NeighbourHandle::new(&self.conn)
    }

    /// Bridges after creation: options, ports, forwarding database, STP state, VLANs
    /// (`ip link set ... type bridge`, `bridge`, `brctl`).
    pub fn bridge(&self) -> BridgeHandle<'_> {
        BridgeHandle::new(&self.conn)
    }

    /// Namespace ids (`ip netns list-id`).
    pub fn nsid(&self) -> NsidHandle<'_> {
        NsidHandle::new(&self.conn)
    }

    /// Tun and tap devices (`ip tuntap`, `tunctl`).
    pub fn tuntap(&self) -> TunTapHandle<'_> {
        TunTapHandle::new(&self.conn)
    }
}
