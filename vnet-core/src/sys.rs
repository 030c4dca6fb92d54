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
    /// The namespace to enter.
    pub netns: crate::netns::Netns,
    /// Pairs of (source under `/etc/netns/NAME`, target under `/etc`) to bind-mount.
    pub etc_binds: Vec<(CString, CString)>,
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
            let check = |rc: libc::c_int| {
                if rc < 0 {
                    Err(io::Error::last_os_error())
                } else {
                    Ok(())
                }
            };
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
            // A fresh sysfs shows the devices of the namespace that mounts it.
            if libc::umount2(sys.as_ptr(), libc::MNT_DETACH) == 0 {
                check(libc::mount(
                    sysfs.as_ptr(),
                    sys.as_ptr(),
                    sysfs.as_ptr(),
                    0,
                    std::ptr::null(),
                ))?;
            }
            for (source, target) in &plan.etc_binds {
                check(libc::mount(
                    source.as_ptr(),
                    target.as_ptr(),
                    none.as_ptr(),
                    libc::MS_BIND,
                    std::ptr::null(),
                ))?;
            }
            Ok(())
        });
    }
}
