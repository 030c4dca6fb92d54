//! NAT through nf_tables: MASQUERADE and port forwarding (DNAT), in a table of vnet's own.
//!
//! vnet keeps its rules in the nf_tables table `ip vnet`, with four base chains:
//!
//! ```text
//! table ip vnet {
//!     chain postrouting { type nat hook postrouting priority srcnat; policy accept; }
//!     chain prerouting { type nat hook prerouting priority dstnat; policy accept; }
//!     chain output { type nat hook output priority dstnat; policy accept; }
//!     chain hairpin { type filter hook prerouting priority -90; policy accept; }
//! }
//! ```
//!
//! Masquerades live in postrouting and port forwards in prerouting; a port forward
//! without an input interface also has companion rules in output, hairpin and
//! postrouting so that the host itself, and VMs through the host's address on their own
//! bridge (hairpin), reach it too. The private `companion` module says how, and why
//! 127.0.0.1 is not forwarded.
//!
//! It never reads or writes another table, so other nftables tables and iptables rules
//! (which live in their own tables, or in the legacy xtables) keep working beside it. The
//! table appears with the first rule and is deleted with vnet's last one, unless someone
//! put rules, chains or sets of their own in it: those are kept, and the table with them.
//!
//! Rules are identified by what they do, not by a name: adding a rule that is already
//! there changes nothing, and deleting one finds it by reading the chain back (the
//! private `expr` module decodes the bytecode) and removes it by its handle. Deleting
//! also deletes the conntrack entries the rule created, since NAT is decided once per
//! flow and the existing flows would otherwise keep their translation.
//!
//! Only IPv4 is handled (the `ip` family), like `iptables -t nat`.

mod companion;
pub(super) mod expr;

pub use companion::HAIRPIN_MARK;
use companion::Part;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::str::FromStr;

use ipnetwork::Ipv4Network;
use netlink_packet_core::{NLM_F_APPEND, NLM_F_CREATE, NLM_F_NONREC};
use netlink_packet_netfilter::nftables::{
    ChainAttribute, ChainMessage, Hook, HookNumber, InetHookNumber, NfTablesMessage, RuleAttribute,
    RuleMessage, TableAttribute, TableMessage,
};
use netlink_packet_netfilter::{NetfilterHeader, NetfilterMessage, NetfilterProtoFamily};
use nix::errno::Errno;

use super::conntrack::{ConntrackEntry, ConntrackHandle};
use crate::addr::AddressHandle;
use crate::error::{Context, Error, Result};
use crate::link::LinkRef;
use crate::netlink::raw::{RawMessage, attributes};
use crate::netlink::{Connection, NETLINK_ROUTE};
use crate::uapi::nf_tables::{
    NEWRULE_MESSAGE_TYPE, NFTA_RULE_CHAIN, NFTA_RULE_EXPRESSIONS, NFTA_RULE_HANDLE,
    NFTA_RULE_TABLE, NFTA_RULE_USERDATA,
};
use crate::uapi::nfnetlink::NFGENMSG_LEN;
use crate::values::IfName;

/// The nf_tables table vnet keeps its NAT rules in (family `ip`).
pub const TABLE: &str = "vnet";
/// The chain of MASQUERADE rules: `type nat hook postrouting priority srcnat` (100).
pub const POSTROUTING: &str = "postrouting";
/// The chain of port forwarding rules: `type nat hook prerouting priority dstnat` (-100).
pub const PREROUTING: &str = "prerouting";
/// The chain that forwards the host's own connections: `type nat hook output priority
/// dstnat` (-100).
pub const OUTPUT: &str = "output";
/// The chain that marks hairpin connections of port forwards after their translation:
/// `type filter hook prerouting priority -90` (just after dstnat). It never drops
/// anything.
pub const HAIRPIN: &str = "hairpin";

/// How many times a change is retried when the ruleset keeps changing under it.
const RESTARTS: usize = 10;

