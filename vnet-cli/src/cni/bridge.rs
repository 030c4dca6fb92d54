//! The kernel side of an attachment: the bridge, the veth pair (the container end made
//! straight inside the container's namespace), the container's addresses and routes,
//! the gateway address on the bridge; and the checks of CHECK and the teardown of DEL.

use std::net::IpAddr;

use ipnetwork::IpNetwork;
use vnet_core::{
    AddressSpec, AddressWrite, Bridge, BridgeOptions, Broadcast, Family, Handle, IfName, Link,
    LinkChange, LinkKind, Netns, PortOptions, PortVlan, Route, SysctlKey, Sysctls, Veth, VlanId,
};

use super::config::{Checked, NetConf};
use super::error::{CniError, CniResult, Code};
use super::result::{Interface, NetResult, RouteConfig};

/// The host end's name: `veth` and 8 hex digits of a hash of (container id, interface),
/// so that DEL finds it again without any state kept on disk.
pub fn host_veth_name(container_id: &str, ifname: &IfName) -> IfName {
    let hash = fnv1a(&[
        container_id.as_bytes(),
        b"\0",
        ifname.to_string().as_bytes(),
    ]);
    IfName::new(format!("veth{:08x}", (hash >> 32) as u32 ^ hash as u32))
        .expect("veth and 8 hex digits is a valid name")
}

/// 64-bit FNV-1a: a small, stable hash (the names must not change between versions).
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in parts.iter().flat_map(|p| p.iter()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn kernel(what: impl Into<String>) -> impl FnOnce(vnet_core::Error) -> CniError {
    let what = what.into();
    move |e| CniError::kernel(&what, e)
}

fn mac_of(link: &Link) -> String {
    link.mac.map(|m| m.to_string()).unwrap_or_default()
}

/// Finds or creates the bridge (up, with the MTU and promiscuous mode asked for).
fn ensure_bridge(host: &Handle, conf: &NetConf, checked: &Checked) -> CniResult<Link> {
    let name = &checked.bridge;
    match host.link().get(name) {
        Ok(link) if link.kind == Some(LinkKind::Bridge) => {
            if !link.up {
                host.link()
                    .up(name)
                    .map_err(kernel(format!("bringing bridge '{name}' up")))?;
            }
            if conf.promisc_mode {
                host.link()
                    .set(name, &LinkChange::new().promisc(true))
                    .map_err(kernel(format!("setting bridge '{name}' promiscuous")))?;
            }
            Ok(link)
        }
        Ok(_) => Err(CniError::new(
            Code::InvalidConfig,
            format!("'{name}' already exists but is not a bridge"),
        )),
        Err(vnet_core::Error::NotFound { .. }) => {
            let mut bridge = Bridge::new(name.clone()).up();
            if conf.vlan.is_some() {
                bridge = bridge.options(BridgeOptions {
                    vlan_filtering: Some(true),
                    ..Default::default()
                });
            }
            if let Some(mtu) = checked.mtu {
                bridge = bridge.mtu(mtu);
            }
            match host.link().add(&bridge) {
                Ok(()) => {}
                // Another ADD made it meanwhile.
                Err(e) if e.errno() == libc::EEXIST => {}
                Err(e) => return Err(CniError::kernel(&format!("creating bridge '{name}'"), e)),
            }
            if conf.promisc_mode {
                host.link()
                    .set(name, &LinkChange::new().promisc(true))
                    .map_err(kernel(format!("setting bridge '{name}' promiscuous")))?;
            }
            host.link()
                .get(name)
                .map_err(kernel(format!("reading bridge '{name}'")))
        }
        Err(e) => Err(CniError::kernel(&format!("looking bridge '{name}' up"), e)),
    }
}

/// Gives the bridge `gateway`/prefix; another IPv4 address there is replaced when
/// `forceAddress` is set and an error otherwise (as the reference does).
fn ensure_gateway(
    host: &Handle,
    conf: &NetConf,
    bridge: &IfName,
    gateway: IpNetwork,
) -> CniResult<()> {
    let existing = host
        .addr()
        .list(Some(bridge.into()))
        .map_err(kernel(format!("listing addresses of bridge '{bridge}'")))?;
    for a in existing
        .iter()
        .filter(|a| Family::of(a.network.ip()) == Family::of(gateway.ip()))
    {
        if a.network == gateway {
            return Ok(());
        }
        let clash = gateway.is_ipv4()
            || a.network.contains(gateway.ip())
            || gateway.contains(a.network.ip());
        if clash {
            if !conf.force_address {
                return Err(CniError::new(
                    Code::InvalidConfig,
                    format!("'{bridge}' already has an IP address different from {gateway}"),
                ));
            }
            host.addr().delete_entry(a).map_err(kernel(format!(
                "deleting {} from bridge '{bridge}'",
                a.network
            )))?;
        }
    }
    host.addr()
        .write(bridge, &with_broadcast(gateway), AddressWrite::Add)
        .map_err(kernel(format!("adding {gateway} to bridge '{bridge}'")))
}

/// An address as the reference plugins add it: an IPv4 one below /31 gets the
/// all-ones broadcast of its prefix (`brd +`).
fn with_broadcast(network: IpNetwork) -> AddressSpec {
    let spec = AddressSpec::new(network);
    match network {
        IpNetwork::V4(n) if n.prefix() < 31 => spec.broadcast(Broadcast::AllOnes),
        _ => spec,
    }
}

/// The gateway an IPAM result gives an address, or the first address of its subnet
/// (what the reference computes when the bridge is the gateway and IPAM gave none).
fn gateway_of(network: IpNetwork, given: Option<IpAddr>) -> IpAddr {
    given.unwrap_or_else(|| match network {
        IpNetwork::V4(n) => IpAddr::V4(std::net::Ipv4Addr::from(u32::from(n.network()) + 1)),
        IpNetwork::V6(n) => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(n.network()) + 1)),
    })
}

