//! Bridge creation. Bridge ports, options on an existing bridge, the forwarding database
//! and STP state live in [`crate::bridge`].

use netlink_packet_route::link::{BridgeStpState, InfoBridge, InfoData, InfoKind, LinkMessage};

use super::BuildLink;
use super::LinkHandle;
use super::spec::{LinkCommon, LinkSpec, common_options};
use crate::error::Result;
use crate::values::IfName;

/// Bridge options, as `ip link add ... type bridge OPTIONS` and `brctl set*` know them.
///
/// Times are in hundredths of a second (centiseconds), the kernel's unit: a forward delay
/// of 15 s is 1500. Unset options keep the kernel's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BridgeOptions {
    /// Spanning tree on or off (`stp_state`).
    pub stp: Option<bool>,
    /// Forward delay, centiseconds (`forward_delay`).
    pub forward_delay: Option<u32>,
    /// Hello time, centiseconds (`hello_time`).
    pub hello_time: Option<u32>,
    /// Max age, centiseconds (`max_age`).
    pub max_age: Option<u32>,
    /// MAC ageing time, centiseconds (`ageing_time`).
    pub ageing_time: Option<u32>,
    /// Bridge priority (`priority`).
    pub priority: Option<u16>,
    /// VLAN filtering (`vlan_filtering`; needs 802.1Q support in the kernel).
    pub vlan_filtering: Option<bool>,
    /// Default PVID for new ports (`vlan_default_pvid`).
    pub default_pvid: Option<u16>,
    /// IGMP/MLD snooping (`mcast_snooping`).
    pub multicast_snooping: Option<bool>,
}

impl BridgeOptions {
    /// The options as `IFLA_BR_*` attributes.
    pub(crate) fn attributes(&self) -> Vec<InfoBridge> {
        let mut out = Vec::new();
        if let Some(stp) = self.stp {
            let state = if stp {
                BridgeStpState::KernelStp
            } else {
                BridgeStpState::Disabled
            };
            out.push(InfoBridge::StpState(state));
        }
        if let Some(v) = self.forward_delay {
            out.push(InfoBridge::ForwardDelay(v));
        }
        if let Some(v) = self.hello_time {
            out.push(InfoBridge::HelloTime(v));
        }
        if let Some(v) = self.max_age {
            out.push(InfoBridge::MaxAge(v));
        }
        if let Some(v) = self.ageing_time {
            out.push(InfoBridge::AgeingTime(v));
        }
        if let Some(v) = self.priority {
            out.push(InfoBridge::Priority(v));
        }
        if let Some(v) = self.vlan_filtering {
            out.push(InfoBridge::VlanFiltering(v));
        }
        if let Some(v) = self.default_pvid {
            out.push(InfoBridge::VlanDefaultPvid(v));
        }
        if let Some(v) = self.multicast_snooping {
            out.push(InfoBridge::MulticastSnooping(v));
        }
        out
    }
}

/// A bridge, like `ip link add NAME type bridge [OPTIONS]`.
#[derive(Debug, Clone)]
pub struct Bridge {
    name: IfName,
    options: BridgeOptions,
    common: LinkCommon,
}

impl Bridge {
    /// A bridge named `name` with the kernel's default options.
    pub fn new(name: IfName) -> Self {
        Bridge {
            name,
            options: BridgeOptions::default(),
            common: LinkCommon::default(),
        }
    }

    /// Sets the bridge options.
    pub fn options(mut self, options: BridgeOptions) -> Self {
        self.options = options;
        self
    }
}

common_options!(Bridge);

impl LinkSpec for Bridge {
    fn name(&self) -> &IfName {
        &self.name
    }

    fn target_netns(&self) -> Option<&crate::netns::Netns> {
        self.common.netns.as_ref()
    }

    fn describe(&self) -> String {
        format!("bridge '{}'{}", self.name, self.common.describe_netns())
    }
}

impl BuildLink for Bridge {
    fn message(&self, links: &LinkHandle<'_>) -> Result<LinkMessage> {
        let attributes = self.options.attributes();
        let data = (!attributes.is_empty()).then_some(InfoData::Bridge(attributes));
        self.common
            .message(links, &self.name, InfoKind::Bridge, data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_set_options_become_attributes() {
        assert!(BridgeOptions::default().attributes().is_empty());
        let options = BridgeOptions {
            stp: Some(true),
            forward_delay: Some(400),
            priority: Some(4096),
            vlan_filtering: Some(false),
            ..Default::default()
        };
        assert_eq!(
            options.attributes(),
            vec![
                InfoBridge::StpState(BridgeStpState::KernelStp),
                InfoBridge::ForwardDelay(400),
                InfoBridge::Priority(4096),
                InfoBridge::VlanFiltering(false),
            ]
        );
    }
}
