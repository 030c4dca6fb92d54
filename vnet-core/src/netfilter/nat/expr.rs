//! The nf_tables bytecode of vnet's NAT rules: building it, and reading it back.
//!
//! nf_tables rules are small programs: expressions load packet data into registers
//! (`meta`, `payload`), transform it (`bitwise`), compare it (`cmp`, which ends the rule
//! on a mismatch) and act (`masq`, `nat`). vnet emits exactly what `nft` emits for the
//! same rule, so `nft list ruleset` shows it in its usual syntax:
//!
//! ```text
//! oifname "eth0" ip saddr 10.0.0.0/24 masquerade
//!   [ meta load oifname => reg 1 ]
//!   [ cmp eq reg 1 0x30687465 0x00000000 0x00000000 0x00000000 ]
//!   [ payload load 4b @ network header + 12 => reg 1 ]
//!   [ bitwise reg 1 = ( reg 1 & 0x00ffffff ) ^ 0x00000000 ]
//!   [ cmp eq reg 1 0x0000000a ]
//!   [ masq ]
//! iifname "eth0" tcp dport 5555 fib daddr type local dnat to 192.168.0.2:22
//!   [ meta load iifname => reg 1 ]
//!   [ cmp eq reg 1 0x30687465 0x00000000 0x00000000 0x00000000 ]
//!   [ meta load l4proto => reg 1 ]
//!   [ cmp eq reg 1 0x00000006 ]
//!   [ payload load 2b @ transport header + 2 => reg 1 ]
//!   [ cmp eq reg 1 0x0000b315 ]
//!   [ fib daddr type => reg 1 ]
//!   [ cmp eq reg 1 0x00000002 ]
//!   [ immediate reg 1 0x0200a8c0 ]
//!   [ immediate reg 2 0x00001600 ]
//!   [ nat dnat ip addr_min reg 1 proto_min reg 2 flags 0x2 ]
//! ```
//!
//! `fib daddr type local` is what makes a port forward a forward of a port *of this
//! host*: it looks the packet's destination up in the routing tables and matches only
//! when it is one of the host's own addresses (`RTN_LOCAL`), so connections that VMs
//! open through the host to other machines' port 5555 are not redirected.
//!
//! Recent nft versions load only the significant bytes of a byte-aligned prefix
//! (`ip saddr 10.0.0.0/24` becomes `payload load 3b @ network header + 12` and a 3-byte
//! `cmp`, with no `bitwise`); vnet writes the 4-byte load and mask above, which nft
//! shows as the same rule, and reads both forms back.
//!
//! Reading back works on the bytes the kernel dumps (see the engine's raw messages) and
//! runs the program symbolically: it tracks what each register holds and
//! collects the comparisons, then recognises the two shapes above. Anything else (a rule
//! someone added to vnet's table by hand) is reported as not vnet's.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use ipnetwork::Ipv4Network;
use netlink_packet_core::DefaultNla;
use netlink_packet_netfilter::nftables::{
    Bitwise, Cmp, DataAttribute, ExpressionAttribute, Expressions, Immediate, ListAttribute, Meta,
    MetaKey, Operator, Payload, Register,
};

use super::{L4Protocol, Masquerade, NatRule, PortForward};
use crate::netlink::raw::attributes;
// Interface names are compared as IFNAMSIZ zero-padded bytes.
use crate::uapi::r#if::IFNAMSIZ;
use crate::uapi::netfilter::{IPS_DST_NAT, NF_NAT_RANGE_PROTO_SPECIFIED, NFPROTO_IPV4};
use crate::uapi::nf_tables::*;
// The `fib` expression stores the route type as a u32 in host byte order.
use crate::uapi::rtnetlink::RTN_LOCAL;
use crate::values::IfName;

/// One expression of a rule.
pub(in crate::netfilter) type Expr = ListAttribute<ExpressionAttribute>;

