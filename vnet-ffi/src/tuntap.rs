//! Tun and tap devices (`ip tuntap`, `tunctl`).

use std::ffi::{c_char, c_int};
use std::os::fd::IntoRawFd;

use vnet_core::{Error, Result, TunTap};

use crate::boundary::{call, handle, name, out};
use crate::handle::vnet_handle;

/// Reads an owner or group argument: -1 is none, anything else must fit a uid/gid.
fn id(value: i64, what: &'static str) -> Result<Option<u32>> {
    match value {
        -1 => Ok(None),
        // (uid_t)-1 itself means "no change" to the kernel: refuse it as an id.
        0..0xffff_ffff => Ok(Some(value as u32)),
        _ => Err(Error::invalid(
            what,
            value,
            "must be -1 (none) or between 0 and 4294967294",
        )),
    }
}

/// Creates the persistent device `spec` names, owned by `owner_uid` and `group_gid`.
///
/// # Safety
///
/// `h` is a live handle (or NULL).
unsafe fn create(
    function: &str,
    h: *mut vnet_handle,
    spec: impl FnOnce() -> Result<TunTap>,
    owner_uid: i64,
    group_gid: i64,
) -> c_int {
    call(function, || {
        // SAFETY: forwarded from the caller.
        let h = unsafe { handle(h) }?;
        let mut spec = spec()?.persistent(true);
        if let Some(uid) = id(owner_uid, "owner uid")? {
            spec = spec.owner(uid);
        }
        if let Some(gid) = id(group_gid, "group gid")? {
            spec = spec.group(gid);
        }
        h.rt().tuntap().add(&spec).map(drop)
    })
}

/// Creates a persistent tap device (Ethernet frames), owned by the user `owner_uid` and
/// the group `group_gid` (-1: none), like `ip tuntap add mode tap dev NAME user UID group
/// GID` or `tunctl -t NAME -u UID -g GID`. Fails with `-EBUSY` when a device of that name
/// exists.
///
/// # Safety
///
/// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_tap_create(
    h: *mut vnet_handle,
    name: *const c_char,
    owner_uid: i64,
    group_gid: i64,
) -> c_int {
    // SAFETY: the caller passes a live handle or NULL, and a string or NULL.
    unsafe {
        create(
            "vnet_tap_create",
            h,
            || Ok(TunTap::tap(self::name(name, "interface name")?)),
            owner_uid,
            group_gid,
        )
    }
}

/// Creates a persistent tun device (IP packets), as [`vnet_tap_create`] does a tap.
///
/// # Safety
///
/// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_tun_create(
    h: *mut vnet_handle,
    name: *const c_char,
    owner_uid: i64,
    group_gid: i64,
) -> c_int {
    // SAFETY: the caller passes a live handle or NULL, and a string or NULL.
    unsafe {
        create(
            "vnet_tun_create",
            h,
            || Ok(TunTap::tun(self::name(name, "interface name")?)),
            owner_uid,
            group_gid,
        )
    }
}

/// Deletes a persistent tun or tap device, `ip tuntap del dev NAME` (`-EBUSY` while a
/// process has it open).
///
/// # Safety
///
/// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_tuntap_delete(h: *mut vnet_handle, name: *const c_char) -> c_int {
    call("vnet_tuntap_delete", || {
        // SAFETY: the caller passes a live handle or NULL, and a string or NULL.
        let (h, name) = unsafe { (handle(h)?, self::name(name, "interface name")?) };
        h.rt().tuntap().delete(&name)
    })
}

/// Attaches to the tap device `name` (creating a transient one if there is none, as
/// QEMU's `-netdev tap,ifname=NAME` does) and writes to `*fd` a file descriptor to
/// read and write Ethernet frames on, without packet information. The caller owns it
/// and closes it with `close()`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated; `fd` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_tap_open(
    h: *mut vnet_handle,
    name: *const c_char,
    fd: *mut c_int,
) -> c_int {
    call("vnet_tap_open", || {
        // SAFETY: the caller passes a live handle or NULL, and a string or NULL.
        let (h, name) = unsafe { (handle(h)?, self::name(name, "interface name")?) };
        let fd = out(fd, "fd")?;
        let device = h.rt().tuntap().open(&TunTap::tap(name))?;
        // SAFETY: `fd` is not NULL and the caller guarantees it is writable.
        unsafe { fd.write(device.into_file().into_raw_fd()) };
        Ok(())
    })
}