/// A layer-4 protocol a port forward applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum L4Protocol {
    /// TCP (6).
    Tcp,
    /// UDP (17).
    Udp,
}

impl L4Protocol {
    /// The IP protocol number.
    pub fn number(self) -> u8 {
        match self {
            L4Protocol::Tcp => 6,
            L4Protocol::Udp => 17,
        }
    }

    /// "tcp" or "udp".
    pub fn as_str(self) -> &'static str {
        match self {
            L4Protocol::Tcp => "tcp",
            L4Protocol::Udp => "udp",
        }
    }
}

impl fmt::Display for L4Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for L4Protocol {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "tcp" => Ok(L4Protocol::Tcp),
            "udp" => Ok(L4Protocol::Udp),
            _ => Err(Error::invalid("protocol", s, "expected 'tcp' or 'udp'")),
        }
    }
}

/// MASQUERADE: packets leaving through `out` (from `source`, if given) take the address
/// of `out` as their source. `iptables -t nat -A POSTROUTING -o OUT [-s SOURCE] -j
/// MASQUERADE`, or `nft add rule ip vnet postrouting oifname OUT [ip saddr SOURCE]
/// masquerade`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Masquerade {
    /// The outgoing interface.
    pub out: IfName,
    /// Only packets from this prefix (its network address: `10.0.0.5/24` is kept as
    /// `10.0.0.0/24`).
    pub source: Option<Ipv4Network>,
}

impl Masquerade {
    /// Masquerades everything leaving through `out`.
    pub fn new(out: IfName) -> Self {
        Masquerade { out, source: None }
    }

    /// Only packets whose source is in `source` (host bits are cleared).
    pub fn source(mut self, source: Ipv4Network) -> Self {
        let network = Ipv4Network::new(source.network(), source.prefix())
            .expect("a prefix taken from a valid network");
        self.source = Some(network);
        self
    }
}

/// Port forwarding (DNAT): connections to `port` of this host (arriving on `input`, if
/// given) go to `to`:`to_port` (the same port when `to_port` is None). `iptables -t nat
/// -A PREROUTING [-i IN] -p tcp --dport PORT -m addrtype --dst-type LOCAL -j DNAT
/// --to-destination TO[:TO_PORT]`, or `nft add rule ip vnet prerouting [iifname IN] tcp
/// dport PORT fib daddr type local dnat to TO[:TO_PORT]`: what QEMU's `-redir
/// tcp:PORT::TO_PORT` gives a VM.
///
/// Only connections to one of the host's own addresses are forwarded (`fib daddr type
/// local`): a connection a VM opens through the host to port `port` of another machine
/// goes there unchanged.
///
/// Without `input`, the forward answers every way a VM behind a bridge expects, as
/// QEMU's `hostfwd` and CNI's portmap do: connections arriving from outside (prerouting);
/// connections the host opens to one of its own addresses (output, masqueraded to the
/// address of the interface towards the VM so that the VM can answer); and connections
/// from a VM to the host's address on the VM's own bridge (hairpin: marked with
/// [`HAIRPIN_MARK`] in prerouting after the translation, masqueraded in postrouting). Connections to
/// 127.0.0.0/8 are **not** forwarded: that would need `route_localnet` on the VM-facing
/// interface, which lets the VMs reach every service the host binds to 127.0.0.1
/// (CVE-2020-8558); they reach the host's own port instead. With `input`, only
/// connections arriving on that interface are forwarded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PortForward {
    /// TCP or UDP.
    pub protocol: L4Protocol,
    /// The host port connections arrive on.
    pub port: u16,
    /// Where they are forwarded.
    pub to: Ipv4Addr,
    /// The port there, when it differs from `port`.
    pub to_port: Option<u16>,
    /// Only connections arriving on this interface.
    pub input: Option<IfName>,
}

impl PortForward {
    /// Forwards `protocol` port `port` to `to` (same port). Port 0 is rejected.
    pub fn new(protocol: L4Protocol, port: u16, to: Ipv4Addr) -> Result<Self> {
        if port == 0 {
            return Err(Error::invalid("port", port, "must be between 1 and 65535"));
        }
        Ok(PortForward {
            protocol,
            port,
            to,
            to_port: None,
            input: None,
        })
    }

