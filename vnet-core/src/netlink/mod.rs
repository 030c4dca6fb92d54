//! The netlink engine: one synchronous socket type for every netlink family vnet speaks.
//!
//! [`NetlinkSocket`] owns its fd, its sequence counter and its receive buffer, and offers
//! the four exchanges everything else is built from:
//!
//! - [`NetlinkSocket::request_ack`]: send one request, wait for its ACK;
//! - [`NetlinkSocket::request`]: send one request, collect its reply messages;
//! - [`NetlinkSocket::dump`]: a multi-part dump, restarted when the kernel flags it
//!   `NLM_F_DUMP_INTR` (the table changed while it was being read);
//! - [`NetlinkSocket::batch`]: several requests per `send()` (up to 64), each ACKed
//!   (bulk link creation);
//! - [`NetlinkSocket::nfnl_transaction_at`]: an nfnetlink transaction (nf_tables), framed by
//!   batch begin/end messages and committed or aborted as a whole (see [`nfnl`]).
//!
//! Kernel errors keep the errno and the extended-ACK text (see [`ext_ack`]). A socket
//! belongs to the network namespace of the thread that opened it; [`crate::Netns`] opens
//! sockets on a short-lived thread inside the target namespace, and a [`Connection`]
//! shares one socket between the threads of its users.
//!
//! The engine is internal: nothing of the netlink crates' wire types reaches vnet's
//! public API.

mod connection;
pub(crate) mod ext_ack;
pub(crate) mod names;
pub(crate) mod nfnl;
pub(crate) mod raw;

pub(crate) use connection::Connection;

use std::sync::atomic::{AtomicU32, Ordering};

use netlink_packet_core::{
    NLM_F_ACK, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_MULTIPART,
    NLM_F_REQUEST, NetlinkDeserializable, NetlinkHeader, NetlinkMessage, NetlinkPayload,
    NetlinkSerializable,
};
use netlink_sys::Socket;
use nix::errno::Errno;
use nix::sys::socket::{getsockopt, setsockopt, sockopt};

use crate::error::{Error, Result};
use crate::uapi::netlink::{NLMSG_HDRLEN, align};

pub(crate) use netlink_sys::protocols::{NETLINK_NETFILTER, NETLINK_ROUTE};

/// Receive buffer size. The kernel sizes dump datagrams from the receive buffers it has
/// seen, capped at 32 KiB, so 64 KiB holds any datagram it builds for us.
const RECV_BUF: usize = 64 * 1024;

/// The most requests sent in one datagram. The kernel handles a datagram's requests one
/// after the other and queues every answer before the first is read; each answer costs
/// about a kilobyte of the socket's receive buffer (its `skb`), so a thousand requests at
/// once overflow the default 208 KiB buffer and the kernel drops answers (`ENOBUFS`).
const BATCH_CHUNK: usize = 64;

/// How many times a dump interrupted by a concurrent change is restarted.
const DUMP_RETRIES: usize = 10;

/// A synchronous netlink socket of one protocol family.
///
/// Not `Clone`: netlink-sys's `Socket` closes its fd on drop, so two copies would close
/// it twice. Share it behind a reference (it is `Send`, and `&mut` access is required
/// for every exchange, so a `Mutex` makes it `Sync`).
#[derive(Debug)]
pub(crate) struct NetlinkSocket {
    socket: Socket,
    protocol: isize,
    port: u32,
    buf: Vec<u8>,
    /// How many dumps the kernel interrupted (`NLM_F_DUMP_INTR`) and this socket
    /// restarted, since it was opened.
    dump_restarts: u64,
}

static SEQUENCE: AtomicU32 = AtomicU32::new(1);

