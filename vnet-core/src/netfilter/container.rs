//! NAT of one container attachment: masquerade of its traffic and its port mappings, in
//! an nf_tables table of its own, what a CNI plugin's `ipMasq` and `portMappings` need;
//! and its MAC check (`macspoofchk`), in a `bridge` table of the same name.
//!
//! One table (family `ip`) per attachment, named by its owner, so that removing the
//! attachment removes exactly its rules, in one transaction, and nothing of another's:
//!
//! ```text
//! table ip NAME {                      # userdata: the owner's text (container id, ...)
//!     chain prerouting {               # type nat hook prerouting priority dstnat
//!         tcp dport 8080 fib daddr type local dnat to 10.88.0.2:80
//!     }
//!     chain output {                   # type nat hook output priority dstnat
//!         tcp dport 8080 fib daddr type local dnat to 10.88.0.2:80
//!     }
//!     chain postrouting {              # type nat hook postrouting priority srcnat
//!         ip saddr 10.88.0.0/16 ip daddr 10.88.0.2 tcp dport 80 ct status dnat masquerade
//!         ip saddr 10.88.0.2 ip daddr != 10.88.0.0/16 ip daddr != 224.0.0.0/4 masquerade
//!     }
//! }
//! ```
//!
//! - `prerouting` maps connections arriving from outside to a local address's host
//!   port; `output` does the same for connections the host itself opens.
//! - The first `postrouting` rule is the hairpin case: a container of the same subnet
//!   reaching a mapped port would get the answer straight from the target over the
//!   bridge, from an address it never spoke to; masquerading the mapped flow makes the
//!   answer come back through the host (the reference `portmap` plugin marks these flows
//!   and masquerades the mark).
//! - The second is `ipMasq`: the container's traffic leaving its subnet takes the
//!   outgoing interface's address, except multicast (as the reference `bridge` plugin).
//!
//! Only IPv4 is handled.
//!
//! The MAC check drops what the container sends with another source MAC address than
//! its own, before the bridge learns or forwards it (`bridge` family, prerouting, at
//! the priority of the reference plugin's chain):
//!
//! ```text
//! table bridge NAME {                  # userdata: the owner's text
//!     chain prerouting {               # type filter hook prerouting priority -300
//!         iifname "veth1a2b3c4d" ether saddr != 02:42:0a:58:00:02 drop
//!     }
//! }
//! ```

use std::net::{IpAddr, Ipv4Addr};

use ipnetwork::Ipv4Network;
use netlink_packet_core::{NLM_F_APPEND, NLM_F_CREATE};
use netlink_packet_netfilter::NetfilterMessage;
use netlink_packet_netfilter::NetfilterProtoFamily;
use netlink_packet_netfilter::nftables::{
    DataAttribute, Expressions, Immediate, InetHookNumber, MetaKey, NfTablesMessage, Register,
    RuleAttribute, RuleMessage, TableAttribute, TableMessage, Verdict, VerdictAttribute,
};
use nix::errno::Errno;

use super::conntrack::{ConntrackEntry, ConntrackHandle};
use super::nat::expr::{
    Expr, bitwise_mask, cmp_eq, cmp_ne, ct_status_dnat, daddr_is_local, immediate, match_ifname,
    meta, named, payload, u32_attr,
};
use super::nat::{L4Protocol, base_chain_in, message_in};
use crate::error::{Context, Error, Result};
use crate::netlink::Connection;
use crate::netlink::raw::{RawMessage, attributes};
use crate::uapi::netfilter::{NF_DROP, NF_NAT_RANGE_PROTO_SPECIFIED, NFPROTO_BRIDGE, NFPROTO_IPV4};
use crate::uapi::nf_tables::*;
use crate::uapi::nfnetlink::NFGENMSG_LEN;
use crate::values::{IfName, MacAddr};

