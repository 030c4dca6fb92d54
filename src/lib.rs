//! # vnet
//!
//! Linux virtual networking through one synchronous, dependable API: network namespaces,
//! veth pairs, bridges, VLANs, VXLAN overlays, addresses, routes and neighbours.
//!
//! This crate re-exports [`vnet_core`]; see its documentation for the full API, and the
//! `examples/` folder of the repository for runnable programs.
//!
//! ```no_run
//! use vnet::{Handle, IfName, Netns, Veth};
//!
//! # fn main() -> vnet::Result<()> {
//! let vm = Netns::add("vm1")?;
//! let host = Handle::current()?;
//! host.link().add(&Veth::new(IfName::new("ext0")?, IfName::new("int0")?).peer_netns(&vm))?;
//! # Ok(())
//! # }
//! ```

pub use vnet_core::*;
