//! Per-port VLANs of a VLAN-filtering bridge (`bridge vlan`): which VLANs a port (or the
//! bridge device itself) carries, which one is its PVID, which leave untagged.
//!
//! These need `CONFIG_BRIDGE_VLAN_FILTERING`; a kernel without it answers `EOPNOTSUPP`
//! to additions and reports no VLANs.

use netlink_packet_route::AddressFamily;
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::link::{
    AfSpecBridge, BridgeFlag, BridgeVlanInfo, BridgeVlanInfoFlags, LinkAttribute, LinkExtentMask,
    LinkMessage,
};

use super::BridgeHandle;
use crate::error::{Context, Result};
use crate::link::LinkRef;
use crate::values::VlanId;

/// One VLAN of a bridge port, as `bridge vlan show` lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortVlan {
    /// The VLAN id.
    pub vid: VlanId,
    /// Untagged frames arriving on the port belong to this VLAN (`pvid`).
    pub pvid: bool,
    /// Frames of this VLAN leave the port untagged (`untagged`).
    pub untagged: bool,
}

impl PortVlan {
    /// A tagged VLAN that is not the PVID.
    pub fn tagged(vid: VlanId) -> Self {
        PortVlan {
            vid,
            pvid: false,
            untagged: false,
        }
    }

    fn info(&self) -> BridgeVlanInfo {
        let mut flags = BridgeVlanInfoFlags::empty();
        if self.pvid {
            flags |= BridgeVlanInfoFlags::Pvid;
        }
        if self.untagged {
            flags |= BridgeVlanInfoFlags::Untagged;
        }
        BridgeVlanInfo {
            flags,
            vid: self.vid.get(),
        }
    }
}

impl BridgeHandle<'_> {
    /// Adds a VLAN to a bridge port, like `bridge vlan add dev PORT vid N [pvid]
    /// [untagged]`.
    pub fn vlan_add(&self, port: impl Into<LinkRef>, vlan: &PortVlan) -> Result<()> {
        let port = port.into();
        self.vlan_change(&port, vlan.info(), VlanOn::Port, Change::Add)
            .op(|| format!("adding VLAN {} to bridge port '{port}'", vlan.vid))
    }

    /// Adds a VLAN to the bridge device itself, like `bridge vlan add dev BR vid N self
    /// [pvid] [untagged]` (the bridge's own port towards the host).
    pub fn vlan_add_self(&self, bridge: impl Into<LinkRef>, vlan: &PortVlan) -> Result<()> {
        let bridge = bridge.into();
        self.vlan_change(&bridge, vlan.info(), VlanOn::BridgeItself, Change::Add)
            .op(|| format!("adding VLAN {} to bridge '{bridge}' itself", vlan.vid))
    }

    /// Removes a VLAN from a bridge port, like `bridge vlan del dev PORT vid N`.
    pub fn vlan_del(&self, port: impl Into<LinkRef>, vid: VlanId) -> Result<()> {
        let port = port.into();
        let info = PortVlan::tagged(vid).info();
        self.vlan_change(&port, info, VlanOn::Port, Change::Delete)
            .op(|| format!("deleting VLAN {vid} from bridge port '{port}'"))
    }

    /// Removes a VLAN from the bridge device itself, like
    /// `bridge vlan del dev BR vid N self`.
    pub fn vlan_del_self(&self, bridge: impl Into<LinkRef>, vid: VlanId) -> Result<()> {
        let bridge = bridge.into();
        let info = PortVlan::tagged(vid).info();
        self.vlan_change(&bridge, info, VlanOn::BridgeItself, Change::Delete)
            .op(|| format!("deleting VLAN {vid} from bridge '{bridge}' itself"))
    }

    /// Lists the VLANs of every bridge port (and of bridges themselves), like
    /// `bridge vlan show`: one `(ifindex, vlans)` pair per device that has any, sorted by
    /// index.
    ///
    /// One `AF_BRIDGE` link dump with `IFLA_EXT_MASK` = `RTEXT_FILTER_BRVLAN`.
    pub fn vlan_list(&self) -> Result<Vec<(u32, Vec<PortVlan>)>> {
        let mut request = LinkMessage::default();
        request.header.interface_family = AddressFamily::Bridge;
        request
            .attributes
            .push(LinkAttribute::ExtMask(vec![LinkExtentMask::Brvlan]));
        let replies = self
            .conn
            .dump(RouteNetlinkMessage::GetLink(request))
            .op(|| "listing bridge VLANs".to_string())?;
        let mut out = Vec::new();
        for reply in replies {
            let RouteNetlinkMessage::NewLink(m) = reply else {
                continue;
            };
            let vlans = port_vlans(&m);
            if !vlans.is_empty() {
                out.push((m.header.index, vlans));
            }
        }
        out.sort_by_key(|(index, _)| *index);
        Ok(out)
    }

    /// One `AF_BRIDGE` `RTM_SETLINK` (add) or `RTM_DELLINK` (delete) carrying
    /// `IFLA_AF_SPEC { [IFLA_BRIDGE_FLAGS = SELF,] IFLA_BRIDGE_VLAN_INFO }`.
    fn vlan_change(
        &self,
        link: &LinkRef,
        info: BridgeVlanInfo,
        on: VlanOn,
        change: Change,
    ) -> Result<()> {
        let mut message = LinkMessage::default();
        message.header.interface_family = AddressFamily::Bridge;
        message.header.index = self.links().index(link)?;
        let mut spec = Vec::new();
        if on == VlanOn::BridgeItself {
            spec.push(AfSpecBridge::Flags(BridgeFlag::LowerDev));
        }
        spec.push(AfSpecBridge::VlanInfo(info));
        message.attributes.push(LinkAttribute::AfSpecBridge(spec));
        let request = match change {
            Change::Add => RouteNetlinkMessage::SetLink(message),
            Change::Delete => RouteNetlinkMessage::DelLink(message),
        };
        self.conn.request_ack(request, 0)
    }
}

/// Where a VLAN change applies: a port, or the bridge device itself (`self`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VlanOn {
    Port,
    BridgeItself,
}

/// Whether a VLAN is added or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Add,
    Delete,
}

/// The VLANs of one port in an `AF_BRIDGE` link message of a `RTEXT_FILTER_BRVLAN` dump
/// (its `IFLA_AF_SPEC` `IFLA_BRIDGE_VLAN_INFO` entries; ids out of range are skipped).
pub(crate) fn port_vlans(m: &LinkMessage) -> Vec<PortVlan> {
    let mut vlans = Vec::new();
    for attribute in &m.attributes {
        let LinkAttribute::AfSpecBridge(specs) = attribute else {
            continue;
        };
        for spec in specs {
            if let AfSpecBridge::VlanInfo(info) = spec
                && let Ok(vid) = VlanId::new(u32::from(info.vid))
            {
                vlans.push(PortVlan {
                    vid,
                    pvid: info.flags.contains(BridgeVlanInfoFlags::Pvid),
                    untagged: info.flags.contains(BridgeVlanInfoFlags::Untagged),
                });
            }
        }
    }
    vlans
}