/// The chain of DNAT for connections from outside (`type nat hook prerouting`).
pub const PREROUTING: &str = "prerouting";
/// The chain of DNAT for connections the host opens (`type nat hook output`).
pub const OUTPUT: &str = "output";
/// The chain of masquerades (`type nat hook postrouting`).
pub const POSTROUTING: &str = "postrouting";
/// The priority of the MAC check's chain (`bridge` family, prerouting): the reference
/// `bridge` plugin's, before anything else the bridge runs.
pub const MAC_CHECK_PRIORITY: i32 = -300;

/// The MAC check of one container attachment (a CNI `macspoofchk`): frames arriving on
/// the container's host-side port must carry the container's MAC address as their
/// source; the others are dropped. See the module documentation for the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacCheck {
    /// The container's port on the bridge (the host end of its veth pair).
    pub port: IfName,
    /// The container interface's MAC address.
    pub mac: MacAddr,
}

impl MacCheck {
    /// `iifname PORT ether saddr != MAC drop`.
    fn rule(&self) -> Vec<Expr> {
        let mut out = Vec::from(match_ifname(MetaKey::Iifname, &self.port));
        out.push(payload(NFT_PAYLOAD_LL_HEADER, 6, 6));
        out.push(cmp_ne(self.mac.octets().to_vec()));
        out.push(
            Expressions::Immediate(vec![
                Immediate::DestinationRegister(Register::Verdict),
                Immediate::Data(DataAttribute::Verdict(vec![VerdictAttribute::Code(
                    Verdict::Other(NF_DROP),
                )])),
            ])
            .into(),
        );
        out
    }
}

/// A host port mapped to a port of the container (`-p [HOST_IP:]HOST_PORT:PORT/PROTO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostPort {
    /// Only connections to this host address; any local address when None.
    pub host_ip: Option<Ipv4Addr>,
    /// The host port connections arrive on (1 to 65535).
    pub host_port: u16,
    /// The container's port they go to (1 to 65535).
    pub container_port: u16,
    /// TCP or UDP.
    pub protocol: L4Protocol,
}

/// The NAT of one container attachment: see the module documentation for the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerNat {
    /// The container's address.
    pub address: Ipv4Addr,
    /// The subnet it is attached to (its bridge's).
    pub subnet: Ipv4Network,
    /// Masquerade its traffic leaving the subnet (`ipMasq`).
    pub masquerade: bool,
    /// Its port mappings.
    pub ports: Vec<HostPort>,
}

impl ContainerNat {
    /// Checks the ports (no port 0), naming the first bad one.
    fn validate(&self) -> Result<()> {
        for p in &self.ports {
            if p.host_port == 0 || p.container_port == 0 {
                return Err(Error::invalid(
                    "port mapping",
                    format!("{}:{}/{}", p.host_port, p.container_port, p.protocol),
                    "ports must be between 1 and 65535",
                ));
            }
        }
        Ok(())
    }

    /// The rules of each chain, as (chain, expressions).
    fn rules(&self) -> Vec<(&'static str, Vec<Expr>)> {
        let mut out = Vec::new();
        for chain in [PREROUTING, OUTPUT] {
            for p in &self.ports {
                out.push((chain, dnat(self.address, p)));
            }
        }
        for p in &self.ports {
            out.push((
                POSTROUTING,
                hairpin_masquerade(self.subnet, self.address, p),
            ));
        }
        if self.masquerade {
            out.push((POSTROUTING, outgoing_masquerade(self.subnet, self.address)));
        }
        out
    }

    /// How many rules each chain holds: (prerouting, output, postrouting).
    fn counts(&self) -> [usize; 3] {
        let ports = self.ports.len();
        [ports, ports, ports + usize::from(self.masquerade)]
    }

    /// True when `entry` is a flow these rules translated.
    fn created(&self, entry: &ConntrackEntry) -> bool {
        let address = IpAddr::V4(self.address);
        let mapped = entry.dst_nat()
            && entry.reply.src == address
            && self.ports.iter().any(|p| {
                entry.protocol == p.protocol.number()
                    && entry.original.dst_port == Some(p.host_port)
                    && entry.reply.src_port == Some(p.container_port)
            });
        let masqueraded = self.masquerade && entry.src_nat() && entry.original.src == address;
        mapped || masqueraded
    }
}

