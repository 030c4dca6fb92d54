//! Links: creating (veth, bridge, VLAN, VXLAN), changing, listing and deleting them
//! (`ip link`).

use std::ffi::{c_char, c_int};
use std::net::IpAddr;

use vnet_core::{
    Bridge, Error, LinkChange, LinkRef, LinkSpec, MacAddr, Mtu, Netns, Result, Veth, Vlan, VlanId,
    Vni, Vxlan,
};

use crate::boundary::{
    call, call_void, copy_str, free_list, handle, into_list, name, opt_name, opt_text, out, text,
};
use crate::handle::vnet_handle;

/// One link as [`vnet_link_list`] describes it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct vnet_link_info {
    /// Interface index.
    pub index: u32,
    /// Interface name, NUL-terminated.
    pub name: [c_char; 16],
    /// Kind (`veth`, `bridge`, `vlan`, `vxlan`, `tun`, ...), NUL-terminated; empty for
    /// devices without one, such as `lo`.
    pub kind: [c_char; 16],
    /// Index of the master (bridge), 0 for none.
    pub master: u32,
    /// MTU, 0 when the kernel gave none.
    pub mtu: u32,
    /// MAC address; all zero for devices without an Ethernet address.
    pub mac: [u8; 6],
    /// Administratively up.
    pub up: bool,
}

impl vnet_link_info {
    fn from_link(link: &vnet_core::Link) -> vnet_link_info {
        let mut info = vnet_link_info {
            index: link.index,
            name: [0; 16],
            kind: [0; 16],
            master: link.master.unwrap_or(0),
            mtu: link.mtu.unwrap_or(0),
            mac: link.mac.map(MacAddr::octets).unwrap_or_default(),
            up: link.up,
        };
        copy_str(&mut info.name, &link.name);
        if let Some(kind) = &link.kind {
            copy_str(&mut info.kind, kind.as_str());
        }
        info
    }
}

/// Creates a veth pair `name` with peer `peer`, the peer created directly inside the
/// named namespace `peer_netns` (NULL: the handle's namespace). `ip link add NAME type
/// veth peer name PEER [netns PEER_NETNS]`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_veth_add(
    h: *mut vnet_handle,
    name: *const c_char,
    peer: *const c_char,
    peer_netns: *const c_char,
) -> c_int {
    call("vnet_veth_add", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, name, peer, peer_netns) = unsafe {
            (
                handle(h)?,
                self::name(name, "interface name")?,
                self::name(peer, "peer name")?,
                opt_text(peer_netns, "network namespace")?,
            )
        };
        let veth = Veth::new(name, peer);
        let veth = match peer_netns {
            Some(ns) => veth.peer_netns(&Netns::open(ns)?),
            None => veth,
        };
        h.rt().link().add(&veth)
    })
}

/// One veth pair of [`vnet_veth_add_many`]: `ip link add NAME [master MASTER] [up] type
/// veth peer name PEER [netns PEER_NETNS]`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct vnet_veth_spec {
    /// The name of the end created in the handle's namespace.
    pub name: *const c_char,
    /// The name of the peer.
    pub peer: *const c_char,
    /// The named namespace the peer is created in; NULL: the handle's namespace.
    pub peer_netns: *const c_char,
    /// The bridge the first end joins; NULL: none.
    pub master: *const c_char,
    /// Whether the first end is brought up (the peer stays down).
    pub up: bool,
}

/// Creates `count` veth pairs in one netlink datagram, all or nothing (on failure the
/// pairs already made are deleted again, and the message names the one that failed):
/// much faster than `count` calls of [`vnet_veth_add`] followed by
/// [`vnet_link_set_master`] and [`vnet_link_set_up`]. Every name is checked before
/// anything is created.
///
/// # Safety
///
/// `h` is a live handle (or NULL); `specs` is NULL (only with `count` 0) or points to
/// `count` specs whose strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_veth_add_many(
    h: *mut vnet_handle,
    specs: *const vnet_veth_spec,
    count: usize,
) -> c_int {
    call("vnet_veth_add_many", || {
        // SAFETY: the caller passes a live handle or NULL.
        let h = unsafe { handle(h) }?;
        if count == 0 {
            return Ok(());
        }
        if specs.is_null() {
            return Err(Error::invalid(
                "veth specs",
                "NULL",
                "a NULL pointer where an array is required",
            ));
        }
        // SAFETY: the caller guarantees `specs` points to `count` specs.
        let specs = unsafe { std::slice::from_raw_parts(specs, count) };
        let mut namespaces: Vec<(String, Netns)> = Vec::new();
        let mut veths = Vec::with_capacity(count);
        for spec in specs {
            // SAFETY: the caller guarantees each spec's strings are NULL or
            // NUL-terminated.
            let (name, peer, peer_netns, master) = unsafe {
                (
                    self::name(spec.name, "interface name")?,
                    self::name(spec.peer, "peer name")?,
                    opt_text(spec.peer_netns, "network namespace")?,
                    opt_name(spec.master, "master interface name")?,
                )
            };
            let mut veth = Veth::new(name, peer);
            if let Some(ns) = peer_netns {
                // One open per namespace, however many pairs go there.
                let netns = match namespaces.iter().find(|(n, _)| n == ns) {
                    Some((_, netns)) => netns.clone(),
                    None => {
                        let netns = Netns::open(ns)?;
                        namespaces.push((ns.to_string(), netns.clone()));
                        netns
                    }
                };
                veth = veth.peer_netns(&netns);
            }
            if let Some(master) = master {
                veth = veth.master(master);
            }
            if spec.up {
                veth = veth.up();
            }
            veths.push(veth);
        }
        let specs: Vec<&dyn LinkSpec> = veths.iter().map(|v| v as &dyn LinkSpec).collect();
        h.rt().link().add_many(&specs)
    })
}

