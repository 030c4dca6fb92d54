//! Links (`ip link`): create, change, delete, look up and list network devices.
//!
//! Creating a link takes a spec value, one per kind: [`Veth`], [`Bridge`], [`Vlan`],
//! [`Vxlan`], [`MacVlan`]. Every spec accepts the options common to all links (MTU, MAC,
//! master, up, group, target namespace), which go in the create request itself, so a
//! device is born in its final state with one round trip where the kernel allows it.

mod bridge;
mod change;
mod info;
mod macvlan;
mod spec;
mod veth;
mod vlan;
mod vxlan;
#[cfg(test)]
mod wire_tests;

pub use bridge::{Bridge, BridgeOptions};
pub use change::LinkChange;
pub use info::{Link, LinkDetails};
pub use macvlan::{MacVlan, MacVlanMode};
pub use spec::{LinkCommon, LinkSpec};
pub use veth::Veth;
pub use vlan::{Vlan, VlanProtocol};
pub use vxlan::Vxlan;

use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::link::{LinkAttribute, LinkMessage};

use crate::error::{Context, Error, Result};
use crate::handle::Handle;
use crate::values::IfName;

/// A reference to a link: by name, or by index when the caller already has it (saves a
/// lookup in bulk work).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkRef {
    /// By interface name.
    Name(IfName),
    /// By interface index.
    Index(u32),
}

impl From<IfName> for LinkRef {
    fn from(name: IfName) -> Self {
        LinkRef::Name(name)
    }
}

impl From<&IfName> for LinkRef {
    fn from(name: &IfName) -> Self {
        LinkRef::Name(name.clone())
    }
}

impl From<u32> for LinkRef {
    fn from(index: u32) -> Self {
        LinkRef::Index(index)
    }
}

impl From<&Link> for LinkRef {
    fn from(link: &Link) -> Self {
        LinkRef::Index(link.index)
    }
}

impl std::fmt::Display for LinkRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkRef::Name(name) => write!(f, "{name}"),
            LinkRef::Index(index) => write!(f, "#{index}"),
        }
    }
}

/// The link calls of a [`Handle`]: `handle.link()`.
#[derive(Debug, Clone, Copy)]
pub struct LinkHandle<'a> {
    handle: &'a Handle,
}

impl<'a> LinkHandle<'a> {
    pub(crate) fn new(handle: &'a Handle) -> Self {
        LinkHandle { handle }
    }

    /// Creates a link from a spec, like `ip link add NAME type KIND ...`.
    ///
    /// Fails with `EEXIST` if a link of that name exists.
    pub fn add(&self, spec: &dyn LinkSpec) -> Result<()> {
        let message = spec.message(self)?;
        self.handle
            .request_ack(
                RouteNetlinkMessage::NewLink(message),
                NLM_F_CREATE | NLM_F_EXCL,
            )
            .op(|| format!("creating {}", spec.describe()))
    }

    /// Creates several links with one datagram per 64 requests (one round trip each),
    /// each request acknowledged.
    ///
    /// All or nothing: if the kernel refuses any of them, the ones it created are deleted
    /// again (in one more datagram; those created in another namespace through a handle
    /// there), and the error names the first refused spec.
    pub fn add_many(&self, specs: &[&dyn LinkSpec]) -> Result<()> {
        let mut messages = Vec::with_capacity(specs.len());
        for spec in specs {
            messages.push(RouteNetlinkMessage::NewLink(spec.message(self)?));
        }
        let outcomes = self
            .handle
            .batch_outcomes(messages, NLM_F_CREATE | NLM_F_EXCL)
            .op(|| format!("creating {} links", specs.len()))?;
        let Some(failed) = outcomes.iter().position(Option::is_some) else {
            return Ok(());
        };
        // Roll back, newest first, what this call created: links made here in one more
        // datagram, links made in another namespace through a handle opened there.
        let mut undo = Vec::new();
        let mut undo_failures = Vec::new();
        for (spec, outcome) in specs.iter().zip(&outcomes).rev() {
            if outcome.is_some() {
                continue;
            }
            match spec.target_netns() {
                None => {
                    let mut message = LinkMessage::default();
                    message
                        .attributes
                        .push(LinkAttribute::IfName(spec.name().to_string()));
                    undo.push(RouteNetlinkMessage::DelLink(message));
                }
                Some(netns) => {
                    if let Err(e) = Handle::new(netns).and_then(|h| h.link().delete(spec.name())) {
                        undo_failures.push(e.to_string());
                    }
                }
            }
        }
        let rollback = self.handle.batch_outcomes(undo, 0);
        let spec = specs[failed];
        let error = outcomes
            .into_iter()
            .flatten()
            .next()
            .expect("a failed outcome");
        let mut op = format!(
            "creating {} (link {} of {})",
            spec.describe(),
            failed + 1,
            specs.len()
        );
        for failure in undo_failures {
            op += &format!("; rollback failed: {failure}");
        }
        if let Err(e) | Ok(Some(e)) = rollback.map(|o| o.into_iter().flatten().next()) {
            op += &format!("; rollback failed: {e}");
        }
        Err(error.with_op(op))
    }

    /// Changes a link, like `ip link set DEV ...`.
    pub fn set(&self, link: impl Into<LinkRef>, change: &LinkChange) -> Result<()> {
        let link = link.into();
        let message = change.message(self, &link)?;
        self.handle
            .request_ack(RouteNetlinkMessage::SetLink(message), 0)
            .op(|| format!("changing link '{link}'{}", change.describe()))
    }

    /// Brings a link up, like `ip link set DEV up`.
    pub fn up(&self, link: impl Into<LinkRef>) -> Result<()> {
        self.set(link, &LinkChange::new().up())
    }

