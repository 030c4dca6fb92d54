//! Forwarding and proxy-ARP switches (sysctls), NAT rules in vnet's nf_tables table, and
//! connection tracking.

use std::ffi::{c_char, c_int};
use std::net::Ipv4Addr;

use vnet_core::ipnetwork::IpNetwork;
use vnet_core::{Conf, Error, L4Protocol, Masquerade, NatRule, PortForward, Result, SysctlKey};

use crate::boundary::{call, handle, name, opt_name, opt_text, out, text};
use crate::handle::vnet_handle;

/// Turns forwarding on or off for `family` (`AF_INET`: `net.ipv4.ip_forward`;
/// `AF_INET6`: `net.ipv6.conf.all.forwarding`) in the handle's namespace, like `sysctl
/// -w`. Any other family is `-EINVAL`.
///
/// # Safety
///
/// `h` is a live handle (or NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_forwarding_set(
    h: *mut vnet_handle,
    family: c_int,
    on: bool,
) -> c_int {
    call("vnet_forwarding_set", || {
        // SAFETY: the caller passes a live handle or NULL.
        let h = unsafe { handle(h) }?;
        let key = match family {
            libc::AF_INET => SysctlKey::IpForward,
            libc::AF_INET6 => SysctlKey::Ipv6Forwarding(Conf::All),
            _ => {
                return Err(Error::invalid(
                    "address family",
                    family,
                    "must be AF_INET or AF_INET6",
                ));
            }
        };
        h.sysctls().switch(&key, on).map(drop)
    })
}

/// Turns proxy ARP on or off for `dev` (`net.ipv4.conf.DEV.proxy_arp`).
///
/// # Safety
///
/// `h` is a live handle (or NULL); `dev` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_proxy_arp_set(
    h: *mut vnet_handle,
    dev: *const c_char,
    on: bool,
) -> c_int {
    call("vnet_proxy_arp_set", || {
        // SAFETY: the caller passes a live handle or NULL, and a string or NULL.
        let (h, dev) = unsafe { (handle(h)?, name(dev, "interface name")?) };
        h.sysctls()
            .switch(&SysctlKey::ProxyArp(Conf::Dev(dev)), on)
            .map(drop)
    })
}

/// Builds the masquerade rule of [`vnet_masquerade_add`] and [`vnet_masquerade_del`].
///
/// # Safety
///
/// As for those functions.
unsafe fn masquerade(out_dev: *const c_char, source_cidr: *const c_char) -> Result<NatRule> {
    // SAFETY: the caller passes strings or NULL.
    let (out_dev, source) = unsafe {
        (
            name(out_dev, "outgoing interface name")?,
            opt_text(source_cidr, "source prefix")?,
        )
    };
    let mut rule = Masquerade::new(out_dev);
    if let Some(source) = source {
        match vnet_core::parse_cidr(source)? {
            IpNetwork::V4(v4) => rule = rule.source(v4),
            IpNetwork::V6(_) => {
                return Err(Error::invalid(
                    "source prefix",
                    source,
                    "must be an IPv4 prefix",
                ));
            }
        }
    }
    Ok(rule.into())
}

/// Masquerades packets leaving through `out_dev` (from `source_cidr` only, unless it is
/// NULL), in vnet's nf_tables table: `nft add rule ip vnet postrouting oifname OUT [ip
/// saddr SOURCE] masquerade`. Adding a rule that is installed already changes nothing.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_masquerade_add(
    h: *mut vnet_handle,
    out_dev: *const c_char,
    source_cidr: *const c_char,
) -> c_int {
    call("vnet_masquerade_add", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, rule) = unsafe { (handle(h)?, masquerade(out_dev, source_cidr)?) };
        h.nf()?.nat().add(&rule).map(drop)
    })
}

/// Deletes the masquerade rule [`vnet_masquerade_add`] made with the same arguments
/// (`-ENOENT` when there is none), and the conntrack entries it created.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_masquerade_del(
    h: *mut vnet_handle,
    out_dev: *const c_char,
    source_cidr: *const c_char,
) -> c_int {
    call("vnet_masquerade_del", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, rule) = unsafe { (handle(h)?, masquerade(out_dev, source_cidr)?) };
        h.nf()?.nat().delete(&rule)
    })
}