/// Creates a bridge, `ip link add NAME type bridge`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_bridge_add(h: *mut vnet_handle, name: *const c_char) -> c_int {
    call("vnet_bridge_add", || {
        // SAFETY: the caller passes a live handle or NULL, and a string or NULL.
        let (h, name) = unsafe { (handle(h)?, self::name(name, "interface name")?) };
        h.rt().link().add(&Bridge::new(name))
    })
}

/// Creates the 802.1Q VLAN device `name` with id `id` (1 to 4094) on `parent`, `ip link
/// add link PARENT name NAME type vlan id ID`. Kernels without 802.1Q support answer
/// `-EOPNOTSUPP`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_vlan_add(
    h: *mut vnet_handle,
    parent: *const c_char,
    name: *const c_char,
    id: u16,
) -> c_int {
    call("vnet_vlan_add", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, parent, name) = unsafe {
            (
                handle(h)?,
                self::name(parent, "parent interface name")?,
                self::name(name, "interface name")?,
            )
        };
        let id = VlanId::new(id.into())?;
        h.rt().link().add(&Vlan::new(name, parent, id))
    })
}

/// Creates the VXLAN device `name` with VNI `vni`, `ip link add NAME type vxlan id VNI
/// [remote|group REMOTE] [local LOCAL] [dstport DSTPORT] [dev DEV]`. `remote` (a unicast
/// peer, or a multicast group), `local` and `dev` may be NULL; `dstport` 0 means the
/// kernel's default.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_vxlan_add(
    h: *mut vnet_handle,
    name: *const c_char,
    vni: u32,
    remote: *const c_char,
    local: *const c_char,
    dstport: u16,
    dev: *const c_char,
) -> c_int {
    call("vnet_vxlan_add", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, name, remote, local, dev) = unsafe {
            (
                handle(h)?,
                self::name(name, "interface name")?,
                opt_text(remote, "VXLAN remote address")?,
                opt_text(local, "VXLAN local address")?,
                opt_name(dev, "VXLAN parent device")?,
            )
        };
        let mut vxlan = Vxlan::new(name, Vni::new(vni)?);
        if let Some(remote) = remote {
            let addr = ip_addr(remote, "VXLAN remote address")?;
            vxlan = if addr.is_multicast() {
                vxlan.multicast_group(addr)
            } else {
                vxlan.remote(addr)
            };
        }
        if let Some(local) = local {
            vxlan = vxlan.local(ip_addr(local, "VXLAN local address")?);
        }
        if dstport != 0 {
            vxlan = vxlan.port(dstport);
        }
        if let Some(dev) = dev {
            vxlan = vxlan.parent(dev);
        }
        h.rt().link().add(&vxlan)
    })
}

/// Brings a link up (`up` true) or down, `ip link set DEV up|down`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_link_set_up(
    h: *mut vnet_handle,
    name: *const c_char,
    up: bool,
) -> c_int {
    call("vnet_link_set_up", || {
        // SAFETY: the caller passes a live handle or NULL, and a string or NULL.
        let (h, name) = unsafe { (handle(h)?, self::name(name, "interface name")?) };
        let change = if up {
            LinkChange::new().up()
        } else {
            LinkChange::new().down()
        };
        h.rt().link().set(name, &change)
    })
}

/// Enslaves a link to the bridge `master`, or frees it when `master` is NULL: `ip link
/// set DEV master MASTER` or `ip link set DEV nomaster`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_link_set_master(
    h: *mut vnet_handle,
    name: *const c_char,
    master: *const c_char,
) -> c_int {
    call("vnet_link_set_master", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, name, master) = unsafe {
            (
                handle(h)?,
                self::name(name, "interface name")?,
                opt_name(master, "master interface name")?,
            )
        };
        let change = match master {
            Some(master) => LinkChange::new().master(master),
            None => LinkChange::new().no_master(),
        };
        h.rt().link().set(name, &change)
    })
}