/// `meta l4proto P th dport PORT`.
fn protocol_port(protocol: L4Protocol, port: u16) -> [Expr; 4] {
    [
        meta(MetaKey::L4Proto),
        cmp_eq(vec![protocol.number()]),
        payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2),
        cmp_eq(port.to_be_bytes().to_vec()),
    ]
}

/// `ip saddr NET` (offset 12) or `ip daddr NET` (offset 16), `!=` when `equal` is false.
fn address_in(offset: u32, network: Ipv4Network, equal: bool) -> Vec<Expr> {
    let mut out = vec![payload(NFT_PAYLOAD_NETWORK_HEADER, offset, 4)];
    if network.prefix() < 32 {
        out.push(bitwise_mask(network.mask().octets().to_vec()));
    }
    let data = network.network().octets().to_vec();
    out.push(if equal { cmp_eq(data) } else { cmp_ne(data) });
    out
}

fn host(address: Ipv4Addr) -> Ipv4Network {
    Ipv4Network::new(address, 32).expect("/32 is a valid prefix")
}

/// `P dport HOST_PORT [ip daddr HOST_IP | fib daddr type local] dnat to ADDRESS:PORT`.
fn dnat(address: Ipv4Addr, p: &HostPort) -> Vec<Expr> {
    let mut out = Vec::from(protocol_port(p.protocol, p.host_port));
    match p.host_ip {
        Some(ip) => out.extend(address_in(16, host(ip), true)),
        None => out.extend(daddr_is_local()),
    }
    out.push(immediate(Register::Reg1, address.octets().to_vec()));
    out.push(immediate(
        Register::Reg2,
        p.container_port.to_be_bytes().to_vec(),
    ));
    out.push(named(
        "nat",
        vec![
            u32_attr(NFTA_NAT_TYPE, NFT_NAT_DNAT),
            u32_attr(NFTA_NAT_FAMILY, NFPROTO_IPV4),
            u32_attr(NFTA_NAT_REG_ADDR_MIN, Register::Reg1.into()),
            u32_attr(NFTA_NAT_REG_PROTO_MIN, Register::Reg2.into()),
            u32_attr(NFTA_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED),
        ],
    ));
    out
}

/// `ip saddr SUBNET ip daddr ADDRESS P dport PORT ct status dnat masquerade`.
fn hairpin_masquerade(subnet: Ipv4Network, address: Ipv4Addr, p: &HostPort) -> Vec<Expr> {
    let mut out = address_in(12, subnet, true);
    out.extend(address_in(16, host(address), true));
    out.extend(protocol_port(p.protocol, p.container_port));
    out.extend(ct_status_dnat());
    out.push(named("masq", Vec::new()));
    out
}

/// `ip saddr ADDRESS ip daddr != SUBNET ip daddr != 224.0.0.0/4 masquerade`.
fn outgoing_masquerade(subnet: Ipv4Network, address: Ipv4Addr) -> Vec<Expr> {
    let multicast = Ipv4Network::new(Ipv4Addr::new(224, 0, 0, 0), 4).expect("a valid prefix");
    let mut out = address_in(12, host(address), true);
    out.extend(address_in(16, subnet, false));
    out.extend(address_in(16, multicast, false));
    out.push(named("masq", Vec::new()));
    out
}

/// The container NAT calls of a [`crate::Netfilter`]: `netfilter.container_nat()`.
#[derive(Debug, Clone, Copy)]
pub struct ContainerNatHandle<'a> {
    conn: &'a Connection,
}

fn check_table(table: &str) -> Result<()> {
    if table.is_empty() || table.len() > 255 || table.contains('\0') {
        return Err(Error::invalid(
            "nf_tables table name",
            table,
            "must be 1 to 255 bytes without a NUL",
        ));
    }
    Ok(())
}

/// The nf_tables family of each kind of table: `ip` for NAT, `bridge` for MAC checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Ip,
    Bridge,
}