    /// Forwards to port `to_port` of the target instead. Port 0 is rejected.
    pub fn to_port(mut self, to_port: u16) -> Result<Self> {
        if to_port == 0 {
            return Err(Error::invalid(
                "port",
                to_port,
                "must be between 1 and 65535",
            ));
        }
        self.to_port = Some(to_port);
        Ok(self)
    }

    /// Only connections arriving on `input`.
    pub fn input(mut self, input: IfName) -> Self {
        self.input = Some(input);
        self
    }
}

/// A NAT rule vnet manages.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NatRule {
    /// Source NAT to the outgoing interface's address.
    Masquerade(Masquerade),
    /// Destination NAT of one port.
    PortForward(PortForward),
}

impl NatRule {
    /// The chain the rule lives in.
    pub fn chain(&self) -> &'static str {
        match self {
            NatRule::Masquerade(_) => POSTROUTING,
            NatRule::PortForward(_) => PREROUTING,
        }
    }

    /// True when `entry` is a flow this rule translated (used to flush those flows
    /// when the rule goes). `out_addresses` are the addresses of a masquerade's outgoing
    /// interface.
    fn created(&self, entry: &ConntrackEntry, out_addresses: &[IpAddr]) -> bool {
        match self {
            NatRule::Masquerade(m) => {
                entry.src_nat()
                    && out_addresses.contains(&entry.reply.dst)
                    && m.source.is_none_or(|net| match entry.original.src {
                        IpAddr::V4(a) => net.contains(a),
                        IpAddr::V6(_) => false,
                    })
            }
            NatRule::PortForward(f) => {
                entry.dst_nat()
                    && entry.protocol == f.protocol.number()
                    && entry.original.dst_port == Some(f.port)
                    && entry.reply.src == IpAddr::V4(f.to)
                    && entry.reply.src_port == Some(f.to_port.unwrap_or(f.port))
            }
        }
    }
}

impl From<Masquerade> for NatRule {
    fn from(rule: Masquerade) -> Self {
        NatRule::Masquerade(rule)
    }
}

impl From<PortForward> for NatRule {
    fn from(rule: PortForward) -> Self {
        NatRule::PortForward(rule)
    }
}

impl fmt::Display for NatRule {
    /// The rule in `nft` syntax.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NatRule::Masquerade(m) => {
                write!(f, "oifname \"{}\"", m.out)?;
                if let Some(source) = m.source {
                    write!(f, " ip saddr {source}")?;
                }
                f.write_str(" masquerade")
            }
            NatRule::PortForward(p) => {
                if let Some(input) = &p.input {
                    write!(f, "iifname \"{input}\" ")?;
                }
                write!(
                    f,
                    "{} dport {} fib daddr type local dnat to {}",
                    p.protocol, p.port, p.to
                )?;
                if let Some(port) = p.to_port {
                    write!(f, ":{port}")?;
                }
                Ok(())
            }
        }
    }
}

/// A rule found in vnet's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledRule {
    /// What it does.
    pub rule: NatRule,
    /// Its nf_tables handle (`nft -a list table ip vnet`).
    pub handle: u64,
}

/// A rule of vnet's table as the kernel dumped it: its handle, and what it does when it
/// is one of the shapes vnet writes.
#[derive(Debug)]
pub(crate) struct DumpedRule {
    handle: u64,
    /// The chain it sits in.
    chain: String,
    /// What it does, when vnet recognises it as one of its own rules.
    pub(crate) rule: Option<NatRule>,
    /// The comment of a companion rule (see the `companion` module).
    comment: Option<String>,
}

