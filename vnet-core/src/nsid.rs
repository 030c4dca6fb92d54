//! Namespace ids (`ip netns list-id`, the `(id: N)` of `ip netns list`): the number a
//! namespace gives another one it has a link to (a veth peer, a moved device), so that
//! `link-netnsid` can name it.

use std::os::fd::{AsFd, AsRawFd};

use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};

use crate::error::{Context, Result};
use crate::netlink::Connection;
use crate::netns::Netns;

/// The namespace-id calls of a [`crate::Handle`]: `handle.nsid()`.
#[derive(Debug, Clone, Copy)]
pub struct NsidHandle<'a> {
    conn: &'a Connection,
}

impl<'a> NsidHandle<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        NsidHandle { conn }
    }

    /// The id the handle's namespace has given `netns` (`RTM_GETNSID` by fd), or `None`
    /// when it has given it none yet.
    pub fn get(&self, netns: &Netns) -> Result<Option<i32>> {
        let mut request = NsidMessage::default();
        request
            .attributes
            .push(NsidAttribute::Fd(netns.as_fd().as_raw_fd() as u32));
        let replies = self
            .conn
            .request(RouteNetlinkMessage::GetNsId(request), 0)
            .op(|| format!("reading the id of {}", netns.describe()))?;
        Ok(replies
            .into_iter()
            .find_map(|m| match m {
                RouteNetlinkMessage::NewNsId(m) => m.attributes.into_iter().find_map(|a| match a {
                    NsidAttribute::Id(id) => Some(id),
                    _ => None,
                }),
                _ => None,
            })
            .filter(|&id| id >= 0))
    }
}
