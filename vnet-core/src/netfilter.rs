//! [`Netfilter`]: the entry point to one network namespace's nfnetlink (nf_tables NAT
//! and conntrack).

use std::sync::Mutex;

use netlink_packet_netfilter::NetfilterMessage;

use crate::conntrack::ConntrackHandle;
use crate::error::Result;
use crate::nat::NatHandle;
use crate::netlink::raw::RawMessage;
use crate::netlink::{NETLINK_NETFILTER, NetlinkSocket};
use crate::netns::Netns;

/// A connection to the netfilter subsystems (`NETLINK_NETFILTER`) of one network
/// namespace: nf_tables for NAT ([`Netfilter::nat`]) and ctnetlink for connection
/// tracking ([`Netfilter::conntrack`]).
///
/// Its socket was opened inside that namespace, so every request acts there, from any
/// thread. Like [`crate::Handle`], it is `Send` and `Sync`; requests are serialized.
#[derive(Debug)]
pub struct Netfilter {
    socket: Mutex<NetlinkSocket>,
    netns: Netns,
}

impl Netfilter {
    /// Opens a connection in `netns`, from any thread.
    pub fn new(netns: &Netns) -> Result<Netfilter> {
        let socket = netns.run(|| NetlinkSocket::open(NETLINK_NETFILTER))??;
        Ok(Netfilter {
            socket: Mutex::new(socket),
            netns: netns.clone(),
        })
    }

    /// Opens a connection in the calling thread's network namespace.
    pub fn current() -> Result<Netfilter> {
        Netfilter::new(&Netns::current()?)
    }

    /// Opens a connection in the named network namespace `name` (`/run/netns/NAME`).
    pub fn open(name: &str) -> Result<Netfilter> {
        Netfilter::new(&Netns::open(name)?)
    }

    /// The namespace this connection acts in.
    pub fn netns(&self) -> &Netns {
        &self.netns
    }

    /// NAT rules vnet keeps in its own nf_tables table (`nft ... table ip vnet`).
    pub fn nat(&self) -> NatHandle<'_> {
        NatHandle::new(self)
    }

    /// Connection tracking entries (`conntrack -L`, `conntrack -D`, `conntrack -F`).
    pub fn conntrack(&self) -> ConntrackHandle<'_> {
        ConntrackHandle::new(self)
    }

    /// Sends an nf_tables transaction, to be applied only if the ruleset is still at
    /// `generation` (when given), and waits for the kernel's verdict.
    pub(crate) fn transaction_at(
        &self,
        generation: Option<u32>,
        messages: Vec<NetfilterMessage>,
        flags: u16,
    ) -> Result<()> {
        self.socket()
            .nfnl_transaction_at(generation, messages, flags)
    }

    /// The current nf_tables ruleset generation.
    pub(crate) fn generation(&self) -> Result<u32> {
        self.socket().nft_generation()
    }

    /// Sends one request and waits for its ACK.
    pub(crate) fn request_ack(&self, message: NetfilterMessage, flags: u16) -> Result<()> {
        self.socket().request_ack(message, flags)
    }

    /// Dumps a table.
    pub(crate) fn dump(&self, message: NetfilterMessage) -> Result<Vec<NetfilterMessage>> {
        self.socket().dump(message)
    }

    /// Dumps a table, keeping the answers raw (for callers that decode them
    /// themselves).
    pub(crate) fn dump_raw(&self, message: RawMessage) -> Result<Vec<RawMessage>> {
        self.socket().dump(message)
    }

    fn socket(&self) -> std::sync::MutexGuard<'_, NetlinkSocket> {
        // As in Handle: every exchange reads its answers to the end or fails, so a lock
        // poisoned by a panic elsewhere leaves a usable socket.
        self.socket
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