/// Moves a link into the named namespace `netns`, `ip link set DEV netns NETNS`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_link_set_netns(
    h: *mut vnet_handle,
    name: *const c_char,
    netns: *const c_char,
) -> c_int {
    call("vnet_link_set_netns", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, name, netns) = unsafe {
            (
                handle(h)?,
                self::name(name, "interface name")?,
                text(netns, "network namespace")?,
            )
        };
        let netns = Netns::open(netns)?;
        h.rt().link().set(name, &LinkChange::new().netns(&netns))
    })
}

/// Sets a link's MTU, `ip link set DEV mtu MTU`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_link_set_mtu(
    h: *mut vnet_handle,
    name: *const c_char,
    mtu: u32,
) -> c_int {
    call("vnet_link_set_mtu", || {
        // SAFETY: the caller passes a live handle or NULL, and a string or NULL.
        let (h, name) = unsafe { (handle(h)?, self::name(name, "interface name")?) };
        h.rt()
            .link()
            .set(name, &LinkChange::new().mtu(Mtu::new(mtu)?))
    })
}

/// Sets a link's MAC address, given as text (`"02:00:00:00:00:01"`), `ip link set DEV
/// address MAC`.
///
/// # Safety
///
/// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_link_set_mac(
    h: *mut vnet_handle,
    name: *const c_char,
    mac: *const c_char,
) -> c_int {
    call("vnet_link_set_mac", || {
        // SAFETY: the caller passes a live handle or NULL, and strings or NULL.
        let (h, name, mac) = unsafe {
            (
                handle(h)?,
                self::name(name, "interface name")?,
                text(mac, "MAC address")?,
            )
        };
        let mac: MacAddr = mac.parse()?;
        h.rt().link().set(name, &LinkChange::new().mac(mac))
    })
}

/// Deletes a link, `ip link del DEV` (both ends of a veth pair go).
///
/// # Safety
///
/// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_link_del(h: *mut vnet_handle, name: *const c_char) -> c_int {
    call("vnet_link_del", || {
        // SAFETY: the caller passes a live handle or NULL, and a string or NULL.
        let (h, name) = unsafe { (handle(h)?, self::name(name, "interface name")?) };
        h.rt().link().delete(name)
    })
}

/// Writes the index of the link `name` to `*index` (`-ENODEV` when there is none).
///
/// # Safety
///
/// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated; `index` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_link_index(
    h: *mut vnet_handle,
    name: *const c_char,
    index: *mut u32,
) -> c_int {
    call("vnet_link_index", || {
        // SAFETY: the caller passes a live handle or NULL, and a string or NULL.
        let (h, name) = unsafe { (handle(h)?, self::name(name, "interface name")?) };
        let index = out(index, "index")?;
        let found = h.rt().link().index(&LinkRef::Name(name))?;
        // SAFETY: `index` is not NULL and the caller guarantees it is writable.
        unsafe { index.write(found) };
        Ok(())
    })
}

/// Lists the links of the handle's namespace (`ip link show`): `*links` receives an
/// array of `*count` entries, to free with [`vnet_link_list_free`].
///
/// # Safety
///
/// `h` is a live handle (or NULL); `links` and `count` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_link_list(
    h: *mut vnet_handle,
    links: *mut *mut vnet_link_info,
    count: *mut usize,
) -> c_int {
    call("vnet_link_list", || {
        // SAFETY: the caller passes a live handle or NULL.
        let h = unsafe { handle(h) }?;
        let (links, count) = (out(links, "links")?, out(count, "count")?);
        let list: Vec<vnet_link_info> = h
            .rt()
            .link()
            .list()?
            .iter()
            .map(vnet_link_info::from_link)
            .collect();
        let n = list.len();
        // SAFETY: both are not NULL and the caller guarantees they are writable.
        unsafe {
            links.write(into_list(list));
            count.write(n);
        }
        Ok(())
    })
}

/// Frees an array from [`vnet_link_list`]; `count` is the count it gave. NULL is a
/// no-op.
///
/// # Safety
///
/// `links` is NULL or an array from `vnet_link_list` with its count, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_link_list_free(links: *mut vnet_link_info, count: usize) {
    // SAFETY: the caller guarantees `links` came from vnet_link_list with `count`.
    call_void("vnet_link_list_free", || unsafe { free_list(links, count) })
}

/// Parses an IP address argument.
pub(crate) fn ip_addr(s: &str, what: &'static str) -> Result<IpAddr> {
    s.parse()
        .map_err(|_| Error::invalid(what, s, "not an IPv4 or IPv6 address"))
}
