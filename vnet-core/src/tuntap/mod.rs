//! Tun and tap devices (`ip tuntap`, `tunctl`): create, delete, list, and attach for I/O.
//!
//! A tap carries Ethernet frames between the kernel and a program (QEMU's `-netdev
//! tap`, User-Mode Linux, a user-space switch); a tun carries IP packets (a VPN end
//! point). The kernel makes them through the clone device `/dev/net/tun`, not through
//! rtnetlink: an fd opened there is bound to a device by `TUNSETIFF`, which creates the
//! device if it does not exist, and the device lives as long as an fd is bound to it,
//! or until deleted when it is persistent (`TUNSETPERSIST`).
//!
//! - [`TunTapHandle::add`] creates a persistent device, like `ip tuntap add`;
//! - [`TunTapHandle::open`] creates or attaches and keeps the fd: a [`TunDevice`] that
//!   reads and writes frames or packets;
//! - [`TunTapHandle::delete`], [`TunTapHandle::get`] and [`TunTapHandle::list`] do
//!   what `ip tuntap del` and `ip tuntap show` do, reading the device's attributes back
//!   over netlink ([`TunInfo`]);
//! - [`CloneDevice`] is the step-by-step form (open, bind, then owner, group,
//!   persistence one by one), which `vtunctl` uses to follow `tunctl` step for step.
//!
//! The clone device ties an fd to the network namespace of the thread that opened it,
//! so a handle's tun/tap calls act in the handle's namespace like all the others.

mod device;
mod info;
mod spec;

pub use device::{CloneDevice, TunDevice};
pub use info::TunInfo;
pub use spec::{CLONE_DEVICE, TunTap};

pub use crate::error::TunStep;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::error::{Context, Error, Result};
use crate::link::{LinkChange, LinkHandle, LinkRef};
use crate::netlink::Connection;
use crate::values::IfName;

/// Tun (layer 3, IP packets) or tap (layer 2, Ethernet frames).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TunMode {
    /// A tun device: IP packets, no link-layer header (`IFF_TUN`).
    Tun,
    /// A tap device: Ethernet frames (`IFF_TAP`).
    Tap,
}

impl TunMode {
    /// The `TUNSETIFF` flag of this mode.
    pub(crate) fn flag(self) -> i32 {
        match self {
            TunMode::Tun => libc::IFF_TUN,
            TunMode::Tap => libc::IFF_TAP,
        }
    }
}

impl fmt::Display for TunMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TunMode::Tun => "tun",
            TunMode::Tap => "tap",
        })
    }
}

impl FromStr for TunMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "tun" => Ok(TunMode::Tun),
            "tap" => Ok(TunMode::Tap),
            _ => Err(Error::invalid("tun/tap mode", s, "must be 'tun' or 'tap'")),
        }
    }
}

/// The tun/tap calls of a [`crate::Handle`]: `handle.tuntap()`. They act in the handle's
/// network namespace.
#[derive(Debug, Clone, Copy)]
pub struct TunTapHandle<'a> {
    conn: &'a Connection,
}