/// Decodes one message of a rule dump: `None` when it is not a rule of table `ip
/// <table>`, an error text when it is one but came without its handle.
pub(crate) fn decode_rule(
    reply: &RawMessage,
    table: &str,
) -> std::result::Result<Option<DumpedRule>, String> {
    if reply.message_type != NEWRULE_MESSAGE_TYPE || reply.payload.len() < NFGENMSG_LEN {
        return Ok(None);
    }
    let (mut rule_table, mut chain, mut handle, mut expressions) = (None, None, None, None);
    let mut comment = None;
    for (kind, value) in attributes(&reply.payload[NFGENMSG_LEN..]) {
        match kind {
            NFTA_RULE_TABLE => rule_table = Some(value),
            NFTA_RULE_CHAIN => chain = Some(value),
            NFTA_RULE_USERDATA => comment = companion::comment_in(value),
            NFTA_RULE_HANDLE => handle = value.try_into().ok().map(u64::from_be_bytes),
            NFTA_RULE_EXPRESSIONS => expressions = Some(value),
            _ => {}
        }
    }
    // The kernel sends the table name NUL-terminated.
    if rule_table.and_then(|t| t.strip_suffix(&[0])) != Some(table.as_bytes()) {
        return Ok(None);
    }
    let Some(handle) = handle else {
        return Err(format!(
            "a rule of table ip {table} came without its handle"
        ));
    };
    let chain = chain.map(|c| c.strip_suffix(&[0]).unwrap_or(c));
    let chain = String::from_utf8_lossy(chain.unwrap_or_default()).into_owned();
    // A rule vnet recognises by what it does sits in its own chain; the output chain's
    // companions look like port forwards but are not rules of their own.
    let rule = expressions
        .and_then(expr::decode)
        .filter(|r| r.chain() == chain && comment.is_none());
    Ok(Some(DumpedRule {
        handle,
        chain,
        rule,
        comment,
    }))
}

/// The NAT calls of a [`crate::Netfilter`]: `netfilter.nat()`.
#[derive(Debug, Clone, Copy)]
pub struct NatHandle<'a> {
    conn: &'a Connection,
    table: &'a str,
}

/// An nf_tables message of family `ip`.
pub(super) fn message(inner: NfTablesMessage) -> NetfilterMessage {
    message_in(NetfilterProtoFamily::IPv4, inner)
}

/// An nf_tables message of `family`.
pub(super) fn message_in(family: NetfilterProtoFamily, inner: NfTablesMessage) -> NetfilterMessage {
    NetfilterMessage::new(NetfilterHeader::new(family, 0, 0), inner)
}

/// `nft add chain ip TABLE NAME { type KIND hook HOOK priority PRIORITY; }`.
pub(super) fn base_chain(
    table: &str,
    name: &str,
    hook: InetHookNumber,
    priority: i32,
    kind: &str,
) -> NetfilterMessage {
    base_chain_in(
        NetfilterProtoFamily::IPv4,
        table,
        name,
        hook,
        priority,
        kind,
    )
}

/// [`base_chain`] in `family` (the bridge family numbers its hooks as `ip` does).
pub(super) fn base_chain_in(
    family: NetfilterProtoFamily,
    table: &str,
    name: &str,
    hook: InetHookNumber,
    priority: i32,
    kind: &str,
) -> NetfilterMessage {
    message_in(
        family,
        NfTablesMessage::NewChain(ChainMessage {
            attributes: vec![
                ChainAttribute::Table(table.to_string()),
                ChainAttribute::Name(name.to_string()),
                ChainAttribute::Hook(vec![
                    Hook::Number(HookNumber::Inet(hook)),
                    Hook::Priority(priority as u32),
                ]),
                ChainAttribute::Type(kind.to_string()),
            ],
        }),
    )
}

/// `nft add table ip TABLE` and its four base chains (an existing one is left as is).
fn setup(table: &str) -> Vec<NetfilterMessage> {
    vec![
        message(NfTablesMessage::NewTable(TableMessage {
            attributes: vec![TableAttribute::Name(table.to_string())],
        })),
        base_chain(table, POSTROUTING, InetHookNumber::PostRouting, 100, "nat"),
        base_chain(table, PREROUTING, InetHookNumber::PreRouting, -100, "nat"),
        base_chain(table, OUTPUT, InetHookNumber::LocalOut, -100, "nat"),
        base_chain(table, HAIRPIN, InetHookNumber::PreRouting, -90, "filter"),
    ]
}