impl Family {
    fn header(self) -> NetfilterProtoFamily {
        match self {
            Family::Ip => NetfilterProtoFamily::IPv4,
            Family::Bridge => NetfilterProtoFamily::Bridge,
        }
    }

    fn number(self) -> u32 {
        match self {
            Family::Ip => NFPROTO_IPV4,
            Family::Bridge => NFPROTO_BRIDGE,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Family::Ip => "ip",
            Family::Bridge => "bridge",
        }
    }

    fn message(self, inner: NfTablesMessage) -> NetfilterMessage {
        message_in(self.header(), inner)
    }
}

/// `nft add table FAMILY TABLE` (with user data), or `nft delete table FAMILY TABLE`.
fn table_message(
    family: Family,
    table: &str,
    userdata: Option<&str>,
    delete: bool,
) -> NetfilterMessage {
    let mut attributes = vec![TableAttribute::Name(table.to_string())];
    if let Some(text) = userdata {
        attributes.push(TableAttribute::UserData(text.as_bytes().to_vec()));
    }
    let table = TableMessage { attributes };
    family.message(if delete {
        NfTablesMessage::DeleteTable(table)
    } else {
        NfTablesMessage::NewTable(table)
    })
}

/// `nft add rule FAMILY TABLE CHAIN EXPRESSIONS`.
fn rule_message(
    family: Family,
    table: &str,
    chain: &str,
    expressions: Vec<Expr>,
) -> NetfilterMessage {
    family.message(NfTablesMessage::NewRule(RuleMessage {
        attributes: vec![
            RuleAttribute::Table(table.to_string()),
            RuleAttribute::Chain(chain.to_string()),
            RuleAttribute::Expressions(expressions),
        ],
    }))
}