impl NetlinkSocket {
    /// Opens a socket of `protocol` (for example [`NETLINK_ROUTE`]) in the calling
    /// thread's network namespace, with extended ACKs, capped ACKs and (for
    /// `NETLINK_ROUTE`) strict checking of dump requests turned on.
    pub fn open(protocol: isize) -> Result<Self> {
        let io = |step: &str| {
            let step = step.to_string();
            move |e| Error::io(format!("opening netlink socket: {step}"), e)
        };
        let mut socket = Socket::new(protocol).map_err(io("socket"))?;
        let addr = socket.bind_auto().map_err(io("bind"))?;
        socket.set_ext_ack(true).map_err(io("NETLINK_EXT_ACK"))?;
        socket.set_cap_ack(true).map_err(io("NETLINK_CAP_ACK"))?;
        if protocol == NETLINK_ROUTE {
            socket
                .set_netlink_get_strict_chk(true)
                .map_err(io("NETLINK_GET_STRICT_CHK"))?;
        }
        Ok(NetlinkSocket {
            socket,
            protocol,
            port: addr.port_number(),
            buf: Vec::new(),
            dump_restarts: 0,
        })
    }

    /// Sends `message` with `flags` (plus `NLM_F_REQUEST | NLM_F_ACK`) and waits for the
    /// kernel's ACK.
    pub fn request_ack<I>(&mut self, message: I, flags: u16) -> Result<()>
    where
        I: NetlinkSerializable + NetlinkDeserializable,
    {
        self.batch(vec![message], flags).map(|_| ())
    }

    /// Sends `message` with `flags` (plus `NLM_F_REQUEST | NLM_F_ACK`) and returns the
    /// messages the kernel answered with before its ACK (a `GET` by name, or a change
    /// sent with `NLM_F_ECHO`).
    pub fn request<I>(&mut self, message: I, flags: u16) -> Result<Vec<I>>
    where
        I: NetlinkSerializable + NetlinkDeserializable,
    {
        self.batch(vec![message], flags)
    }

    /// Sends every message (in datagrams of up to 64 requests), each with `flags` plus
    /// `NLM_F_REQUEST | NLM_F_ACK`, and waits for all their ACKs.
    ///
    /// Returns the non-ACK messages the kernel answered with, in order. The first error
    /// the kernel reports is returned after every answer has been read, so the socket is
    /// left clean. See [`NetlinkSocket::batch_outcomes`] to learn which requests failed.
    pub fn batch<I>(&mut self, messages: Vec<I>, flags: u16) -> Result<Vec<I>>
    where
        I: NetlinkSerializable + NetlinkDeserializable,
    {
        let (outcomes, replies) = self.batch_outcomes(messages, flags)?;
        match outcomes.into_iter().flatten().next() {
            Some(e) => Err(e),
            None => Ok(replies),
        }
    }

    /// Like [`NetlinkSocket::batch`], but reports each request's outcome: `outcomes[i]`
    /// is `None` when request `i` was acknowledged and `Some(error)` when the kernel
    /// refused it. The outer error is for failures to talk to the kernel at all.
    pub fn batch_outcomes<I>(
        &mut self,
        messages: Vec<I>,
        flags: u16,
    ) -> Result<(Vec<Option<Error>>, Vec<I>)>
    where
        I: NetlinkSerializable + NetlinkDeserializable,
    {
        let count = messages.len();
        let mut outcomes: Vec<Option<Error>> = Vec::with_capacity(count);
        let mut replies = Vec::new();
        let flags = flags | NLM_F_REQUEST | NLM_F_ACK;
        let mut messages = messages.into_iter().peekable();
        while messages.peek().is_some() {
            let chunk: Vec<(I, u16)> = messages
                .by_ref()
                .take(BATCH_CHUNK)
                .map(|m| (m, flags))
                .collect();
            self.exchange_chunk(chunk, &mut outcomes, &mut replies)?;
        }
        Ok((outcomes, replies))
    }

