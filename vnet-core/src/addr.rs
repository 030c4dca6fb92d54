//! Addresses (`ip address`), IPv4 and IPv6.

use std::ffi::OsString;
use std::net::IpAddr;
use std::os::unix::ffi::OsStringExt;

use ipnetwork::IpNetwork;
use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use crate::error::{Context, Error, Result};
use crate::link::{LinkHandle, LinkRef};
use crate::netlink::Connection;
use crate::netlink::names;
use crate::uapi::if_addr::IFA_LABEL;
use crate::values::Scope;

/// An address on a link, as `ip address show` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Index of the link that holds it.
    pub index: u32,
    /// The address and prefix length (`10.0.0.1/24`).
    pub network: IpNetwork,
    /// The peer of a point-to-point address (`peer ADDR`), when it differs from the
    /// address itself.
    pub peer: Option<IpAddr>,
    /// The broadcast address (`brd`, IPv4).
    pub broadcast: Option<IpAddr>,
    /// The anycast address (`any`, IPv6).
    pub anycast: Option<IpAddr>,
    /// The label (IPv4 only; `eth0:1`-style aliases), its bytes as the kernel has
    /// them (a label starts with the device's name, which need not be UTF-8).
    pub label: Option<OsString>,
    /// Scope (`global`, `link`, `host`, ...).
    pub scope: Scope,
    /// Flags (`IFA_F_*`: `secondary`, `nodad`, `tentative`, `permanent`, ...).
    pub flags: AddressFlags,
    /// The metric of the prefix route (`metric N`).
    pub metric: Option<u32>,
    /// Seconds the address stays valid; `None` for forever.
    pub valid_lifetime: Option<u32>,
    /// Seconds the address stays preferred; `None` for forever.
    pub preferred_lifetime: Option<u32>,
}

/// The flags of an address (`IFA_F_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AddressFlags(pub u32);

impl AddressFlags {
    /// `IFA_F_SECONDARY` (for IPv6: `IFA_F_TEMPORARY`).
    pub const SECONDARY: AddressFlags = AddressFlags(0x01);
    /// `IFA_F_NODAD`: no duplicate address detection.
    pub const NODAD: AddressFlags = AddressFlags(0x02);
    /// `IFA_F_TENTATIVE`: duplicate address detection is under way.
    pub const TENTATIVE: AddressFlags = AddressFlags(0x40);
    /// `IFA_F_HOMEADDRESS`: a Mobile IPv6 home address (`home`).
    pub const HOME: AddressFlags = AddressFlags(0x10);
    /// `IFA_F_MANAGETEMPADDR`: make temporary addresses from this prefix (`mngtmpaddr`).
    pub const MANAGETEMPADDR: AddressFlags = AddressFlags(0x100);
    /// `IFA_F_NOPREFIXROUTE`: no prefix route (`noprefixroute`).
    pub const NOPREFIXROUTE: AddressFlags = AddressFlags(0x200);
    /// `IFA_F_MCAUTOJOIN`: join the multicast group (`autojoin`).
    pub const MCAUTOJOIN: AddressFlags = AddressFlags(0x400);
    /// `IFA_F_OPTIMISTIC`: optimistic duplicate address detection (`optimistic`).
    pub const OPTIMISTIC: AddressFlags = AddressFlags(0x04);
    /// `IFA_F_PERMANENT`: added by hand, not by autoconfiguration.
    pub const PERMANENT: AddressFlags = AddressFlags(0x80);

