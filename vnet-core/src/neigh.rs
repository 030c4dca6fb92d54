//! Neighbours (`ip neigh`): ARP and NDP entries, and proxy entries.

use std::net::IpAddr;

use netlink_packet_core::{NLM_F_CREATE, NLM_F_REPLACE};
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourFlags, NeighbourMessage, NeighbourState,
};
use netlink_packet_route::route::RouteType;
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use crate::error::{Context, Result};
use crate::handle::Handle;
use crate::link::LinkRef;
use crate::values::MacAddr;

/// A neighbour entry as `ip neigh show` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour {
    /// The IP address.
    pub address: IpAddr,
    /// Index of the link it is on.
    pub index: u32,
    /// The link-layer address, if resolved.
    pub mac: Option<MacAddr>,
    /// State ("permanent", "reachable", "stale", ...).
    pub state: String,
    /// A proxy entry (`ip neigh add proxy ...`): this host answers ARP/NDP for the
    /// address on that link.
    pub proxy: bool,
}

/// The neighbour calls of a [`Handle`]: `handle.neigh()`.
#[derive(Debug, Clone, Copy)]
pub struct NeighbourHandle<'a> {
    handle: &'a Handle,
}

impl<'a> NeighbourHandle<'a> {
    pub(crate) fn new(handle: &'a Handle) -> Self {
        NeighbourHandle { handle }
    }

    /// Adds or replaces a permanent entry, like
    /// `ip neigh replace ADDR lladdr MAC dev DEV nud permanent`.
    pub fn add(&self, link: impl Into<LinkRef>, address: IpAddr, mac: MacAddr) -> Result<()> {
        let link = link.into();
        let mut message = self.message(&link, address, false)?;
        message.header.state = NeighbourState::Permanent;
        message
            .attributes
            .push(NeighbourAttribute::LinkLayerAddress(mac.octets().to_vec()));
        self.handle
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
        self.handle
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
        message.header.state = NeighbourState::Permanent;
        self.handle
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
        self.handle
            .request_ack(RouteNetlinkMessage::DelNeighbour(message), 0)
            .op(|| format!("deleting proxy neighbour {address} on '{link}'"))
    }

    /// Lists entries of both families, like `ip neigh show` (`proxy`: `ip neigh show
    /// proxy`).
    pub fn list(&self, proxy: bool) -> Result<Vec<Neighbour>> {
        let mut out = Vec::new();
        for family in [AddressFamily::Inet, AddressFamily::Inet6] {
            let mut request = NeighbourMessage::default();
            request.header.family = family;
            if proxy {
                request.header.flags = NeighbourFlags::Proxy;
            }
            let replies = self
                .handle
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
        message.header.ifindex = self.handle.link().index(link)?;
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

fn parse(message: NeighbourMessage) -> Option<Neighbour> {
    let mut address = None;
    let mut mac = None;
    for attribute in message.attributes {
        match attribute {
            NeighbourAttribute::Destination(NeighbourAddress::Inet(a)) => {
                address = Some(IpAddr::V4(a))
            }
            NeighbourAttribute::Destination(NeighbourAddress::Inet6(a)) => {
                address = Some(IpAddr::V6(a))
            }
            NeighbourAttribute::LinkLayerAddress(bytes) => mac = MacAddr::from_slice(&bytes),
            _ => {}
        }
    }
    Some(Neighbour {
        address: address?,
        index: message.header.ifindex,
        mac,
        state: message.header.state.to_string().to_lowercase(),
        proxy: message.header.flags.contains(NeighbourFlags::Proxy),
    })
}