/// Fails (invalid configuration, 7) when the container already has an interface named
/// `ifname`.
pub fn ensure_absent(netns: &Netns, sandbox: &str, ifname: &IfName) -> CniResult<()> {
    let container =
        Handle::new(netns).map_err(kernel(format!("opening rtnetlink in netns {sandbox}")))?;
    match container.link().exists(ifname) {
        Ok(false) => Ok(()),
        Ok(true) => Err(CniError::new(
            Code::InvalidConfig,
            format!("interface '{ifname}' already exists in {sandbox}"),
        )),
        Err(e) => Err(CniError::kernel(
            &format!("looking '{ifname}' up in {sandbox}"),
            e,
        )),
    }
}

/// ADD's kernel work: makes the attachment and returns the result (interfaces, IPs,
/// routes, DNS), given the IPAM plugin's. On failure the veth pair is removed again.
pub fn setup(
    conf: &NetConf,
    checked: &Checked,
    netns: &Netns,
    sandbox: &str,
    ifname: &IfName,
    container_id: &str,
    mut ipam: NetResult,
) -> CniResult<NetResult> {
    let host = Handle::current().map_err(kernel("opening rtnetlink in the host namespace"))?;
    let container =
        Handle::new(netns).map_err(kernel(format!("opening rtnetlink in netns {sandbox}")))?;
    let bridge = ensure_bridge(&host, conf, checked)?;
    let host_end = host_veth_name(container_id, ifname);
    let mut veth = Veth::new(host_end.clone(), ifname.clone())
        .peer_netns(netns)
        .master(&checked.bridge)
        .up();
    if let Some(mtu) = checked.mtu {
        veth = veth.mtu(mtu);
    }
    host.link().add(&veth).map_err(|e| {
        let code = if e.errno() == libc::EEXIST {
            Code::InvalidConfig
        } else {
            Code::Io
        };
        CniError::new(
            code,
            format!("creating veth '{host_end}' (peer '{ifname}' in {sandbox})"),
        )
        .details(e.to_string())
    })?;
    let made = (|| {
        configure(
            conf, checked, &host, &container, &host_end, ifname, &mut ipam,
        )?;
        let bridge = host.link().get(&checked.bridge).unwrap_or(bridge);
        let host_link = host
            .link()
            .get(&host_end)
            .map_err(kernel(format!("reading '{host_end}'")))?;
        let inner = container
            .link()
            .get(ifname)
            .map_err(kernel(format!("reading '{ifname}' in {sandbox}")))?;
        Ok(vec![
            Interface {
                name: bridge.name.to_string(),
                mac: mac_of(&bridge),
                sandbox: String::new(),
            },
            Interface {
                name: host_link.name.to_string(),
                mac: mac_of(&host_link),
                sandbox: String::new(),
            },
            Interface {
                name: inner.name.to_string(),
                mac: mac_of(&inner),
                sandbox: sandbox.to_string(),
            },
        ])
    })();
    match made {
        Ok(interfaces) => {
            ipam.interfaces = interfaces;
            for ip in &mut ipam.ips {
                ip.interface = Some(2);
            }
            Ok(ipam)
        }
        Err(e) => {
            // Deleting one end deletes the pair: the container end goes with it.
            let _ = host.link().delete(&host_end);
            Err(e)
        }
    }
}

