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

use netlink_packet_core::{NLM_F_ACK, NLM_F_REQUEST, NetlinkPayload};
use netlink_packet_netfilter::nftables::{GenMessage, NfTablesMessage};
use netlink_packet_netfilter::none::ControlMessage;
use netlink_packet_netfilter::{NetfilterHeader, NetfilterMessage, NetfilterProtoFamily};

use super::{NetlinkSocket, kernel_error};
use crate::error::{Error, Result};

/// The nfnetlink subsystem id of nf_tables (`NFNL_SUBSYS_NFTABLES`), carried in the
/// `res_id` of the batch messages.
const NFNL_SUBSYS_NFTABLES: u16 = 10;

impl NetlinkSocket {
    /// Sends `messages` as one nf_tables transaction (batch begin, the messages each with
    /// `flags | NLM_F_REQUEST | NLM_F_ACK`, batch end) and waits until the kernel has
    /// answered all of it.
    ///
    /// The kernel commits every message or none. The first error it reports (with its
    /// extended-ACK text) is returned; a failure of the whole batch is reported too.
    pub fn nfnl_transaction(&mut self, messages: Vec<NetfilterMessage>, flags: u16) -> Result<()> {
        if messages.is_empty() {
            return Ok(());
        }
        let count = messages.len() as u32;
        let control = |message: ControlMessage| {
            let header =
                NetfilterHeader::new(NetfilterProtoFamily::Unspec, 0, NFNL_SUBSYS_NFTABLES);
            NetfilterMessage::new(header, message)
        };
        let mut framed = Vec::with_capacity(messages.len() + 2);
        framed.push((control(ControlMessage::BatchBegin), NLM_F_REQUEST));
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
