//! VXLAN overlays.

use std::net::IpAddr;

use netlink_packet_route::link::{InfoData, InfoKind, InfoVxlan, LinkMessage};

use super::BuildLink;
use super::spec::{LinkCommon, LinkSpec, common_options};
use super::{LinkHandle, LinkRef};
use crate::error::{Error, Result};
use crate::values::{IfName, Vni};

/// The IANA VXLAN port, which `ip link add ... type vxlan dstport 4789` names explicitly.
pub const VXLAN_PORT: u16 = 4789;

/// A VXLAN device, like `ip link add NAME type vxlan id VNI [remote|group ADDR]
/// [local ADDR] [dev PARENT] [dstport PORT] [nolearning]`.
#[derive(Debug, Clone)]
pub struct Vxlan {
    name: IfName,
    vni: Vni,
    remote: Option<IpAddr>,
    group: Option<IpAddr>,
    local: Option<IpAddr>,
    parent: Option<LinkRef>,
    port: u16,
    ttl: Option<u8>,
    learning: bool,
    common: LinkCommon,
}

impl Vxlan {
    /// A VXLAN device with `vni`, sending to UDP port 4789 and learning remote MACs.
    pub fn new(name: IfName, vni: Vni) -> Self {
        Vxlan {
            name,
            vni,
            remote: None,
            group: None,
            local: None,
            parent: None,
            port: VXLAN_PORT,
            ttl: None,
            learning: true,
            common: LinkCommon::default(),
        }
    }

    /// The unicast peer that receives unknown-destination frames (`remote ADDR`).
    pub fn remote(mut self, addr: IpAddr) -> Self {
        self.remote = Some(addr);
        self
    }

    /// The multicast group that receives unknown-destination frames (`group ADDR`);
    /// needs a parent device.
    pub fn multicast_group(mut self, addr: IpAddr) -> Self {
        self.group = Some(addr);
        self
    }

    /// The local source address (`local ADDR`).
    pub fn local(mut self, addr: IpAddr) -> Self {
        self.local = Some(addr);
        self
    }

    /// The underlying device (`dev PARENT`).
    pub fn parent(mut self, parent: impl Into<LinkRef>) -> Self {
        self.parent = Some(parent.into());
        self
    }

    /// The destination UDP port (`dstport PORT`); 4789 by default. Port 0 leaves the
    /// choice to the kernel, whose default is Linux's historical 8472 (what `ip link add
    /// ... type vxlan` without `dstport` gives).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The TTL of the encapsulating packets (`ttl N`; 0 is `auto`).
    pub fn ttl(mut self, ttl: u8) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// Turns MAC learning off (`nolearning`).
    pub fn no_learning(mut self) -> Self {
        self.learning = false;
        self
    }

    fn validate(&self) -> Result<()> {
        if self.remote.is_some() && self.group.is_some() {
            return Err(Error::invalid(
                "VXLAN destination",
                &self.name,
                "remote and group are mutually exclusive",
            ));
        }
        if let Some(group) = self.group {
            if !group.is_multicast() {
                return Err(Error::invalid(
                    "VXLAN group",
                    group,
                    "not a multicast address",
                ));
            }
            if self.parent.is_none() {
                return Err(Error::invalid(
                    "VXLAN group",
                    group,
                    "a multicast group needs a parent device",
                ));
            }
        }
        if let Some(remote) = self.remote
            && remote.is_multicast()
        {
            return Err(Error::invalid(
                "VXLAN remote",
                remote,
                "a multicast address is a group, not a remote",
            ));
        }
        Ok(())
    }
}

common_options!(Vxlan);

impl LinkSpec for Vxlan {
    fn name(&self) -> &IfName {
        &self.name
    }

    fn target_netns(&self) -> Option<&crate::netns::Netns> {
        self.common.netns.as_ref()
    }

    fn describe(&self) -> String {
        format!(
            "vxlan '{}' (VNI {}){}",
            self.name,
            self.vni,
            self.common.describe_netns()
        )
    }
}

impl BuildLink for Vxlan {
    fn message(&self, links: &LinkHandle<'_>) -> Result<LinkMessage> {
        self.validate()?;
        let mut data = vec![InfoVxlan::Id(self.vni.get())];
        // iproute2 sends both `remote` and `group` as IFLA_VXLAN_GROUP(6).
        match self.remote.or(self.group) {
            Some(IpAddr::V4(a)) => data.push(InfoVxlan::Group(a)),
            Some(IpAddr::V6(a)) => data.push(InfoVxlan::Group6(a)),
            None => {}
        }
        match self.local {
            Some(IpAddr::V4(a)) => data.push(InfoVxlan::Local(a)),
            Some(IpAddr::V6(a)) => data.push(InfoVxlan::Local6(a)),
            None => {}
        }
        if let Some(parent) = &self.parent {
            data.push(InfoVxlan::Link(links.index(parent)?));
        }
        if let Some(ttl) = self.ttl {
            data.push(InfoVxlan::Ttl(ttl));
        }
        data.push(InfoVxlan::Learning(self.learning));
        if self.port != 0 {
            data.push(InfoVxlan::Port(self.port));
        }
        self.common.message(
            links,
            &self.name,
            InfoKind::Vxlan,
            Some(InfoData::Vxlan(data)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vx() -> Vxlan {
        Vxlan::new(IfName::new("vx0").unwrap(), Vni::new(7).unwrap())
    }

    #[test]
    fn destinations_are_checked_before_any_request() {
        assert!(vx().validate().is_ok());
        assert!(vx().remote("192.0.2.2".parse().unwrap()).validate().is_ok());
        let both = vx()
            .remote("192.0.2.2".parse().unwrap())
            .multicast_group("239.1.1.1".parse().unwrap());
        assert!(
            both.validate()
                .unwrap_err()
                .to_string()
                .contains("mutually exclusive")
        );
        let unicast_group = vx().multicast_group("192.0.2.2".parse().unwrap());
        assert!(
            unicast_group
                .validate()
                .unwrap_err()
                .to_string()
                .contains("not a multicast")
        );
        let multicast_remote = vx().remote("239.1.1.1".parse().unwrap());
        assert!(
            multicast_remote
                .validate()
                .unwrap_err()
                .to_string()
                .contains("is a group")
        );
        // Port 0 is the kernel's default, not an error.
        assert!(vx().port(0).validate().is_ok());
    }
}
