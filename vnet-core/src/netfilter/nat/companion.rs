//! The rules that make a port forward answer the host itself and the VMs behind it, as
//! QEMU's `hostfwd` and CNI's portmap do, besides the connections arriving from outside
//! that its prerouting rule takes.
//!
//! A port forward without an input interface comes with four companion rules:
//!
//! ```text
//! chain output      ip daddr != 127.0.0.0/8 tcp dport 5555 fib daddr type local
//!                   dnat to 192.168.0.2:22                       # the host's own connections
//! chain postrouting meta l4proto tcp ip daddr 192.168.0.2 th dport 22 ct status dnat
//!                   fib saddr type local masquerade              # ... answered by the VM
//! chain hairpin     meta l4proto tcp ip daddr 192.168.0.2 th dport 22 ct status dnat
//!                   fib daddr . iif oif != 0 meta mark set mark | 0x10000   # hairpin
//! chain postrouting meta l4proto tcp ip daddr 192.168.0.2 th dport 22
//!                   meta mark & 0x10000 == 0x10000 masquerade    # ... answered by the VM
//! ```
//!
//! - **The host itself.** A connection the host opens to one of its own addresses never
//!   passes prerouting: the output hook translates it. Its source is then a host address
//!   the VM may have no route back to (the uplink's), so it is masqueraded to the
//!   address of the interface it leaves by, which the VM reaches directly.
//! - **Hairpin.** A VM that connects to the forward through the host's address on its
//!   own bridge has its connection sent back out of the interface it came in by, to a
//!   neighbour that would answer it directly, bypassing the translation. A filter chain
//!   in prerouting, after the translation, marks such packets (the route to their new
//!   destination leaves by the interface they came in by) and postrouting masquerades
//!   what is marked, as portmap does; the forward's own VM reaches itself this way too,
//!   on kernels that forward a packet back to its sender (Debian's 6.1 does; 6.18 drops
//!   it at its routing decision, whatever the rules). (`fib saddr . oif oif` in the
//!   forward hook would say the same, but the kernel refuses an output-interface lookup
//!   restricted to the output interface: EINVAL.)
//! - **127.0.0.1 is not forwarded.** A packet from 127.0.0.1 may leave by a non-loopback
//!   interface only with `route_localnet` set on it, and that sysctl on a VM-facing
//!   interface lets the VMs reach every service the host binds to 127.0.0.1
//!   (CVE-2020-8558). vnet does not set it, and leaves connections to 127.0.0.0/8 alone:
//!   they reach whatever listens on that port of the host.
//!
//! The main rule is recognised by what it does (see the `expr` module); the companions
//! are recognised by the comment they carry (`nft list` shows it), which names their
//! forward and their part, and they are added and deleted with it in one transaction.
//! A forward restricted to an input interface (`iifname`) takes only connections
//! arriving there, so it has no companions.

use super::expr::{
    Expr, bitwise_mask, cmp_eq, cmp_ne, ct_status_dnat, encode, fib, meta, named, payload,
};
use super::{HAIRPIN, NatRule, OUTPUT, POSTROUTING, PortForward};
use netlink_packet_netfilter::nftables::{DataAttribute, Expressions, Meta, MetaKey, Register};

use crate::uapi::nf_tables::*;
use crate::uapi::rtnetlink::RTN_LOCAL;

/// The packet mark (bit) the hairpin chain sets on hairpin connections of a port forward,
/// for postrouting to masquerade them. Other bits of the mark are kept.
pub const HAIRPIN_MARK: u32 = 0x0001_0000;

/// One companion rule of a port forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    HostDnat,
    HostMasquerade,
    HairpinMark,
    HairpinMasquerade,
}

impl Part {
    /// Every part, in the order they are added.
    pub(super) const ALL: [Part; 4] = [
        Part::HostDnat,
        Part::HostMasquerade,
        Part::HairpinMark,
        Part::HairpinMasquerade,
    ];

    /// The chain the rule goes in.
    pub(super) fn chain(self) -> &'static str {
        match self {
            Part::HostDnat => OUTPUT,
            Part::HostMasquerade | Part::HairpinMasquerade => POSTROUTING,
            Part::HairpinMark => HAIRPIN,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Part::HostDnat => "host dnat",
            Part::HostMasquerade => "host masquerade",
            Part::HairpinMark => "hairpin mark",
            Part::HairpinMasquerade => "hairpin masquerade",
        }
    }
}

/// The forward whose companions `rule` has: a port forward without an input interface.
pub(super) fn forward_of(rule: &NatRule) -> Option<&PortForward> {
    match rule {
        NatRule::PortForward(f) if f.input.is_none() => Some(f),
        _ => None,
    }
}

/// The comment that names `part` of `forward` (at most 127 bytes, as nft allows).
pub(super) fn comment(forward: &PortForward, part: Part) -> String {
    format!(
        "vnet: {} of port forward {} {} to {}:{}",
        part.name(),
        forward.protocol,
        forward.port,
        forward.to,
        forward.to_port.unwrap_or(forward.port)
    )
}

