//! Names that are not UTF-8, through netlink-packet-route.
//!
//! The kernel's names are bytes: `ip link add $'br\xfe' type bridge` makes a device
//! whose name is not UTF-8. netlink-packet-route 0.34 decodes `IFLA_IFNAME`,
//! `IFLA_ALT_IFNAME`, `IFLA_IFALIAS` and `IFA_LABEL` as `String`, and fails the whole
//! message (and with it a whole dump) when one is not UTF-8.
//!
//! So before a route message is decoded, [`mark_raw_names`] re-types each such
//! attribute whose value is not UTF-8 to `RAW | type`, a number the kernel does not use
//! (its attribute numbers stay far below `RAW`): the crate keeps it as an unknown
//! attribute (`Other`) with its bytes intact, and vnet's decoders read the bytes back
//! with [`raw_name`]. Names that are UTF-8 are left alone and decode as usual. Going
//! out, [`ifname_attribute`] sends a name that is not UTF-8 as a raw `IFLA_IFNAME`.

use netlink_packet_core::{DefaultNla, Nla};
use netlink_packet_route::link::LinkAttribute;

use crate::uapi::if_addr::IFA_LABEL;
use crate::uapi::if_link::{IFLA_ALT_IFNAME, IFLA_IFALIAS, IFLA_IFNAME, IFLA_PROP_LIST};
use crate::uapi::netlink::{NLA_TYPE_MASK, NLMSG_HDRLEN, align};
use crate::uapi::rtnetlink::{
    IFADDRMSG_LEN, IFINFOMSG_LEN, RTM_DELADDR, RTM_DELLINK, RTM_NEWADDR, RTM_NEWLINK,
};
use crate::values::IfName;

/// Added to the type of a name attribute that is not UTF-8 (below the nested and
/// byte-order flags, above every attribute number the kernel defines).
pub(crate) const RAW: u16 = 0x2000;

/// Re-types, in place, the name attributes of the rtnetlink message `message` (netlink
/// header included) whose values are not UTF-8: `T` becomes `RAW | T`.
pub(crate) fn mark_raw_names(message: &mut [u8]) {
    if message.len() < NLMSG_HDRLEN {
        return;
    }
    let message_type = u16::from_ne_bytes([message[4], message[5]]);
    let body = &mut message[NLMSG_HDRLEN..];
    match message_type {
        RTM_NEWLINK | RTM_DELLINK if body.len() >= IFINFOMSG_LEN => {
            each_attribute(&mut body[IFINFOMSG_LEN..], |kind, attribute| match kind {
                IFLA_IFNAME | IFLA_IFALIAS => mark_if_not_utf8(attribute),
                IFLA_PROP_LIST => each_attribute(&mut attribute[4..], |kind, inner| {
                    if kind == IFLA_ALT_IFNAME {
                        mark_if_not_utf8(inner)
                    }
                }),
                _ => {}
            })
        }
        RTM_NEWADDR | RTM_DELADDR if body.len() >= IFADDRMSG_LEN => {
            each_attribute(&mut body[IFADDRMSG_LEN..], |kind, attribute| {
                if kind == IFA_LABEL {
                    mark_if_not_utf8(attribute)
                }
            })
        }
        _ => {}
    }
}

/// Calls `each` with the type (without flags) and the whole bytes (header included) of
/// every attribute in `buf`; stops at the first malformed one.
fn each_attribute(buf: &mut [u8], mut each: impl FnMut(u16, &mut [u8])) {
    let mut offset = 0;
    while offset + 4 <= buf.len() {
        let len = u16::from_ne_bytes([buf[offset], buf[offset + 1]]) as usize;
        if len < 4 || offset + len > buf.len() {
            return;
        }
        let kind = u16::from_ne_bytes([buf[offset + 2], buf[offset + 3]]) & NLA_TYPE_MASK;
        each(kind, &mut buf[offset..offset + len]);
        offset += align(len);
    }
}

/// Adds [`RAW`] to the type of `attribute` (header and value) when its value, without
/// its terminating NUL, is not UTF-8.
fn mark_if_not_utf8(attribute: &mut [u8]) {
    if std::str::from_utf8(without_nul(&attribute[4..])).is_err() {
        let kind = u16::from_ne_bytes([attribute[2], attribute[3]]) | RAW;
        attribute[2..4].copy_from_slice(&kind.to_ne_bytes());
    }
}

/// `value` without one terminating NUL (as netlink-packet-core reads strings).
fn without_nul(value: &[u8]) -> &[u8] {
    value.strip_suffix(&[0]).unwrap_or(value)
}

/// The bytes of `nla` when it is the raw form of the name attribute `kind` that
/// [`mark_raw_names`] made, without the terminating NUL.
pub(crate) fn raw_name(nla: &DefaultNla, kind: u16) -> Option<Vec<u8>> {
    if nla.kind() & NLA_TYPE_MASK != RAW | kind {
        return None;
    }
    let mut value = vec![0; nla.value_len()];
    nla.emit_value(&mut value);
    if value.last() == Some(&0) {
        value.pop();
    }
    Some(value)
}