    /// Sends one chunk of a batch in one datagram and reads every answer to it,
    /// appending one outcome per request.
    fn exchange_chunk<I>(
        &mut self,
        chunk: Vec<(I, u16)>,
        outcomes: &mut Vec<Option<Error>>,
        replies: &mut Vec<I>,
    ) -> Result<()>
    where
        I: NetlinkSerializable + NetlinkDeserializable,
    {
        let count = chunk.len();
        let base = outcomes.len();
        outcomes.extend((0..count).map(|_| None));
        let first_seq = self.send(chunk)?;
        let mut acked = 0usize;
        while acked < count {
            self.receive(|header, payload| {
                let seq = header.sequence_number;
                if seq < first_seq || seq >= first_seq + count as u32 {
                    return; // a stale answer to an earlier, abandoned request
                }
                match payload {
                    NetlinkPayload::Error(err) => {
                        acked += 1;
                        if let Some(code) = err.code {
                            outcomes[base + (seq - first_seq) as usize] =
                                Some(kernel_error(header.flags, code.get(), &err.header));
                        }
                    }
                    NetlinkPayload::Done(_) => acked += 1,
                    NetlinkPayload::InnerMessage(m) => replies.push(m),
                    _ => {}
                }
            })?;
        }
        Ok(())
    }

    /// Dumps a table: sends `message` with `NLM_F_DUMP` and collects every reply until
    /// `NLMSG_DONE`. A dump the kernel marks interrupted is restarted.
    pub fn dump<I>(&mut self, message: I) -> Result<Vec<I>>
    where
        I: NetlinkSerializable + NetlinkDeserializable + Clone,
    {
        for _ in 0..DUMP_RETRIES {
            let seq = self.send(vec![(message.clone(), NLM_F_REQUEST | NLM_F_DUMP)])?;
            let mut done = false;
            let mut interrupted = false;
            let mut replies = Vec::new();
            let mut error: Option<Error> = None;
            while !done {
                self.receive(|header, payload| {
                    if header.sequence_number != seq {
                        return;
                    }
                    if header.flags & NLM_F_DUMP_INTR != 0 {
                        interrupted = true;
                    }
                    match payload {
                        NetlinkPayload::Done(_) => done = true,
                        NetlinkPayload::Error(err) => {
                            done = true;
                            if let Some(code) = err.code {
                                error = Some(kernel_error(header.flags, code.get(), &err.header));
                            }
                        }
                        NetlinkPayload::InnerMessage(m) => {
                            replies.push(m);
                            if header.flags & NLM_F_MULTIPART == 0 {
                                done = true;
                            }
                        }
                        _ => {}
                    }
                })?;
            }
            if let Some(e) = error {
                return Err(e);
            }
            if !interrupted {
                return Ok(replies);
            }
            self.dump_restarts += 1;
        }
        Err(Error::Protocol {
            op: "dumping".into(),
            detail: format!("dump interrupted {DUMP_RETRIES} times in a row"),
        })
    }

    /// How many dumps were interrupted by a concurrent change (`NLM_F_DUMP_INTR`) and
    /// restarted on this socket since it was opened.
    pub fn dump_restarts(&self) -> u64 {
        self.dump_restarts
    }