/// The expression list of `rule`.
pub(super) fn encode(rule: &NatRule) -> Vec<Expr> {
    let mut out = Vec::new();
    match rule {
        NatRule::Masquerade(m) => {
            out.extend(match_ifname(MetaKey::Oifname, &m.out));
            if let Some(source) = m.source {
                out.push(payload(NFT_PAYLOAD_NETWORK_HEADER, 12, 4));
                if source.prefix() < 32 {
                    out.push(bitwise_mask(source.mask().octets().to_vec()));
                }
                out.push(cmp_eq(source.network().octets().to_vec()));
            }
            out.push(named("masq", Vec::new()));
        }
        NatRule::PortForward(f) => {
            if let Some(input) = &f.input {
                out.extend(match_ifname(MetaKey::Iifname, input));
            }
            out.push(meta(MetaKey::L4Proto));
            out.push(cmp_eq(vec![f.protocol.number()]));
            out.push(payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2));
            out.push(cmp_eq(f.port.to_be_bytes().to_vec()));
            out.extend(daddr_is_local());
            out.push(immediate(Register::Reg1, f.to.octets().to_vec()));
            let mut nat = vec![
                u32_attr(NFTA_NAT_TYPE, NFT_NAT_DNAT),
                u32_attr(NFTA_NAT_FAMILY, NFPROTO_IPV4),
                u32_attr(NFTA_NAT_REG_ADDR_MIN, Register::Reg1.into()),
            ];
            if let Some(to_port) = f.to_port {
                out.push(immediate(Register::Reg2, to_port.to_be_bytes().to_vec()));
                nat.push(u32_attr(NFTA_NAT_REG_PROTO_MIN, Register::Reg2.into()));
                nat.push(u32_attr(NFTA_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED));
            }
            out.push(named("nat", nat));
        }
    }
    out
}

/// `meta KEY "NAME"` (iifname, oifname): the name as IFNAMSIZ zero-padded bytes.
pub(in crate::netfilter) fn match_ifname(key: MetaKey, name: &IfName) -> [Expr; 2] {
    let mut bytes = name.as_bytes().to_vec();
    bytes.resize(IFNAMSIZ, 0);
    [meta(key), cmp_eq(bytes)]
}

/// `fib daddr type local`: only packets to one of this host's own addresses (iptables'
/// `-m addrtype --dst-type LOCAL`).
pub(in crate::netfilter) fn daddr_is_local() -> [Expr; 2] {
    [
        fib(NFTA_FIB_F_DADDR, NFT_FIB_RESULT_ADDRTYPE),
        cmp_eq(RTN_LOCAL.to_ne_bytes().to_vec()),
    ]
}

/// `fib FLAGS RESULT => reg 1`: a routing lookup on the packet (`NFTA_FIB_F_*` say with
/// what: daddr, saddr, iif, ...; `NFT_FIB_RESULT_*` what it loads: the route type, the
/// output interface).
pub(in crate::netfilter) fn fib(flags: u32, result: u32) -> Expr {
    named(
        "fib",
        vec![
            u32_attr(NFTA_FIB_DREG, Register::Reg1.into()),
            u32_attr(NFTA_FIB_RESULT, result),
            u32_attr(NFTA_FIB_FLAGS, flags),
        ],
    )
}

/// `ct status dnat`: a packet of a flow whose destination was translated.
pub(in crate::netfilter) fn ct_status_dnat() -> [Expr; 3] {
    [
        named(
            "ct",
            vec![
                u32_attr(NFTA_CT_DREG, Register::Reg1.into()),
                u32_attr(NFTA_CT_KEY, NFT_CT_STATUS),
            ],
        ),
        bitwise_mask(IPS_DST_NAT.to_ne_bytes().to_vec()),
        cmp_ne(vec![0; 4]),
    ]
}

pub(in crate::netfilter) fn meta(key: MetaKey) -> Expr {
    Expressions::Meta(vec![
        Meta::Key(key),
        Meta::DestinationRegister(Register::Reg1),
    ])
    .into()
}

pub(in crate::netfilter) fn payload(base: u32, offset: u32, len: u32) -> Expr {
    Expressions::Payload(vec![
        Payload::DestinationRegister(Register::Reg1),
        Payload::Base(base),
        Payload::Offset(offset),
        Payload::Len(len),
    ])
    .into()
}