/// `IFLA_IFNAME` carrying `name` exactly: the typed attribute for a UTF-8 name, a raw one
/// (the bytes and a NUL) for any other.
pub(crate) fn ifname_attribute(name: &IfName) -> LinkAttribute {
    match name.to_str() {
        Some(text) => LinkAttribute::IfName(text.to_string()),
        None => {
            let mut value = name.as_bytes().to_vec();
            value.push(0);
            LinkAttribute::Other(DefaultNla::new(IFLA_IFNAME, value))
        }
    }
}

#[cfg(test)]
mod tests {
    use netlink_packet_core::{NetlinkDeserializable, NetlinkHeader};
    use netlink_packet_route::RouteNetlinkMessage;
    use netlink_packet_route::link::LinkMessage;

    use super::*;

    /// An `RTM_NEWLINK` message (netlink header included) with the given attributes.
    fn link_message(attributes: &[(u16, &[u8])]) -> Vec<u8> {
        let mut out = vec![0u8; NLMSG_HDRLEN + IFINFOMSG_LEN];
        out[4..6].copy_from_slice(&RTM_NEWLINK.to_ne_bytes());
        for (kind, value) in attributes {
            let len = 4 + value.len();
            out.extend((len as u16).to_ne_bytes());
            out.extend(kind.to_ne_bytes());
            out.extend(*value);
            out.resize(align(out.len()), 0);
        }
        let total = out.len() as u32;
        out[0..4].copy_from_slice(&total.to_ne_bytes());
        out
    }

    fn link_header() -> NetlinkHeader {
        let mut header = NetlinkHeader::default();
        header.message_type = RTM_NEWLINK;
        header
    }

    fn decode(message: &[u8]) -> LinkMessage {
        match RouteNetlinkMessage::deserialize(&link_header(), &message[NLMSG_HDRLEN..]).unwrap() {
            RouteNetlinkMessage::NewLink(link) => link,
            other => panic!("not a link: {other:?}"),
        }
    }

    /// A name that is not UTF-8 fails the crate's decoding; marked, it decodes, and
    /// its bytes come back exactly. A UTF-8 name is left as it was.
    #[test]
    fn names_that_are_not_utf8_survive_decoding() {
        // An alt name nest: IFLA_ALT_IFNAME "a\xff\0" (len 7, padded to 8).
        let props = [7, 0, 53, 0, b'a', 0xff, 0, 0];
        let mut message = link_message(&[
            (IFLA_IFNAME, b"br\xfe\0"),
            (IFLA_IFALIAS, b"x\x80\0"),
            (IFLA_PROP_LIST | 0x8000, &props),
        ]);
        assert!(
            RouteNetlinkMessage::deserialize(&link_header(), &message[NLMSG_HDRLEN..]).is_err()
        );
        mark_raw_names(&mut message);
        let link = decode(&message);
        let raw: Vec<(u16, Vec<u8>)> = link
            .attributes
            .iter()
            .filter_map(|a| match a {
                LinkAttribute::Other(nla) => [IFLA_IFNAME, IFLA_IFALIAS]
                    .into_iter()
                    .find_map(|k| raw_name(nla, k).map(|v| (k, v))),
                _ => None,
            })
            .collect();
        assert_eq!(
            raw,
            vec![
                (IFLA_IFNAME, b"br\xfe".to_vec()),
                (IFLA_IFALIAS, b"x\x80".to_vec())
            ]
        );
        let alt = link.attributes.iter().find_map(|a| match a {
            LinkAttribute::PropList(props) => props.iter().find_map(|p| match p {
                netlink_packet_route::link::Prop::Other(nla) => raw_name(nla, IFLA_ALT_IFNAME),
                _ => None,
            }),
            _ => None,
        });
        assert_eq!(alt, Some(b"a\xff".to_vec()));

        let mut plain = link_message(&[(IFLA_IFNAME, b"eth0\0")]);
        let before = plain.clone();
        mark_raw_names(&mut plain);
        assert_eq!(plain, before);
        assert!(
            decode(&plain)
                .attributes
                .contains(&LinkAttribute::IfName("eth0".into()))
        );
    }

    /// Going out, a name that is not UTF-8 is sent as its bytes and a NUL.
    #[test]
    fn ifname_attribute_is_exact() {
        let name = IfName::from_bytes(b"br\xfe").unwrap();
        let attribute = ifname_attribute(&name);
        let mut value = vec![0; attribute.value_len()];
        attribute.emit_value(&mut value);
        assert_eq!(attribute.kind(), IFLA_IFNAME);
        assert_eq!(value, b"br\xfe\0");
        assert_eq!(
            ifname_attribute(&IfName::new("eth0").unwrap()),
            LinkAttribute::IfName("eth0".into())
        );
    }
}