    /// Serializes `messages`, each with its own header flags, back to back into one
    /// buffer and sends it. Returns the sequence number of the first; the others follow
    /// it.
    fn send<I>(&mut self, messages: Vec<(I, u16)>) -> Result<u32>
    where
        I: NetlinkSerializable,
    {
        let count = messages.len();
        let first = SEQUENCE.fetch_add(count as u32, Ordering::Relaxed);
        let mut out = Vec::new();
        for (i, (inner, flags)) in messages.into_iter().enumerate() {
            let mut header = NetlinkHeader::default();
            header.flags = flags;
            header.sequence_number = first + i as u32;
            let mut msg = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(inner));
            msg.finalize();
            let start = out.len();
            out.resize(start + msg.buffer_len(), 0);
            msg.serialize(&mut out[start..]);
        }
        self.make_room_to_send(out.len())?;
        let sent = self
            .socket
            .send(&out, 0)
            .map_err(|e| Error::io("sending netlink request", e))?;
        if sent != out.len() {
            return Err(Error::Protocol {
                op: "sending netlink request".into(),
                detail: format!("sent {sent} of {} bytes", out.len()),
            });
        }
        Ok(first)
    }

    /// Grows the socket's send buffer when one datagram of `len` bytes would not fit.
    ///
    /// The kernel refuses a datagram longer than the send buffer (`EMSGSIZE`,
    /// `netlink_sendmsg()`), and an nf_tables transaction must be one datagram, so a large
    /// batch (hundreds of rules) needs more than the default 208 KiB. As `nft` does, vnet
    /// asks for `SO_SNDBUFFORCE` (root, not capped by `net.core.wmem_max`) and falls back
    /// to `SO_SNDBUF`; if the buffer still is too small, the send fails with the kernel's
    /// `EMSGSIZE`.
    fn make_room_to_send(&mut self, len: usize) -> Result<()> {
        // What the kernel keeps for its own bookkeeping of a datagram (netlink_sendmsg
        // compares the length with the buffer less 32 bytes).
        const OVERHEAD: usize = 32;
        let have = getsockopt(&self.socket, sockopt::SndBuf)
            .map_err(|e| Error::io("reading the netlink send buffer size", e.into()))?;
        if len + OVERHEAD <= have {
            return Ok(());
        }
        // The kernel doubles what it is given (room for its own overhead).
        let want = (len + OVERHEAD).div_ceil(2) + OVERHEAD;
        if setsockopt(&self.socket, sockopt::SndBufForce, &want).is_err() {
            setsockopt(&self.socket, sockopt::SndBuf, &want)
                .map_err(|e| Error::io("growing the netlink send buffer", e.into()))?;
        }
        Ok(())
    }

    /// Reads one datagram and hands each netlink message in it to `each`.
    fn receive<I>(&mut self, each: impl FnMut(NetlinkHeader, NetlinkPayload<I>)) -> Result<()>
    where
        I: NetlinkDeserializable,
    {
        self.buf.clear();
        self.buf.reserve(RECV_BUF);
        let len = loop {
            match self.socket.recv(&mut self.buf, libc::MSG_TRUNC) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io("receiving netlink answer", e)),
            }
        };
        if len > self.buf.len() {
            return Err(Error::Protocol {
                op: "receiving netlink answer".into(),
                detail: format!("datagram of {len} bytes exceeds the {RECV_BUF}-byte buffer"),
            });
        }
        let (protocol, port) = (self.protocol, self.port);
        parse_datagram(&mut self.buf[..len], protocol, port, each)
    }
}

/// Splits a datagram the kernel sent on a socket of `protocol` into netlink messages,
/// decodes each as `I` and hands those addressed to `port` (or to port 0, the kernel's
/// broadcasts) to `each`. Route messages have their names that are not UTF-8 marked
/// first (see [`names`]), in place.
pub(crate) fn parse_datagram<I>(
    datagram: &mut [u8],
    protocol: isize,
    port: u32,
    mut each: impl FnMut(NetlinkHeader, NetlinkPayload<I>),
) -> Result<()>
where
    I: NetlinkDeserializable,
{
    let len = datagram.len();
    let mut offset = 0;
    while offset + NLMSG_HDRLEN <= len {
        let bytes = &mut datagram[offset..];
        let msg_len = u32::from_ne_bytes(bytes[0..4].try_into().expect("4 bytes")) as usize;
        if msg_len < NLMSG_HDRLEN || msg_len > bytes.len() {
            return Err(Error::Protocol {
                op: "receiving netlink answer".into(),
                detail: format!("bad message length {msg_len}"),
            });
        }
        let bytes = &mut bytes[..msg_len];
        if protocol == NETLINK_ROUTE {
            names::mark_raw_names(bytes);
        }
        let message = NetlinkMessage::<I>::deserialize(bytes).map_err(|e| Error::Protocol {
            op: "parsing netlink answer".into(),
            detail: e.to_string(),
        })?;
        if message.header.port_number == port || message.header.port_number == 0 {
            each(message.header, message.payload);
        }
        offset += align(msg_len);
    }
    Ok(())
}

