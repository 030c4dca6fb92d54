//! [`TunInfo`]: what the kernel tells over netlink about a tun/tap device.

use std::fmt;

use netlink_packet_core::Nla;
use netlink_packet_route::link::{InfoData, LinkAttribute, LinkInfo};

use super::TunMode;
use crate::link::{Link, LinkKind};
use crate::values::IfName;
// netlink-packet-route leaves the IFLA_TUN_* attributes untyped.
use crate::uapi::if_link::{
    IFLA_TUN_GROUP, IFLA_TUN_MULTI_QUEUE, IFLA_TUN_NUM_DISABLED_QUEUES, IFLA_TUN_NUM_QUEUES,
    IFLA_TUN_OWNER, IFLA_TUN_PERSIST, IFLA_TUN_PI, IFLA_TUN_TYPE, IFLA_TUN_VNET_HDR,
};

/// A tun/tap device as `ip -d link show` and `ip tuntap show` describe it.
///
/// Its `Display` is one line of `ip tuntap show`:
/// `tap0: tap multi_queue vnet_hdr persist user 1000 group 100`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunInfo {
    /// Interface name.
    pub name: IfName,
    /// Interface index.
    pub index: u32,
    /// Tun or tap.
    pub mode: TunMode,
    /// The user allowed to attach, if any.
    pub owner: Option<u32>,
    /// The group allowed to attach, if any.
    pub group: Option<u32>,
    /// Packets carry the 4-byte packet information header.
    pub packet_info: bool,
    /// Packets carry a virtio-net header.
    pub vnet_hdr: bool,
    /// The device outlives its fds.
    pub persistent: bool,
    /// The device has several queues.
    pub multi_queue: bool,
    /// Number of attached queues (multi-queue devices only).
    pub queues: Option<u32>,
    /// Number of attached but disabled queues (multi-queue devices only).
    pub disabled_queues: Option<u32>,
}

impl TunInfo {
    /// The device's flags in the words and order of iproute2's `ip tuntap show`: `pi`,
    /// `multi_queue`, `vnet_hdr`, `persist`, `filter`. `ip` says "filter" for every device
    /// with packet information, because `IFF_NOFILTER` and `IFF_NO_PI` are the same bit;
    /// so does this.
    pub fn flag_words(&self) -> Vec<&'static str> {
        [
            (self.packet_info, "pi"),
            (self.multi_queue, "multi_queue"),
            (self.vnet_hdr, "vnet_hdr"),
            (self.persistent, "persist"),
            (self.packet_info, "filter"),
        ]
        .into_iter()
        .filter_map(|(on, word)| on.then_some(word))
        .collect()
    }

    /// Reads the tun attributes of `link`; `None` if it is not a tun/tap device.
    pub fn from_link(link: &Link) -> Option<TunInfo> {
        if link.kind != Some(LinkKind::Tun) {
            return None;
        }
        let mut info = TunInfo {
            name: link.name.clone(),
            index: link.index,
            mode: TunMode::Tun,
            owner: None,
            group: None,
            packet_info: false,
            vnet_hdr: false,
            persistent: false,
            multi_queue: false,
            queues: None,
            disabled_queues: None,
        };
        let data = link.raw().attributes.iter().find_map(|a| match a {
            LinkAttribute::LinkInfo(infos) => infos.iter().find_map(|i| match i {
                LinkInfo::Data(InfoData::Tun(data)) => Some(data),
                _ => None,
            }),
            _ => None,
        })?;
        for attribute in data {
            let mut value = vec![0; attribute.value_len()];
            attribute.emit_value(&mut value);
            let byte = value.first().copied().unwrap_or(0);
            let word = <[u8; 4]>::try_from(value.as_slice())
                .ok()
                .map(u32::from_ne_bytes);
            match attribute.kind() {
                IFLA_TUN_OWNER => info.owner = word,
                IFLA_TUN_GROUP => info.group = word,
                IFLA_TUN_TYPE => {
                    info.mode = if i32::from(byte) == libc::IFF_TAP {
                        TunMode::Tap
                    } else {
                        TunMode::Tun
                    }
                }
                IFLA_TUN_PI => info.packet_info = byte != 0,
                IFLA_TUN_VNET_HDR => info.vnet_hdr = byte != 0,
                IFLA_TUN_PERSIST => info.persistent = byte != 0,
                IFLA_TUN_MULTI_QUEUE => info.multi_queue = byte != 0,
                IFLA_TUN_NUM_QUEUES => info.queues = word,
                IFLA_TUN_NUM_DISABLED_QUEUES => info.disabled_queues = word,
                _ => {}
            }
        }
        Some(info)
    }
}

impl fmt::Display for TunInfo {
    /// The words and order of iproute2's `ip tuntap show`: the name, the mode, the
    /// [flags](TunInfo::flag_words), the owner and the group.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.mode)?;
        for word in self.flag_words() {
            write!(f, " {word}")?;
        }
        if let Some(uid) = self.owner {
            write!(f, " user {uid}")?;
        }
        if let Some(gid) = self.group {
            write!(f, " group {gid}")?;
        }
        Ok(())
    }
}