impl<'a> TunTapHandle<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        TunTapHandle { conn }
    }

    fn links(&self) -> LinkHandle<'a> {
        LinkHandle::new(self.conn)
    }

    /// Opens the clone device at `path` (normally [`CLONE_DEVICE`]) in this namespace,
    /// for step-by-step work.
    pub fn clone_device(&self, path: impl Into<PathBuf>) -> Result<CloneDevice> {
        CloneDevice::open(self.conn.netns(), &path.into())
    }

    /// Creates a persistent device and returns its name (a template's number filled
    /// in), like `ip tuntap add mode tap dev tap0 user 1000 group 100`.
    ///
    /// Fails if a device of that name exists, whatever its kind. Owner, group and link
    /// group are set before the device is made persistent, so when a step fails the
    /// device vanishes with its fd: nothing is left half made.
    pub fn add(&self, spec: &TunTap) -> Result<IfName> {
        let mut made = Vec::with_capacity(1);
        self.add_chunk(std::slice::from_ref(spec), &mut made)
            .map_err(|(_, e)| e.with_op(format!("creating {}", spec.describe())))?;
        Ok(made.remove(0))
    }

    /// Creates several persistent devices, all or nothing: if one fails, those already
    /// made are removed again, and the error names the one that failed.
    ///
    /// Faster than one [`TunTapHandle::add`] each: the clone devices are opened in one
    /// visit to the namespace, and the link groups set in one netlink datagram.
    pub fn add_many(&self, specs: &[TunTap]) -> Result<Vec<IfName>> {
        // Bound the fds held at once well below the usual limit of 1024.
        const CHUNK: usize = 256;
        let mut made: Vec<IfName> = Vec::with_capacity(specs.len());
        for (c, chunk) in specs.chunks(CHUNK).enumerate() {
            if let Err((i, e)) = self.add_chunk(chunk, &mut made) {
                let spec = &chunk[i];
                let mut op = format!(
                    "creating {} (device {} of {})",
                    spec.describe(),
                    c * CHUNK + i + 1,
                    specs.len()
                );
                // Earlier chunks' devices are persistent and closed: delete them.
                for name in made.iter().rev() {
                    if let Err(undo) = self.delete(name) {
                        op += &format!("; rollback failed: {undo}");
                    }
                }
                return Err(e.with_op(op));
            }
        }
        Ok(made)
    }

    /// Creates the persistent devices of [`TunTapHandle::add`] and of one chunk of
    /// [`TunTapHandle::add_many`], holding every fd until all are persistent, so that a failure undoes the chunk by dropping them (after turning
    /// persistence back off). On failure, returns the index of the spec that failed.
    fn add_chunk(
        &self,
        specs: &[TunTap],
        made: &mut Vec<IfName>,
    ) -> std::result::Result<(), (usize, Error)> {
        let netns = self.conn.netns();
        let opened: Vec<std::io::Result<std::fs::File>> = netns
            .run(|| {
                specs
                    .iter()
                    .map(|s| device::open_clone(&s.clone_device))
                    .collect()
            })
            .map_err(|e| (0, e))?;
        let mut devices = Vec::with_capacity(specs.len());
        for (i, (spec, file)) in specs.iter().zip(opened).enumerate() {
            let device = CloneDevice::from_opened(file, &spec.clone_device, netns)
                .and_then(|clone| {
                    clone
                        .bind(spec, spec.flags() | libc::IFF_TUN_EXCL)
                        .map_err(|e| self.explain_bind(e, spec, true))
                })
                .map_err(|e| (i, e))?;
            if let Some(uid) = spec.owner {
                device.set_owner(uid).map_err(|e| (i, e))?;
            }
            if let Some(gid) = spec.group {
                device.set_group(gid).map_err(|e| (i, e))?;
            }
            devices.push(device);
        }
        // The link groups, all or nothing, in one datagram.
        let (positions, changes): (Vec<usize>, Vec<(LinkRef, LinkChange)>) = specs
            .iter()
            .zip(&devices)
            .enumerate()
            .filter_map(|(i, (spec, device))| {
                let group = spec.link_group?;
                let link = LinkRef::Name(device.name().clone());
                Some((i, (link, LinkChange::new().group(group))))
            })
            .unzip();
        self.links()
            .apply_changes(&changes)
            .map_err(|failure| (failure.index.map_or(0, |k| positions[k]), failure.error))?;
        for (i, device) in devices.iter().enumerate() {
            if let Err(e) = device.set_persistent(true) {
                for earlier in &devices[..i] {
                    let _ = earlier.set_persistent(false);
                }
                return Err((i, e));
            }
        }
        made.extend(devices.iter().map(|d| d.name().clone()));
        Ok(())
    }

    /// Creates the device, or attaches to the existing one, and returns the fd bound to
    /// it for reading and writing: what QEMU does for `-netdev tap,ifname=tap0`.
    ///
    /// Attaching sets the device's flags (packet information, virtio-net header) to the
    /// spec's, as the kernel does for every attach. The spec's owner, group, link group
    /// and persistence are applied when given. Unprivileged callers can attach to a
    /// device they own (or whose group they are in): no namespace switch is needed when
    /// the handle is for the caller's own namespace.
    pub fn open(&self, spec: &TunTap) -> Result<TunDevice> {
        let op = || format!("opening {}", spec.describe());
        let device = self
            .clone_device(spec.clone_device.clone())
            .op(op)?
            .attach(spec)
            .map_err(|e| self.explain_bind(e, spec, false))
            .op(op)?;
        self.configure(&device, spec).op(op)?;
        Ok(device)
    }

    /// Opens `queues` queues of a multi-queue device (created if needed), one fd each:
    /// several threads can then move packets in parallel.
    pub fn open_queues(&self, spec: &TunTap, queues: usize) -> Result<Vec<TunDevice>> {
        if !spec.multi_queue {
            return Err(Error::invalid(
                "tun/tap spec",
                spec.describe(),
                "several queues need multi_queue(true)",
            ));
        }
        if queues == 0 {
            return Err(Error::invalid("number of queues", 0, "must be at least 1"));
        }
        let first = self.open(spec)?;
        let again = spec.clone().name(first.name().clone());
        let mut all = vec![first];
        for _ in 1..queues {
            let queue = self
                .clone_device(spec.clone_device.clone())?
                .attach(&again)
                .op(|| format!("opening queue {} of {}", all.len() + 1, again.describe()))?;
            all.push(queue);
        }
        Ok(all)
    }

    /// Deletes a persistent tun or tap device, like `ip tuntap del dev NAME mode
    /// MODE` (the mode is read from the device).
    ///
    /// Fails if the device is not a tun/tap device, or while a process has it open (a
    /// running VM): the kernel answers `EBUSY` then. To remove many devices at once,
    /// give them a link group ([`TunTap::link_group`]) and delete the group.
    pub fn delete(&self, name: &IfName) -> Result<()> {
        let op = || format!("deleting tun/tap device '{name}'");
        let info = self.get(name).op(op)?;
        let spec = TunTap::new(info.mode)
            .name(name.clone())
            .multi_queue(info.multi_queue)
            .vnet_hdr(info.vnet_hdr)
            .packet_info(info.packet_info);
        let device = self
            .clone_device(spec.clone_device.clone())
            .op(op)?
            .attach(&spec)
            .map_err(|e| self.explain_bind(e, &spec, false))
            .op(op)?;
        device.set_persistent(false).op(op)
    }

    /// The tun attributes of the device `name`, read over netlink.
    pub fn get(&self, name: &IfName) -> Result<TunInfo> {
        let link = self.links().get(name)?;
        TunInfo::from_link(&link).ok_or_else(|| {
            Error::invalid(
                "tun/tap device",
                name,
                format!(
                    "it is a {} device, not tun/tap",
                    link.kind
                        .as_ref()
                        .map_or("non-virtual", |kind| kind.as_str())
                ),
            )
        })
    }

    /// Every tun/tap device of the namespace, like `ip tuntap show`, sorted by index.
    pub fn list(&self) -> Result<Vec<TunInfo>> {
        let links = self
            .links()
            .list()
            .op(|| "listing tun/tap devices".to_string())?;
        Ok(links.iter().filter_map(TunInfo::from_link).collect())
    }

    /// Applies the spec's owner, group and link group to an opened device, then its
    /// persistence if asked.
    fn configure(&self, device: &TunDevice, spec: &TunTap) -> Result<()> {
        if let Some(uid) = spec.owner {
            device.set_owner(uid)?;
        }
        if let Some(gid) = spec.group {
            device.set_group(gid)?;
        }
        if let Some(group) = spec.link_group {
            self.links()
                .set(device.name(), &LinkChange::new().group(group))?;
        }
        if spec.persistent {
            device.set_persistent(true)?;
        }
        Ok(())
    }

    /// Adds what the kernel's bare errno leaves out when `TUNSETIFF` fails.
    fn explain_bind(&self, e: Error, spec: &TunTap, exclusive: bool) -> Error {
        let Some(name) = spec.name.as_ref().filter(|n| !n.is_template()) else {
            return e;
        };
        match e.errno() {
            libc::EBUSY if exclusive => {
                hinted(e, format!("a device named '{name}' already exists"))
            }
            libc::EBUSY => hinted(e, format!("'{name}' is in use: a process has it open")),
            libc::EINVAL => match self.links().get(name) {
                Ok(link) => match TunInfo::from_link(&link) {
                    None => hinted(e, format!("'{name}' exists and is not a tun/tap device")),
                    Some(info) if info.mode != spec.mode => {
                        hinted(e, format!("'{name}' exists as a {} device", info.mode))
                    }
                    Some(info) if info.multi_queue != spec.multi_queue => hinted(
                        e,
                        format!(
                            "'{name}' exists {} multi_queue",
                            if info.multi_queue { "with" } else { "without" }
                        ),
                    ),
                    Some(_) => e,
                },
                Err(_) => e,
            },
            libc::EPERM => hinted(
                e,
                "creating needs CAP_NET_ADMIN; attaching needs it too unless the device's \
                 owner and group allow the caller"
                    .to_string(),
            ),
            _ => e,
        }
    }
}