/// Deletes the four chains and the table (with NLM_F_NONREC: refused, EBUSY, when the
/// table holds anything else; ENOENT when a chain is missing).
fn teardown(table: &str) -> Vec<NetfilterMessage> {
    vec![
        delete_chain(table, POSTROUTING),
        delete_chain(table, PREROUTING),
        delete_chain(table, OUTPUT),
        delete_chain(table, HAIRPIN),
        message(NfTablesMessage::DeleteTable(TableMessage {
            attributes: vec![TableAttribute::Name(table.to_string())],
        })),
    ]
}

/// `nft delete chain ip TABLE NAME`.
fn delete_chain(table: &str, name: &str) -> NetfilterMessage {
    message(NfTablesMessage::DeleteChain(ChainMessage {
        attributes: vec![
            ChainAttribute::Table(table.to_string()),
            ChainAttribute::Name(name.to_string()),
        ],
    }))
}

impl<'a> NatHandle<'a> {
    pub(crate) fn new(conn: &'a Connection, table: &'a str) -> Self {
        NatHandle { conn, table }
    }

    /// The nf_tables table (family `ip`) this handle keeps its rules in.
    pub fn table(&self) -> &str {
        self.table
    }

    /// Sends an nf_tables transaction, to be applied only if the ruleset is still at
    /// `generation` (when given), and waits for the kernel's verdict.
    fn transaction_at(
        &self,
        generation: Option<u32>,
        messages: Vec<NetfilterMessage>,
        flags: u16,
    ) -> Result<()> {
        self.conn
            .socket()
            .nfnl_transaction_at(generation, messages, flags)
    }

    /// Adds a rule unless an identical one is installed already; returns true when it
    /// added it. Creates vnet's table and chains when they are missing, in the same
    /// transaction (`nft add table ip vnet; nft add chain ...; nft add rule ...`). A port
    /// forward without an input interface comes with its companion rules (see
    /// [`PortForward`]), in the same transaction.
    pub fn add(&self, rule: &NatRule) -> Result<bool> {
        let op = || format!("adding NAT rule '{rule}' in {}", self.describe());
        self.add_rules(std::slice::from_ref(rule))
            .map(|added| added > 0)
            .op(op)
    }

    /// Deletes the installed rule identical to `rule` by its handle (`nft delete rule ip
    /// vnet CHAIN handle H`), with a port forward's companion rules, then deletes the
    /// conntrack entries it created (`conntrack -D ...`) so that their flows stop being
    /// translated at once. Fails with "not found" when no such rule is installed.
    ///
    /// Only that rule is deleted. When it was the last rule of vnet's table (counting
    /// rules vnet cannot read, such as one added by hand with `nft add rule ip vnet
    /// ...`), the chains and the table go with it (`nft delete table ip vnet`), unless
    /// the table still holds something else (a chain or set added by hand): then the
    /// table stays, with it.
    pub fn delete(&self, rule: &NatRule) -> Result<()> {
        let op = || format!("deleting NAT rule '{rule}' in {}", self.describe());
        let addresses = self
            .masquerade_addresses(std::slice::from_ref(rule))
            .op(op)?;
        match self.delete_rules(std::slice::from_ref(rule)) {
            Ok(()) => {}
            Err(Error::NotFound { what, name, .. }) => {
                return Err(Error::NotFound {
                    op: format!("deleting NAT rule in {}", self.describe()),
                    what,
                    name,
                });
            }
            Err(e) => return Err(e.with_op(op())),
        }
        self.flush_flows(std::slice::from_ref(rule), &addresses)
            .map_err(|e| e.with_op(format!("{}: flushing its conntrack entries", op())))?;
        Ok(())
    }

