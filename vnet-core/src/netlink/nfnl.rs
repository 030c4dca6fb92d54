//! nfnetlink transactions: how nf_tables changes are sent.
//!
//! nf_tables only accepts changes inside a batch: an `NFNL_MSG_BATCH_BEGIN` message, the
//! changes, an `NFNL_MSG_BATCH_END` message, all in one datagram. The kernel applies the
//! whole batch or nothing. How it answers (`net/netfilter/nfnetlink.c`,
//! `nfnetlink_rcv_batch()`):
//!
//! - each inner message that carries `NLM_F_ACK` gets an ACK, and every failing one its
//!   error whatever its flags, delivered after the whole batch was processed; vnet sends
//!   the inner messages without `NLM_F_ACK`, so a batch of hundreds of rules is answered
//!   by its errors alone (an ACK each would cost about a kilobyte of the receive buffer
//!   apiece and overflow it, `ENOBUFS`);
//! - batch begin and end are control messages: kernels before 6.10 never ACK them, later
//!   ones only when they carry `NLM_F_ACK`, so vnet sends them without it;
//! - a failure of the batch as a whole (subsystem missing, commit failed) is reported as
//!   an error **on the batch begin message**, sometimes with no answer to the inner
//!   messages at all.
//!
//! Because of that last case, counting ACKs cannot tell when the kernel is done. vnet
//! sends a second datagram right after the batch: a `GETGEN` request with `NLM_F_ACK`.
//! The kernel processes netlink input synchronously in `sendmsg()`, so every answer to
//! the batch is queued before the answer to this barrier; reading until the barrier's
//! ACK collects them all, whatever happened.
//!
//! A change that depends on what was read first (add a rule unless it is there, delete
//! the rule with handle H) is made race-free the way `nft` does it: read the ruleset
//! generation ([`NetlinkSocket::nft_generation`]) before reading the rules, and send it
//! in the batch begin message ([`NetlinkSocket::nfnl_transaction_at`]). If anyone
//! changed the ruleset in between, the kernel refuses the whole batch with `ERESTART`
//! and the caller reads again.

use netlink_packet_core::{DefaultNla, NLM_F_ACK, NLM_F_REQUEST, NetlinkPayload};
use netlink_packet_netfilter::nftables::{GenAttribute, GenMessage, NfTablesMessage};
use netlink_packet_netfilter::none::ControlMessage;
use netlink_packet_netfilter::{
    NetfilterHeader, NetfilterMessage, NetfilterMessageInner, NetfilterProtoFamily,
};

use super::{NetlinkSocket, kernel_error};
use crate::error::{Error, Result};

use crate::uapi::nfnetlink::{NFNL_BATCH_GENID, NFNL_MSG_BATCH_BEGIN, NFNL_SUBSYS_NFTABLES};

fn get_generation() -> NetfilterMessage {
    NetfilterMessage::new(
        NetfilterHeader::new(NetfilterProtoFamily::Unspec, 0, 0),
        NfTablesMessage::GetGen(GenMessage {
            attributes: Vec::new(),
        }),
    )
}

impl NetlinkSocket {
    /// The current generation of the nf_tables ruleset (`NFT_MSG_GETGEN`), which the
    /// kernel bumps at every committed change.
    pub(crate) fn nft_generation(&mut self) -> Result<u32> {
        let replies = self.request(get_generation(), 0)?;
        replies
            .into_iter()
            .find_map(|m| match m.inner {
                NetfilterMessageInner::NfTables(NfTablesMessage::NewGen(generation)) => {
                    generation.attributes.into_iter().find_map(|a| match a {
                        GenAttribute::Id(id) => Some(id),
                        _ => None,
                    })
                }
                _ => None,
            })
            .ok_or_else(|| Error::Protocol {
                op: "reading the nf_tables generation".into(),
                detail: "no generation id in the answer".into(),
            })
    }

