//! Bridges after creation: spanning tree, and forwarding database entries (`ip link set
//! ... type bridge`, `bridge fdb`).

use std::ffi::{c_char, c_int};

use vnet_core::{BridgeOptions, FdbSpec, MacAddr};

use crate::boundary::{call, handle, name, opt_text, text};
use crate::handle::vnet_handle;
use crate::link::ip_addr;

/// Turns the spanning tree protocol of a bridge on or off, `ip link set BRIDGE type
/// bridge stp_state 1|0` (`brctl stp BRIDGE on|off`).
///
/// # Safety
///
/// `h` is a live handle (or NULL); `bridge` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_bridge_set_stp(
    h: *mut vnet_handle,
    bridge: *const c_char,
    on: bool,
) -> c_int {
    call("vnet_bridge_set_stp", || {
        // SAFETY: the caller passes a live handle or NULL, and a string or NULL.
        let (h, bridge) = unsafe { (handle(h)?, name(bridge, "bridge name")?) };
        let options = BridgeOptions {
            stp: Some(on),
            ..BridgeOptions::default()
        };
        h.rt().bridge().set_options(bridge, &options)
    })
}

/// Adds a forwarding database entry for the MAC address `mac` (text, such as
/// `"02:00:00:00:00:01"`):
///
/// - `dst` NULL: a static entry of the bridge that `dev` is a port of, sending `mac` to
///   that port, `bridge fdb add MAC dev DEV master static` (`-EEXIST` when there is one);
/// - `dst` an IP address: a remote of the VXLAN device `dev`, appended to those `mac`
///   has already, `bridge fdb append MAC dev DEV dst DST`; the all-zero MAC floods
///   broadcast and unknown traffic to every remote so listed (head-end replication).
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_fdb_add(
    h: *mut vnet_handle,
    dev: *const c_char,
    mac: *const c_char,
    dst: *const c_char,
) -> c_int {
    call("vnet_fdb_add", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, dev, mac, dst) = unsafe {
            (
                handle(h)?,
                name(dev, "interface name")?,
                text(mac, "MAC address")?,
                opt_text(dst, "remote address")?,
            )
        };
        let mac: MacAddr = mac.parse()?;
        match dst {
            None => h.rt().bridge().fdb_add(&FdbSpec::port(mac, dev)),
            Some(dst) => {
                let spec = FdbSpec::device(mac, dev).dst(ip_addr(dst, "remote address")?);
                h.rt().bridge().fdb_append(&spec)
            }
        }
    })
}

/// Deletes the forwarding database entry [`vnet_fdb_add`] made with the same arguments
/// (`-ENOENT` when there is none).
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_fdb_del(
    h: *mut vnet_handle,
    dev: *const c_char,
    mac: *const c_char,
    dst: *const c_char,
) -> c_int {
    call("vnet_fdb_del", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, dev, mac, dst) = unsafe {
            (
                handle(h)?,
                name(dev, "interface name")?,
                text(mac, "MAC address")?,
                opt_text(dst, "remote address")?,
            )
        };
        let mac: MacAddr = mac.parse()?;
        let spec = match dst {
            None => FdbSpec::port(mac, dev),
            Some(dst) => FdbSpec::device(mac, dev).dst(ip_addr(dst, "remote address")?),
        };
        h.rt().bridge().fdb_del(&spec)
    })
}