    /// Adds every rule of `rules` that is not installed yet, in one nf_tables
    /// transaction (what `nft -f FILE` does with a file of `add rule` lines), creating the
    /// table and chains when they are missing. Applied only if the ruleset is still at
    /// the generation read before (retried when someone changed it meanwhile); either
    /// every rule is added or none. Returns how many were added (duplicates within
    /// `rules`, and rules already there, are skipped). Port forwards come with their
    /// companion rules, as with [`NatHandle::add`].
    pub fn add_many(&self, rules: &[NatRule]) -> Result<usize> {
        let op = || {
            format!(
                "adding {} NAT rules in table ip {} in {}",
                rules.len(),
                self.table,
                self.describe()
            )
        };
        self.add_rules(rules).op(op)
    }

    /// Deletes every rule of `rules` (with port forwards' companion rules) in one
    /// nf_tables transaction (all or none; "not found" names the first rule that is not
    /// installed, and then nothing is deleted), then deletes the conntrack entries they
    /// created with one dump of the conntrack table for all of them. When they were
    /// every rule of the table, the chains and the table go too, in the same
    /// transaction, as with [`NatHandle::delete`].
    pub fn delete_many(&self, rules: &[NatRule]) -> Result<()> {
        let op = || {
            format!(
                "deleting {} NAT rules in table ip {} in {}",
                rules.len(),
                self.table,
                self.describe()
            )
        };
        if rules.is_empty() {
            return Ok(());
        }
        // Masquerades' interface addresses are read before their rules go.
        let addresses = self.masquerade_addresses(rules).op(op)?;
        self.delete_rules(rules).op(op)?;
        self.flush_flows(rules, &addresses)
            .map_err(|e| e.with_op(format!("{}: flushing their conntrack entries", op())))?;
        Ok(())
    }

    /// The transaction behind [`NatHandle::add`] and [`NatHandle::add_many`].
    fn add_rules(&self, rules: &[NatRule]) -> Result<usize> {
        self.retrying(|generation| {
            let installed: Vec<NatRule> = self.list()?.into_iter().map(|r| r.rule).collect();
            let mut new: Vec<&NatRule> = Vec::new();
            for rule in rules {
                if !installed.contains(rule) && !new.contains(&rule) {
                    new.push(rule);
                }
            }
            if new.is_empty() {
                return Ok(0);
            }
            let mut messages = setup(self.table);
            for rule in &new {
                messages.push(self.new_rule(rule.chain(), expr::encode(rule), None));
                if let Some(forward) = companion::forward_of(rule) {
                    for part in Part::ALL {
                        let comment = companion::comment(forward, part);
                        let exprs = companion::encode_part(forward, part);
                        messages.push(self.new_rule(part.chain(), exprs, Some(&comment)));
                    }
                }
            }
            // NLM_F_CREATE without NLM_F_EXCL: an existing table or chain is left as it
            // is. NLM_F_APPEND puts each rule at the end of its chain (it means nothing
            // to the table and chain messages).
            self.transaction_at(generation, messages, NLM_F_CREATE | NLM_F_APPEND)?;
            Ok(new.len())
        })
    }

