//! veth pairs.

use std::os::fd::{AsFd, AsRawFd};

use netlink_packet_route::link::{InfoData, InfoKind, InfoVeth, LinkAttribute, LinkMessage};

use super::BuildLink;
use super::LinkHandle;
use super::spec::{LinkCommon, LinkSpec, common_options};
use crate::error::Result;
use crate::netlink::names::ifname_attribute;
use crate::netns::Netns;
use crate::values::{IfName, MacAddr, Mtu};

/// A veth pair, like `ip link add NAME type veth peer name PEER [netns NS]`.
///
/// The peer can be created directly inside another namespace ([`Veth::peer_netns`]),
/// which costs a fraction of moving it there afterwards (no unregister, no RCU wait).
/// The common options (master, up, ...) apply to the first end. The peer cannot be
/// brought up in the create request (the kernel answers `ENOTCONN`): bring it up with a
/// handle on its namespace.
#[derive(Debug, Clone)]
pub struct Veth {
    name: IfName,
    peer: IfName,
    peer_netns: Option<Netns>,
    peer_mac: Option<MacAddr>,
    peer_mtu: Option<Mtu>,
    common: LinkCommon,
}

impl Veth {
    /// A veth pair `name` / `peer`.
    pub fn new(name: IfName, peer: IfName) -> Self {
        Veth {
            name,
            peer,
            peer_netns: None,
            peer_mac: None,
            peer_mtu: None,
            common: LinkCommon::default(),
        }
    }

    /// Creates the peer directly inside `netns` (`peer name PEER netns NS`).
    pub fn peer_netns(mut self, netns: &Netns) -> Self {
        self.peer_netns = Some(netns.clone());
        self
    }

    /// The peer's MAC address.
    pub fn peer_mac(mut self, mac: MacAddr) -> Self {
        self.peer_mac = Some(mac);
        self
    }

    /// The peer's MTU.
    pub fn peer_mtu(mut self, mtu: Mtu) -> Self {
        self.peer_mtu = Some(mtu);
        self
    }

    /// The peer's name.
    pub fn peer(&self) -> &IfName {
        &self.peer
    }
}

common_options!(Veth);

impl LinkSpec for Veth {
    fn name(&self) -> &IfName {
        &self.name
    }

    fn target_netns(&self) -> Option<&crate::netns::Netns> {
        self.common.netns.as_ref()
    }

    fn describe(&self) -> String {
        let peer_ns = match &self.peer_netns {
            Some(ns) => format!(" in {}", ns.describe()),
            None => String::new(),
        };
        format!(
            "veth '{}'{} (peer '{}'{peer_ns})",
            self.name,
            self.common.describe_netns(),
            self.peer
        )
    }
}

impl BuildLink for Veth {
    fn message(&self, links: &LinkHandle<'_>) -> Result<LinkMessage> {
        let mut peer = LinkMessage::default();
        peer.attributes.push(ifname_attribute(&self.peer));
        if let Some(mtu) = self.peer_mtu.or(self.common.mtu) {
            peer.attributes.push(LinkAttribute::Mtu(mtu.get()));
        }
        if let Some(mac) = self.peer_mac {
            super::spec::check_unicast(mac)?;
            peer.attributes
                .push(LinkAttribute::Address(mac.octets().to_vec()));
        }
        if let Some(ns) = &self.peer_netns {
            peer.attributes
                .push(LinkAttribute::NetNsFd(ns.as_fd().as_raw_fd()));
        }
        let data = InfoData::Veth(InfoVeth::Peer(peer));
        self.common
            .message(links, &self.name, InfoKind::Veth, Some(data))
    }
}