    /// Brings a link down, like `ip link set DEV down`.
    pub fn down(&self, link: impl Into<LinkRef>) -> Result<()> {
        self.set(link, &LinkChange::new().down())
    }

    /// Deletes a link, like `ip link del DEV`. Deleting one end of a veth pair deletes
    /// both.
    pub fn delete(&self, link: impl Into<LinkRef>) -> Result<()> {
        let link = link.into();
        let mut message = LinkMessage::default();
        self.identify(&mut message, &link);
        self.handle
            .request_ack(RouteNetlinkMessage::DelLink(message), 0)
            .map_err(|e| not_found(e, &link))
            .op(|| format!("deleting link '{link}'"))
    }

    /// Deletes every link of device group `group` in one request, like
    /// `ip link delete group N`.
    ///
    /// This is the fast bulk teardown: the kernel unregisters them together, with one RCU
    /// wait instead of one per device. Group 0 (the default group every device starts in)
    /// is refused, since it would take the namespace's physical devices too.
    pub fn delete_group(&self, group: u32) -> Result<()> {
        if group == 0 {
            return Err(Error::invalid(
                "link group",
                0,
                "group 0 is the default group of every device; refusing to delete it",
            ));
        }
        let mut message = LinkMessage::default();
        message.attributes.push(LinkAttribute::Group(group));
        self.handle
            .request_ack(RouteNetlinkMessage::DelLink(message), 0)
            .op(|| format!("deleting link group {group}"))
    }

    /// Looks a link up by name (one `RTM_GETLINK` by name, not a dump), like
    /// `ip link show DEV`. Fails with [`Error::NotFound`] if there is none.
    pub fn get(&self, name: &IfName) -> Result<Link> {
        self.get_ref(&LinkRef::Name(name.clone()))
    }

    /// Looks a link up by index.
    pub fn get_index(&self, index: u32) -> Result<Link> {
        self.get_ref(&LinkRef::Index(index))
    }

    /// Looks a link up by name or index.
    pub fn get_ref(&self, link: &LinkRef) -> Result<Link> {
        let mut message = LinkMessage::default();
        self.identify(&mut message, link);
        let replies = self
            .handle
            .request(RouteNetlinkMessage::GetLink(message), 0)
            .map_err(|e| not_found(e, link))
            .op(|| format!("looking up link '{link}'"))?;
        replies
            .into_iter()
            .find_map(|m| match m {
                RouteNetlinkMessage::NewLink(m) => Some(Link::from_message(m)),
                _ => None,
            })
            .ok_or_else(|| Error::NotFound {
                op: format!("looking up link '{link}'"),
                what: "link",
                name: link.to_string(),
            })
    }

    /// Looks several links up in one round trip per 64 (one `RTM_GETLINK` each, sent
    /// together), in the order given. Fails with [`Error::NotFound`] naming the first
    /// that does not exist.
    pub fn get_many(&self, links: &[LinkRef]) -> Result<Vec<Link>> {
        let messages = links
            .iter()
            .map(|link| {
                let mut message = LinkMessage::default();
                self.identify(&mut message, link);
                RouteNetlinkMessage::GetLink(message)
            })
            .collect();
        let (outcomes, replies) = self
            .handle
            .batch_replies(messages, 0)
            .op(|| format!("looking up {} links", links.len()))?;
        if let Some((link, e)) = links
            .iter()
            .zip(outcomes)
            .find_map(|(link, o)| o.map(|e| (link, e)))
        {
            return Err(not_found(e, link).with_op(format!("looking up link '{link}'")));
        }
        let found: Vec<Link> = replies
            .into_iter()
            .filter_map(|m| match m {
                RouteNetlinkMessage::NewLink(m) => Some(Link::from_message(m)),
                _ => None,
            })
            .collect();
        if found.len() != links.len() {
            return Err(Error::Protocol {
                op: format!("looking up {} links", links.len()),
                detail: format!("{} answers", found.len()),
            });
        }
        Ok(found)
    }

    /// True if a link of that name exists.
    pub fn exists(&self, name: &IfName) -> Result<bool> {
        match self.get(name) {
            Ok(_) => Ok(true),
            Err(Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The index of a link; a name costs one lookup, an index none.
    pub fn index(&self, link: &LinkRef) -> Result<u32> {
        match link {
            LinkRef::Index(index) => Ok(*index),
            LinkRef::Name(_) => Ok(self.get_ref(link)?.index),
        }
    }

    /// Lists every link, like `ip link show`, sorted by index.
    pub fn list(&self) -> Result<Vec<Link>> {
        let replies = self
            .handle
            .dump(RouteNetlinkMessage::GetLink(LinkMessage::default()))
            .op(|| "listing links".to_string())?;
        let mut links: Vec<Link> = replies
            .into_iter()
            .filter_map(|m| match m {
                RouteNetlinkMessage::NewLink(m) => Some(Link::from_message(m)),
                _ => None,
            })
            .collect();
        links.sort_by_key(|l| l.index);
        Ok(links)
    }

    /// The handle this sub-handle belongs to.
    pub fn handle(&self) -> &'a Handle {
        self.handle
    }

    /// Puts the link's identity in a message: its index, or its name.
    fn identify(&self, message: &mut LinkMessage, link: &LinkRef) {
        match link {
            LinkRef::Index(index) => message.header.index = *index,
            LinkRef::Name(name) => message
                .attributes
                .push(LinkAttribute::IfName(name.to_string())),
        }
    }
}

/// The kernel answers `ENODEV` for a missing link; make that a [`Error::NotFound`].
fn not_found(e: Error, link: &LinkRef) -> Error {
    if e.errno() == libc::ENODEV {
        Error::NotFound {
            op: String::new(),
            what: "link",
            name: link.to_string(),
        }
    } else {
        e
    }
}
