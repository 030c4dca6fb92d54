//! The one corner of vnet that may use `unsafe`: code that runs between `fork` and `exec`
//! (where only async-signal-safe calls are allowed), and raw ioctls.
//!
//! Everything here is small, and each `unsafe` block says why it is sound.

#![allow(unsafe_code)]

use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::process::CommandExt;
use std::process::Command;

/// The mounts `ip netns exec` performs for a named namespace, prepared in the parent so
/// the child only makes raw syscalls.
pub(crate) struct NetnsExecPlan {
    /// The network namespace to enter (an nsfs fd).
    pub netns: std::os::fd::OwnedFd,
    /// Pairs of (source under `/etc/netns/NAME`, target under `/etc`) to bind-mount.
    pub etc_binds: Vec<(CString, CString)>,
    /// Mount the fresh `/sys` read-only (the original was).
    pub sys_read_only: bool,
}

/// A C call's return value as a `Result`: negative means failed, with `errno`. (Safe
/// between `fork` and `exec`: it reads `errno` and allocates nothing.)
fn check(rc: libc::c_int) -> io::Result<()> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Makes `command` enter the network namespace of `plan` the way `ip netns exec` does:
/// `setns`, a private mount namespace (so nothing below leaks out), `/sys` remounted so
/// it shows the new namespace's devices, and `/etc/netns/NAME/*` bound over `/etc/*`.
pub(crate) fn netns_exec(command: &mut Command, plan: NetnsExecPlan) {
    let sys = c"/sys";
    let root = c"/";
    let sysfs = c"sysfs";
    let none = c"none";
    // SAFETY: the closure runs in the forked child before exec. It only makes raw
    // syscalls (setns, unshare, mount, umount2) on data prepared before the fork (the
    // fd and the CStrings live in `plan`, which the closure owns), and allocates nothing.
    unsafe {
        command.pre_exec(move || {
            check(libc::setns(
                plan.netns.as_fd().as_raw_fd(),
                libc::CLONE_NEWNET,
            ))?;
            check(libc::unshare(libc::CLONE_NEWNS))?;
            // Keep mounts made below from propagating back to the parent's namespace.
            check(libc::mount(
                none.as_ptr(),
                root.as_ptr(),
                std::ptr::null(),
                libc::MS_SLAVE | libc::MS_REC,
                std::ptr::null(),
            ))?;
            // A fresh sysfs shows the devices of the namespace that mounts it; like
            // `ip netns exec`, keep it read-only if the original was.
            let sys_flags = if plan.sys_read_only {
                libc::MS_RDONLY
            } else {
                0
            };
            if libc::umount2(sys.as_ptr(), libc::MNT_DETACH) == 0 {
                check(libc::mount(
                    sysfs.as_ptr(),
                    sys.as_ptr(),
                    sysfs.as_ptr(),
                    sys_flags,
                    std::ptr::null(),
                ))?;
            }
            // `ip netns exec` warns about a file it cannot bind and goes on: so does
            // this, without the warning (nothing may be printed here safely).
            for (source, target) in &plan.etc_binds {
                libc::mount(
                    source.as_ptr(),
                    target.as_ptr(),
                    none.as_ptr(),
                    libc::MS_BIND,
                    std::ptr::null(),
                );
            }
            Ok(())
        });
    }
}

/// The `/dev/net/tun` ioctls (`include/uapi/linux/if_tun.h`).
pub(crate) mod tun {
    use std::io;
    use std::os::fd::{AsRawFd, BorrowedFd};

    use super::check;

    /// `struct ifreq` as the tun ioctls use it: a name and a flags word. The kernel
    /// copies the whole 40-byte structure, so the padding is part of the layout.
    #[repr(C)]
    struct IfReq {
        name: [u8; libc::IFNAMSIZ],
        flags: libc::c_short,
        _pad: [u8; 22],
    }

    const _: () = assert!(std::mem::size_of::<IfReq>() == 40);

    impl IfReq {
        /// A request for `name` (cut to 15 bytes, NUL-terminated) with `flags`.
        fn new(name: &[u8], flags: i32) -> IfReq {
            let mut req = IfReq {
                name: [0; libc::IFNAMSIZ],
                flags: flags as libc::c_short,
                _pad: [0; 22],
            };
            let len = name.len().min(libc::IFNAMSIZ - 1);
            req.name[..len].copy_from_slice(&name[..len]);
            req
        }

        /// The name the kernel wrote back, as its bytes.
        fn name(&self) -> Vec<u8> {
            let end = self
                .name
                .iter()
                .position(|&b| b == 0)
                .unwrap_or(self.name.len());
            self.name[..end].to_vec()
        }
    }

    /// `TUNSETIFF`: binds the fd to the device `name` (created if it does not exist; an
    /// empty name or a `%d` template lets the kernel choose) with `flags`. Returns the
    /// name the kernel gave the device.
    pub(crate) fn set_iff(fd: BorrowedFd<'_>, name: &[u8], flags: i32) -> io::Result<Vec<u8>> {
        let mut req = IfReq::new(name, flags);
        // SAFETY: TUNSETIFF reads and writes one `struct ifreq`; `req` is a live,
        // correctly sized and aligned one, and the fd is borrowed for the call.
        check(unsafe { libc::ioctl(fd.as_raw_fd(), libc::TUNSETIFF, &mut req) })?;
        Ok(req.name())
    }

    /// `TUNGETIFF`: the name and flags of the device the fd is bound to.
    pub(crate) fn get_iff(fd: BorrowedFd<'_>) -> io::Result<(Vec<u8>, i32)> {
        let mut req = IfReq::new(b"", 0);
        // SAFETY: TUNGETIFF writes one `struct ifreq` into `req`, which is live and
        // correctly sized; the fd is borrowed for the call.
        check(unsafe { libc::ioctl(fd.as_raw_fd(), libc::TUNGETIFF, &mut req) })?;
        Ok((req.name(), i32::from(req.flags as u16)))
    }

    /// An ioctl whose argument is a plain integer: `TUNSETPERSIST`, `TUNSETOWNER`,
    /// `TUNSETGROUP`.
    pub(crate) fn set_value(
        fd: BorrowedFd<'_>,
        request: libc::Ioctl,
        value: u32,
    ) -> io::Result<()> {
        // SAFETY: these ioctls take their argument by value, not as a pointer, so no
        // memory is shared with the kernel; the fd is borrowed for the call.
        check(unsafe { libc::ioctl(fd.as_raw_fd(), request, libc::c_ulong::from(value)) })
    }

    /// `TUNSETQUEUE`: attaches (`IFF_ATTACH_QUEUE`) or detaches (`IFF_DETACH_QUEUE`)
    /// the queue of a multi-queue device this fd is.
    pub(crate) fn set_queue(fd: BorrowedFd<'_>, attach: bool) -> io::Result<()> {
        let flags = if attach {
            libc::IFF_ATTACH_QUEUE
        } else {
            libc::IFF_DETACH_QUEUE
        };
        let mut req = IfReq::new(b"", flags);
        // SAFETY: TUNSETQUEUE reads one `struct ifreq`; `req` is live and correctly
        // sized; the fd is borrowed for the call.
        check(unsafe { libc::ioctl(fd.as_raw_fd(), libc::TUNSETQUEUE, &mut req) })
    }
}
