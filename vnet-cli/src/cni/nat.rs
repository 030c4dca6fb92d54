//! `ipMasq` and `portMappings`: one nf_tables table per attachment (vnet-core's
//! [`vnet_core::ContainerNat`]), named after the network, the container and the
//! interface, so that DEL removes exactly that container's rules; and `macspoofchk`, a
//! `bridge` table of the same name ([`vnet_core::MacCheck`]).

use ipnetwork::{IpNetwork, Ipv4Network};
use vnet_core::{ContainerNat, IfName, MacAddr, MacCheck, Netfilter};

use super::Call;
use super::bridge::{fnv1a, host_veth_name};
use super::config::ValidAttachment;
use super::error::{CniError, CniResult, Code};
use super::result::NetResult;

/// What every attachment's table name starts with.
pub const TABLE_PREFIX: &str = "vnet-cni-";

/// The table of an attachment: `vnet-cni-`, the container id's first 12 characters, and
/// 8 hex digits of a hash of (network, container id, interface).
pub fn table_name(network: &str, container_id: &str, ifname: &IfName) -> String {
    let hash = fnv1a(&[
        network.as_bytes(),
        b"\0",
        container_id.as_bytes(),
        b"\0",
        ifname.as_bytes(),
    ]);
    let short: String = container_id.chars().take(12).collect();
    format!("{TABLE_PREFIX}{short}-{:08x}", hash as u32)
}

fn table(call: &Call) -> String {
    table_name(&call.conf.name, &call.container_id, &call.ifname)
}

/// The NAT of the container's first IPv4 address, when it needs any.
fn container_nat(call: &Call, addresses: &[IpNetwork]) -> Option<ContainerNat> {
    let v4 = addresses.iter().find_map(|a| match a {
        IpNetwork::V4(n) => Some(*n),
        IpNetwork::V6(_) => None,
    })?;
    let nat = ContainerNat {
        address: v4.ip(),
        subnet: Ipv4Network::new(v4.network(), v4.prefix()).expect("the address's own prefix"),
        masquerade: call.conf.ip_masq,
        ports: call.checked.ports.clone(),
    };
    (nat.masquerade || !nat.ports.is_empty()).then_some(nat)
}

fn addresses(result: &NetResult) -> Vec<IpNetwork> {
    result
        .ips
        .iter()
        .filter_map(|ip| ip.network().ok())
        .collect()
}

fn netfilter() -> CniResult<Netfilter> {
    Netfilter::current().map_err(|e| CniError::kernel("opening nfnetlink in the host namespace", e))
}

/// The MAC check of the attachment `result` describes: its host-side port and the MAC
/// address of its interface in the sandbox.
fn mac_check(call: &Call, result: &NetResult) -> CniResult<MacCheck> {
    let inner = result
        .interfaces
        .iter()
        .find(|i| !i.sandbox.is_empty() && i.name == call.ifname.to_string_lossy())
        .ok_or_else(|| {
            CniError::new(
                Code::Io,
                "macspoofchk: the result names no interface in the sandbox",
            )
        })?;
    let mac: MacAddr = inner.mac.parse().map_err(|e| {
        CniError::new(
            Code::Io,
            format!("macspoofchk: the container's MAC address '{}'", inner.mac),
        )
        .details(format!("{e}"))
    })?;
    Ok(MacCheck {
        port: host_veth_name(&call.container_id, &call.ifname),
        mac,
    })
}

/// Installs the attachment's tables: its NAT when it needs any, its MAC check when the
/// configuration asks for one.
pub(super) fn install(call: &Call, result: &NetResult) -> CniResult<()> {
    let owner = owner(&call.conf.name, &call.container_id, &call.ifname);
    let handle = netfilter()?;
    if let Some(nat) = container_nat(call, &addresses(result)) {
        handle
            .container_nat()
            .install(&table(call), &owner, &nat)
            .map_err(|e| CniError::kernel("installing the container's NAT", e))?;
    }
    if call.conf.macspoofchk {
        let check = mac_check(call, result)?;
        handle
            .container_nat()
            .install_mac_check(&table(call), &owner, &check)
            .map_err(|e| CniError::kernel("installing the container's MAC check", e))?;
    }
    Ok(())
}

