//! [`TunTap`]: a description of a tun or tap device to create or attach to.

use std::path::{Path, PathBuf};

use super::TunMode;
use crate::values::IfName;

/// The clone device through which tun/tap devices are made.
pub const CLONE_DEVICE: &str = "/dev/net/tun";

/// A tun or tap device to create ([`super::TunTapHandle::add`]) or to open for I/O
/// ([`super::TunTapHandle::open`]): `ip tuntap add mode tap dev tap0 user 1000`.
///
/// Without a name the kernel picks the first free `tun%d` or `tap%d`; a name may also be
/// such a template. Packet information (the 4-byte header `IFF_NO_PI` turns off) is off
/// by default, as with `tunctl` and QEMU.
///
/// ```
/// use vnet_core::{IfName, TunTap};
///
/// # fn main() -> vnet_core::Result<()> {
/// // tunctl -u 1000 -t tap0
/// let tap = TunTap::tap(IfName::new("tap0")?).owner(1000);
/// // ip tuntap add mode tun dev vpn%d multi_queue
/// let tun = TunTap::tun(IfName::new("vpn%d")?).multi_queue(true);
/// # let _ = (tap, tun);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunTap {
    pub(crate) mode: TunMode,
    pub(crate) name: Option<IfName>,
    pub(crate) owner: Option<u32>,
    pub(crate) group: Option<u32>,
    pub(crate) persistent: bool,
    pub(crate) multi_queue: bool,
    pub(crate) vnet_hdr: bool,
    pub(crate) packet_info: bool,
    pub(crate) link_group: Option<u32>,
    pub(crate) clone_device: PathBuf,
}

impl TunTap {
    /// A device of `mode` whose name the kernel picks (`tun0`, `tap3`, ...).
    pub fn new(mode: TunMode) -> TunTap {
        TunTap {
            mode,
            name: None,
            owner: None,
            group: None,
            persistent: false,
            multi_queue: false,
            vnet_hdr: false,
            packet_info: false,
            link_group: None,
            clone_device: PathBuf::from(CLONE_DEVICE),
        }
    }

    /// A tap device (layer 2: Ethernet frames) named `name` (or a template like `tap%d`).
    pub fn tap(name: IfName) -> TunTap {
        TunTap::new(TunMode::Tap).name(name)
    }

    /// A tun device (layer 3: IP packets) named `name` (or a template like `tun%d`).
    pub fn tun(name: IfName) -> TunTap {
        TunTap::new(TunMode::Tun).name(name)
    }

    /// Sets the name (or template).
    pub fn name(mut self, name: IfName) -> TunTap {
        self.name = Some(name);
        self
    }

    /// Lets the user `uid` attach to the device without privileges (`TUNSETOWNER`,
    /// `ip tuntap add ... user UID`, `tunctl -u`).
    pub fn owner(mut self, uid: u32) -> TunTap {
        self.owner = Some(uid);
        self
    }

    /// Lets members of the group `gid` attach to the device without privileges
    /// (`TUNSETGROUP`, `ip tuntap add ... group GID`, `tunctl -g`).
    ///
    /// With both an owner and a group, a process must match both.
    pub fn group(mut self, gid: u32) -> TunTap {
        self.group = Some(gid);
        self
    }

    /// Makes [`super::TunTapHandle::open`] leave the device behind when the last fd
    /// closes (`TUNSETPERSIST`). [`super::TunTapHandle::add`] always does.
    pub fn persistent(mut self, on: bool) -> TunTap {
        self.persistent = on;
        self
    }

    /// Several queues, each its own fd (`IFF_MULTI_QUEUE`, `ip tuntap add ...
    /// multi_queue`); see [`super::TunTapHandle::open_queues`].
    pub fn multi_queue(mut self, on: bool) -> TunTap {
        self.multi_queue = on;
        self
    }

    /// Each packet starts with a `struct virtio_net_hdr` (`IFF_VNET_HDR`, `ip tuntap
    /// add ... vnet_hdr`), as virtio-net back ends expect.
    pub fn vnet_hdr(mut self, on: bool) -> TunTap {
        self.vnet_hdr = on;
        self
    }

    /// Each packet starts with the 4-byte packet information header (flags and
    /// protocol): off by default (`IFF_NO_PI`); `ip tuntap add ... pi` turns it on.
    pub fn packet_info(mut self, on: bool) -> TunTap {
        self.packet_info = on;
        self
    }

    /// Puts the device in link group `group` once created, so that a whole set of
    /// devices can be deleted in one request ([`crate::link::LinkHandle::delete_group`]).
    pub fn link_group(mut self, group: u32) -> TunTap {
        self.link_group = Some(group);
        self
    }

    /// Uses another clone device than `/dev/net/tun` (`tunctl -f`).
    pub fn clone_device(mut self, path: impl Into<PathBuf>) -> TunTap {
        self.clone_device = path.into();
        self
    }

    /// The mode.
    pub fn mode(&self) -> TunMode {
        self.mode
    }

    /// The name or template, if one was given.
    pub fn name_ref(&self) -> Option<&IfName> {
        self.name.as_ref()
    }

    /// The clone device this spec opens.
    pub fn clone_device_path(&self) -> &Path {
        &self.clone_device
    }

    /// The `TUNSETIFF` flags of this spec.
    pub(crate) fn flags(&self) -> i32 {
        let mut flags = self.mode.flag();
        if !self.packet_info {
            flags |= libc::IFF_NO_PI;
        }
        if self.multi_queue {
            flags |= libc::IFF_MULTI_QUEUE;
        }
        if self.vnet_hdr {
            flags |= libc::IFF_VNET_HDR;
        }
        flags
    }

    /// "tap 'tap0'", or "tap" for a kernel-chosen name.
    pub(crate) fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("{} '{name}'", self.mode),
            None => self.mode.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_follow_the_options() {
        let tap = TunTap::tap(IfName::new("tap0").unwrap());
        assert_eq!(tap.flags(), libc::IFF_TAP | libc::IFF_NO_PI);
        let tun = TunTap::new(TunMode::Tun)
            .packet_info(true)
            .multi_queue(true)
            .vnet_hdr(true);
        assert_eq!(
            tun.flags(),
            libc::IFF_TUN | libc::IFF_MULTI_QUEUE | libc::IFF_VNET_HDR
        );
        assert_eq!(tap.describe(), "tap 'tap0'");
        assert_eq!(tun.describe(), "tun");
    }
}