/// Builds the error for a negative ACK: its errno and, when the kernel sent one, its
/// extended-ACK message.
pub(crate) fn kernel_error(flags: u16, code: i32, body: &[u8]) -> Error {
    let message = if flags & NLM_F_ACK_TLVS != 0 {
        ext_ack::message(body, flags & NLM_F_CAPPED != 0)
    } else {
        None
    };
    Error::Kernel {
        op: "netlink request".into(),
        // The kernel sends a negative errno; i32::MIN has no positive counterpart
        // (`abs` overflows on it), and stands for no errno vnet knows.
        errno: Errno::from_raw(code.saturating_abs()),
        message,
    }
}

#[cfg(test)]
mod tests {
    use netlink_packet_route::RouteNetlinkMessage;
    use netlink_packet_route::link::{LinkAttribute, LinkMessage};

    use super::*;

    fn get_lo() -> RouteNetlinkMessage {
        let mut message = LinkMessage::default();
        message
            .attributes
            .push(LinkAttribute::IfName("lo".to_string()));
        RouteNetlinkMessage::GetLink(message)
    }

    /// Answers to a request nobody waited for (an exchange abandoned halfway) are
    /// skipped by sequence number: the next exchange gets its own answer.
    #[test]
    fn stale_answers_are_skipped() {
        let mut socket = NetlinkSocket::open(NETLINK_ROUTE).unwrap();
        // Two requests sent and never read: their replies and ACKs wait in the socket.
        socket
            .send(vec![(get_lo(), NLM_F_REQUEST | NLM_F_ACK)])
            .unwrap();
        socket
            .send(vec![(get_lo(), NLM_F_REQUEST | NLM_F_ACK)])
            .unwrap();
        // A dump must return exactly one complete table, none of the stale replies.
        let links = socket
            .dump(RouteNetlinkMessage::GetLink(LinkMessage::default()))
            .unwrap();
        let lo_count = links
            .iter()
            .filter(|m| {
                matches!(m, RouteNetlinkMessage::NewLink(l)
                if l.attributes.contains(&LinkAttribute::IfName("lo".into())))
            })
            .count();
        assert_eq!(lo_count, 1, "{} messages", links.len());
        // And a request after it gets its own single reply.
        let replies = socket.request(get_lo(), 0).unwrap();
        assert_eq!(replies.len(), 1);
    }

    /// An error code with no positive counterpart (i32::MIN) is an unknown errno, not
    /// an overflow.
    #[test]
    fn error_code_without_a_positive_counterpart() {
        let e = kernel_error(0, i32::MIN, &[]);
        assert_eq!(e.errno(), 0, "nix's UnknownErrno");
        assert_eq!(kernel_error(0, -libc::ENODEV, &[]).errno(), libc::ENODEV);
    }

    /// A request the kernel refuses keeps its errno and extended-ACK text, and the
    /// socket stays usable.
    #[test]
    fn kernel_errors_keep_errno_and_text() {
        let mut socket = NetlinkSocket::open(NETLINK_ROUTE).unwrap();
        let mut message = LinkMessage::default();
        message
            .attributes
            .push(LinkAttribute::IfName("vnet-no-such0".to_string()));
        let e = socket
            .request(RouteNetlinkMessage::GetLink(message), 0)
            .unwrap_err();
        assert_eq!(e.errno(), libc::ENODEV);
        assert_eq!(socket.request(get_lo(), 0).unwrap().len(), 1);
    }
}