fn configure(
    conf: &NetConf,
    checked: &Checked,
    host: &Handle,
    container: &Handle,
    host_end: &IfName,
    ifname: &IfName,
    ipam: &mut NetResult,
) -> CniResult<()> {
    if conf.hairpin_mode {
        let options = PortOptions {
            hairpin: Some(true),
            ..Default::default()
        };
        host.bridge()
            .set_port_options(host_end, &options)
            .map_err(kernel(format!("setting hairpin mode on '{host_end}'")))?;
    }
    if let Some(vlan) = conf.vlan {
        let vid = VlanId::new(u32::from(vlan))
            .map_err(|e| CniError::new(Code::InvalidConfig, e.to_string()))?;
        let default = VlanId::new(1).expect("1 is a VLAN id");
        host.bridge()
            .vlan_del(host_end, default)
            .map_err(kernel(format!("removing VLAN 1 from '{host_end}'")))?;
        let pvid = PortVlan {
            vid,
            pvid: true,
            untagged: true,
        };
        host.bridge()
            .vlan_add(host_end, &pvid)
            .map_err(kernel(format!("adding VLAN {vlan} to '{host_end}'")))?;
    }
    // The peer cannot be brought up in its create request (ENOTCONN): a second one.
    container
        .link()
        .up(ifname)
        .map_err(kernel(format!("bringing '{ifname}' up")))?;
    let mut defaults = Vec::new();
    for ip in &mut ipam.ips {
        let network = ip.network()?;
        let gateway = if conf.gateway() {
            let gw = gateway_of(network, ip.gateway()?);
            ip.gateway = Some(gw.to_string());
            Some(gw)
        } else {
            ip.gateway()?
        };
        container
            .addr()
            .write(ifname, &with_broadcast(network), AddressWrite::Add)
            .map_err(kernel(format!("adding {network} to '{ifname}'")))?;
        if conf.gateway()
            && let Some(gw) = gateway
        {
            let on_bridge = IpNetwork::new(gw, network.prefix()).expect("the address's own prefix");
            ensure_gateway(host, conf, &checked.bridge, on_bridge)?;
            let key = match gw {
                IpAddr::V4(_) => SysctlKey::IpForward,
                IpAddr::V6(_) => SysctlKey::Ipv6Forwarding(vnet_core::Conf::All),
            };
            Sysctls::current()
                .and_then(|s| s.set(&key, 1))
                .map_err(kernel(format!("turning {key} on")))?;
        }
        if conf.is_default_gateway
            && let Some(gw) = gateway
        {
            let dst = match gw {
                IpAddr::V4(_) => "0.0.0.0/0",
                IpAddr::V6(_) => "::/0",
            };
            defaults.push(RouteConfig {
                dst: dst.to_string(),
                gw: Some(gw.to_string()),
            });
        }
    }
    for d in defaults {
        if !ipam.routes.contains(&d) {
            ipam.routes.push(d);
        }
    }
    for r in &ipam.routes {
        let dst = r.destination()?;
        let gw = match r.gateway()? {
            Some(gw) => Some(gw),
            None => ipam
                .ips
                .iter()
                .filter_map(|ip| Some((ip.network().ok()?, ip.gateway().ok()??)))
                .find(|(n, _)| n.is_ipv4() == dst.is_ipv4())
                .map(|(_, gw)| gw),
        };
        let mut route = Route::new(dst).dev(ifname);
        if let Some(gw) = gw {
            route = route.via(gw);
        }
        container
            .route()
            .add(&route)
            .map_err(kernel(format!("adding route to {dst} in the container")))?;
    }
    Ok(())
}