    /// The transaction behind [`NatHandle::delete`] and [`NatHandle::delete_many`]:
    /// every rule and its companions, and the chains and table when nothing else is
    /// left in it.
    fn delete_rules(&self, rules: &[NatRule]) -> Result<()> {
        self.retrying(|generation| {
            let dumped = self.dump()?;
            let mut taken: Vec<u64> = Vec::new();
            let mut deletes = Vec::new();
            for rule in rules {
                let main = dumped
                    .iter()
                    .find(|r| r.rule.as_ref() == Some(rule) && !taken.contains(&r.handle));
                let Some(main) = main else {
                    if rules_contains_before(rules, rule, &taken, &dumped) {
                        continue;
                    }
                    return Err(Error::NotFound {
                        op: String::new(),
                        what: "NAT rule",
                        name: rule.to_string(),
                    });
                };
                let mut mine = vec![main];
                if let Some(forward) = companion::forward_of(rule) {
                    for part in Part::ALL {
                        let comment = companion::comment(forward, part);
                        mine.extend(dumped.iter().find(|r| {
                            r.chain == part.chain()
                                && r.comment.as_deref() == Some(comment.as_str())
                                && !taken.contains(&r.handle)
                        }));
                    }
                }
                for r in mine {
                    taken.push(r.handle);
                    deletes.push(self.delete_rule(&r.chain, r.handle));
                }
            }
            if taken.len() == dumped.len() {
                let mut everything = deletes.clone();
                everything.extend(teardown(self.table));
                // NLM_F_NONREC asks the kernel not to delete what is still in use: it
                // refuses (EBUSY) to delete a table that holds anything besides vnet's
                // chains, such as a chain or a set someone added, and the whole batch
                // with it; ENOENT means one of vnet's chains is missing (deleted by
                // hand, or a table from before the output and hairpin chains). Either
                // way the rules alone go, at the same generation (a refused batch
                // changes nothing).
                match self.transaction_at(generation, everything, NLM_F_NONREC) {
                    Ok(()) => return Ok(()),
                    Err(e) if e.is_errno(Errno::EBUSY) || e.is_errno(Errno::ENOENT) => {}
                    Err(e) => return Err(e),
                }
            }
            self.transaction_at(generation, deletes, 0)
        })
    }

    /// Deletes the conntrack entries `rules` created, in one dump; `addresses` are
    /// [`NatHandle::masquerade_addresses`] of `rules`.
    fn flush_flows(&self, rules: &[NatRule], addresses: &[Vec<IpAddr>]) -> Result<usize> {
        ConntrackHandle::new(self.conn).flush_matching(|entry| {
            rules
                .iter()
                .zip(addresses)
                .any(|(r, a)| r.created(entry, a))
        })
    }

    /// Deletes this handle's whole table with everything in it, in one transaction
    /// (`nft delete table ip TABLE`), then the conntrack entries its rules created (one
    /// dump). Returns false when the table did not exist. Meant for a table one owner
    /// keeps to itself (see [`crate::Netfilter::nat_table`]).
    pub fn delete_table(&self) -> Result<bool> {
        let op = || format!("deleting table ip {} in {}", self.table, self.describe());
        let rules: Vec<NatRule> = match self.list() {
            Ok(installed) => installed.into_iter().map(|r| r.rule).collect(),
            Err(e) if e.is_errno(Errno::ENOENT) => return Ok(false),
            Err(e) => return Err(e.with_op(op())),
        };
        let addresses = self.masquerade_addresses(&rules).op(op)?;
        let delete = message(NfTablesMessage::DeleteTable(TableMessage {
            attributes: vec![TableAttribute::Name(self.table.to_string())],
        }));
        match self.transaction_at(None, vec![delete], 0) {
            Ok(()) => {}
            Err(e) if e.is_errno(Errno::ENOENT) => return Ok(false),
            Err(e) => return Err(e.with_op(op())),
        }
        if !rules.is_empty() {
            self.flush_flows(&rules, &addresses)
                .map_err(|e| e.with_op(format!("{}: flushing its conntrack entries", op())))?;
        }
        Ok(true)
    }

    /// `nft add rule ip TABLE CHAIN EXPRESSIONS [comment COMMENT]`.
    fn new_rule(
        &self,
        chain: &str,
        expressions: Vec<expr::Expr>,
        comment: Option<&str>,
    ) -> NetfilterMessage {
        let mut attributes = vec![
            RuleAttribute::Table(self.table.to_string()),
            RuleAttribute::Chain(chain.to_string()),
            RuleAttribute::Expressions(expressions),
        ];
        if let Some(comment) = comment {
            attributes.push(RuleAttribute::UserData(companion::userdata(comment)));
        }
        message(NfTablesMessage::NewRule(RuleMessage { attributes }))
    }

