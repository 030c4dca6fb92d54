//! [`vnet_handle`]: rtnetlink and nfnetlink of one network namespace; opening and
//! closing it; named namespaces; the library's version.

use std::cell::OnceCell;
use std::ffi::{c_char, c_int};

use vnet_core::{Handle, Netfilter, Netns, Result, Sysctls};

use crate::boundary::{call, call_void, opt_text, out, text};

/// A connection to one network namespace: its rtnetlink socket (links, addresses,
/// routes, neighbours, tun/tap), its nfnetlink socket (NAT, conntrack; opened on first
/// use) and its sysctls. Opaque to C.
///
/// A handle is used by one thread at a time; separate handles work in parallel, in the
/// same namespace or in different ones.
pub struct vnet_handle {
    rt: Handle,
    nf: OnceCell<Netfilter>,
    sysctls: Sysctls,
}

impl vnet_handle {
    fn new(rt: Handle) -> vnet_handle {
        let sysctls = Sysctls::new(rt.netns());
        vnet_handle {
            rt,
            nf: OnceCell::new(),
            sysctls,
        }
    }

    /// The rtnetlink side.
    pub(crate) fn rt(&self) -> &Handle {
        &self.rt
    }

    /// The nfnetlink side, opened the first time it is needed.
    pub(crate) fn nf(&self) -> Result<&Netfilter> {
        if let Some(nf) = self.nf.get() {
            return Ok(nf);
        }
        let nf = Netfilter::new(self.rt.netns())?;
        Ok(self.nf.get_or_init(|| nf))
    }

    /// The namespace's sysctls.
    pub(crate) fn sysctls(&self) -> &Sysctls {
        &self.sysctls
    }
}

/// The version of libvnet, such as `"0.1.0"` (a static string).
#[unsafe(no_mangle)]
pub extern "C" fn vnet_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Opens a handle on the named network namespace `netns` (`/run/netns/NETNS`), or on the
/// calling thread's namespace when `netns` is NULL. The caller's thread never changes
/// namespace. On success `*out` receives the handle; free it with [`vnet_close`].
///
/// Fails with `-ENOENT` when the namespace does not exist.
///
/// # Safety
///
/// `netns` is NULL or a NUL-terminated string; `out` points to writable storage for a
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_open(
    netns: *const c_char,
    out_handle: *mut *mut vnet_handle,
) -> c_int {
    call("vnet_open", || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let netns = unsafe { opt_text(netns, "network namespace") }?;
        let out_handle = out(out_handle, "out")?;
        let rt = match netns {
            Some(name) => Handle::open(name)?,
            None => Handle::current()?,
        };
        let h = Box::new(vnet_handle::new(rt));
        // SAFETY: `out_handle` is not NULL and the caller guarantees it is writable.
        unsafe { out_handle.write(Box::into_raw(h)) };
        Ok(())
    })
}

/// Opens one handle on each of the `count` named namespaces `names`, writing them to
/// `handles[0..count]`: cheaper than `count` calls of [`vnet_open`] (one short-lived
/// thread visits every namespace). All or nothing: on failure nothing is written. Close
/// each with [`vnet_close`].
///
/// # Safety
///
/// `names` points to `count` NUL-terminated strings; `handles` to room for `count`
/// pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_open_many(
    names: *const *const c_char,
    count: usize,
    handles: *mut *mut vnet_handle,
) -> c_int {
    call("vnet_open_many", || {
        let handles = out(handles, "handles")?;
        // SAFETY: the caller guarantees `names` holds `count` strings.
        let names = unsafe { name_list(names, count) }?;
        let namespaces = names
            .iter()
            .map(|n| Netns::open(n))
            .collect::<Result<Vec<_>>>()?;
        for (i, rt) in Handle::new_many(&namespaces)?.into_iter().enumerate() {
            // SAFETY: `handles` has room for `count` pointers, and i < count.
            unsafe {
                handles
                    .add(i)
                    .write(Box::into_raw(Box::new(vnet_handle::new(rt))))
            };
        }
        Ok(())
    })
}

/// Closes a handle from [`vnet_open`] (its sockets). NULL is a no-op.
///
/// # Safety
///
/// `h` is NULL or a handle not yet closed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_close(h: *mut vnet_handle) {
    call_void("vnet_close", || {
        if !h.is_null() {
            // SAFETY: `h` came from Box::into_raw in vnet_open and is closed once.
            drop(unsafe { Box::from_raw(h) });
        }
    })
}

/// Creates the named network namespace `name`, as `ip netns add NAME` does
/// (`/run/netns/NAME`). Fails with `-EEXIST` when it exists.
///
/// # Safety
///
/// `name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_netns_add(name: *const c_char) -> c_int {
    call("vnet_netns_add", || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        Netns::add(unsafe { text(name, "network namespace") }?).map(drop)
    })
}

/// Creates `count` named namespaces at once (one short-lived thread makes them all:
/// faster than `count` calls of [`vnet_netns_add`]). All or nothing: on failure the
/// namespaces already made are deleted again.
///
/// # Safety
///
/// `names` points to `count` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_netns_add_many(names: *const *const c_char, count: usize) -> c_int {
    call("vnet_netns_add_many", || {
        // SAFETY: the caller guarantees `names` holds `count` strings.
        let names = unsafe { name_list(names, count) }?;
        Netns::add_many(&names).map(drop)
    })
}

/// Deletes the named network namespace `name`, as `ip netns delete NAME` does: its
/// devices go when the last process inside leaves. Fails with `-ENOENT` when it does not
/// exist.
///
/// # Safety
///
/// `name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnet_netns_del(name: *const c_char) -> c_int {
    call("vnet_netns_del", || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        Netns::delete(unsafe { text(name, "network namespace") }?)
    })
}

/// Reads an array of `count` C strings.
///
/// # Safety
///
/// `names` is NULL or points to `count` pointers, each NULL or a NUL-terminated string.
unsafe fn name_list<'a>(names: *const *const c_char, count: usize) -> Result<Vec<&'a str>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if names.is_null() {
        return Err(vnet_core::Error::invalid(
            "list of network namespaces",
            "NULL",
            "a NULL pointer where an array is required",
        ));
    }
    (0..count)
        .map(|i| {
            // SAFETY: the caller guarantees `names` holds `count` readable pointers,
            // each NULL or a string.
            unsafe { text(*names.add(i), "network namespace") }
        })
        .collect()
}
