//! Neighbours (`ip neigh`): ARP and NDP entries, and proxy entries.

use std::fmt;
use std::net::IpAddr;

use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourFlags, NeighbourMessage,
};
use netlink_packet_route::route::RouteType;
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use crate::error::{Context, Result};
use crate::link::{LinkHandle, LinkRef};
use crate::netlink::Connection;
use crate::uapi::neighbour::{
    NUD_DELAY, NUD_FAILED, NUD_INCOMPLETE, NUD_NOARP, NUD_PERMANENT, NUD_PROBE, NUD_REACHABLE,
    NUD_STALE,
};
use crate::values::{Family, MacAddr};

/// A neighbour entry as `ip neigh show` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour {
    /// The IP address.
    pub address: IpAddr,
    /// Index of the link it is on.
    pub index: u32,
    /// The link-layer address, if resolved.
    pub mac: Option<MacAddr>,
    /// State (`PERMANENT`, `REACHABLE`, `STALE`, ...).
    pub state: NeighbourState,
    /// A proxy entry (`ip neigh add proxy ...`): this host answers ARP/NDP for the
    /// address on that link.
    pub proxy: bool,
    /// The neighbour is a router (`router`, IPv6).
    pub router: bool,
    /// Learned by a control plane outside the kernel (`extern_learn`).
    pub externally_learned: bool,
    /// Who added the entry (`proto`), when someone said.
    pub protocol: Option<crate::values::RouteProtocol>,
}

/// A neighbour entry to write, like the arguments of `ip neigh add|replace|change|del
/// ADDR [lladdr MAC] dev DEV [nud STATE] [router]` (or `proxy ADDR dev DEV`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighbourSpec {
    link: LinkRef,
    address: IpAddr,
    mac: Option<MacAddr>,
    state: NeighbourState,
    proxy: bool,
    router: bool,
}

impl NeighbourSpec {
    /// A permanent entry for `address` on `link` (`nud permanent`, `ip`'s default).
    pub fn new(link: impl Into<LinkRef>, address: IpAddr) -> Self {
        NeighbourSpec {
            link: link.into(),
            address,
            mac: None,
            state: NeighbourState::PERMANENT,
            proxy: false,
            router: false,
        }
    }

    /// A proxy entry: this host answers ARP/NDP for `address` on `link`.
    pub fn proxy(link: impl Into<LinkRef>, address: IpAddr) -> Self {
        NeighbourSpec {
            proxy: true,
            ..NeighbourSpec::new(link, address)
        }
    }

    /// `lladdr MAC`.
    pub fn lladdr(mut self, mac: MacAddr) -> Self {
        self.mac = Some(mac);
        self
    }

    /// `nud STATE`.
    pub fn state(mut self, state: NeighbourState) -> Self {
        self.state = state;
        self
    }

    /// `router`.
    pub fn router(mut self) -> Self {
        self.router = true;
        self
    }

    fn describe(&self) -> String {
        let proxy = if self.proxy { "proxy " } else { "" };
        let mut text = format!("{proxy}neighbour {}", self.address);
        if let Some(mac) = self.mac {
            text += &format!(" lladdr {mac}");
        }
        text + &format!(" on '{}'", self.link)
    }
}

/// The state of a neighbour entry (`NUD_*`): a set of flags, usually one. Its
/// `Display` is what `ip neigh` prints for it: the names of the flags set, in the
/// kernel's order, separated by spaces (`REACHABLE`, `NOARP`, `PERMANENT`); nothing for
/// the empty set (`NUD_NONE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NeighbourState(u16);

impl NeighbourState {
    /// `NONE`: no state (an entry being created).
    pub const NONE: NeighbourState = NeighbourState(0);
    /// `INCOMPLETE`: address resolution under way.
    pub const INCOMPLETE: NeighbourState = NeighbourState(NUD_INCOMPLETE);
    /// `REACHABLE`: confirmed recently.
    pub const REACHABLE: NeighbourState = NeighbourState(NUD_REACHABLE);
    /// `STALE`: valid, but to be confirmed before it is trusted again.
    pub const STALE: NeighbourState = NeighbourState(NUD_STALE);
    /// `DELAY`: waiting for upper-layer confirmation before probing.
    pub const DELAY: NeighbourState = NeighbourState(NUD_DELAY);
    /// `PROBE`: being probed.
    pub const PROBE: NeighbourState = NeighbourState(NUD_PROBE);
    /// `FAILED`: resolution failed.
    pub const FAILED: NeighbourState = NeighbourState(NUD_FAILED);
    /// `NOARP`: valid without resolution (point-to-point, multicast).
    pub const NOARP: NeighbourState = NeighbourState(NUD_NOARP);
    /// `PERMANENT`: set by hand, never expires.
    pub const PERMANENT: NeighbourState = NeighbourState(NUD_PERMANENT);

