//! Raw messages and attributes, for answers vnet decodes itself.
//!
//! The typed netlink-packet-* crates parse every attribute of every message they
//! receive. For nf_tables rule dumps that is the costly part (netlink-packet-netfilter
//! 0.4 formats a debug dump of the attribute buffer for each attribute it parses, even
//! on success), and vnet needs three attributes of each rule. [`RawMessage`] carries a
//! payload through the engine untouched; [`attributes`] walks the attributes in it.

use std::convert::Infallible;

use netlink_packet_core::{NetlinkDeserializable, NetlinkHeader, NetlinkSerializable};

use crate::uapi::netlink::{NLA_TYPE_MASK, align};

/// A netlink message kept as its type and payload bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawMessage {
    /// The netlink message type (for nfnetlink: subsystem << 8 | message).
    pub message_type: u16,
    /// Everything after the netlink header.
    pub payload: Vec<u8>,
}

impl RawMessage {
    /// Serializes a typed message into a raw one.
    pub(crate) fn from_message(message: &impl NetlinkSerializable) -> RawMessage {
        let mut payload = vec![0; message.buffer_len()];
        message.serialize(&mut payload);
        RawMessage {
            message_type: message.message_type(),
            payload,
        }
    }
}

impl NetlinkSerializable for RawMessage {
    fn message_type(&self) -> u16 {
        self.message_type
    }

    fn buffer_len(&self) -> usize {
        self.payload.len()
    }

    fn serialize(&self, buffer: &mut [u8]) {
        buffer.copy_from_slice(&self.payload);
    }
}

impl NetlinkDeserializable for RawMessage {
    type Error = Infallible;

    fn deserialize(header: &NetlinkHeader, payload: &[u8]) -> Result<Self, Infallible> {
        Ok(RawMessage {
            message_type: header.message_type,
            payload: payload.to_vec(),
        })
    }
}

/// Walks the netlink attributes in `buf`: yields (type without the nested and
/// byte-order flags, value). Stops at the first malformed attribute.
pub(crate) fn attributes(buf: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = buf;
    std::iter::from_fn(move || {
        if rest.len() < 4 {
            return None;
        }
        let len = u16::from_ne_bytes([rest[0], rest[1]]) as usize;
        let kind = u16::from_ne_bytes([rest[2], rest[3]]) & NLA_TYPE_MASK;
        if len < 4 || len > rest.len() {
            return None;
        }
        let value = &rest[4..len];
        rest = &rest[align(len).min(rest.len())..];
        Some((kind, value))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_padded_and_nested_attributes() {
        // kind 1 "ab" (len 6, padded to 8), kind 2|NLA_F_NESTED empty (len 4).
        let buf = [6, 0, 1, 0, b'a', b'b', 0, 0, 4, 0, 2, 0x80];
        let found: Vec<(u16, &[u8])> = attributes(&buf).collect();
        assert_eq!(found, vec![(1, &b"ab"[..]), (2, &[][..])]);
        assert_eq!(
            attributes(&[9, 0, 1, 0]).count(),
            0,
            "length beyond the buffer"
        );
    }
}