/// The rule's userdata: the comment as a libnftnl type-length-value entry (NUL
/// included), which `nft list` shows as `comment "..."`.
pub(super) fn userdata(comment: &str) -> Vec<u8> {
    let mut out = vec![NFTNL_UDATA_RULE_COMMENT, (comment.len() + 1) as u8];
    out.extend_from_slice(comment.as_bytes());
    out.push(0);
    out
}

/// The comment in a rule's userdata, if it has one.
pub(super) fn comment_in(mut userdata: &[u8]) -> Option<String> {
    while let [kind, len, rest @ ..] = userdata {
        let value = rest.get(..*len as usize)?;
        if *kind == NFTNL_UDATA_RULE_COMMENT {
            let text = value.strip_suffix(&[0]).unwrap_or(value);
            return String::from_utf8(text.to_vec()).ok();
        }
        userdata = &rest[*len as usize..];
    }
    None
}

/// The expressions of `part` of `forward`.
pub(super) fn encode_part(forward: &PortForward, part: Part) -> Vec<Expr> {
    let mut out = Vec::new();
    match part {
        Part::HostDnat => {
            // ip daddr != 127.0.0.0/8: loopback stays on the host (see the module doc).
            out.push(payload(NFT_PAYLOAD_NETWORK_HEADER, 16, 4));
            out.push(bitwise_mask(vec![255, 0, 0, 0]));
            out.push(cmp_ne(vec![127, 0, 0, 0]));
            out.extend(encode(&NatRule::PortForward(forward.clone())));
        }
        Part::HostMasquerade => {
            out.extend(flow(forward));
            // fib saddr type local: the host opened it.
            out.push(fib(NFTA_FIB_F_SADDR, NFT_FIB_RESULT_ADDRTYPE));
            out.push(cmp_eq(RTN_LOCAL.to_ne_bytes().to_vec()));
            out.push(named("masq", Vec::new()));
        }
        Part::HairpinMark => {
            out.extend(flow(forward));
            // fib daddr . iif oif != 0: the way to the (translated) destination is the
            // way the packet came in.
            out.push(fib(NFTA_FIB_F_DADDR | NFTA_FIB_F_IIF, NFT_FIB_RESULT_OIF));
            out.push(cmp_ne(vec![0; 4]));
            // meta mark set mark | HAIRPIN_MARK
            out.push(meta(MetaKey::Mark));
            out.push(bitwise_or(HAIRPIN_MARK));
            out.push(
                Expressions::Meta(vec![
                    Meta::Key(MetaKey::Mark),
                    Meta::SourceRegister(Register::Reg1),
                ])
                .into(),
            );
        }
        Part::HairpinMasquerade => {
            out.extend(flow(forward).into_iter().take(6)); // no ct status: the mark says it
            out.push(meta(MetaKey::Mark));
            out.push(bitwise_mask(HAIRPIN_MARK.to_ne_bytes().to_vec()));
            out.push(cmp_eq(HAIRPIN_MARK.to_ne_bytes().to_vec()));
            out.push(named("masq", Vec::new()));
        }
    }
    out
}

/// `meta l4proto P ip daddr TO th dport TO_PORT ct status dnat`: a packet of a flow
/// this forward translated, after translation.
fn flow(forward: &PortForward) -> Vec<Expr> {
    let to_port = forward.to_port.unwrap_or(forward.port);
    vec![
        meta(MetaKey::L4Proto),
        cmp_eq(vec![forward.protocol.number()]),
        payload(NFT_PAYLOAD_NETWORK_HEADER, 16, 4),
        cmp_eq(forward.to.octets().to_vec()),
        payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2),
        cmp_eq(to_port.to_be_bytes().to_vec()),
    ]
    .into_iter()
    .chain(ct_status_dnat())
    .collect()
}

/// reg1 = (reg1 & !bits) ^ bits, that is reg1 | bits, on a 32-bit value in host order.
fn bitwise_or(bits: u32) -> Expr {
    use netlink_packet_netfilter::nftables::Bitwise;
    Expressions::Bitwise(vec![
        Bitwise::SourceRegister(Register::Reg1),
        Bitwise::DestinationRegister(Register::Reg1),
        Bitwise::Length(4),
        Bitwise::Mask(DataAttribute::Value((!bits).to_ne_bytes().to_vec())),
        Bitwise::Xor(DataAttribute::Value(bits.to_ne_bytes().to_vec())),
    ])
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netfilter::nat::L4Protocol;

    #[test]
    fn comments_read_back_and_fit_nft() {
        let f = PortForward::new(L4Protocol::Tcp, 65535, "255.255.255.255".parse().unwrap())
            .unwrap()
            .to_port(65535)
            .unwrap();
        for part in Part::ALL {
            let text = comment(&f, part);
            assert!(text.len() < 128, "{text}");
            assert_eq!(comment_in(&userdata(&text)), Some(text));
        }
        assert_eq!(comment_in(&[]), None);
        assert_eq!(comment_in(&[0, 9, b'x']), None, "a length past the end");
        assert_eq!(comment_in(&[5, 1, 0, 0, 2, b'a', 0]), Some("a".into()));
    }
}
