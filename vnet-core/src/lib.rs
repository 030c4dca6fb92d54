//! # vnet-core
//!
//! The library behind vnet: Linux virtual networking through one synchronous API.
//! No async runtime, no background threads, no processes spawned: every call is a
//! netlink exchange (or an ioctl, or a `/proc/sys` write) made from the calling thread.
//!
//! ## Layout
//!
//! - the netlink engine (internal): one socket type with request/ACK, request/reply,
//!   dump and batch exchanges, keeping the kernel's errno and extended-ACK text, and a
//!   connection type both entry points stand on;
//! - [`Netns`]: named namespaces compatible with `ip netns`, and running work inside any
//!   namespace without moving the caller's thread;
//! - [`Handle`]: rtnetlink of one namespace, with sub-handles per object, the way `ip`
//!   groups them: [`Handle::link`], [`Handle::addr`], [`Handle::route`],
//!   [`Handle::neigh`], [`Handle::bridge`], [`Handle::tuntap`];
//! - [`Netfilter`]: nfnetlink of one namespace: NAT rules in vnet's own nf_tables table
//!   ([`Netfilter::nat`]) and connection tracking ([`Netfilter::conntrack`]);
//! - [`Sysctls`]: forwarding, proxy ARP and rp_filter switches of one namespace;
//! - [`tuntap`]: tun and tap devices through `/dev/net/tun` ([`Handle::tuntap`]), and
//!   [`TunDevice`], the fd a program reads frames or packets from;
//! - [`values`]: validated input types ([`IfName`], [`VlanId`], [`Vni`], [`Mtu`],
//!   [`MacAddr`]);
//! - [`Error`]: the one error type, naming the step and the object;
//! - `lab` (cargo feature `lab`, which adds serde and toml): whole topologies from a
//!   TOML file, built with rollback, checked and removed by ownership marks.
//!
//! ## Example
//!
//! The namespace recipe of Linux networking courses:
//!
//! ```no_run
//! use vnet_core::{Handle, IfName, LinkChange, Netns, Veth};
//!
//! # fn main() -> vnet_core::Result<()> {
//! let vm1 = Netns::add("vm1")?;                       // ip netns add vm1
//! let host = Handle::current()?;
//! let (ext0, int0) = (IfName::new("ext0")?, IfName::new("int0")?);
//! host.link().add(&Veth::new(ext0.clone(), int0.clone()).up())?;  // ip link add ext0 type veth peer name int0
//! host.link().set(&int0, &LinkChange::new().netns(&vm1).name(IfName::new("eth0")?))?;
//! host.addr().add(&ext0, "10.0.0.1/24".parse().unwrap())?;
//! let vm = Handle::new(&vm1)?;
//! vm.link().up(&IfName::new("lo")?)?;
//! vm.link().up(&IfName::new("eth0")?)?;
//! vm.addr().add(&IfName::new("eth0")?, "10.0.0.2/24".parse().unwrap())?;
//! # Ok(())
//! # }
//! ```

#![deny(unsafe_code)]

// The layers, bottom up (tests/layers.rs checks that imports only point down them):
// kernel numbers and the one unsafe corner; errors and validated values; namespaces;
// the netlink engine; the objects of each kernel family (rtnetlink, nfnetlink, procfs);
// the entry points.
mod sys;
mod uapi;

pub mod error;
pub mod values;

pub mod netns;

mod netlink;

pub mod addr;
pub mod bridge;
pub mod link;
pub mod neigh;
pub mod nsid;
pub mod route;
pub mod tuntap;

pub mod netfilter;

pub mod sysctl;

pub mod handle;

#[cfg(feature = "lab")]
pub mod lab;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use addr::{Address, AddressFlags, AddressHandle, AddressSpec, AddressWrite, Broadcast};
pub use bridge::{
    BridgeHandle, BridgeId, BridgeInfo, BridgeStp, FdbEntry, FdbEntryKind, FdbSpec, PortInfo,
    PortOptions, PortState, PortVlan, StpMode,
};
pub use error::{Error, Result, TunStep};
pub use handle::Handle;
pub use link::{
    AddrGenMode, Bridge, BridgeData, BridgeOptions, BridgePortData, IfFlags, KindData, Link,
    LinkChange, LinkDetails, LinkExtended, LinkHandle, LinkKind, LinkMode, LinkRef, LinkSpec,
    LinkStats, LinkType, MacVlan, MacVlanData, MacVlanMode, OperState, TunData, Veth, Vlan,
    VlanData, VlanProtocol, Vxlan, VxlanData,
};
pub use neigh::{Neighbour, NeighbourHandle, NeighbourSpec, NeighbourState};
pub use netfilter::Netfilter;
pub use netfilter::conntrack::{ConntrackEntry, ConntrackHandle, FlowTuple, TcpState};
pub use netfilter::container::{ContainerNat, ContainerNatHandle, HostPort, MacCheck};
pub use netfilter::nat::{InstalledRule, L4Protocol, Masquerade, NatHandle, NatRule, PortForward};
pub use netns::Netns;
pub use nsid::NsidHandle;
pub use route::{Route, RouteEntry, RouteFlags, RouteHandle, RouteProtocol, RouteType, RouteWrite};
pub use sysctl::{Conf, SysctlGuard, SysctlKey, Sysctls};
pub use tuntap::{CloneDevice, TunDevice, TunInfo, TunMode, TunTap, TunTapHandle};
pub use values::{Family, IfName, MacAddr, Mtu, Scope, VlanId, Vni, parse_cidr};

pub use ipnetwork;
