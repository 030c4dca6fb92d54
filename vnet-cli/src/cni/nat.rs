//! `ipMasq` and `portMappings`: one nf_tables table per attachment (vnet-core's
//! [`vnet_core::ContainerNat`]), named after the network, the container and the
//! interface, so that DEL removes exactly that container's rules.

use ipnetwork::{IpNetwork, Ipv4Network};
use vnet_core::{ContainerNat, IfName, Netfilter};

use super::Call;
use super::bridge::fnv1a;
use super::config::ValidAttachment;
use super::error::{CniError, CniResult, Code};
use super::result::NetResult;

/// What every attachment's table name starts with.
pub const TABLE_PREFIX: &str = "vnet-cni-";

/// The table of an attachment: `vnet-cni-`, the container id's first 12 characters, and
/// 8 hex digits of a hash of (network, container id, interface).
pub fn table_name(network: &str, container_id: &str, ifname: &IfName) -> String {
    let ifname = ifname.to_string();
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

/// Installs the attachment's table (nothing when it needs no NAT).
pub(super) fn install(call: &Call, result: &NetResult) -> CniResult<()> {
    let Some(nat) = container_nat(call, &addresses(result)) else {
        return Ok(());
    };
    let owner = owner(&call.conf.name, &call.container_id, &call.ifname);
    netfilter()?
        .container_nat()
        .install(&table(call), &owner, &nat)
        .map_err(|e| CniError::kernel("installing the container's NAT", e))
}

/// Removes the attachment's table, and the flows its rules made when the container's
/// address is known.
pub(super) fn remove(call: &Call, addresses: &[IpNetwork]) -> CniResult<()> {
    let nat = container_nat(call, addresses);
    netfilter()?
        .container_nat()
        .remove(&table(call), nat.as_ref())
        .map(drop)
        .map_err(|e| CniError::kernel("removing the container's NAT", e))
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
    if ok {
        Ok(())
    } else {
        Err(CniError::new(
            Code::CheckFailed,
            format!("the NAT rules of table ip {table} differ from what ADD made"),
        ))
    }
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

/// GC: removes the tables of `network` whose attachment is not in `valid`; returns
/// how many it removed. Tables of other networks, and tables vnet-cni did not make,
/// are left alone.
pub fn collect_garbage(network: &str, valid: &[ValidAttachment]) -> CniResult<usize> {
    let handle = netfilter()?;
    let nat = handle.container_nat();
    let tables = nat
        .list(TABLE_PREFIX)
        .map_err(|e| CniError::kernel("listing the containers' NAT tables", e))?;
    let mut removed = 0;
    for (table, owner) in tables {
        let Some((net, container, ifname)) = parse_owner(&owner) else {
            continue;
        };
        let in_use = valid
            .iter()
            .any(|v| v.container_id == container && v.ifname == ifname);
        if net != network || in_use {
            continue;
        }
        if nat
            .remove(&table, None)
            .map_err(|e| CniError::kernel(&format!("removing stale table ip {table}"), e))?
        {
            removed += 1;
        }
    }
    Ok(removed)
}
