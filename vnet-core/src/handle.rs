//! [`Handle`]: the entry point to one network namespace's rtnetlink.

use std::sync::Mutex;

use netlink_packet_route::RouteNetlinkMessage;

use crate::addr::AddressHandle;
use crate::error::{Error, Result};
use crate::link::LinkHandle;
use crate::neigh::NeighbourHandle;
use crate::netlink::{NETLINK_ROUTE, NetlinkSocket};
use crate::netns::Netns;
use crate::route::RouteHandle;
use crate::tuntap::TunTapHandle;

/// A connection to the rtnetlink of one network namespace.
///
/// Its socket was opened inside that namespace, so every request acts there, whichever
/// thread makes it; the caller's thread never moves. Sub-handles group the calls the way
/// `ip` groups its objects: [`Handle::link`], [`Handle::addr`], [`Handle::route`],
/// [`Handle::neigh`].
///
/// A `Handle` is `Send` and `Sync`; requests from several threads are serialized.
#[derive(Debug)]
pub struct Handle {
    socket: Mutex<NetlinkSocket>,
    netns: Netns,
}

impl Handle {
    /// Opens a handle on the calling thread's network namespace.
    pub fn current() -> Result<Handle> {
        let netns = Netns::current()?;
        let socket = NetlinkSocket::open(NETLINK_ROUTE)?;
        Ok(Handle {
            socket: Mutex::new(socket),
            netns,
        })
    }

    /// Opens a handle on `netns`, from any thread.
    pub fn new(netns: &Netns) -> Result<Handle> {
        let socket = netns.run(|| NetlinkSocket::open(NETLINK_ROUTE))??;
        Ok(Handle {
            socket: Mutex::new(socket),
            netns: netns.clone(),
        })
    }

    /// Opens handles on several namespaces, all sockets opened by one short-lived thread
    /// that enters each in turn (cheaper than one [`Handle::new`] each, for a lab).
    pub fn new_many(netns: &[Netns]) -> Result<Vec<Handle>> {
        let sockets = std::thread::scope(|s| {
            s.spawn(|| -> Result<Vec<NetlinkSocket>> {
                netns
                    .iter()
                    .map(|ns| {
                        nix::sched::setns(ns, nix::sched::CloneFlags::CLONE_NEWNET)
                            .map_err(|e| Error::sys(format!("entering {}", ns.describe()), e))?;
                        NetlinkSocket::open(NETLINK_ROUTE)
                    })
                    .collect()
            })
            .join()
            .expect("socket opening thread panicked")
        })?;
        Ok(sockets
            .into_iter()
            .zip(netns)
            .map(|(socket, ns)| Handle {
                socket: Mutex::new(socket),
                netns: ns.clone(),
            })
            .collect())
    }

    /// Opens a handle on the named network namespace `name` (`/run/netns/NAME`).
    pub fn open(name: &str) -> Result<Handle> {
        Handle::new(&Netns::open(name)?)
    }

    /// The namespace this handle acts in.
    pub fn netns(&self) -> &Netns {
        &self.netns
    }

    /// Links (`ip link`).
    pub fn link(&self) -> LinkHandle<'_> {
        LinkHandle::new(self)
    }

    /// Addresses (`ip address`).
    pub fn addr(&self) -> AddressHandle<'_> {
        AddressHandle::new(self)
    }

    /// Routes (`ip route`).
    pub fn route(&self) -> RouteHandle<'_> {
        RouteHandle::new(self)
    }

    /// Neighbours, including proxy entries (`ip neigh`).
    pub fn neigh(&self) -> NeighbourHandle<'_> {
        NeighbourHandle::new(self)
    }

    /// Tun and tap devices (`ip tuntap`).
    pub fn tuntap(&self) -> TunTapHandle<'_> {
        TunTapHandle::new(self)
    }

    /// Sends one request and waits for its ACK.
    pub(crate) fn request_ack(&self, message: RouteNetlinkMessage, flags: u16) -> Result<()> {
        self.socket().request_ack(message, flags)
    }

    /// Sends one request and returns its reply messages.
    pub(crate) fn request(
        &self,
        message: RouteNetlinkMessage,
        flags: u16,
    ) -> Result<Vec<RouteNetlinkMessage>> {
        self.socket().request(message, flags)
    }

    /// Sends several requests in one datagram and returns each one's outcome (`None`
    /// for success).
    pub(crate) fn batch_outcomes(
        &self,
        messages: Vec<RouteNetlinkMessage>,
        flags: u16,
    ) -> Result<Vec<Option<crate::Error>>> {
        self.batch_replies(messages, flags)
            .map(|(outcomes, _)| outcomes)
    }

    /// Sends several requests in one datagram (per 64) and returns each one's outcome
    /// (`None` for success) and every reply message, in order.
    pub(crate) fn batch_replies(
        &self,
        messages: Vec<RouteNetlinkMessage>,
        flags: u16,
    ) -> Result<(Vec<Option<crate::Error>>, Vec<RouteNetlinkMessage>)> {
        self.socket().batch_outcomes(messages, flags)
    }

    /// Dumps a table.
    pub(crate) fn dump(&self, message: RouteNetlinkMessage) -> Result<Vec<RouteNetlinkMessage>> {
        self.socket().dump(message)
    }

    fn socket(&self) -> std::sync::MutexGuard<'_, NetlinkSocket> {
        // A panic while holding the lock cannot leave the socket half-used: every
        // exchange reads its answers to the end or fails, and stale answers are skipped
        // by sequence number. So a poisoned lock is safe to take over.
        self.socket
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