    /// `ip address`'s names, in its order (`secondary` through `stable-privacy`).
    const NAMED: [(u32, &'static str); 12] = [
        (0x01, "secondary"),
        (0x02, "nodad"),
        (0x04, "optimistic"),
        (0x08, "dadfailed"),
        (0x10, "home"),
        (0x20, "deprecated"),
        (0x40, "tentative"),
        (0x80, "permanent"),
        (0x100, "mngtmpaddr"),
        (0x200, "noprefixroute"),
        (0x400, "autojoin"),
        (0x800, "stable-privacy"),
    ];

    /// True when every flag of `other` is set.
    pub fn contains(self, other: AddressFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl Address {
    /// The words `ip address show` prints for the flags, in its order: `dynamic` for an
    /// address without `permanent`, `secondary` (`temporary` for IPv6), the others by
    /// name, and any bits without a name as `flags XX`.
    pub fn flag_words(&self) -> Vec<String> {
        let mut rest = self.flags.0;
        let mut out = Vec::new();
        for (bit, name) in AddressFlags::NAMED {
            if bit == AddressFlags::PERMANENT.0 {
                if rest & bit == 0 {
                    out.push("dynamic".to_string());
                }
            } else if rest & bit != 0 {
                if bit == AddressFlags::SECONDARY.0 && self.network.is_ipv6() {
                    out.push("temporary".to_string());
                } else {
                    out.push(name.to_string());
                }
            }
            rest &= !bit;
        }
        if rest != 0 {
            out.push(format!("flags {rest:02x}"));
        }
        out
    }
}

/// An address to write with its options, like the arguments of `ip address add ADDR/PLEN
/// [peer PEER] [brd ADDR|+|-] [label L] [scope S] [metric N] [nodad] [noprefixroute]
/// dev DEV`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressSpec {
    network: IpNetwork,
    peer: Option<IpNetwork>,
    broadcast: Option<Broadcast>,
    label: Option<String>,
    scope: Option<Scope>,
    flags: AddressFlags,
    metric: Option<u32>,
}

/// The broadcast address of an [`AddressSpec`] (`brd`, IPv4 only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Broadcast {
    /// This address.
    Address(std::net::Ipv4Addr),
    /// The prefix with every host bit set (`brd +`).
    AllOnes,
    /// The prefix with every host bit clear (`brd -`).
    AllZeros,
}

impl AddressSpec {
    /// `ADDR/PLEN`, with the scope `ip` gives by default (`host` for 127.0.0.0/8,
    /// `global` otherwise).
    pub fn new(network: IpNetwork) -> Self {
        AddressSpec {
            network,
            peer: None,
            broadcast: None,
            label: None,
            scope: None,
            flags: AddressFlags(0),
            metric: None,
        }
    }

    /// `peer PEER`: the other end of a point-to-point link.
    pub fn peer(mut self, peer: IpNetwork) -> Self {
        self.peer = Some(peer);
        self
    }

    /// `brd ...`.
    pub fn broadcast(mut self, broadcast: Broadcast) -> Self {
        self.broadcast = Some(broadcast);
        self
    }

    /// `label L` (IPv4).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// `scope S`.
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }

    /// Adds flags (`nodad`, `noprefixroute`, `home`, `mngtmpaddr`, `autojoin`: see
    /// [`AddressFlags`]).
    pub fn flags(mut self, flags: AddressFlags) -> Self {
        self.flags = AddressFlags(self.flags.0 | flags.0);
        self
    }

    /// `metric N`: the metric of the prefix route.
    pub fn metric(mut self, metric: u32) -> Self {
        self.metric = Some(metric);
        self
    }

    /// The scope the address gets: the given one, or `ip`'s default.
    fn effective_scope(&self) -> Scope {
        self.scope.unwrap_or(match self.network.ip() {
            IpAddr::V4(a) if a.octets()[0] == 127 => Scope::Host,
            _ => Scope::Global,
        })
    }
}

/// How [`AddressHandle::write`] writes an address: the verbs of `ip address`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressWrite {
    /// `add`: fails with `EEXIST` if the link has the address.
    Add,
    /// `replace`: adds it, or updates the existing one.
    Replace,
    /// `change`: updates an existing address; fails if there is none.
    Change,
}

/// The address calls of a [`crate::Handle`]: `handle.addr()`.
#[derive(Debug, Clone, Copy)]
pub struct AddressHandle<'a> {
    conn: &'a Connection,
}