pub(in crate::netfilter) fn bitwise_mask(mask: Vec<u8>) -> Expr {
    let zeros = vec![0; mask.len()];
    Expressions::Bitwise(vec![
        Bitwise::SourceRegister(Register::Reg1),
        Bitwise::DestinationRegister(Register::Reg1),
        Bitwise::Length(mask.len() as u32),
        Bitwise::Mask(DataAttribute::Value(mask)),
        Bitwise::Xor(DataAttribute::Value(zeros)),
    ])
    .into()
}

pub(in crate::netfilter) fn cmp_eq(data: Vec<u8>) -> Expr {
    Expressions::Cmp(vec![
        Cmp::SourceRegister(Register::Reg1),
        Cmp::Op(Operator::Equal),
        Cmp::Data(DataAttribute::Value(data)),
    ])
    .into()
}

pub(in crate::netfilter) fn cmp_ne(data: Vec<u8>) -> Expr {
    Expressions::Cmp(vec![
        Cmp::SourceRegister(Register::Reg1),
        Cmp::Op(Operator::NotEqual),
        Cmp::Data(DataAttribute::Value(data)),
    ])
    .into()
}

pub(in crate::netfilter) fn immediate(register: Register, data: Vec<u8>) -> Expr {
    Expressions::Immediate(vec![
        Immediate::DestinationRegister(register),
        Immediate::Data(DataAttribute::Value(data)),
    ])
    .into()
}

/// An expression the crate has no type for ("masq", "nat"): a name and raw attributes.
pub(in crate::netfilter) fn named(name: &str, attributes: Vec<DefaultNla>) -> Expr {
    Expressions::Other {
        expression_type: name.to_string(),
        attributes,
    }
    .into()
}

pub(in crate::netfilter) fn u32_attr(kind: u16, value: u32) -> DefaultNla {
    DefaultNla::new(kind, value.to_be_bytes().to_vec())
}

/// What a register holds while a rule is read back.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Meta(u32),
    Payload {
        base: u32,
        offset: u32,
        len: u32,
    },
    Masked {
        base: u32,
        offset: u32,
        mask: Vec<u8>,
    },
    Constant(Vec<u8>),
    /// What a `fib` lookup returned.
    Fib {
        result: u32,
        flags: u32,
    },
}

/// A `cmp eq` the rule makes.
#[derive(Debug)]
struct Match {
    value: Value,
    data: Vec<u8>,
}

#[derive(Debug)]
enum Action {
    Masquerade,
    Dnat {
        addr: Option<Vec<u8>>,
        port: Option<Vec<u8>>,
    },
}

