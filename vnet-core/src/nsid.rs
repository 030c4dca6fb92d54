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
        let replies = self
            .conn
            .request(request(netns), 0)
            .op(|| format!("reading the id of {}", netns.describe()))?;
        Ok(replies.into_iter().find_map(id_of).flatten())
    }

    /// The ids of several namespaces, like [`NsidHandle::get`] for each, in one exchange
    /// (the requests share datagrams): what telling a thousand namespaces apart costs
    /// one round trip per 64 of them instead of one each.
    pub fn get_many(&self, namespaces: &[Netns]) -> Result<Vec<Option<i32>>> {
        let requests = namespaces.iter().map(request).collect();
        let (outcomes, replies) = self
            .conn
            .batch_outcomes(requests, 0)
            .op(|| format!("reading the ids of {} namespaces", namespaces.len()))?;
        // The kernel answers each request it accepts with exactly one RTM_NEWNSID before
        // its ACK, in order; a refused request has no answer.
        let mut answers = replies.into_iter().map(id_of);
        let mut ids = Vec::with_capacity(namespaces.len());
        for (netns, outcome) in namespaces.iter().zip(outcomes) {
            if let Some(e) = outcome {
                return Err(e.with_op(format!("reading the id of {}", netns.describe())));
            }
            match answers.next() {
                Some(Some(id)) => ids.push(id),
                _ => {
                    return Err(crate::error::Error::Protocol {
                        op: format!("reading the id of {}", netns.describe()),
                        detail: "no RTM_NEWNSID before the ACK".into(),
                    });
                }
            }
        }
        Ok(ids)
    }
}

/// `RTM_GETNSID` for `netns`, named by its fd.
fn request(netns: &Netns) -> RouteNetlinkMessage {
    let mut request = NsidMessage::default();
    request
        .attributes
        .push(NsidAttribute::Fd(netns.as_fd().as_raw_fd() as u32));
    RouteNetlinkMessage::GetNsId(request)
}

/// The id in an `RTM_NEWNSID` answer (`Some(None)` when none is given yet), or `None`
/// for any other message.
fn id_of(message: RouteNetlinkMessage) -> Option<Option<i32>> {
    match message {
        RouteNetlinkMessage::NewNsId(m) => Some(
            m.attributes
                .into_iter()
                .find_map(|a| match a {
                    NsidAttribute::Id(id) => Some(id),
                    _ => None,
                })
                .filter(|&id| id >= 0),
        ),
        _ => None,
    }
}