    /// Sends `messages` as one nf_tables transaction (batch begin, the messages each with
    /// `flags | NLM_F_REQUEST`, batch end) in one datagram, growing the send buffer when
    /// the batch needs it, and waits until the kernel has answered all of it.
    ///
    /// The kernel commits every message or none. The first error it reports (with its
    /// extended-ACK text) is returned; a failure of the whole batch is reported too.
    /// When `generation` is given, the kernel applies the batch only if the ruleset is
    /// still at that generation, and otherwise refuses it whole with `ERESTART`.
    pub(crate) fn nfnl_transaction_at(
        &mut self,
        generation: Option<u32>,
        messages: Vec<NetfilterMessage>,
        flags: u16,
    ) -> Result<()> {
        if messages.is_empty() {
            return Ok(());
        }
        let count = messages.len() as u32;
        let control = |message: ControlMessage| {
            let header =
                NetfilterHeader::new(NetfilterProtoFamily::Unspec, 0, NFNL_SUBSYS_NFTABLES);
            NetfilterMessage::new(header, message)
        };
        let begin = match generation {
            None => ControlMessage::BatchBegin,
            Some(id) => ControlMessage::Other {
                message_type: NFNL_MSG_BATCH_BEGIN,
                attributes: vec![DefaultNla::new(NFNL_BATCH_GENID, id.to_be_bytes().to_vec())],
            },
        };
        let mut framed = Vec::with_capacity(messages.len() + 2);
        framed.push((control(begin), NLM_F_REQUEST));
        framed.extend(messages.into_iter().map(|m| (m, flags | NLM_F_REQUEST)));
        framed.push((control(ControlMessage::BatchEnd), NLM_F_REQUEST));
        let begin = self.send(framed)?;
        let end = begin + count + 1;

        let barrier_seq = self.send(vec![(get_generation(), NLM_F_REQUEST | NLM_F_ACK)])?;

        let mut first_error: Option<Error> = None;
        let mut done = false;
        while !done {
            self.receive(|header, payload: NetlinkPayload<NetfilterMessage>| {
                let seq = header.sequence_number;
                if let NetlinkPayload::Error(err) = payload {
                    if seq == barrier_seq {
                        done = true;
                    } else if (begin..=end).contains(&seq) {
                        if let Some(code) = err.code {
                            let e = kernel_error(header.flags, code.get(), &err.header);
                            first_error.get_or_insert(e);
                        }
                    }
                }
            })?;
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use netlink_packet_core::NLM_F_CREATE;
    use netlink_packet_netfilter::nftables::{
        NfTablesMessage, RuleAttribute, RuleMessage, TableAttribute, TableMessage,
    };

    use super::*;
    use crate::netlink::NETLINK_NETFILTER;
    use crate::netns::Netns;

    /// A named namespace of its own for one test (the ruleset is per namespace),
    /// deleted at the end.
    struct Scratch {
        name: String,
        netns: Netns,
    }

    impl Scratch {
        fn new(tag: &str) -> Scratch {
            let name = format!("vnet-nfnl-{}-{tag}", std::process::id());
            let netns = Netns::add(&name).unwrap();
            Scratch { name, netns }
        }

        fn socket(&self) -> NetlinkSocket {
            self.netns
                .run(|| NetlinkSocket::open(NETLINK_NETFILTER))
                .unwrap()
                .unwrap()
        }

        /// `nft list tables`, the independent witness: "family name" each.
        fn tables(&self) -> Vec<String> {
            self.nft(&["list", "tables"])
                .lines()
                .filter_map(|l| l.strip_prefix("table "))
                .map(str::to_string)
                .collect()
        }

        fn nft(&self, args: &[&str]) -> String {
            let out = Command::new("ip")
                .args(["netns", "exec", &self.name, "nft"])
                .args(args)
                .output()
                .expect("running nft");
            assert!(out.status.success(), "nft {args:?}: {out:?}");
            String::from_utf8(out.stdout).unwrap()
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = Netns::delete(&self.name);
        }
    }

    fn ipv4(inner: NfTablesMessage) -> NetfilterMessage {
        NetfilterMessage::new(
            NetfilterHeader::new(NetfilterProtoFamily::IPv4, 0, 0),
            inner,
        )
    }

    fn table(name: &str) -> NetfilterMessage {
        ipv4(NfTablesMessage::NewTable(TableMessage {
            attributes: vec![TableAttribute::Name(name.into())],
        }))
    }

    /// A transaction the kernel refuses keeps its errno, applies nothing of itself, and
    /// leaves the socket usable.
    #[test]
    fn a_failed_transaction_reports_the_kernel_error_and_changes_nothing() {
        let ns = Scratch::new("txerr");
        let mut socket = ns.socket();
        // A rule in a chain that does not exist: the kernel rejects it, and with it the
        // table created earlier in the same transaction.
        let rule = ipv4(NfTablesMessage::NewRule(RuleMessage {
            attributes: vec![
                RuleAttribute::Table("t1".into()),
                RuleAttribute::Chain("nochain".into()),
                RuleAttribute::Expressions(vec![]),
            ],
        }));
        let e = socket
            .nfnl_transaction_at(None, vec![table("t1"), rule], NLM_F_CREATE)
            .unwrap_err();
        assert_eq!(e.errno(), libc::ENOENT, "{e}");
        assert!(
            !ns.tables().contains(&"ip t1".to_string()),
            "all or nothing"
        );
        socket
            .nfnl_transaction_at(None, vec![table("t1")], NLM_F_CREATE)
            .unwrap();
        assert!(ns.tables().contains(&"ip t1".to_string()));
    }

    /// A change based on a generation someone else has moved on from is refused
    /// whole with `ERESTART`; at the current generation it applies.
    #[test]
    fn a_transaction_at_a_stale_generation_is_refused_whole() {
        let ns = Scratch::new("genid");
        let mut socket = ns.socket();
        let generation = socket.nft_generation().unwrap();
        ns.nft(&["add", "table", "inet", "other"]);
        assert!(socket.nft_generation().unwrap() > generation);
        let e = socket
            .nfnl_transaction_at(Some(generation), vec![table("t2")], NLM_F_CREATE)
            .unwrap_err();
        assert_eq!(e.errno(), libc::ERESTART, "{e}");
        assert!(!ns.tables().contains(&"ip t2".to_string()));
        let current = socket.nft_generation().unwrap();
        socket
            .nfnl_transaction_at(Some(current), vec![table("t2")], NLM_F_CREATE)
            .unwrap();
        assert!(ns.tables().contains(&"ip t2".to_string()));
    }
}