/// Builds the rule of [`vnet_port_forward_add`] and [`vnet_port_forward_del`].
///
/// # Safety
///
/// As for those functions.
unsafe fn port_forward(
    protocol: c_int,
    port: u16,
    to_addr: *const c_char,
    to_port: u16,
    in_dev: *const c_char,
) -> Result<NatRule> {
    let protocol = match protocol {
        libc::IPPROTO_TCP => L4Protocol::Tcp,
        libc::IPPROTO_UDP => L4Protocol::Udp,
        _ => {
            return Err(Error::invalid(
                "protocol",
                protocol,
                "must be IPPROTO_TCP or IPPROTO_UDP",
            ));
        }
    };
    // SAFETY: the caller passes strings or NULL.
    let (to, input) = unsafe {
        (
            text(to_addr, "forward address")?,
            opt_name(in_dev, "incoming interface name")?,
        )
    };
    let to: Ipv4Addr = to
        .parse()
        .map_err(|_| Error::invalid("forward address", to, "not an IPv4 address"))?;
    let mut rule = PortForward::new(protocol, port, to)?;
    if to_port != 0 {
        rule = rule.to_port(to_port)?;
    }
    if let Some(input) = input {
        rule = rule.input(input);
    }
    Ok(rule.into())
}

/// Forwards connections to `port` of this host's own addresses (arriving on `in_dev`,
/// unless NULL) to `to_addr`:`to_port` (`to_port` 0: the same port); `protocol` is
/// `IPPROTO_TCP` or `IPPROTO_UDP`. `nft add rule ip vnet prerouting [iifname IN] tcp
/// dport PORT fib daddr type local dnat to TO:TO_PORT`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_port_forward_add(
    h: *mut vnet_handle,
    protocol: c_int,
    port: u16,
    to_addr: *const c_char,
    to_port: u16,
    in_dev: *const c_char,
) -> c_int {
    call("vnet_port_forward_add", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, rule) = unsafe {
            (
                handle(h)?,
                port_forward(protocol, port, to_addr, to_port, in_dev)?,
            )
        };
        h.nf()?.nat().add(&rule).map(drop)
    })
}

/// Deletes the port forward [`vnet_port_forward_add`] made with the same arguments
/// (`-ENOENT` when there is none).
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_port_forward_del(
    h: *mut vnet_handle,
    protocol: c_int,
    port: u16,
    to_addr: *const c_char,
    to_port: u16,
    in_dev: *const c_char,
) -> c_int {
    call("vnet_port_forward_del", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, rule) = unsafe {
            (
                handle(h)?,
                port_forward(protocol, port, to_addr, to_port, in_dev)?,
            )
        };
        h.nf()?.nat().delete(&rule)
    })
}

/// Deletes every connection-tracking entry of the handle's namespace, `conntrack -F`
/// (new NAT rules then apply to flows already running).
///
/// # Safety
///
/// `h` is a live handle (or NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_conntrack_flush(h: *mut vnet_handle) -> c_int {
    call("vnet_conntrack_flush", || {
        // SAFETY: the caller passes a live handle or NULL.
        unsafe { handle(h) }?.nf()?.conntrack().flush()
    })
}

/// Writes the number of connection-tracking entries of the handle's namespace to
/// `*count` (`conntrack -C`).
///
/// # Safety
///
/// `h` is a live handle (or NULL); `count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_conntrack_count(h: *mut vnet_handle, count: *mut usize) -> c_int {
    call("vnet_conntrack_count", || {
        // SAFETY: the caller passes a live handle or NULL.
        let h = unsafe { handle(h) }?;
        let count = out(count, "count")?;
        let n = h.nf()?.conntrack().list()?.len();
        // SAFETY: `count` is not NULL and the caller guarantees it is writable.
        unsafe { count.write(n) };
        Ok(())
    })
}