/// Removes the attachment's tables (NAT, MAC check), and the flows its NAT made when the
/// container's address is known.
pub(super) fn remove(call: &Call, addresses: &[IpNetwork]) -> CniResult<()> {
    let nat = container_nat(call, addresses);
    let handle = netfilter()?;
    handle
        .container_nat()
        .remove(&table(call), nat.as_ref())
        .map_err(|e| CniError::kernel("removing the container's NAT", e))?;
    handle
        .container_nat()
        .remove_mac_check(&table(call))
        .map(drop)
        .map_err(|e| CniError::kernel("removing the container's MAC check", e))
}

/// Checks the attachment's table holds the rules ADD made.
pub(super) fn check(call: &Call, prev: &NetResult) -> CniResult<()> {
    let handle = netfilter()?;
    let table = table(call);
    let ok = match container_nat(call, &addresses(prev)) {
        Some(nat) => handle.container_nat().matches(&table, &nat),
        None => handle
            .container_nat()
            .rule_counts(&table)
            .map(|c| c.is_none()),
    }
    .map_err(|e| CniError::kernel("reading the container's NAT", e))?;
    if !ok {
        return Err(CniError::new(
            Code::CheckFailed,
            format!("the NAT rules of table ip {table} differ from what ADD made"),
        ));
    }
    let rules = handle
        .container_nat()
        .mac_check_rules(&table)
        .map_err(|e| CniError::kernel("reading the container's MAC check", e))?;
    let expected = call.conf.macspoofchk.then_some(1);
    if rules != expected {
        return Err(CniError::new(
            Code::CheckFailed,
            format!("the MAC check of table bridge {table} differs from what ADD made"),
        ));
    }
    Ok(())
}

/// The owner text a table keeps: which network, container and interface it serves.
fn owner(network: &str, container_id: &str, ifname: &IfName) -> String {
    format!("vnet-cni network={network} container={container_id} ifname={ifname}")
}

/// Reads an owner text back: (network, container id, interface).
fn parse_owner(text: &str) -> Option<(&str, &str, &str)> {
    let rest = text.strip_prefix("vnet-cni network=")?;
    let (network, rest) = rest.split_once(" container=")?;
    let (container, ifname) = rest.split_once(" ifname=")?;
    Some((network, container, ifname))
}

/// GC: removes the tables (NAT and MAC checks) of `network` whose attachment is not in
/// `valid`; returns how many it removed. Tables of other networks, and tables vnet-cni
/// did not make, are left alone.
pub fn collect_garbage(network: &str, valid: &[ValidAttachment]) -> CniResult<usize> {
    let handle = netfilter()?;
    let nat = handle.container_nat();
    let stale = |owner: &str| {
        parse_owner(owner).is_some_and(|(net, container, ifname)| {
            net == network
                && !valid
                    .iter()
                    .any(|v| v.container_id == container && v.ifname == ifname)
        })
    };
    let mut removed = 0;
    let tables = nat
        .list(TABLE_PREFIX)
        .map_err(|e| CniError::kernel("listing the containers' NAT tables", e))?;
    for (table, _) in tables.iter().filter(|(_, owner)| stale(owner)) {
        if nat
            .remove(table, None)
            .map_err(|e| CniError::kernel(&format!("removing stale table ip {table}"), e))?
        {
            removed += 1;
        }
    }
    let checks = nat
        .list_mac_checks(TABLE_PREFIX)
        .map_err(|e| CniError::kernel("listing the containers' MAC checks", e))?;
    for (table, _) in checks.iter().filter(|(_, owner)| stale(owner)) {
        if nat
            .remove_mac_check(table)
            .map_err(|e| CniError::kernel(&format!("removing stale table bridge {table}"), e))?
        {
            removed += 1;
        }
    }
    Ok(removed)
}