impl<'a> AddressHandle<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        AddressHandle { conn }
    }

    fn links(&self) -> LinkHandle<'a> {
        LinkHandle::new(self.conn)
    }

    /// Adds an address, like `ip address add 10.0.0.1/24 dev DEV`. The kernel adds the
    /// prefix route with it. Fails with `EEXIST` if the link has it already.
    pub fn add(&self, link: impl Into<LinkRef>, network: IpNetwork) -> Result<()> {
        let link = link.into();
        let message = self.message(&link, network)?;
        self.conn
            .request_ack(
                RouteNetlinkMessage::NewAddress(message),
                NLM_F_CREATE | NLM_F_EXCL,
            )
            .op(|| format!("adding address {network} to '{link}'"))
    }

    /// Writes an address with its options, the way `how` says (`ip address
    /// add|replace|change ... dev DEV`).
    pub fn write(
        &self,
        link: impl Into<LinkRef>,
        spec: &AddressSpec,
        how: AddressWrite,
    ) -> Result<()> {
        let link = link.into();
        let network = spec.network;
        if let Some(b) = spec.broadcast
            && network.is_ipv6()
        {
            return Err(Error::invalid(
                "broadcast",
                format!("{b:?}"),
                "only IPv4 addresses have a broadcast address",
            ));
        }
        let mut message = self.message(&link, network)?;
        if let Some(peer) = spec.peer {
            message
                .attributes
                .retain(|a| !matches!(a, AddressAttribute::Address(_)));
            message
                .attributes
                .push(AddressAttribute::Address(peer.ip()));
            message.header.prefix_len = peer.prefix();
        }
        let brd = match (spec.broadcast, network) {
            (Some(Broadcast::Address(a)), _) => Some(a),
            (Some(b), IpNetwork::V4(n)) if n.prefix() <= 30 => {
                // What `ip` computes: the peer's (or the address's) prefix with every
                // host bit set (`+`) or clear (`-`).
                let base = match spec.peer {
                    Some(IpNetwork::V4(p)) => p,
                    _ => n,
                };
                let host_bits = u32::MAX.checked_shr(u32::from(base.prefix())).unwrap_or(0);
                let ip = u32::from(base.ip());
                Some(std::net::Ipv4Addr::from(match b {
                    Broadcast::AllOnes => ip | host_bits,
                    _ => ip & !host_bits,
                }))
            }
            _ => None,
        };
        if let Some(b) = brd {
            message.attributes.push(AddressAttribute::Broadcast(b));
        }
        if let Some(label) = &spec.label {
            message
                .attributes
                .push(AddressAttribute::Label(label.clone()));
        }
        if let Some(metric) = spec.metric {
            message
                .attributes
                .push(AddressAttribute::RoutePriority(metric));
        }
        message.header.scope = spec.effective_scope().number().into();
        if spec.flags.0 != 0 {
            if spec.flags.0 <= 0xff {
                message.header.flags =
                    netlink_packet_route::address::AddressHeaderFlags::from_bits_retain(
                        spec.flags.0 as u8,
                    );
            } else {
                message.attributes.push(AddressAttribute::Flags(
                    netlink_packet_route::address::AddressFlags::from_bits_retain(spec.flags.0),
                ));
            }
        }
        let (flags, verb) = match how {
            AddressWrite::Add => (NLM_F_CREATE | NLM_F_EXCL, "adding"),
            AddressWrite::Replace => (NLM_F_CREATE | NLM_F_REPLACE, "replacing"),
            AddressWrite::Change => (NLM_F_REPLACE, "changing"),
        };
        self.conn
            .request_ack(RouteNetlinkMessage::NewAddress(message), flags)
            .op(|| format!("{verb} address {network} on '{link}'"))
    }

    /// Adds an address unless the link has it already (idempotent `add`).
    pub fn ensure(&self, link: impl Into<LinkRef>, network: IpNetwork) -> Result<()> {
        match self.add(link, network) {
            Err(e) if e.errno() == libc::EEXIST => Ok(()),
            other => other,
        }
    }

    /// Deletes an address, like `ip address del 10.0.0.1/24 dev DEV`.
    pub fn delete(&self, link: impl Into<LinkRef>, network: IpNetwork) -> Result<()> {
        let link = link.into();
        let message = self.message(&link, network)?;
        self.conn
            .request_ack(RouteNetlinkMessage::DelAddress(message), 0)
            .op(|| format!("deleting address {network} from '{link}'"))
    }

    /// Deletes exactly an address [`AddressHandle::list`] returned, peer included (a
    /// point-to-point address is known to the kernel by its peer too).
    pub fn delete_entry(&self, address: &Address) -> Result<()> {
        let link = LinkRef::Index(address.index);
        let mut message = self.message(&link, address.network)?;
        if let Some(peer) = address.peer {
            message
                .attributes
                .retain(|a| !matches!(a, AddressAttribute::Address(_)));
            message.attributes.push(AddressAttribute::Address(peer));
        }
        self.conn
            .request_ack(RouteNetlinkMessage::DelAddress(message), 0)
            .op(|| format!("deleting address {} from '{link}'", address.network))
    }

    /// Lists addresses, of one link or of all, like `ip address show [dev DEV]`.
    pub fn list(&self, link: Option<LinkRef>) -> Result<Vec<Address>> {
        let index = match &link {
            Some(link) => Some(self.links().index(link)?),
            None => None,
        };
        let mut request = AddressMessage::default();
        if let Some(index) = index {
            // With strict checking on, the kernel filters the dump by index itself.
            request.header.index = index;
        }
        let replies = self
            .conn
            .dump(RouteNetlinkMessage::GetAddress(request))
            .op(|| "listing addresses".to_string())?;
        Ok(replies
            .into_iter()
            .filter_map(|m| match m {
                RouteNetlinkMessage::NewAddress(m) => parse(m),
                _ => None,
            })
            .filter(|a| index.is_none_or(|i| a.index == i))
            .collect())
    }

    /// Deletes every address of a link, like `ip address flush dev DEV`.
    pub fn flush(&self, link: impl Into<LinkRef>) -> Result<()> {
        let link = link.into();
        let index = self.links().index(&link)?;
        // Secondary IPv4 addresses go away with their primary; deleting what is already
        // gone is not an error here.
        for address in self.list(Some(LinkRef::Index(index)))? {
            match self.delete_entry(&address) {
                Err(e) if e.errno() == libc::EADDRNOTAVAIL => {}
                other => other.op(|| format!("flushing addresses of '{link}'"))?,
            }
        }
        Ok(())
    }

    fn message(&self, link: &LinkRef, network: IpNetwork) -> Result<AddressMessage> {
        let mut message = AddressMessage::default();
        message.header.index = self.links().index(link)?;
        message.header.prefix_len = network.prefix();
        message.header.family = match network {
            IpNetwork::V4(_) => AddressFamily::Inet,
            IpNetwork::V6(_) => AddressFamily::Inet6,
        };
        let ip = network.ip();
        message.attributes.push(AddressAttribute::Local(ip));
        message.attributes.push(AddressAttribute::Address(ip));
        Ok(message)
    }
}

