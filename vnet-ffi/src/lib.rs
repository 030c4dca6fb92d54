//! # libvnet: the C ABI of vnet
//!
//! `libvnet.so` gives C programs (and any language with a C FFI) vnet's API through one
//! header, `include/vnet.h`, generated from this crate by cbindgen. This crate holds no
//! networking logic: every function converts its arguments into vnet-core's typed
//! values, calls vnet-core and maps the result.
//!
//! ## Conventions (the header repeats them)
//!
//! - Every fallible function returns an `int`: 0 on success, a negative errno on
//!   failure (`-EINVAL` for a bad argument, checked before any syscall; `-ENODEV` for a
//!   missing device; `-ENOENT` for a missing namespace; otherwise what the kernel
//!   answered).
//! - [`vnet_last_error`] returns the calling thread's message for its last failure.
//! - Out-parameters are written only on success; every `_free` and `_close` accepts
//!   NULL.
//! - No panic crosses the boundary: it becomes `-EIO` and a message.
//! - A handle is used by one thread at a time; separate handles work in parallel.
//!
//! ## Layout
//!
//! - `boundary`: the one place where results become return codes, the thread's last
//!   error, panics caught, and C arguments read (strings, handles, out-parameters);
//! - `handle`: [`vnet_handle`], `vnet_open`/`vnet_close`, namespaces, the version;
//! - `link`: creating, changing, listing and deleting links;
//! - `addr`: addresses, routes and proxy neighbours;
//! - `bridge`: spanning tree and forwarding database entries;
//! - `tuntap`: tun and tap devices;
//! - `netfilter`: sysctl switches, NAT rules and conntrack.

// cbindgen copies these names into the C header as they are: C's naming, not Rust's.
#![allow(non_camel_case_types)]

mod boundary;

pub mod addr;
pub mod bridge;
pub mod handle;
pub mod link;
pub mod netfilter;
pub mod tuntap;

pub use addr::{vnet_addr_info, vnet_route_info};
pub use boundary::vnet_last_error;
pub use handle::vnet_handle;
pub use link::{vnet_link_info, vnet_veth_spec};
