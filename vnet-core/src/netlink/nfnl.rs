//! nfnetlink transactions: how nf_tables changes are sent.
//!
//! nf_tables only accepts changes inside a batch: an `NFNL_MSG_BATCH_BEGIN` message, the
//! changes, an `NFNL_MSG_BATCH_END` message, all in one datagram. The kernel applies the
//! whole batch or nothing. How it answers (`net/netfilter/nfnetlink.c`,
//! `nfnetlink_rcv_batch()`):
//!
//! - each inner message that carries `NLM_F_ACK` gets an ACK, or its error, delivered
//!   after the whole batch was processed (so even on failure every ACKed message is
//!   answered);
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

/// The nfnetlink subsystem id of nf_tables (`NFNL_SUBSYS_NFTABLES`), carried in the
/// `res_id` of the batch messages.
const NFNL_SUBSYS_NFTABLES: u16 = 10;

/// `NFNL_MSG_BATCH_BEGIN`, and its attribute `NFNL_BATCH_GENID`.
const NFNL_MSG_BATCH_BEGIN: u8 = 16;
const NFNL_BATCH_GENID: u16 = 1;

fn get_generation() -> NetfilterMessage {
    NetfilterMessage::new(
        NetfilterHeader::new(NetfilterProtoFamily::Unspec, 0, 0),
        NfTablesMessage::GetGen(GenMessage {
            attributes: Vec::new(),
        }),
    )
}

impl NetlinkSocket {
    /// Sends `messages` as one nf_tables transaction (batch begin, the messages each with
    /// `flags | NLM_F_REQUEST | NLM_F_ACK`, batch end) and waits until the kernel has
    /// answered all of it.
    ///
    /// The kernel commits every message or none. The first error it reports (with its
    /// extended-ACK text) is returned; a failure of the whole batch is reported too.
    pub fn nfnl_transaction(&mut self, messages: Vec<NetfilterMessage>, flags: u16) -> Result<()> {
        self.nfnl_transaction_at(None, messages, flags)
    }

    /// The current generation of the nf_tables ruleset (`NFT_MSG_GETGEN`), which the
    /// kernel bumps at every committed change.
    pub fn nft_generation(&mut self) -> Result<u32> {
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

    /// Like [`NetlinkSocket::nfnl_transaction`], but when `generation` is given the
    /// kernel applies the batch only if the ruleset is still at that generation, and
    /// otherwise refuses it whole with `ERESTART`.
    pub fn nfnl_transaction_at(
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
        framed.extend(
            messages
                .into_iter()
                .map(|m| (m, flags | NLM_F_REQUEST | NLM_F_ACK)),
        );
        framed.push((control(ControlMessage::BatchEnd), NLM_F_REQUEST));
        let begin = self.send(framed)?;
        let end = begin + count + 1;

        let barrier = NetfilterMessage::new(
            NetfilterHeader::new(NetfilterProtoFamily::Unspec, 0, 0),
            NfTablesMessage::GetGen(GenMessage {
                attributes: Vec::new(),
            }),
        );
        let barrier_seq = self.send(vec![(barrier, NLM_F_REQUEST | NLM_F_ACK)])?;

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