fn parse(message: AddressMessage) -> Option<Address> {
    let mut address: Option<IpAddr> = None;
    let mut local: Option<IpAddr> = None;
    let mut label = None;
    let mut broadcast = None;
    let mut anycast = None;
    let mut flags = None;
    let mut metric = None;
    let mut lifetimes = (None, None);
    for attribute in message.attributes {
        match attribute {
            AddressAttribute::Address(a) => address = Some(a),
            AddressAttribute::Local(a) => local = Some(a),
            AddressAttribute::Label(l) => label = Some(OsString::from(l)),
            // A label that is not UTF-8 (see `netlink::names`).
            AddressAttribute::Other(nla) => {
                if let Some(bytes) = names::raw_name(&nla, IFA_LABEL) {
                    label = Some(OsString::from_vec(bytes));
                }
            }
            AddressAttribute::Broadcast(a) => broadcast = Some(IpAddr::V4(a)),
            AddressAttribute::Anycast(a) => anycast = Some(IpAddr::V6(a)),
            AddressAttribute::Flags(f) => flags = Some(f.bits()),
            AddressAttribute::RoutePriority(m) => metric = Some(m),
            AddressAttribute::CacheInfo(c) => {
                let finite = |s: u32| (s != u32::MAX).then_some(s);
                lifetimes = (finite(c.ifa_valid), finite(c.ifa_preferred));
            }
            _ => {}
        }
    }
    // For IPv4, IFA_LOCAL is the interface's own address and IFA_ADDRESS the peer on
    // point-to-point links; for IPv6 only IFA_ADDRESS is sent.
    let ip = local.or(address)?;
    let peer = address.filter(|a| *a != ip);
    let network = IpNetwork::new(ip, message.header.prefix_len).ok()?;
    let scope = Scope::from_number(message.header.scope.into());
    // IFA_FLAGS carries all 32 bits; the header's byte only the low 8.
    let flags = AddressFlags(flags.unwrap_or(u32::from(message.header.flags.bits())));
    Some(Address {
        index: message.header.index,
        network,
        peer,
        broadcast,
        anycast,
        label,
        scope,
        flags,
        metric,
        valid_lifetime: lifetimes.0,
        preferred_lifetime: lifetimes.1,
    })
}
