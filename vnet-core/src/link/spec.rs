//! What every link spec has in common: the [`LinkSpec`] trait and [`LinkCommon`] options.

use netlink_packet_route::link::{
    InfoData, InfoKind, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
};
use std::os::fd::{AsFd, AsRawFd};

use super::{LinkHandle, LinkRef};
use crate::error::Result;
use crate::netlink::names::ifname_attribute;
use crate::netns::Netns;
use crate::values::{IfName, MacAddr, Mtu};

/// A description of a link to create; see [`LinkHandle::add`].
///
/// Implemented by [`super::Veth`], [`super::Bridge`], [`super::Vlan`], [`super::Vxlan`]
/// and [`super::MacVlan`]. The trait is sealed: the request each spec builds is vnet's
/// business, so no type outside vnet can implement it, and no netlink type appears in
/// its signature.
pub trait LinkSpec: sealed::BuildLink {
    /// The name of the link to create.
    fn name(&self) -> &IfName;

    /// A description for messages: "veth 'a' (peer 'b' in netns 'vm1')".
    fn describe(&self) -> String;

    /// The namespace the link is created in when it is not the handle's (see
    /// [`LinkCommon::netns`]).
    fn target_netns(&self) -> Option<&Netns>;
}

pub(crate) mod sealed {
    use netlink_packet_route::link::LinkMessage;

    use crate::error::Result;
    use crate::link::LinkHandle;

    /// How a [`super::LinkSpec`] becomes a request: only vnet's own specs can.
    pub trait BuildLink {
        /// Builds the `RTM_NEWLINK` request. `links` resolves names of related links
        /// (master, parent) in the namespace the request goes to.
        fn message(&self, links: &LinkHandle<'_>) -> Result<LinkMessage>;
    }
}

/// Options every link accepts when it is created.
#[derive(Debug, Clone, Default)]
pub struct LinkCommon {
    /// MTU.
    pub mtu: Option<Mtu>,
    /// MAC address.
    pub mac: Option<MacAddr>,
    /// Bridge (or other master) to enslave the new link to.
    pub master: Option<LinkRef>,
    /// Bring the link up at creation.
    pub up: bool,
    /// Device group (see [`LinkHandle::delete_group`]).
    pub group: Option<u32>,
    /// Create the link directly inside this namespace instead of the handle's.
    pub netns: Option<Netns>,
}

impl LinkCommon {
    /// Starts a `RTM_NEWLINK` message for `name` of `kind`, with these options and the
    /// kind's `data`.
    pub(crate) fn message(
        &self,
        links: &LinkHandle<'_>,
        name: &IfName,
        kind: InfoKind,
        data: Option<InfoData>,
    ) -> Result<LinkMessage> {
        let mut message = LinkMessage::default();
        message.attributes.push(ifname_attribute(name));
        CommonAttributes {
            up: self.up.then_some(true),
            master: self.master.as_ref().map(Some),
            mtu: self.mtu,
            mac: self.mac,
            group: self.group,
            netns: self.netns.as_ref(),
        }
        .apply(&mut message, links)?;
        let mut info = vec![LinkInfo::Kind(kind)];
        if let Some(data) = data {
            info.push(LinkInfo::Data(data));
        }
        message.attributes.push(LinkAttribute::LinkInfo(info));
        Ok(message)
    }

    /// " in netns 'x'" when the link is created elsewhere, for descriptions.
    pub(crate) fn describe_netns(&self) -> String {
        match &self.netns {
            Some(ns) => format!(" in {}", ns.describe()),
            None => String::new(),
        }
    }
}

/// The attributes a create request ([`LinkCommon`]) and a change
/// ([`super::LinkChange`]) both carry; `None` leaves a value as it is.
pub(crate) struct CommonAttributes<'a> {
    /// Up (`true`) or down (`false`).
    pub(crate) up: Option<bool>,
    /// A master to enslave to (`Some(None)` releases from the master).
    pub(crate) master: Option<Option<&'a LinkRef>>,
    /// MTU.
    pub(crate) mtu: Option<Mtu>,
    /// MAC address.
    pub(crate) mac: Option<MacAddr>,
    /// Device group.
    pub(crate) group: Option<u32>,
    /// The namespace to create the link in, or to move it to.
    pub(crate) netns: Option<&'a Netns>,
}

