//! Extended-ACK parsing.
//!
//! netlink-packet-core 0.9 hands an `NLMSG_ERROR` body over as raw bytes: the original
//! request's header (only the header when the ACK is capped, `NLM_F_CAPPED`), then, when
//! the outer header has `NLM_F_ACK_TLVS`, attributes. `NLMSGERR_ATTR_MSG` (1) is the
//! human-readable reason, such as "Unknown device type" for an unsupported link kind.

use crate::uapi::netlink::{NLA_TYPE_MASK, NLMSG_HDRLEN, NLMSGERR_ATTR_MSG, align};

/// Finds the `NLMSGERR_ATTR_MSG` text in the body of an `NLMSG_ERROR` (the bytes after
/// the errno). `capped` tells whether the kernel left out the request's payload.
pub(crate) fn message(body: &[u8], capped: bool) -> Option<String> {
    if body.len() < NLMSG_HDRLEN {
        return None;
    }
    let mut offset = if capped {
        NLMSG_HDRLEN
    } else {
        // The request is echoed whole; its own length field says how long it is.
        u32::from_ne_bytes(body[0..4].try_into().ok()?) as usize
    };
    offset = align(offset);
    while offset + 4 <= body.len() {
        let len = u16::from_ne_bytes([body[offset], body[offset + 1]]) as usize;
        let kind = u16::from_ne_bytes([body[offset + 2], body[offset + 3]]) & NLA_TYPE_MASK;
        if len < 4 || offset + len > body.len() {
            return None;
        }
        if kind == NLMSGERR_ATTR_MSG {
            let value = &body[offset + 4..offset + len];
            let end = value.iter().position(|&b| b == 0).unwrap_or(value.len());
            return Some(String::from_utf8_lossy(&value[..end]).into_owned());
        }
        offset += align(len);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(kind: u16, value: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&((4 + value.len()) as u16).to_ne_bytes());
        out.extend_from_slice(&kind.to_ne_bytes());
        out.extend_from_slice(value);
        while out.len() % 4 != 0 {
            out.push(0);
        }
        out
    }

    #[test]
    fn capped_ack_with_message() {
        let mut body = vec![0u8; 16];
        body.extend(attr(2, &7u32.to_ne_bytes())); // NLMSGERR_ATTR_OFFS first
        body.extend(attr(1, b"Unknown device type\0"));
        assert_eq!(message(&body, true).as_deref(), Some("Unknown device type"));
    }

    #[test]
    fn uncapped_ack_skips_the_echoed_request() {
        let mut body = vec![0u8; 24];
        body[0..4].copy_from_slice(&22u32.to_ne_bytes()); // request of 22 bytes, padded to 24
        body.extend(attr(1, b"bad\0"));
        assert_eq!(message(&body, false).as_deref(), Some("bad"));
    }

    #[test]
    fn no_message_and_garbage() {
        assert_eq!(message(&[0u8; 16], true), None);
        assert_eq!(message(&[0u8; 3], true), None);
        let mut body = vec![0u8; 16];
        body.extend_from_slice(&[200, 0, 1, 0]); // attribute longer than the body
        assert_eq!(message(&body, true), None);
    }
}
