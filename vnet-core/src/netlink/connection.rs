//! [`Connection`]: a netlink socket of one protocol, opened inside one network namespace,
//! shared by the threads that use it.
//!
//! Both entry points of the library stand on it: [`crate::Handle`] (rtnetlink) and
//! [`crate::Netfilter`] (nfnetlink). The object modules (links, addresses, NAT, ...)
//! borrow a `Connection`, never the entry point that owns it.

use std::sync::{Mutex, MutexGuard};

use netlink_packet_core::{NetlinkDeserializable, NetlinkSerializable};

use super::NetlinkSocket;
use crate::error::{Error, Result};
use crate::netns::Netns;

/// A netlink socket of one protocol in one network namespace, with the namespace it
/// acts in.
///
/// The socket was opened inside that namespace (by a short-lived thread that entered
/// it, see [`Netns::run`]), so every request acts there, whichever thread makes it.
/// Requests from several threads are serialized by a lock.
#[derive(Debug)]
pub(crate) struct Connection {
    socket: Mutex<NetlinkSocket>,
    netns: Netns,
}

impl Connection {
    /// Opens a connection of `protocol` in `netns`, from any thread.
    pub(crate) fn open(netns: &Netns, protocol: isize) -> Result<Connection> {
        let socket = netns.run(|| NetlinkSocket::open(protocol))??;
        Ok(Connection::new(socket, netns.clone()))
    }

    /// Opens one connection of `protocol` in each of `namespaces`, all sockets opened by
    /// one short-lived thread that enters each in turn.
    pub(crate) fn open_each(namespaces: &[Netns], protocol: isize) -> Result<Vec<Connection>> {
        let sockets = Netns::run_each(namespaces, |_| NetlinkSocket::open(protocol))?;
        sockets
            .into_iter()
            .zip(namespaces)
            .map(|(socket, netns)| Ok(Connection::new(socket?, netns.clone())))
            .collect()
    }

    fn new(socket: NetlinkSocket, netns: Netns) -> Connection {
        Connection {
            socket: Mutex::new(socket),
            netns,
        }
    }

    /// The namespace this connection acts in.
    pub(crate) fn netns(&self) -> &Netns {
        &self.netns
    }

    /// Sends one request and waits for its ACK ([`NetlinkSocket::request_ack`]).
    pub(crate) fn request_ack<I>(&self, message: I, flags: u16) -> Result<()>
    where
        I: NetlinkSerializable + NetlinkDeserializable,
    {
        self.socket().request_ack(message, flags)
    }

    /// Sends one request and returns its reply messages ([`NetlinkSocket::request`]).
    pub(crate) fn request<I>(&self, message: I, flags: u16) -> Result<Vec<I>>
    where
        I: NetlinkSerializable + NetlinkDeserializable,
    {
        self.socket().request(message, flags)
    }

    /// Sends several requests (one datagram per 64) and returns each one's outcome
    /// (`None` for success) and every reply message, in order
    /// ([`NetlinkSocket::batch_outcomes`]).
    pub(crate) fn batch_outcomes<I>(
        &self,
        messages: Vec<I>,
        flags: u16,
    ) -> Result<(Vec<Option<Error>>, Vec<I>)>
    where
        I: NetlinkSerializable + NetlinkDeserializable,
    {
        self.socket().batch_outcomes(messages, flags)
    }

    /// Dumps a table ([`NetlinkSocket::dump`]).
    pub(crate) fn dump<I>(&self, message: I) -> Result<Vec<I>>
    where
        I: NetlinkSerializable + NetlinkDeserializable + Clone,
    {
        self.socket().dump(message)
    }

    /// How many dumps on this connection the kernel interrupted and were restarted
    /// ([`NetlinkSocket::dump_restarts`]). Waits for a request in progress.
    pub(crate) fn dump_restarts(&self) -> u64 {
        self.socket().dump_restarts()
    }

    /// The socket, for exchanges of one protocol only (nf_tables transactions).
    ///
    /// A panic while the lock was held cannot leave the socket half-used: every
    /// exchange reads its answers to the end or fails, and stale answers are skipped by
    /// sequence number. So a lock poisoned by a panic elsewhere is taken over.
    pub(crate) fn socket(&self) -> MutexGuard<'_, NetlinkSocket> {
        self.socket
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