impl CommonAttributes<'_> {
    /// Adds these attributes to `message`; `links` resolves the master's name.
    pub(crate) fn apply(&self, message: &mut LinkMessage, links: &LinkHandle<'_>) -> Result<()> {
        if let Some(up) = self.up {
            if up {
                message.header.flags |= LinkFlags::Up;
            }
            message.header.change_mask |= LinkFlags::Up;
        }
        match self.master {
            Some(Some(master)) => message
                .attributes
                .push(LinkAttribute::Controller(links.index(master)?)),
            // IFLA_MASTER 0 releases the link from its master.
            Some(None) => message.attributes.push(LinkAttribute::Controller(0)),
            None => {}
        }
        if let Some(mtu) = self.mtu {
            message.attributes.push(LinkAttribute::Mtu(mtu.get()));
        }
        if let Some(mac) = self.mac {
            check_unicast(mac)?;
            message
                .attributes
                .push(LinkAttribute::Address(mac.octets().to_vec()));
        }
        if let Some(group) = self.group {
            message.attributes.push(LinkAttribute::Group(group));
        }
        if let Some(netns) = self.netns {
            // The fd only needs to stay open until the request is sent: the spec or
            // change, which owns it, outlives the call.
            message
                .attributes
                .push(LinkAttribute::NetNsFd(netns.as_fd().as_raw_fd()));
        }
        Ok(())
    }
}

/// Refuses a MAC address no device may have: multicast (and broadcast) or all zeros,
/// which the kernel rejects with a bare `EADDRNOTAVAIL`.
pub(crate) fn check_unicast(mac: MacAddr) -> Result<()> {
    let reason = if mac.is_multicast() {
        "a multicast address cannot be a device's address"
    } else if mac == MacAddr::ZERO {
        "the all-zero address cannot be a device's address"
    } else {
        return Ok(());
    };
    Err(crate::error::Error::invalid("MAC address", mac, reason))
}

/// Adds the [`LinkCommon`] builder methods to a spec type with a `common` field.
macro_rules! common_options {
    ($spec:ty) => {
        impl $spec {
            /// Sets the MTU (`ip link add ... mtu N`).
            pub fn mtu(mut self, mtu: $crate::values::Mtu) -> Self {
                self.common.mtu = Some(mtu);
                self
            }

            /// Sets the MAC address (`ip link add ... address MAC`).
            pub fn mac(mut self, mac: $crate::values::MacAddr) -> Self {
                self.common.mac = Some(mac);
                self
            }

            /// Enslaves the new link to `master`, a bridge for example
            /// (`ip link add ... master BR`), in the create request itself.
            pub fn master(mut self, master: impl Into<$crate::link::LinkRef>) -> Self {
                self.common.master = Some(master.into());
                self
            }

            /// Brings the link up in the create request (`ip link add ... up`).
            pub fn up(mut self) -> Self {
                self.common.up = true;
                self
            }

            /// Puts the link in device group `group` (`ip link add ... group N`).
            pub fn group(mut self, group: u32) -> Self {
                self.common.group = Some(group);
                self
            }

            /// Creates the link directly inside `netns` (`ip link add ... netns NS`),
            /// which is far cheaper than creating it here and moving it.
            pub fn netns(mut self, netns: &$crate::netns::Netns) -> Self {
                self.common.netns = Some(netns.clone());
                self
            }

            /// The common options set so far.
            pub fn common(&self) -> &$crate::link::LinkCommon {
                &self.common
            }
        }
    };
}

pub(crate) use common_options;
