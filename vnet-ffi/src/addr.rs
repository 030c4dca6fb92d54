//! Addresses, routes and proxy neighbours (`ip address`, `ip route`, `ip neigh ...
//! proxy`).

use std::ffi::{c_char, c_int};
use std::net::IpAddr;

use vnet_core::ipnetwork::IpNetwork;
use vnet_core::{Error, Family, LinkRef, Result, Route, parse_cidr};

use crate::boundary::{
    call, call_void, copy_str, free_list, handle, into_list, name, opt_name, opt_text, out, text,
};
use crate::handle::vnet_handle;
use crate::link::ip_addr;

/// One address as [`vnet_addr_list`] describes it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct vnet_addr_info {
    /// Index of the link that holds it.
    pub index: u32,
    /// `AF_INET` or `AF_INET6`.
    pub family: c_int,
    /// The address with its prefix length, NUL-terminated: `"10.0.0.1/24"`.
    pub cidr: [c_char; 50],
}

/// Adds an address with its prefix length (`"10.0.0.1/24"`, `"fd00::1/64"`) to `dev`,
/// `ip address add CIDR dev DEV`. Fails with `-EEXIST` when it is there already.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_addr_add(
    h: *mut vnet_handle,
    dev: *const c_char,
    cidr: *const c_char,
) -> c_int {
    call("vnet_addr_add", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, dev, cidr) = unsafe {
            (
                handle(h)?,
                name(dev, "interface name")?,
                parse_cidr(text(cidr, "address prefix")?)?,
            )
        };
        h.rt().addr().add(dev, cidr)
    })
}

/// Deletes an address from `dev`, `ip address del CIDR dev DEV`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_addr_del(
    h: *mut vnet_handle,
    dev: *const c_char,
    cidr: *const c_char,
) -> c_int {
    call("vnet_addr_del", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, dev, cidr) = unsafe {
            (
                handle(h)?,
                name(dev, "interface name")?,
                parse_cidr(text(cidr, "address prefix")?)?,
            )
        };
        h.rt().addr().delete(dev, cidr)
    })
}

/// Lists the addresses of `dev`, or of every link when `dev` is NULL (`ip address
/// show [dev DEV]`): `*addrs` receives an array of `*count` entries, to free with
/// [`vnet_addr_list_free`].
///
/// # Safety
///
/// `h` is a live handle (or NULL); `dev` is NULL or NUL-terminated; `addrs` and `count`
/// are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_addr_list(
    h: *mut vnet_handle,
    dev: *const c_char,
    addrs: *mut *mut vnet_addr_info,
    count: *mut usize,
) -> c_int {
    call("vnet_addr_list", || {
        // SAFETY: the caller passes a live handle or NULL, and a string or NULL.
        let (h, dev) = unsafe { (handle(h)?, opt_name(dev, "interface name")?) };
        let (addrs, count) = (out(addrs, "addrs")?, out(count, "count")?);
        let list: Vec<vnet_addr_info> = h
            .rt()
            .addr()
            .list(dev.map(LinkRef::Name))?
            .iter()
            .map(|a| {
                let mut info = vnet_addr_info {
                    index: a.index,
                    family: match a.network {
                        IpNetwork::V4(_) => libc::AF_INET,
                        IpNetwork::V6(_) => libc::AF_INET6,
                    },
                    cidr: [0; 50],
                };
                copy_str(&mut info.cidr, a.network.to_string());
                info
            })
            .collect();
        let n = list.len();
        // SAFETY: both are not NULL and the caller guarantees they are writable.
        unsafe {
            addrs.write(into_list(list));
            count.write(n);
        }
        Ok(())
    })
}

/// Frees an array from [`vnet_addr_list`]; `count` is the count it gave. NULL is a
/// no-op.
///
/// # Safety
///
/// `addrs` is NULL or an array from `vnet_addr_list` with its count, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_addr_list_free(addrs: *mut vnet_addr_info, count: usize) {
    // SAFETY: the caller guarantees `addrs` came from vnet_addr_list with `count`.
    call_void("vnet_addr_list_free", || unsafe { free_list(addrs, count) })
}

/// One route as [`vnet_route_list`] describes it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct vnet_route_info {
    /// `AF_INET` or `AF_INET6`.
    pub family: c_int,
    /// The destination with its prefix length, NUL-terminated: `"10.0.0.0/24"`,
    /// `"0.0.0.0/0"` for the default route.
    pub dst: [c_char; 50],
    /// The gateway, NUL-terminated; empty for none.
    pub gateway: [c_char; 46],
    /// Index of the output link, 0 for none.
    pub oif: u32,
    /// The metric, 0 when the kernel gave none.
    pub metric: u32,
    /// The routing table (254: main).
    pub table: u32,
}

