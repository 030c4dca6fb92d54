//! What every test crate of the vnet workspace shares.
//!
//! - [`TestNs`]: a named network namespace for one test, unique per process and test,
//!   with `lo` up and an rtnetlink [`Handle`](vnet_core::Handle) inside it, deleted on
//!   drop. Every kernel test builds its own namespaces with it, so tests run in parallel
//!   and never touch the machine's own network (run them under a private `/run/netns`:
//!   `scripts/private-netns.sh cargo test`).
//! - Witnesses: the kernel state as iproute2 reports it ([`TestNs::ip_json`],
//!   [`TestNs::bridge_json`], [`TestNs::link_json`], [`addresses`]), commands run inside
//!   a namespace the way `ip netns exec` runs them ([`TestNs::exec`], [`TestNs::run_ok`]),
//!   real pings. A test checks what vnet did with these, never only by reading it back
//!   through vnet.
//! - Programs: a reference tool run by its absolute path under the name a test needs in
//!   `argv[0]` ([`invoke_as`], [`TestNs::command_as`]), proven to be Debian's packaged
//!   binary ([`packaged_tool`]), the root package's examples
//!   ([`example`]).
//! - [`lane`]: a test that needs what this machine's kernel lacks (802.1Q VLANs) runs its
//!   binary in Debian's stock kernel under QEMU and passes only if it passed there.
//!
//! The kit depends only on the stable core of vnet's API (`Netns::add`, `Netns::delete`,
//! `Handle::new`, `IfName`, `handle.link().up()`), so changes elsewhere in the API do not
//! reach it.

pub mod lane;
mod namespace;
mod program;
mod witness;

pub use namespace::{Probe, TestNs};
pub use program::{example, invoke_as, packaged_tool};
pub use witness::{addresses, ip_json};

use vnet_core::IfName;

/// An interface name known to be valid; panics on an invalid one.
pub fn ifname(name: &str) -> IfName {
    IfName::new(name).unwrap_or_else(|e| panic!("interface name {name:?}: {e}"))
}

#[cfg(test)]
mod tests;
