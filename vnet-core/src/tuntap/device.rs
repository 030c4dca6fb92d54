//! [`CloneDevice`] (an open `/dev/net/tun`) and [`TunDevice`] (one bound to a device).

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};

use nix::fcntl::{FcntlArg, OFlag, fcntl};

use super::{TunMode, TunStep, TunTap};
use crate::error::{Error, Result};
use crate::netns::Netns;
use crate::sys::tun;
use crate::values::IfName;

/// Opens a clone device for reading and writing (close-on-exec, as Rust opens every
/// file); the calling thread's namespace becomes the fd's.
pub(crate) fn open_clone(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).write(true).open(path)
}

/// An open tun clone device (`/dev/net/tun`) not bound to any device yet.
///
/// The kernel ties the fd to the network namespace of the thread that opened it: every
/// device made through it lives there. [`CloneDevice::attach`] binds it to a device
/// (`TUNSETIFF`), turning it into a [`TunDevice`].
#[derive(Debug)]
pub struct CloneDevice {
    file: File,
    path: PathBuf,
}

impl CloneDevice {
    /// Opens the clone device at `path` inside `netns` (on a short-lived thread when
    /// the caller's thread is elsewhere; see [`Netns::run`]).
    pub fn open(netns: &Netns, path: &Path) -> Result<CloneDevice> {
        let file = netns.run(|| open_clone(path))?;
        CloneDevice::from_opened(file, path, netns)
    }

    /// Wraps the outcome of [`open_clone`] for `path` in `netns`.
    pub(crate) fn from_opened(
        file: io::Result<File>,
        path: &Path,
        netns: &Netns,
    ) -> Result<CloneDevice> {
        match file {
            Ok(file) => Ok(CloneDevice {
                file,
                path: path.to_path_buf(),
            }),
            Err(source) => Err(Error::TunTap {
                op: format!("opening the tun clone device in {}", netns.describe()),
                step: TunStep::Open(path.to_path_buf()),
                source,
                hint: None,
            }),
        }
    }

    /// The path this clone device was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Binds the fd to the device `spec` names, creating it when it does not exist
    /// (`TUNSETIFF`, with the spec's mode and flags). Only the binding: the spec's
    /// owner, group, persistence and link group are left to the caller.
    ///
    /// Attaching to an existing device needs `CAP_NET_ADMIN`, or to be its owner (and
    /// in its group, if it has one); creating one always needs `CAP_NET_ADMIN`.
    pub fn attach(self, spec: &TunTap) -> Result<TunDevice> {
        self.bind(spec, spec.flags())
    }

    /// [`CloneDevice::attach`] with extra `TUNSETIFF` flags (`IFF_TUN_EXCL`).
    pub(crate) fn bind(self, spec: &TunTap, flags: i32) -> Result<TunDevice> {
        let requested = spec.name.as_ref().map_or(&b""[..], IfName::as_bytes);
        match tun::set_iff(self.file.as_fd(), requested, flags) {
            Ok(name) => {
                let name = IfName::from_kernel(name);
                Ok(TunDevice {
                    file: self.file,
                    name,
                    flags,
                })
            }
            Err(source) => Err(Error::TunTap {
                op: format!("binding {} to {}", spec.describe(), self.path.display()),
                step: TunStep::SetIff,
                source,
                hint: None,
            }),
        }
    }
}

/// A tun or tap device, through an fd bound to it: frames (tap) or packets (tun) are
/// read from and written to it.
///
/// Each `read` returns one whole frame or packet (give it a buffer of at least the MTU
/// plus headers: 65536 bytes is always enough); each `write` sends one. With
/// [`TunTap::packet_info`] or [`TunTap::vnet_hdr`], each starts with those headers.
///
/// A device that is not persistent disappears when its last fd closes (when the last
/// `TunDevice` of it is dropped). The fd is opened close-on-exec.
#[derive(Debug)]
pub struct TunDevice {
    file: File,
    name: IfName,
    flags: i32,
}

impl TunDevice {
    /// The device's name, as the kernel gave it (a template's number filled in).
    pub fn name(&self) -> &IfName {
        &self.name
    }

    /// Tun or tap.
    pub fn mode(&self) -> TunMode {
        if self.flags & libc::IFF_TAP != 0 {
            TunMode::Tap
        } else {
            TunMode::Tun
        }
    }