fn be32(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

/// The bytes of an `NFTA_DATA_VALUE` inside a data attribute (a verdict is not a value).
fn data_value(nested: &[u8]) -> Option<Vec<u8>> {
    let (kind, value) = attributes(nested).next()?;
    (kind == NFTA_DATA_VALUE).then(|| value.to_vec())
}

/// Reads a rule's expressions (the value of `NFTA_RULE_EXPRESSIONS`, as the kernel
/// dumps it) back into a [`NatRule`], or None when it is not one of the shapes vnet
/// writes.
pub(super) fn decode(expressions: &[u8]) -> Option<NatRule> {
    let mut registers: HashMap<u32, Value> = HashMap::new();
    let mut matches = Vec::new();
    let mut action = None;
    for (kind, element) in attributes(expressions) {
        if kind != NFTA_LIST_ELEM || action.is_some() {
            return None; // vnet's rules end with their action
        }
        let (mut name, mut data) = (None, None);
        for (kind, value) in attributes(element) {
            match kind {
                NFTA_EXPR_NAME => name = std::str::from_utf8(value).ok(),
                NFTA_EXPR_DATA => data = Some(value),
                _ => {}
            }
        }
        let name = name?.trim_end_matches('\0');
        let data = data.unwrap_or_default();
        match name {
            "meta" => {
                let (mut key, mut dreg) = (None, None);
                for (kind, value) in attributes(data) {
                    match kind {
                        NFTA_META_DREG => dreg = be32(value),
                        NFTA_META_KEY => key = be32(value),
                        _ => return None, // a meta set, not a load
                    }
                }
                registers.insert(dreg?, Value::Meta(key?));
            }
            "payload" => {
                let (mut dreg, mut base, mut offset, mut len) = (None, None, None, None);
                for (kind, value) in attributes(data) {
                    match kind {
                        NFTA_PAYLOAD_DREG => dreg = be32(value),
                        NFTA_PAYLOAD_BASE => base = be32(value),
                        NFTA_PAYLOAD_OFFSET => offset = be32(value),
                        NFTA_PAYLOAD_LEN => len = be32(value),
                        _ => return None, // a payload write, not a load
                    }
                }
                let value = Value::Payload {
                    base: base?,
                    offset: offset?,
                    len: len?,
                };
                registers.insert(dreg?, value);
            }
            "bitwise" => {
                let (mut sreg, mut dreg, mut mask, mut xor) = (None, None, None, None);
                for (kind, value) in attributes(data) {
                    match kind {
                        NFTA_BITWISE_SREG => sreg = be32(value),
                        NFTA_BITWISE_DREG => dreg = be32(value),
                        NFTA_BITWISE_MASK => mask = data_value(value),
                        NFTA_BITWISE_XOR => xor = data_value(value),
                        NFTA_BITWISE_LEN => {}
                        NFTA_BITWISE_OP if be32(value) == Some(0) => {} // mask-and-xor
                        _ => return None,
                    }
                }
                if xor?.iter().any(|&b| b != 0) {
                    return None;
                }
                let Some(Value::Payload { base, offset, .. }) = registers.get(&sreg?).cloned()
                else {
                    return None;
                };
                let mask = mask?;
                registers.insert(dreg?, Value::Masked { base, offset, mask });
            }
            "cmp" => {
                let (mut sreg, mut op, mut value) = (None, None, None);
                for (kind, v) in attributes(data) {
                    match kind {
                        NFTA_CMP_SREG => sreg = be32(v),
                        NFTA_CMP_OP => op = be32(v),
                        NFTA_CMP_DATA => value = data_value(v),
                        _ => return None,
                    }
                }
                if op? != NFT_CMP_EQ {
                    return None;
                }
                let held = registers.get(&sreg?)?.clone();
                matches.push(Match {
                    value: held,
                    data: value?,
                });
            }
            "immediate" => {
                let (mut dreg, mut value) = (None, None);
                for (kind, v) in attributes(data) {
                    match kind {
                        NFTA_IMMEDIATE_DREG => dreg = be32(v),
                        NFTA_IMMEDIATE_DATA => value = data_value(v),
                        _ => return None,
                    }
                }
                registers.insert(dreg?, Value::Constant(value?));
            }
            "fib" => {
                let (mut dreg, mut result, mut flags) = (None, None, None);
                for (kind, value) in attributes(data) {
                    match kind {
                        NFTA_FIB_DREG => dreg = be32(value),
                        NFTA_FIB_RESULT => result = be32(value),
                        NFTA_FIB_FLAGS => flags = be32(value),
                        _ => return None,
                    }
                }
                let value = Value::Fib {
                    result: result?,
                    flags: flags?,
                };
                registers.insert(dreg?, value);
            }
            "masq" => {
                if attributes(data).next().is_some() {
                    return None; // flags or a port range: not vnet's
                }
                action = Some(Action::Masquerade);
            }
            "nat" => action = Some(decode_nat(data, &registers)?),
            _ => return None,
        }
    }
    match action? {
        Action::Masquerade => masquerade(&matches),
        Action::Dnat { addr, port } => port_forward(&matches, addr?, port),
    }
}

fn decode_nat(data: &[u8], registers: &HashMap<u32, Value>) -> Option<Action> {
    let mut kind = None;
    let mut family = None;
    let mut addr = None;
    let mut port = None;
    let constant = |reg: u32| match registers.get(&reg) {
        Some(Value::Constant(bytes)) => Some(bytes.clone()),
        _ => None,
    };
    for (attribute, value) in attributes(data) {
        let value = be32(value)?;
        match attribute {
            NFTA_NAT_TYPE => kind = Some(value),
            NFTA_NAT_FAMILY => family = Some(value),
            NFTA_NAT_REG_ADDR_MIN => addr = Some(constant(value)?),
            NFTA_NAT_REG_PROTO_MIN => port = Some(constant(value)?),
            _ => {} // the max registers (the kernel echoes min), flags
        }
    }
    if kind? != NFT_NAT_DNAT || family? != NFPROTO_IPV4 {
        return None;
    }
    Some(Action::Dnat { addr, port })
}

fn ifname(data: &[u8]) -> Option<IfName> {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    IfName::new(std::str::from_utf8(&data[..end]).ok()?).ok()
}

fn masquerade(matches: &[Match]) -> Option<NatRule> {
    let mut out = None;
    let mut source = None;
    for m in matches {
        match &m.value {
            Value::Meta(NFT_META_OIFNAME) => out = Some(ifname(&m.data)?),
            // The whole address, or (as recent nft writes a byte-aligned prefix) its
            // first 1 to 3 bytes.
            Value::Payload {
                base: NFT_PAYLOAD_NETWORK_HEADER,
                offset: 12,
                len: len @ 1..=4,
            } if m.data.len() == *len as usize => {
                let mut octets = [0; 4];
                octets[..m.data.len()].copy_from_slice(&m.data);
                let prefix = 8 * *len as u8;
                source = Some(Ipv4Network::new(Ipv4Addr::from(octets), prefix).ok()?);
            }
            Value::Masked {
                base: NFT_PAYLOAD_NETWORK_HEADER,
                offset: 12,
                mask,
            } => {
                let mask = ipv4(mask)?;
                let prefix = ipnetwork::ipv4_mask_to_prefix(mask).ok()?;
                source = Some(Ipv4Network::new(ipv4(&m.data)?, prefix).ok()?);
            }
            _ => return None,
        }
    }
    let mut rule = Masquerade::new(out?);
    if let Some(source) = source {
        rule = rule.source(source);
    }
    Some(NatRule::Masquerade(rule))
}

fn port_forward(matches: &[Match], addr: Vec<u8>, port: Option<Vec<u8>>) -> Option<NatRule> {
    let mut input = None;
    let mut protocol = None;
    let mut dport = None;
    let mut local = false;
    for m in matches {
        match &m.value {
            Value::Meta(NFT_META_IIFNAME) => input = Some(ifname(&m.data)?),
            Value::Fib {
                result: NFT_FIB_RESULT_ADDRTYPE,
                flags: NFTA_FIB_F_DADDR,
            } if m.data == RTN_LOCAL.to_ne_bytes() => local = true,
            Value::Meta(NFT_META_L4PROTO) => {
                protocol = Some(match m.data.as_slice() {
                    [6] => L4Protocol::Tcp,
                    [17] => L4Protocol::Udp,
                    _ => return None,
                })
            }
            Value::Payload {
                base: NFT_PAYLOAD_TRANSPORT_HEADER,
                offset: 2,
                len: 2,
            } => dport = Some(u16::from_be_bytes(m.data.as_slice().try_into().ok()?)),
            _ => return None,
        }
    }
    let to_port = match port {
        Some(bytes) => Some(u16::from_be_bytes(bytes.get(..2)?.try_into().ok()?)),
        None => None,
    };
    if !local {
        // A DNAT of every packet to that port, wherever it goes: not a port forward of
        // this host (and not what vnet writes).
        return None;
    }
    let mut rule = PortForward::new(protocol?, dport?, ipv4(&addr)?).ok()?;
    if let Some(to_port) = to_port {
        rule = rule.to_port(to_port).ok()?;
    }
    if let Some(input) = input {
        rule = rule.input(input);
    }
    Some(NatRule::PortForward(rule))
}

fn ipv4(bytes: &[u8]) -> Option<Ipv4Addr> {
    <[u8; 4]>::try_from(bytes).ok().map(Ipv4Addr::from)
}

#[cfg(test)]
mod tests {
    use netlink_packet_core::Emitable;
    use netlink_packet_netfilter::nftables::RuleAttribute;

    use super::*;

    /// The bytes of `NFTA_RULE_EXPRESSIONS` as they go on the wire.
    fn wire(expressions: &[Expr]) -> Vec<u8> {
        let attribute = RuleAttribute::Expressions(expressions.to_vec());
        let mut bytes = vec![0; attribute.buffer_len()];
        attribute.emit(&mut bytes);
        bytes[4..].to_vec()
    }

    fn rules() -> Vec<NatRule> {
        let eth0 = IfName::new("eth0.100").unwrap();
        vec![
            NatRule::Masquerade(Masquerade::new(eth0.clone())),
            NatRule::Masquerade(
                Masquerade::new(eth0.clone()).source("10.1.2.3/24".parse().unwrap()),
            ),
            NatRule::Masquerade(
                Masquerade::new(eth0.clone()).source("10.1.2.3/32".parse().unwrap()),
            ),
            NatRule::PortForward(
                PortForward::new(L4Protocol::Tcp, 5555, "192.168.0.2".parse().unwrap()).unwrap(),
            ),
            NatRule::PortForward(
                PortForward::new(L4Protocol::Udp, 53, "192.168.0.2".parse().unwrap())
                    .unwrap()
                    .to_port(5353)
                    .unwrap()
                    .input(eth0),
            ),
        ]
    }

    #[test]
    fn every_rule_reads_back_as_itself() {
        for rule in rules() {
            assert_eq!(decode(&wire(&encode(&rule))), Some(rule.clone()), "{rule}");
        }
    }

    #[test]
    fn source_prefix_is_normalised_and_masked() {
        let NatRule::Masquerade(m) = &rules()[1] else {
            unreachable!()
        };
        assert_eq!(m.source.unwrap().to_string(), "10.1.2.0/24");
        let exprs = encode(&rules()[1]);
        assert_eq!(exprs.len(), 6); // meta, cmp, payload, bitwise, cmp, masq
        assert_eq!(encode(&rules()[2]).len(), 5); // a /32 needs no bitwise
    }

    #[test]
    fn foreign_rules_are_not_taken_for_vnet_rules() {
        let mut exprs = encode(&rules()[0]);
        exprs.insert(0, meta(MetaKey::Mark)); // an unknown load is harmless...
        exprs.insert(1, cmp_eq(vec![1, 0, 0, 0])); // ...but an unknown match is not
        assert_eq!(decode(&wire(&exprs)), None);
        let mut exprs = encode(&rules()[3]);
        exprs.push(named("counter", Vec::new()));
        assert_eq!(decode(&wire(&exprs)), None);
        let mut exprs = encode(&rules()[0]);
        exprs.insert(0, meta(MetaKey::Mark)); // an unknown load alone is harmless
        assert_eq!(decode(&wire(&exprs)), Some(rules()[0].clone()));
        assert_eq!(decode(&[]), None);
    }

    #[test]
    fn a_dnat_without_the_local_destination_match_is_not_a_port_forward() {
        let fib = |exprs: &[Expr]| {
            exprs
                .iter()
                .position(|e| format!("{e:?}").contains("\"fib\""))
                .expect("a port forward has a fib expression")
        };
        let mut exprs = encode(&rules()[3]);
        let at = fib(&exprs);
        exprs.drain(at..at + 2); // the fib lookup and its cmp
        assert_eq!(decode(&wire(&exprs)), None);
        // A fib match of another kind (here: RTN_UNICAST, a remote address) is not it.
        let mut exprs = encode(&rules()[3]);
        let at = fib(&exprs);
        exprs[at + 1] = cmp_eq(1u32.to_ne_bytes().to_vec());
        assert_eq!(decode(&wire(&exprs)), None);
    }

    #[test]
    fn short_prefix_loads_read_back_as_the_prefix() {
        // nft 1.0 writes `ip saddr 10.7.0.0/16` as a 2-byte load and a 2-byte cmp.
        let exprs = vec![
            match_ifname(MetaKey::Oifname, &IfName::new("eth0").unwrap())[0].clone(),
            match_ifname(MetaKey::Oifname, &IfName::new("eth0").unwrap())[1].clone(),
            payload(NFT_PAYLOAD_NETWORK_HEADER, 12, 2),
            cmp_eq(vec![10, 7]),
            named("masq", Vec::new()),
        ];
        let expected =
            Masquerade::new(IfName::new("eth0").unwrap()).source("10.7.0.0/16".parse().unwrap());
        assert_eq!(decode(&wire(&exprs)), Some(NatRule::Masquerade(expected)));
        // A length that disagrees with the compared data is not a prefix.
        let mut bad = exprs.clone();
        bad[3] = cmp_eq(vec![10, 7, 0]);
        assert_eq!(decode(&wire(&bad)), None);
    }
}
