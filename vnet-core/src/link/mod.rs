//! Links (`ip link`): create, change, delete, look up and list network devices.
//!
//! Creating a link takes a spec value, one per kind: [`Veth`], [`Bridge`], [`Vlan`],
//! [`Vxlan`], [`MacVlan`]. Every spec accepts the options common to all links (MTU, MAC,
//! master, up, group, target namespace), which go in the create request itself, so a
//! device is born in its final state with one round trip where the kernel allows it.

mod bridge;
mod change;
mod extended;
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
pub use extended::{
    AddrGenMode, BridgeData, BridgePortData, KindData, LinkExtended, MacVlanData, TunData,
    VlanData, VxlanData,
};
pub use info::{IfFlags, Link, LinkDetails, LinkKind, LinkMode, LinkStats, LinkType, OperState};
pub use macvlan::{MacVlan, MacVlanMode};
pub(crate) use spec::sealed::BuildLink;
pub use spec::{LinkCommon, LinkSpec};
pub use veth::Veth;
pub use vlan::{Vlan, VlanProtocol};
pub use vxlan::Vxlan;

use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::link::{LinkAttribute, LinkMessage};

use crate::error::{Context, Error, Result};
use crate::netlink::names::ifname_attribute;
use crate::netlink::{Connection, NETLINK_ROUTE};
use crate::netns::Netns;
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

/// The link calls of a [`crate::Handle`]: `handle.link()`.
#[derive(Debug, Clone, Copy)]
pub struct LinkHandle<'a> {
    conn: &'a Connection,
}

impl<'a> LinkHandle<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        LinkHandle { conn }
    }

    /// Creates a link from a spec, like `ip link add NAME type KIND ...`.
    ///
    /// Fails with `EEXIST` if a link of that name exists.
    pub fn add(&self, spec: &dyn LinkSpec) -> Result<()> {
        let message = spec.message(self)?;
        self.conn
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
    /// again (in one more datagram; those created in another namespace through a
    /// connection there), and the error names the first refused spec.
    pub fn add_many(&self, specs: &[&dyn LinkSpec]) -> Result<()> {
        let mut messages = Vec::with_capacity(specs.len());
        for spec in specs {
            messages.push(RouteNetlinkMessage::NewLink(spec.message(self)?));
        }
        let outcomes = self
            .conn
            .batch_outcomes(messages, NLM_F_CREATE | NLM_F_EXCL)
            .op(|| format!("creating {} links", specs.len()))?
            .0;
        let Some(failed) = outcomes.iter().position(Option::is_some) else {
            return Ok(());
        };
        // Undo, newest first, what this call created: links made here by name, links
        // made in another namespace through a connection opened there.
        let mut undo = Rollback::default();
        for (spec, outcome) in specs.iter().zip(&outcomes).rev() {
            if outcome.is_none() {
                let delete = delete_message(&LinkRef::Name(spec.name().clone()));
                match spec.target_netns() {
                    None => undo.here.push(delete),
                    Some(netns) => undo.elsewhere.push((netns.clone(), delete)),
                }
            }
        }
        let undone = undo.run(self.conn);
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
        for failure in undone.failures {
            op += &format!("; rollback failed: {failure}");
        }
        Err(error.with_op(op))
    }

    /// Changes a link, like `ip link set DEV ...`.
    pub fn set(&self, link: impl Into<LinkRef>, change: &LinkChange) -> Result<()> {
        let link = link.into();
        let message = change.message(self, &link)?;
        self.conn
            .request_ack(RouteNetlinkMessage::SetLink(message), 0)
            .op(|| format!("changing link '{link}'{}", change.describe()))
    }

    /// Changes several links, all or nothing, like an `ip -batch` of `link set` lines
    /// that undoes itself when a line fails.
    ///
    /// The links are looked up first, in one round trip (a missing one fails the call
    /// before anything changes); the changes then travel together, one datagram per 64,
    /// each acknowledged. If the kernel refuses any of them, every change it applied is
    /// undone, newest first, from the state read before (the old master, MTU, address,
    /// name, group, up or down), and the error names the first refused change. A change
    /// that moves a link to another namespace cannot be undone from here and is refused
    /// ([`LinkHandle::set`] does it).
    pub fn set_many(&self, changes: &[(LinkRef, LinkChange)]) -> Result<()> {
        let count = changes.len();
        self.apply_changes(changes)
            .map_err(|failure| match failure.index {
                None => failure.error.with_op(format!("changing {count} links")),
                Some(i) => {
                    let (link, change) = &changes[i];
                    let note = failure.undone.note("change", "made", "undone");
                    failure.error.with_op(format!(
                        "changing link '{link}'{} (change {} of {count}{note})",
                        change.describe(),
                        i + 1
                    ))
                }
            })
    }

    /// The engine of [`LinkHandle::set_many`]: on failure, which change failed (`None`
    /// when none was applied: a lookup or the exchange itself failed) and what the
    /// rollback did, so that callers word the error for their own objects.
    pub(crate) fn apply_changes(
        &self,
        changes: &[(LinkRef, LinkChange)],
    ) -> std::result::Result<(), Box<BatchFailure>> {
        let whole = |error| {
            Box::new(BatchFailure {
                index: None,
                error,
                undone: Undone::default(),
            })
        };
        if let Some((link, _)) = changes.iter().find(|(_, c)| c.moves_netns()) {
            return Err(whole(Error::invalid(
                "link change",
                link,
                "a move to another namespace cannot be undone by a batch; change it alone",
            )));
        }
        let refs: Vec<LinkRef> = changes.iter().map(|(link, _)| link.clone()).collect();
        let before = self.get_many(&refs).map_err(whole)?;
        let mut messages = Vec::with_capacity(changes.len());
        for ((_, change), link) in changes.iter().zip(&before) {
            let by_index = LinkRef::Index(link.index);
            messages.push(RouteNetlinkMessage::SetLink(
                change.message(self, &by_index).map_err(whole)?,
            ));
        }
        let outcomes = self.conn.batch_outcomes(messages, 0).map_err(whole)?.0;
        // The kernel handles every request of a datagram, also those after a refused
        // one: any of them may have been applied.
        let Some(failed) = outcomes.iter().position(Option::is_some) else {
            return Ok(());
        };
        let mut undo = Rollback::default();
        for (((_, change), link), outcome) in changes.iter().zip(&before).zip(&outcomes).rev() {
            if outcome.is_none() {
                undo.here
                    .push(RouteNetlinkMessage::SetLink(change.undo_message(link)));
            }
        }
        let undone = undo.run(self.conn);
        let error = outcomes
            .into_iter()
            .flatten()
            .next()
            .expect("a failed outcome");
        Err(Box::new(BatchFailure {
            index: Some(failed),
            error,
            undone,
        }))
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
        self.conn
            .request_ack(delete_message(&link), 0)
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
        self.conn
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
        identify(&mut message, link);
        let replies = self
            .conn
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
                identify(&mut message, link);
                RouteNetlinkMessage::GetLink(message)
            })
            .collect();
        let (outcomes, replies) = self
            .conn
            .batch_outcomes(messages, 0)
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
        self.list_matching(LinkMessage::default())
            .op(|| "listing links".to_string())
    }

    /// Lists the links the kernel selects for `request` (a dump filtered by kind or
    /// master), sorted by index.
    pub(crate) fn list_matching(&self, request: LinkMessage) -> Result<Vec<Link>> {
        let replies = self.conn.dump(RouteNetlinkMessage::GetLink(request))?;
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

    /// Sends an `RTM_NEWLINK` without `NLM_F_CREATE`: how link-info data (bridge and
    /// bridge port options) changes on an existing link, since the kernel silently
    /// ignores it in `RTM_SETLINK`.
    pub(crate) fn change_info(&self, message: LinkMessage) -> Result<()> {
        self.conn
            .request_ack(RouteNetlinkMessage::NewLink(message), 0)
    }
}