    /// True when each packet starts with the 4-byte packet information header.
    pub fn packet_info(&self) -> bool {
        self.flags & libc::IFF_NO_PI == 0
    }

    /// True when each packet starts with a virtio-net header.
    pub fn vnet_hdr(&self) -> bool {
        self.flags & libc::IFF_VNET_HDR != 0
    }

    /// True for one queue of a multi-queue device.
    pub fn multi_queue(&self) -> bool {
        self.flags & libc::IFF_MULTI_QUEUE != 0
    }

    /// The flags the kernel reports for this fd (`TUNGETIFF`), `IFF_PERSIST` included.
    pub fn kernel_flags(&self) -> Result<i32> {
        tun::get_iff(self.file.as_fd())
            .map(|(_, flags)| flags)
            .map_err(|source| self.error("reading the flags of", TunStep::GetIff, source))
    }

    /// True when the device outlives its fds (`IFF_PERSIST`, read with `TUNGETIFF`).
    pub fn is_persistent(&self) -> Result<bool> {
        Ok(self.kernel_flags()? & libc::IFF_PERSIST != 0)
    }

    /// Makes reads and writes return [`io::ErrorKind::WouldBlock`] instead of waiting
    /// (`O_NONBLOCK`), for use with `poll` or an event loop.
    pub fn set_nonblocking(&self, on: bool) -> Result<()> {
        let op = || format!("setting O_NONBLOCK on {} '{}'", self.mode(), self.name);
        let flags = fcntl(&self.file, FcntlArg::F_GETFL).map_err(|e| Error::sys(op(), e))?;
        let mut flags = OFlag::from_bits_retain(flags);
        flags.set(OFlag::O_NONBLOCK, on);
        fcntl(&self.file, FcntlArg::F_SETFL(flags))
            .map(|_| ())
            .map_err(|e| Error::sys(op(), e))
    }

    /// Keeps the device when its last fd closes, or not (`TUNSETPERSIST`; `tunctl`
    /// and `tunctl -d`).
    pub fn set_persistent(&self, on: bool) -> Result<()> {
        tun::set_value(self.file.as_fd(), libc::TUNSETPERSIST, u32::from(on))
            .map_err(|source| self.error("setting persistence of", TunStep::SetPersist, source))
    }

    /// Lets the user `uid` attach without privileges (`TUNSETOWNER`).
    pub fn set_owner(&self, uid: u32) -> Result<()> {
        tun::set_value(self.file.as_fd(), libc::TUNSETOWNER, uid)
            .map_err(|source| self.error("setting the owner of", TunStep::SetOwner, source))
    }

    /// Lets the group `gid` attach without privileges (`TUNSETGROUP`).
    pub fn set_group(&self, gid: u32) -> Result<()> {
        tun::set_value(self.file.as_fd(), libc::TUNSETGROUP, gid)
            .map_err(|source| self.error("setting the group of", TunStep::SetGroup, source))
    }

    /// Enables or disables this queue of a multi-queue device (`TUNSETQUEUE`): a
    /// disabled queue gets no packets.
    pub fn set_queue_enabled(&self, on: bool) -> Result<()> {
        tun::set_queue(self.file.as_fd(), on)
            .map_err(|source| self.error("switching the queue of", TunStep::SetQueue, source))
    }

    /// The open file, for callers that want it (the device stays bound to it).
    pub fn into_file(self) -> File {
        self.file
    }

    fn error(&self, what: &str, step: TunStep, source: io::Error) -> Error {
        Error::TunTap {
            op: format!("{what} {} '{}'", self.mode(), self.name),
            step,
            source,
            hint: None,
        }
    }
}

impl Read for TunDevice {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

impl Write for TunDevice {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Read for &TunDevice {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&self.file).read(buf)
    }
}

impl Write for &TunDevice {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&self.file).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl AsFd for TunDevice {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}

impl AsRawFd for TunDevice {
    fn as_raw_fd(&self) -> RawFd {
        self.file.as_raw_fd()
    }
}

impl From<TunDevice> for OwnedFd {
    fn from(device: TunDevice) -> OwnedFd {
        device.file.into()
    }
}
