//! 802.1Q and 802.1ad VLAN sub-interfaces.

use netlink_packet_route::link::{
    self as nl, InfoData, InfoKind, InfoVlan, LinkAttribute, LinkMessage,
};

use super::BuildLink;
use super::spec::{LinkCommon, LinkSpec, common_options};
use super::{LinkHandle, LinkRef};
use crate::error::Result;
use crate::values::{IfName, VlanId};

/// The tag protocol of a VLAN interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VlanProtocol {
    /// IEEE 802.1Q (ethertype 0x8100), the usual customer tag.
    #[default]
    Dot1Q,
    /// IEEE 802.1ad (ethertype 0x88a8), the service tag of Q-in-Q.
    Dot1Ad,
}

impl VlanProtocol {
    /// The name `ip -d link` prints: "802.1Q" or "802.1ad".
    pub fn as_str(self) -> &'static str {
        match self {
            VlanProtocol::Dot1Q => "802.1Q",
            VlanProtocol::Dot1Ad => "802.1ad",
        }
    }
}

impl VlanProtocol {
    fn wire(self) -> nl::VlanProtocol {
        match self {
            VlanProtocol::Dot1Q => nl::VlanProtocol::Ieee8021Q,
            VlanProtocol::Dot1Ad => nl::VlanProtocol::Ieee8021Ad,
        }
    }
}

/// A VLAN sub-interface on a parent link, like
/// `ip link add link PARENT name NAME type vlan id ID [protocol 802.1ad]`.
///
/// Needs `CONFIG_VLAN_8021Q` in the kernel; without it the kernel answers
/// "Operation not supported (Unknown device type)".
#[derive(Debug, Clone)]
pub struct Vlan {
    name: IfName,
    parent: LinkRef,
    id: VlanId,
    protocol: VlanProtocol,
    common: LinkCommon,
}

impl Vlan {
    /// VLAN `id` named `name` on `parent`.
    pub fn new(name: IfName, parent: impl Into<LinkRef>, id: VlanId) -> Self {
        Vlan {
            name,
            parent: parent.into(),
            id,
            protocol: VlanProtocol::Dot1Q,
            common: LinkCommon::default(),
        }
    }

    /// Sets the tag protocol (802.1Q by default).
    pub fn protocol(mut self, protocol: VlanProtocol) -> Self {
        self.protocol = protocol;
        self
    }
}

common_options!(Vlan);

impl LinkSpec for Vlan {
    fn name(&self) -> &IfName {
        &self.name
    }

    fn target_netns(&self) -> Option<&crate::netns::Netns> {
        self.common.netns.as_ref()
    }

    fn describe(&self) -> String {
        format!(
            "vlan '{}' on '{}'{}",
            self.name,
            self.parent,
            self.common.describe_netns()
        )
    }
}

impl BuildLink for Vlan {
    fn message(&self, links: &LinkHandle<'_>) -> Result<LinkMessage> {
        let parent = links.index(&self.parent)?;
        let data = InfoData::Vlan(vec![
            InfoVlan::Id(self.id.get()),
            InfoVlan::Protocol(self.protocol.wire()),
        ]);
        let mut message = self
            .common
            .message(links, &self.name, InfoKind::Vlan, Some(data))?;
        message.attributes.push(LinkAttribute::Link(parent));
        Ok(message)
    }
}