    /// The flags in the order `ip neigh` prints them.
    const NAMED: [(NeighbourState, &'static str); 8] = [
        (Self::INCOMPLETE, "INCOMPLETE"),
        (Self::REACHABLE, "REACHABLE"),
        (Self::STALE, "STALE"),
        (Self::DELAY, "DELAY"),
        (Self::PROBE, "PROBE"),
        (Self::FAILED, "FAILED"),
        (Self::NOARP, "NOARP"),
        (Self::PERMANENT, "PERMANENT"),
    ];

    /// The raw `ndm_state` bits.
    pub fn bits(self) -> u16 {
        self.0
    }

    /// The state with the raw `ndm_state` bits `bits`.
    pub fn from_bits(bits: u16) -> NeighbourState {
        NeighbourState(bits)
    }

    /// True when every flag of `other` is set in `self`.
    pub fn contains(self, other: NeighbourState) -> bool {
        self.0 & other.0 == other.0
    }

    /// The names of the flags set, in the order `ip neigh` prints them (its `-j`
    /// output's `state` array).
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMED
            .iter()
            .filter(|(flag, _)| self.contains(*flag))
            .map(|(_, name)| *name)
            .collect()
    }
}

impl std::ops::BitOr for NeighbourState {
    type Output = NeighbourState;
    fn bitor(self, other: NeighbourState) -> NeighbourState {
        NeighbourState(self.0 | other.0)
    }
}

impl fmt::Display for NeighbourState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(" "))
    }
}

/// The neighbour calls of a [`crate::Handle`]: `handle.neigh()`.
#[derive(Debug, Clone, Copy)]
pub struct NeighbourHandle<'a> {
    conn: &'a Connection,
}

impl<'a> NeighbourHandle<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        NeighbourHandle { conn }
    }

    /// Adds or replaces a permanent entry, like
    /// `ip neigh replace ADDR lladdr MAC dev DEV nud permanent`.
    pub fn add(&self, link: impl Into<LinkRef>, address: IpAddr, mac: MacAddr) -> Result<()> {
        let link = link.into();
        let mut message = self.message(&link, address, false)?;
        message.header.state = netlink_packet_route::neighbour::NeighbourState::Permanent;
        message
            .attributes
            .push(NeighbourAttribute::LinkLayerAddress(mac.octets().to_vec()));
        self.conn
            .request_ack(
                RouteNetlinkMessage::NewNeighbour(message),
                NLM_F_CREATE | NLM_F_REPLACE,
            )
            .op(|| format!("adding neighbour {address} lladdr {mac} on '{link}'"))
    }

    /// Deletes an entry, like `ip neigh del ADDR dev DEV`.
    pub fn delete(&self, link: impl Into<LinkRef>, address: IpAddr) -> Result<()> {
        let link = link.into();
        let message = self.message(&link, address, false)?;
        self.conn
            .request_ack(RouteNetlinkMessage::DelNeighbour(message), 0)
            .op(|| format!("deleting neighbour {address} on '{link}'"))
    }

    /// Adds a proxy entry, like `ip neigh add proxy ADDR dev DEV` (the modern form of
    /// `arp -Ds ADDR DEV pub`): this host answers ARP (or NDP) requests for `address`
    /// arriving on `link`. Adding an existing entry again is not an error.
    ///
    /// The entry is permanent (`NUD_PERMANENT`, iproute2's default for `add`): the
    /// kernel flushes a device's other proxy entries when its carrier goes down, on 6.1
    /// and 6.18 alike, and a veth whose peer is down loses its carrier through the link
    /// watch up to a second after it came up, so an entry added in that window would
    /// vanish on its own.
    pub fn add_proxy(&self, link: impl Into<LinkRef>, address: IpAddr) -> Result<()> {
        let link = link.into();
        let mut message = self.message(&link, address, true)?;
        message.header.state = netlink_packet_route::neighbour::NeighbourState::Permanent;
        self.conn
            .request_ack(
                RouteNetlinkMessage::NewNeighbour(message),
                NLM_F_CREATE | NLM_F_REPLACE,
            )
            .op(|| format!("adding proxy neighbour {address} on '{link}'"))
    }

    /// Deletes a proxy entry, like `ip neigh del proxy ADDR dev DEV`.
    pub fn delete_proxy(&self, link: impl Into<LinkRef>, address: IpAddr) -> Result<()> {
        let link = link.into();
        let message = self.message(&link, address, true)?;
        self.conn
            .request_ack(RouteNetlinkMessage::DelNeighbour(message), 0)
            .op(|| format!("deleting proxy neighbour {address} on '{link}'"))
    }

    /// Adds an entry that must not exist yet, like `ip neigh add ...`.
    pub fn add_entry(&self, spec: &NeighbourSpec) -> Result<()> {
        self.write(spec, NLM_F_CREATE | NLM_F_EXCL)
            .op(|| format!("adding {}", spec.describe()))
    }

    /// Adds or replaces an entry, like `ip neigh replace ...`.
    pub fn replace_entry(&self, spec: &NeighbourSpec) -> Result<()> {
        self.write(spec, NLM_F_CREATE | NLM_F_REPLACE)
            .op(|| format!("replacing {}", spec.describe()))
    }

    /// Changes an existing entry, like `ip neigh change ...`.
    pub fn change_entry(&self, spec: &NeighbourSpec) -> Result<()> {
        self.write(spec, NLM_F_REPLACE)
            .op(|| format!("changing {}", spec.describe()))
    }

    /// Deletes an entry, like `ip neigh del ...`.
    pub fn delete_entry(&self, spec: &NeighbourSpec) -> Result<()> {
        let message = self.message(&spec.link, spec.address, spec.proxy)?;
        self.conn
            .request_ack(RouteNetlinkMessage::DelNeighbour(message), 0)
            .op(|| format!("deleting {}", spec.describe()))
    }

    fn write(&self, spec: &NeighbourSpec, flags: u16) -> Result<()> {
        let mut message = self.message(&spec.link, spec.address, spec.proxy)?;
        message.header.state = spec.state.0.into();
        if spec.router {
            message.header.flags |= NeighbourFlags::Router;
        }
        if let Some(mac) = spec.mac {
            message
                .attributes
                .push(NeighbourAttribute::LinkLayerAddress(mac.octets().to_vec()));
        }
        self.conn
            .request_ack(RouteNetlinkMessage::NewNeighbour(message), flags)
    }

    /// Lists the neighbour entries of `family` (proxy entries excluded), like
    /// `ip neigh show` (`ip -4`, `ip -6`: one family).
    pub fn list(&self, family: Family) -> Result<Vec<Neighbour>> {
        self.dump(family, false)
    }

    /// Lists the proxy entries of `family`, like `ip neigh show proxy`.
    pub fn list_proxy(&self, family: Family) -> Result<Vec<Neighbour>> {
        self.dump(family, true)
    }

    fn dump(&self, family: Family, proxy: bool) -> Result<Vec<Neighbour>> {
        let mut out = Vec::new();
        for &single in family.each() {
            let mut request = NeighbourMessage::default();
            request.header.family = match single {
                Family::Ipv6 => AddressFamily::Inet6,
                _ => AddressFamily::Inet,
            };
            if proxy {
                request.header.flags = NeighbourFlags::Proxy;
            }
            let replies = self
                .conn
                .dump(RouteNetlinkMessage::GetNeighbour(request))
                .op(|| "listing neighbours".to_string())?;
            out.extend(replies.into_iter().filter_map(|m| match m {
                RouteNetlinkMessage::NewNeighbour(m) => parse(m),
                _ => None,
            }));
        }
        Ok(out.into_iter().filter(|n| n.proxy == proxy).collect())
    }

    fn message(&self, link: &LinkRef, address: IpAddr, proxy: bool) -> Result<NeighbourMessage> {
        let mut message = NeighbourMessage::default();
        message.header.ifindex = LinkHandle::new(self.conn).index(link)?;
        message.header.kind = RouteType::Unicast;
        let (family, nl_address) = match address {
            IpAddr::V4(a) => (AddressFamily::Inet, NeighbourAddress::Inet(a)),
            IpAddr::V6(a) => (AddressFamily::Inet6, NeighbourAddress::Inet6(a)),
        };
        message.header.family = family;
        if proxy {
            message.header.flags = NeighbourFlags::Proxy;
        }
        message
            .attributes
            .push(NeighbourAttribute::Destination(nl_address));
        Ok(message)
    }
}