impl<'a> ContainerNatHandle<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        ContainerNatHandle { conn }
    }

    /// Installs `nat` as the whole content of table `ip TABLE`, in one transaction:
    /// the table is created, or emptied and filled again when it exists (what
    /// `nft -f` of `table ip T {}; delete table ip T; table ip T { ... }` does).
    /// `owner` is kept as the table's user data (`nft list table` shows it as a comment
    /// in recent versions): who the rules belong to.
    pub fn install(&self, table: &str, owner: &str, nat: &ContainerNat) -> Result<()> {
        let op = || {
            format!(
                "installing container NAT table ip {table} in {}",
                self.describe()
            )
        };
        check_table(table)?;
        nat.validate()?;
        let ip = Family::Ip.header();
        let mut messages = replace_table(Family::Ip, table, owner);
        messages.extend([
            base_chain_in(
                ip,
                table,
                PREROUTING,
                InetHookNumber::PreRouting,
                -100,
                "nat",
            ),
            base_chain_in(ip, table, OUTPUT, InetHookNumber::LocalOut, -100, "nat"),
            base_chain_in(
                ip,
                table,
                POSTROUTING,
                InetHookNumber::PostRouting,
                100,
                "nat",
            ),
        ]);
        for (chain, expressions) in nat.rules() {
            messages.push(rule_message(Family::Ip, table, chain, expressions));
        }
        self.conn
            .socket()
            .nfnl_transaction_at(None, messages, NLM_F_CREATE | NLM_F_APPEND)
            .op(op)
    }

    /// Installs `check` as the whole content of table `bridge TABLE`, in one transaction
    /// (created, or emptied and filled again), with `owner` as its user data, as
    /// [`ContainerNatHandle::install`] does for NAT.
    pub fn install_mac_check(&self, table: &str, owner: &str, check: &MacCheck) -> Result<()> {
        let op = || {
            format!(
                "installing the MAC check table bridge {table} in {}",
                self.describe()
            )
        };
        check_table(table)?;
        let mut messages = replace_table(Family::Bridge, table, owner);
        messages.push(base_chain_in(
            Family::Bridge.header(),
            table,
            PREROUTING,
            InetHookNumber::PreRouting,
            MAC_CHECK_PRIORITY,
            "filter",
        ));
        messages.push(rule_message(
            Family::Bridge,
            table,
            PREROUTING,
            check.rule(),
        ));
        self.conn
            .socket()
            .nfnl_transaction_at(None, messages, NLM_F_CREATE | NLM_F_APPEND)
            .op(op)
    }

    /// How many rules the chain of table `bridge TABLE` holds (one, as
    /// [`ContainerNatHandle::install_mac_check`] made it); None when the table does not
    /// exist.
    pub fn mac_check_rules(&self, table: &str) -> Result<Option<usize>> {
        Ok(self
            .counts(Family::Bridge, table, &[PREROUTING])?
            .map(|counts| counts[0]))
    }

    /// Deletes table `bridge TABLE` (`nft delete table bridge TABLE`); false when it did
    /// not exist.
    pub fn remove_mac_check(&self, table: &str) -> Result<bool> {
        self.delete_table(Family::Bridge, table)
    }

    /// Every table of family `bridge` whose name starts with `prefix`, with its owner
    /// text, sorted by name: the MAC checks a garbage collection goes through.
    pub fn list_mac_checks(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        self.tables(Family::Bridge, prefix)
    }

    /// How many rules each chain of table `ip TABLE` holds, as (chain, count) in the
    /// order prerouting, output, postrouting; None when the table does not exist
    /// (`nft list table ip TABLE`).
    pub fn rule_counts(&self, table: &str) -> Result<Option<[usize; 3]>> {
        Ok(self
            .counts(Family::Ip, table, &[PREROUTING, OUTPUT, POSTROUTING])?
            .map(|c| [c[0], c[1], c[2]]))
    }

    /// How many rules each of `chains` of table `FAMILY TABLE` holds, in their order;
    /// None when the table does not exist.
    fn counts(&self, family: Family, table: &str, chains: &[&str]) -> Result<Option<Vec<usize>>> {
        check_table(table)?;
        let name = family.name();
        // A rule dump of a missing table is merely empty: ask for the table first.
        let get =
            RawMessage::from_message(&family.message(NfTablesMessage::GetTable(TableMessage {
                attributes: vec![TableAttribute::Name(table.to_string())],
            })));
        match self.conn.request(get, 0) {
            Ok(_) => {}
            Err(e) if e.is_errno(Errno::ENOENT) => return Ok(None),
            Err(e) => {
                return Err(e.with_op(format!(
                    "reading table {name} {table} in {}",
                    self.describe()
                )));
            }
        }
        let request =
            RawMessage::from_message(&family.message(NfTablesMessage::GetRule(RuleMessage {
                attributes: vec![RuleAttribute::Table(table.to_string())],
            })));
        let replies = match self.conn.dump(request) {
            Ok(replies) => replies,
            Err(e) if e.is_errno(Errno::ENOENT) => return Ok(None),
            Err(e) => {
                return Err(e.with_op(format!(
                    "listing table {name} {table} in {}",
                    self.describe()
                )));
            }
        };
        let mut counts = vec![0; chains.len()];
        for reply in replies {
            if reply.message_type != NEWRULE_MESSAGE_TYPE || reply.payload.len() < NFGENMSG_LEN {
                continue;
            }
            let (mut in_table, mut chain) = (false, None);
            for (kind, value) in attributes(&reply.payload[NFGENMSG_LEN..]) {
                match kind {
                    // The kernel sends names NUL-terminated.
                    NFTA_RULE_TABLE => {
                        in_table = value.strip_suffix(&[0]) == Some(table.as_bytes())
                    }
                    NFTA_RULE_CHAIN => chain = value.strip_suffix(&[0]).map(<[u8]>::to_vec),
                    _ => {}
                }
            }
            let slot = chains
                .iter()
                .position(|c| chain.as_deref() == Some(c.as_bytes()));
            if let (true, Some(slot)) = (in_table, slot) {
                counts[slot] += 1;
            }
        }
        Ok(Some(counts))
    }

    /// Every table (family `ip`) whose name starts with `prefix`, with its owner text
    /// (the user data [`ContainerNatHandle::install`] stored; empty when it has none),
    /// sorted by name (`nft list tables ip`): what a garbage collection goes through.
    pub fn list(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        self.tables(Family::Ip, prefix)
    }

    /// The tables of `family` whose name starts with `prefix`, with their owner texts.
    fn tables(&self, family: Family, prefix: &str) -> Result<Vec<(String, String)>> {
        let request =
            RawMessage::from_message(&family.message(NfTablesMessage::GetTable(TableMessage {
                attributes: Vec::new(),
            })));
        let replies = self
            .conn
            .dump(request)
            .op(|| format!("listing nf_tables tables in {}", self.describe()))?;
        let mut out = Vec::new();
        for reply in replies {
            if reply.message_type != NEWTABLE_MESSAGE_TYPE || reply.payload.len() < NFGENMSG_LEN {
                continue;
            }
            // Only this family: the first byte of the nfgenmsg header.
            if u32::from(reply.payload[0]) != family.number() {
                continue;
            }
            let (mut name, mut owner) = (None, String::new());
            for (kind, value) in attributes(&reply.payload[NFGENMSG_LEN..]) {
                match kind {
                    // The kernel sends the name NUL-terminated.
                    NFTA_TABLE_NAME => {
                        name = std::str::from_utf8(value.strip_suffix(&[0]).unwrap_or(value))
                            .ok()
                            .map(String::from)
                    }
                    NFTA_TABLE_USERDATA => owner = String::from_utf8_lossy(value).into_owned(),
                    _ => {}
                }
            }
            if let Some(name) = name.filter(|n| n.starts_with(prefix)) {
                out.push((name, owner));
            }
        }
        out.sort();
        Ok(out)
    }

    /// True when table `ip TABLE` exists and holds as many rules in each chain as
    /// `nat` makes (a rule or chain deleted by hand, or another mapping set, shows).
    pub fn matches(&self, table: &str, nat: &ContainerNat) -> Result<bool> {
        Ok(self.rule_counts(table)? == Some(nat.counts()))
    }

    /// Deletes table `ip TABLE` with everything in it (`nft delete table ip TABLE`),
    /// then, when `flows_of` is given, the conntrack entries its rules created (the
    /// mapped flows to the container and its masqueraded flows), since the existing
    /// flows would otherwise keep their translation. Returns false when the table did
    /// not exist (its flows are flushed all the same).
    pub fn remove(&self, table: &str, flows_of: Option<&ContainerNat>) -> Result<bool> {
        let op = || {
            format!(
                "deleting container NAT table ip {table} in {}",
                self.describe()
            )
        };
        let existed = self.delete_table(Family::Ip, table)?;
        if let Some(nat) = flows_of {
            ConntrackHandle::new(self.conn)
                .flush_matching(|entry| nat.created(entry))
                .map_err(|e| e.with_op(format!("{}: flushing its conntrack entries", op())))?;
        }
        Ok(existed)
    }

    /// `nft delete table FAMILY TABLE`; false when it did not exist.
    fn delete_table(&self, family: Family, table: &str) -> Result<bool> {
        check_table(table)?;
        let delete = vec![table_message(family, table, None, true)];
        match self.conn.socket().nfnl_transaction_at(None, delete, 0) {
            Ok(()) => Ok(true),
            Err(e) if e.is_errno(Errno::ENOENT) => Ok(false),
            Err(e) => Err(e.with_op(format!(
                "deleting table {} {table} in {}",
                family.name(),
                self.describe()
            ))),
        }
    }

    fn describe(&self) -> String {
        self.conn.netns().describe()
    }
}

/// Creates table `FAMILY TABLE`, deletes it with whatever it held, and creates it again
/// with `owner` as its user data: the start of a transaction that makes a table's whole
/// content anew (what `nft -f` of `table T {}; delete table T; table T { ... }` does).
fn replace_table(family: Family, table: &str, owner: &str) -> Vec<NetfilterMessage> {
    vec![
        table_message(family, table, None, false),
        table_message(family, table, None, true),
        table_message(family, table, Some(owner), false),
    ]
}
