//! Netfilter over nfnetlink: [`Netfilter`], the entry point to one network namespace's
//! nf_tables NAT ([`nat`]) and connection tracking ([`conntrack`]).

pub mod conntrack;
pub mod container;
pub mod nat;

use crate::error::Result;
use crate::netlink::{Connection, NETLINK_NETFILTER};
use crate::netns::Netns;

use conntrack::ConntrackHandle;
use container::ContainerNatHandle;
use nat::NatHandle;

/// A connection to the netfilter subsystems (`NETLINK_NETFILTER`) of one network
/// namespace: nf_tables for NAT ([`Netfilter::nat`]) and ctnetlink for connection
/// tracking ([`Netfilter::conntrack`]).
///
/// Its socket was opened inside that namespace, so every request acts there, from any
/// thread. Like [`crate::Handle`], it is `Send` and `Sync`; requests are serialized.
#[derive(Debug)]
pub struct Netfilter {
    conn: Connection,
}

impl Netfilter {
    /// Opens a connection in `netns`, from any thread.
    pub fn new(netns: &Netns) -> Result<Netfilter> {
        Ok(Netfilter {
            conn: Connection::open(netns, NETLINK_NETFILTER)?,
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
        self.conn.netns()
    }

    /// How many dumps (rule and conntrack listings) the kernel interrupted with
    /// `NLM_F_DUMP_INTR` and this connection restarted, since it was opened (see
    /// [`crate::Handle::dump_restarts`]).
    pub fn dump_restarts(&self) -> u64 {
        self.conn.dump_restarts()
    }

    /// NAT rules vnet keeps in its own nf_tables table (`nft ... table ip vnet`).
    pub fn nat(&self) -> NatHandle<'_> {
        NatHandle::new(&self.conn, nat::TABLE)
    }

    /// NAT rules kept in the nf_tables table `ip TABLE` instead of vnet's own, so that
    /// one owner (a lab) can hold its rules apart and remove them all with
    /// [`NatHandle::delete_table`]. `table` must be 1 to 255 bytes without a NUL (the
    /// kernel's `NFT_TABLE_MAXNAMELEN` of 256 counts the NUL).
    pub fn nat_table<'a>(&'a self, table: &'a str) -> Result<NatHandle<'a>> {
        if table.is_empty() || table.len() > 255 || table.contains('\0') {
            return Err(crate::error::Error::invalid(
                "nf_tables table name",
                table,
                "must be 1 to 255 bytes without a NUL",
            ));
        }
        Ok(NatHandle::new(&self.conn, table))
    }

    /// NAT of container attachments, one nf_tables table each: a CNI plugin's
    /// masquerade and port mappings.
    pub fn container_nat(&self) -> ContainerNatHandle<'_> {
        ContainerNatHandle::new(&self.conn)
    }

    /// Connection tracking entries (`conntrack -L`, `conntrack -D`, `conntrack -F`).
    pub fn conntrack(&self) -> ConntrackHandle<'_> {
        ConntrackHandle::new(&self.conn)
    }
}