/// Sets the hint of a tun/tap error.
fn hinted(mut e: Error, text: String) -> Error {
    if let Error::TunTap { hint, .. } = &mut e {
        *hint = Some(text);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_and_print() {
        assert_eq!("tap".parse::<TunMode>().unwrap(), TunMode::Tap);
        assert_eq!(TunMode::Tun.to_string(), "tun");
        let e = "tab".parse::<TunMode>().unwrap_err().to_string();
        assert_eq!(e, "invalid tun/tap mode 'tab': must be 'tun' or 'tap'");
    }

    #[test]
    fn steps_print_like_tunctl() {
        assert_eq!(TunStep::SetIff.to_string(), "TUNSETIFF");
        assert_eq!(
            TunStep::Open(PathBuf::from("/dev/net/tun")).to_string(),
            "opening /dev/net/tun"
        );
        let e = Error::TunTap {
            op: "creating tap 'tap0'".into(),
            step: TunStep::SetIff,
            source: std::io::Error::from_raw_os_error(libc::EBUSY),
            hint: Some("a device named 'tap0' already exists".into()),
        };
        assert_eq!(
            e.to_string(),
            "creating tap 'tap0': TUNSETIFF: Device or resource busy \
             (a device named 'tap0' already exists)"
        );
        assert_eq!(e.errno(), libc::EBUSY);
    }
}
