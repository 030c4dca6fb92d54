//! [`LinkChange`]: what `ip link set` changes.

use netlink_packet_route::link::{LinkAttribute, LinkFlags, LinkMessage};

use super::spec::CommonAttributes;
use super::{Link, LinkHandle, LinkRef};
use crate::error::Result;
use crate::netlink::names::ifname_attribute;
use crate::netns::Netns;
use crate::values::{IfName, MacAddr, Mtu};

/// A set of changes to an existing link, applied in one `RTM_SETLINK` request by
/// [`LinkHandle::set`], like `ip link set DEV up master BR mtu 1400 ...`.
///
/// Each change is idempotent in the kernel: setting a value a link already has does
/// nothing.
#[derive(Debug, Clone, Default)]
pub struct LinkChange {
    up: Option<bool>,
    master: Option<Option<LinkRef>>,
    mtu: Option<Mtu>,
    mac: Option<MacAddr>,
    name: Option<IfName>,
    netns: Option<Netns>,
    group: Option<u32>,
}

impl LinkChange {
    /// No change yet.
    pub fn new() -> Self {
        LinkChange::default()
    }

    /// `up`.
    pub fn up(mut self) -> Self {
        self.up = Some(true);
        self
    }

    /// `down`.
    pub fn down(mut self) -> Self {
        self.up = Some(false);
        self
    }

    /// `master BR`: enslave the link to a bridge (or bond, ...).
    pub fn master(mut self, master: impl Into<LinkRef>) -> Self {
        self.master = Some(Some(master.into()));
        self
    }

    /// `nomaster`: release the link from its master.
    pub fn no_master(mut self) -> Self {
        self.master = Some(None);
        self
    }

    /// `mtu N`.
    pub fn mtu(mut self, mtu: Mtu) -> Self {
        self.mtu = Some(mtu);
        self
    }

    /// `address MAC`.
    pub fn mac(mut self, mac: MacAddr) -> Self {
        self.mac = Some(mac);
        self
    }

    /// `name NEW`: rename (the link must be down, or the kernel answers `EBUSY`).
    /// Combined with [`LinkChange::netns`], the link gets the new name in its new
    /// namespace.
    pub fn name(mut self, name: IfName) -> Self {
        self.name = Some(name);
        self
    }

    /// `netns NS`: move the link into another namespace. Moving costs an unregister and
    /// an RCU wait (about 16 ms); creating links directly in their namespace is cheaper.
    pub fn netns(mut self, netns: &Netns) -> Self {
        self.netns = Some(netns.clone());
        self
    }

    /// `group N`.
    pub fn group(mut self, group: u32) -> Self {
        self.group = Some(group);
        self
    }

    /// A description of the change for messages: " (up, master 'br0')".
    pub(crate) fn describe(&self) -> String {
        let mut parts = Vec::new();
        match self.up {
            Some(true) => parts.push("up".to_string()),
            Some(false) => parts.push("down".to_string()),
            None => {}
        }
        match &self.master {
            Some(Some(m)) => parts.push(format!("master '{m}'")),
            Some(None) => parts.push("nomaster".to_string()),
            None => {}
        }
        if let Some(mtu) = self.mtu {
            parts.push(format!("mtu {mtu}"));
        }
        if let Some(mac) = self.mac {
            parts.push(format!("address {mac}"));
        }
        if let Some(name) = &self.name {
            parts.push(format!("name '{name}'"));
        }
        if let Some(ns) = &self.netns {
            parts.push(ns.describe());
        }
        if let Some(group) = self.group {
            parts.push(format!("group {group}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        }
    }

    /// True when the change moves the link to another namespace.
    pub(crate) fn moves_netns(&self) -> bool {
        self.netns.is_some()
    }

    /// Builds the `RTM_SETLINK` request for `link`.
    pub(crate) fn message(&self, links: &LinkHandle<'_>, link: &LinkRef) -> Result<LinkMessage> {
        let mut message = LinkMessage::default();
        match (link, &self.name) {
            // A rename carries the new name in IFLA_IFNAME, so the link must be named by
            // its index.
            (LinkRef::Name(_), Some(_)) => message.header.index = links.index(link)?,
            (LinkRef::Name(name), None) => message.attributes.push(ifname_attribute(name)),
            (LinkRef::Index(index), _) => message.header.index = *index,
        }
        if let Some(name) = &self.name {
            message.attributes.push(ifname_attribute(name));
        }
        CommonAttributes {
            up: self.up,
            master: self.master.as_ref().map(Option::as_ref),
            mtu: self.mtu,
            mac: self.mac,
            group: self.group,
            netns: self.netns.as_ref(),
        }
        .apply(&mut message, links)?;
        Ok(message)
    }

    /// The `RTM_SETLINK` request that puts back what this change alters, from the state
    /// `before` it (by index: the change may have renamed the link). Values the change
    /// leaves alone are not touched.
    pub(crate) fn undo_message(&self, before: &Link) -> LinkMessage {
        let mut message = LinkMessage::default();
        message.header.index = before.index;
        if self.name.is_some() {
            message.attributes.push(ifname_attribute(&before.name));
        }
        if self.up.is_some() {
            if before.up {
                message.header.flags |= LinkFlags::Up;
            }
            message.header.change_mask |= LinkFlags::Up;
        }
        if self.master.is_some() {
            message
                .attributes
                .push(LinkAttribute::Controller(before.master.unwrap_or(0)));
        }
        if let (Some(_), Some(mtu)) = (self.mtu, before.mtu) {
            message.attributes.push(LinkAttribute::Mtu(mtu));
        }
        if let (Some(_), Some(mac)) = (self.mac, before.mac) {
            message
                .attributes
                .push(LinkAttribute::Address(mac.octets().to_vec()));
        }
        if self.group.is_some() {
            message.attributes.push(LinkAttribute::Group(before.group));
        }
        message
    }
}
