//! macvlan devices.

use netlink_packet_route::link::{
    self as nl, InfoData, InfoKind, InfoMacVlan, LinkAttribute, LinkMessage,
};

use super::BuildLink;
use super::spec::{LinkCommon, LinkSpec, common_options};
use super::{LinkHandle, LinkRef};
use crate::error::Result;
use crate::values::IfName;

/// How a macvlan device talks to its siblings on the same parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MacVlanMode {
    /// No traffic between siblings.
    Private,
    /// Sibling traffic goes out to the external switch (hairpin needed there).
    Vepa,
    /// Siblings reach each other directly (the usual choice).
    #[default]
    Bridge,
    /// One device takes over the parent.
    Passthru,
    /// Accepts only from a list of source MACs.
    Source,
}

impl MacVlanMode {
    fn wire(self) -> nl::MacVlanMode {
        match self {
            MacVlanMode::Private => nl::MacVlanMode::Private,
            MacVlanMode::Vepa => nl::MacVlanMode::Vepa,
            MacVlanMode::Bridge => nl::MacVlanMode::Bridge,
            MacVlanMode::Passthru => nl::MacVlanMode::Passthrough,
            MacVlanMode::Source => nl::MacVlanMode::Source,
        }
    }
}

/// A macvlan device on a parent, like `ip link add link PARENT NAME type macvlan mode MODE`.
#[derive(Debug, Clone)]
pub struct MacVlan {
    name: IfName,
    parent: LinkRef,
    mode: MacVlanMode,
    common: LinkCommon,
}

impl MacVlan {
    /// A macvlan `name` on `parent`, in bridge mode.
    pub fn new(name: IfName, parent: impl Into<LinkRef>) -> Self {
        MacVlan {
            name,
            parent: parent.into(),
            mode: MacVlanMode::default(),
            common: LinkCommon::default(),
        }
    }

    /// Sets the mode.
    pub fn mode(mut self, mode: MacVlanMode) -> Self {
        self.mode = mode;
        self
    }
}

common_options!(MacVlan);

impl LinkSpec for MacVlan {
    fn name(&self) -> &IfName {
        &self.name
    }

    fn target_netns(&self) -> Option<&crate::netns::Netns> {
        self.common.netns.as_ref()
    }

    fn describe(&self) -> String {
        format!(
            "macvlan '{}' on '{}'{}",
            self.name,
            self.parent,
            self.common.describe_netns()
        )
    }
}

impl BuildLink for MacVlan {
    fn message(&self, links: &LinkHandle<'_>) -> Result<LinkMessage> {
        let parent = links.index(&self.parent)?;
        let data = InfoData::MacVlan(vec![InfoMacVlan::Mode(self.mode.wire())]);
        let mut message = self
            .common
            .message(links, &self.name, InfoKind::MacVlan, Some(data))?;
        message.attributes.push(LinkAttribute::Link(parent));
        Ok(message)
    }
}