pub(crate) fn parse(message: NeighbourMessage) -> Option<Neighbour> {
    let mut address = None;
    let mut mac = None;
    let mut protocol = None;
    for attribute in message.attributes {
        match attribute {
            NeighbourAttribute::Destination(NeighbourAddress::Inet(a)) => {
                address = Some(IpAddr::V4(a))
            }
            NeighbourAttribute::Destination(NeighbourAddress::Inet6(a)) => {
                address = Some(IpAddr::V6(a))
            }
            NeighbourAttribute::LinkLayerAddress(bytes) => mac = MacAddr::from_slice(&bytes),
            NeighbourAttribute::Protocol(p) => {
                protocol = Some(crate::values::RouteProtocol(p.into()))
            }
            _ => {}
        }
    }
    let flags = message.header.flags;
    Some(Neighbour {
        address: address?,
        index: message.header.ifindex,
        mac,
        state: NeighbourState(message.header.state.into()),
        proxy: flags.contains(NeighbourFlags::Proxy),
        router: flags.contains(NeighbourFlags::Router),
        externally_learned: flags.contains(NeighbourFlags::ExtLearned),
        protocol,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_print_as_ip_neigh_prints_them() {
        assert_eq!(NeighbourState::PERMANENT.to_string(), "PERMANENT");
        assert_eq!(NeighbourState::NONE.to_string(), "");
        // Several flags: in the kernel's bit order, whatever order they were set in.
        let both = NeighbourState::PERMANENT | NeighbourState::NOARP;
        assert_eq!(both.to_string(), "NOARP PERMANENT");
        assert_eq!(both.names(), ["NOARP", "PERMANENT"]);
        assert!(both.contains(NeighbourState::NOARP));
        assert_eq!(NeighbourState::from_bits(0x02), NeighbourState::REACHABLE);
        // Bits without a name are not printed, as ip leaves them out.
        assert_eq!(NeighbourState::from_bits(0x100 | 0x04).to_string(), "STALE");
    }
}