/// DEL's kernel work: deletes the container's interface (and so the pair), and returns
/// the IPv4 addresses it had. Missing pieces are fine: DEL is idempotent.
pub fn teardown(
    netns: Option<&Netns>,
    ifname: &IfName,
    container_id: &str,
) -> CniResult<Vec<IpNetwork>> {
    let Some(netns) = netns else {
        // The namespace is gone, and the container end with it; the host end too,
        // unless something kept it: delete it by its derived name.
        let host = Handle::current().map_err(kernel("opening rtnetlink in the host namespace"))?;
        let host_end = host_veth_name(container_id, ifname);
        return match host.link().delete(&host_end) {
            Ok(()) | Err(vnet_core::Error::NotFound { .. }) => Ok(Vec::new()),
            Err(e) if e.errno() == libc::ENODEV => Ok(Vec::new()),
            Err(e) => Err(CniError::kernel(&format!("deleting '{host_end}'"), e)),
        };
    };
    let container = Handle::new(netns).map_err(kernel("opening rtnetlink in the container"))?;
    let addresses = match container.addr().list(Some(ifname.into())) {
        Ok(list) => list.into_iter().map(|a| a.network).collect(),
        Err(e) if e.errno() == libc::ENODEV => return Ok(Vec::new()),
        Err(e) => {
            return Err(CniError::kernel(
                &format!("listing addresses of '{ifname}'"),
                e,
            ));
        }
    };
    match container.link().delete(ifname) {
        Ok(()) => Ok(addresses),
        Err(e) if e.errno() == libc::ENODEV => Ok(addresses),
        Err(e) => Err(CniError::kernel(&format!("deleting '{ifname}'"), e)),
    }
}

/// CHECK's kernel work: compares the container's interface, addresses and routes and
/// the bridge port with `prev` (what ADD returned); the first difference is an error.
pub fn check(
    checked: &Checked,
    netns: &Netns,
    ifname: &IfName,
    container_id: &str,
    prev: &NetResult,
) -> CniResult<()> {
    let drift = |msg: String| Err(CniError::new(Code::CheckFailed, msg));
    let host = Handle::current().map_err(kernel("opening rtnetlink in the host namespace"))?;
    let container = Handle::new(netns).map_err(kernel("opening rtnetlink in the container"))?;
    let bridge = match host.link().get(&checked.bridge) {
        Ok(link) if link.kind == Some(LinkKind::Bridge) => link,
        Ok(_) => return drift(format!("'{}' is not a bridge", checked.bridge)),
        Err(_) => return drift(format!("bridge '{}' does not exist", checked.bridge)),
    };
    let host_end = host_veth_name(container_id, ifname);
    match host.link().get(&host_end) {
        Ok(link) if link.master == Some(bridge.index) => {}
        Ok(_) => {
            return drift(format!(
                "'{host_end}' is not a port of bridge '{}'",
                checked.bridge
            ));
        }
        Err(_) => return drift(format!("host end '{host_end}' does not exist")),
    }
    let inner = match container.link().get(ifname) {
        Ok(link) => link,
        Err(_) => {
            return drift(format!(
                "interface '{ifname}' does not exist in the container"
            ));
        }
    };
    if let Some(expected) = prev
        .interfaces
        .iter()
        .find(|i| i.name == ifname.to_string() && !i.sandbox.is_empty())
        && !expected.mac.is_empty()
        && !expected.mac.eq_ignore_ascii_case(&mac_of(&inner))
    {
        return drift(format!(
            "'{ifname}' has MAC {} instead of {}",
            mac_of(&inner),
            expected.mac
        ));
    }
    let addresses = container
        .addr()
        .list(Some(ifname.into()))
        .map_err(kernel(format!("listing addresses of '{ifname}'")))?;
    for ip in &prev.ips {
        let network = ip.network()?;
        if !addresses.iter().any(|a| a.network == network) {
            return drift(format!("'{ifname}' lacks address {network}"));
        }
    }
    let routes = container
        .route()
        .list(Family::Any)
        .map_err(kernel("listing the container's routes"))?;
    for r in &prev.routes {
        let dst = r.destination()?;
        let found = routes.iter().any(|e| {
            e.destination == dst
                && e.device == Some(inner.index)
                && r.gateway()
                    .ok()
                    .flatten()
                    .is_none_or(|gw| e.gateway == Some(gw))
        });
        if !found {
            return drift(format!(
                "the container lacks route {} via {}",
                r.dst,
                r.gw.as_deref().unwrap_or("its gateway")
            ));
        }
    }
    Ok(())
}