/// Lists the routes of the main table for `family` (`AF_INET`, `AF_INET6`, or
/// `AF_UNSPEC` for both), `ip route show`: `*routes` receives an array of `*count`
/// entries, to free with [`vnet_route_list_free`].
///
/// # Safety
///
/// `h` is a live handle (or NULL); `routes` and `count` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_route_list(
    h: *mut vnet_handle,
    family: c_int,
    routes: *mut *mut vnet_route_info,
    count: *mut usize,
) -> c_int {
    call("vnet_route_list", || {
        // SAFETY: the caller passes a live handle or NULL.
        let h = unsafe { handle(h) }?;
        let (routes, count) = (out(routes, "routes")?, out(count, "count")?);
        let family = match family {
            libc::AF_INET => Family::Ipv4,
            libc::AF_INET6 => Family::Ipv6,
            libc::AF_UNSPEC => Family::Any,
            _ => {
                return Err(Error::invalid(
                    "address family",
                    family,
                    "must be AF_INET, AF_INET6 or AF_UNSPEC",
                ));
            }
        };
        let list: Vec<vnet_route_info> = h
            .rt()
            .route()
            .list(family)?
            .iter()
            .map(|r| {
                let mut info = vnet_route_info {
                    family: match r.destination {
                        IpNetwork::V4(_) => libc::AF_INET,
                        IpNetwork::V6(_) => libc::AF_INET6,
                    },
                    dst: [0; 50],
                    gateway: [0; 46],
                    oif: r.device.unwrap_or(0),
                    metric: r.metric.unwrap_or(0),
                    table: r.table,
                };
                copy_str(&mut info.dst, r.destination.to_string());
                if let Some(gateway) = r.gateway {
                    copy_str(&mut info.gateway, gateway.to_string());
                }
                info
            })
            .collect();
        let n = list.len();
        // SAFETY: both are not NULL and the caller guarantees they are writable.
        unsafe {
            routes.write(into_list(list));
            count.write(n);
        }
        Ok(())
    })
}

/// Frees an array from [`vnet_route_list`]; `count` is the count it gave. NULL is a
/// no-op.
///
/// # Safety
///
/// `routes` is NULL or an array from `vnet_route_list` with its count, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_route_list_free(routes: *mut vnet_route_info, count: usize) {
    // SAFETY: the caller guarantees `routes` came from vnet_route_list with `count`.
    call_void("vnet_route_list_free", || unsafe {
        free_list(routes, count)
    })
}

/// Builds the route of [`vnet_route_add`] and [`vnet_route_del`].
fn route(prefix: &str, via: Option<&str>, dev: Option<vnet_core::IfName>) -> Result<Route> {
    let via = via.map(|v| ip_addr(v, "gateway")).transpose()?;
    let destination = if prefix == "default" {
        let any: IpAddr = match via {
            Some(IpAddr::V6(_)) => IpAddr::from([0u16; 8]),
            _ => IpAddr::from([0u8; 4]),
        };
        IpNetwork::new(any, 0).map_err(|e| Error::invalid("route prefix", prefix, e.to_string()))?
    } else {
        parse_cidr(prefix)?
    };
    let mut route = Route::new(destination);
    if let Some(via) = via {
        route = route.via(via);
    }
    if let Some(dev) = dev {
        route = route.dev(dev);
    }
    Ok(route)
}

/// Adds a route to `prefix` (`"10.1.0.0/16"`, or `"default"`: IPv6 when `via` is an IPv6
/// address) via the gateway `via` and/or through `dev` (either may be NULL, not both),
/// `ip route add PREFIX [via VIA] [dev DEV]`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_route_add(
    h: *mut vnet_handle,
    prefix: *const c_char,
    via: *const c_char,
    dev: *const c_char,
) -> c_int {
    call("vnet_route_add", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, prefix, via, dev) = unsafe {
            (
                handle(h)?,
                text(prefix, "route prefix")?,
                opt_text(via, "gateway")?,
                opt_name(dev, "interface name")?,
            )
        };
        h.rt().route().add(&route(prefix, via, dev)?)
    })
}

/// Deletes the first route to `prefix` that matches `via` and `dev` (each NULL: any),
/// `ip route del PREFIX [via VIA] [dev DEV]`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_route_del(
    h: *mut vnet_handle,
    prefix: *const c_char,
    via: *const c_char,
    dev: *const c_char,
) -> c_int {
    call("vnet_route_del", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, prefix, via, dev) = unsafe {
            (
                handle(h)?,
                text(prefix, "route prefix")?,
                opt_text(via, "gateway")?,
                opt_name(dev, "interface name")?,
            )
        };
        h.rt().route().delete(&route(prefix, via, dev)?)
    })
}

/// Adds a proxy neighbour entry: `dev` answers ARP (or NDP) requests for `addr`, `ip
/// neigh add proxy ADDR dev DEV`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_neigh_proxy_add(
    h: *mut vnet_handle,
    addr: *const c_char,
    dev: *const c_char,
) -> c_int {
    call("vnet_neigh_proxy_add", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, addr, dev) = unsafe {
            (
                handle(h)?,
                text(addr, "neighbour address")?,
                name(dev, "interface name")?,
            )
        };
        h.rt()
            .neigh()
            .add_proxy(dev, ip_addr(addr, "neighbour address")?)
    })
}

/// Deletes a proxy neighbour entry, `ip neigh del proxy ADDR dev DEV`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_neigh_proxy_del(
    h: *mut vnet_handle,
    addr: *const c_char,
    dev: *const c_char,
) -> c_int {
    call("vnet_neigh_proxy_del", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, addr, dev) = unsafe {
            (
                handle(h)?,
                text(addr, "neighbour address")?,
                name(dev, "interface name")?,
            )
        };
        h.rt()
            .neigh()
            .delete_proxy(dev, ip_addr(addr, "neighbour address")?)
    })
}