/// Puts a link's identity in a message: its index, or its name.
pub(crate) fn identify(message: &mut LinkMessage, link: &LinkRef) {
    match link {
        LinkRef::Index(index) => message.header.index = *index,
        LinkRef::Name(name) => message.attributes.push(ifname_attribute(name)),
    }
}

/// `RTM_DELLINK` for `link`.
fn delete_message(link: &LinkRef) -> RouteNetlinkMessage {
    let mut message = LinkMessage::default();
    identify(&mut message, link);
    RouteNetlinkMessage::DelLink(message)
}

/// How a batch of link requests failed (see [`LinkHandle::apply_changes`]).
#[derive(Debug)]
pub(crate) struct BatchFailure {
    /// The position of the first request the kernel refused; `None` when nothing was
    /// applied (a lookup failed, or the exchange itself).
    pub(crate) index: Option<usize>,
    /// The kernel's answer to it.
    pub(crate) error: Error,
    /// What the rollback did.
    pub(crate) undone: Undone,
}

/// Undo steps of a bulk call that failed halfway, applied newest first: one datagram
/// for those in this namespace, one connection per other namespace for the rest.
#[derive(Debug, Default)]
struct Rollback {
    here: Vec<RouteNetlinkMessage>,
    elsewhere: Vec<(Netns, RouteNetlinkMessage)>,
}

/// What a [`Rollback`] did: how many steps it undid, and the ones it could not.
#[derive(Debug, Default)]
pub(crate) struct Undone {
    /// Steps undone.
    pub(crate) count: usize,
    /// Why the others could not be undone.
    pub(crate) failures: Vec<String>,
}

impl Undone {
    /// The end of an error's step text saying what was put back: "; the 3 other ports
    /// it had enslaved were put back" (`what` = "port", `done` = "enslaved", `how` =
    /// "put back").
    pub(crate) fn note(&self, what: &str, done: &str, how: &str) -> String {
        if !self.failures.is_empty() {
            return format!("; rollback failed: {}", self.failures.join("; "));
        }
        match self.count {
            0 => String::new(),
            1 => format!("; the other {what} it had {done} was {how}"),
            n => format!("; the {n} other {what}s it had {done} were {how}"),
        }
    }
}

impl Rollback {
    fn run(self, conn: &Connection) -> Undone {
        let mut undone = Undone::default();
        let count = self.here.len();
        match conn.batch_outcomes(self.here, 0) {
            Err(e) => undone.failures.push(e.to_string()),
            Ok((outcomes, _)) => {
                undone
                    .failures
                    .extend(outcomes.iter().flatten().map(|e| e.to_string()));
                undone.count += count - outcomes.iter().flatten().count();
            }
        }
        for (netns, message) in self.elsewhere {
            match Connection::open(&netns, NETLINK_ROUTE).and_then(|c| c.request_ack(message, 0)) {
                Ok(()) => undone.count += 1,
                Err(e) => undone.failures.push(e.to_string()),
            }
        }
        undone
    }
}

/// The kernel answers `ENODEV` for a missing link; make that a [`Error::NotFound`].
pub(crate) fn not_found(e: Error, link: &LinkRef) -> Error {
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