    /// `nft delete rule ip TABLE CHAIN handle H`.
    fn delete_rule(&self, chain: &str, handle: u64) -> NetfilterMessage {
        message(NfTablesMessage::DeleteRule(RuleMessage {
            attributes: vec![
                RuleAttribute::Table(self.table.to_string()),
                RuleAttribute::Chain(chain.to_string()),
                RuleAttribute::Handle(handle),
            ],
        }))
    }

    /// For each rule of `rules`, the addresses of the interface a masquerade goes out
    /// of (its flows are those translated to one of them); empty for a port forward.
    fn masquerade_addresses(&self, rules: &[NatRule]) -> Result<Vec<Vec<IpAddr>>> {
        let mut out = vec![Vec::new(); rules.len()];
        if !rules.iter().any(|r| matches!(r, NatRule::Masquerade(_))) {
            return Ok(out);
        }
        let route = Connection::open(self.conn.netns(), NETLINK_ROUTE)?;
        let addresses = AddressHandle::new(&route);
        for (rule, slot) in rules.iter().zip(out.iter_mut()) {
            if let NatRule::Masquerade(m) = rule {
                match addresses.list(Some(LinkRef::Name(m.out.clone()))) {
                    Ok(list) => slot.extend(list.into_iter().map(|a| a.network.ip())),
                    // Gone: the kernel dropped its masqueraded flows with it.
                    Err(e) if e.errno() == libc::ENODEV => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(out)
    }

    /// Runs a read-then-write `attempt` with the ruleset generation read before it, and
    /// again when the kernel refuses the write because the ruleset changed in between
    /// (`ERESTART`: someone else changed nf_tables meanwhile).
    fn retrying<T>(&self, attempt: impl Fn(Option<u32>) -> Result<T>) -> Result<T> {
        let mut tries = 0;
        loop {
            let generation = self.conn.socket().nft_generation()?;
            match attempt(Some(generation)) {
                Err(e) if e.is_errno(Errno::ERESTART) && tries < RESTARTS => tries += 1,
                other => return other,
            }
        }
    }

    /// Lists the rules in vnet's table that vnet recognises (`nft -a list table ip
    /// vnet`); rules someone else put there are left out.
    pub fn list(&self) -> Result<Vec<InstalledRule>> {
        Ok(self
            .dump()?
            .into_iter()
            .filter_map(|r| {
                Some(InstalledRule {
                    rule: r.rule?,
                    handle: r.handle,
                })
            })
            .collect())
    }

    /// Every rule in vnet's table, in all its chains, whether vnet can read it or not.
    fn dump(&self) -> Result<Vec<DumpedRule>> {
        // Dumped raw and decoded here: see netlink::raw for why.
        let request = RawMessage::from_message(&message(NfTablesMessage::GetRule(RuleMessage {
            attributes: vec![RuleAttribute::Table(self.table.to_string())],
        })));
        let replies = self
            .conn
            .dump(request)
            .op(|| format!("listing NAT rules in {}", self.describe()))?;
        let mut out = Vec::new();
        for reply in &replies {
            if let Some(rule) =
                decode_rule(reply, self.table).map_err(|detail| Error::Protocol {
                    op: format!("listing NAT rules in {}", self.describe()),
                    detail,
                })?
            {
                out.push(rule);
            }
        }
        Ok(out)
    }

    fn describe(&self) -> String {
        self.conn.netns().describe()
    }
}

/// True when `rule` is a duplicate within `rules` whose one installed copy was already
/// taken by an earlier entry (deleting a rule twice in one call deletes it once).
fn rules_contains_before(
    rules: &[NatRule],
    rule: &NatRule,
    taken: &[u64],
    dumped: &[DumpedRule],
) -> bool {
    rules.iter().filter(|r| *r == rule).count() > 1
        && dumped
            .iter()
            .any(|d| d.rule.as_ref() == Some(rule) && taken.contains(&d.handle))
}
