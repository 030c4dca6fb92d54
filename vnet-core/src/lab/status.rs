//! `vnet lab status`: every object a lab owns, present, missing or changed since `up`.

use std::collections::BTreeMap;

use ipnetwork::IpNetwork;

use super::{Lab, ObjectState, ObjectStatus, nat_table_name};
use crate::error::Result;
use crate::handle::Handle;
use crate::link::Link;
use crate::netfilter::Netfilter;
use crate::netns::Netns;
use crate::values::{Family, IfName};

struct Report(Vec<ObjectStatus>);

impl Report {
    fn push(
        &mut self,
        kind: &'static str,
        name: impl Into<String>,
        place: &str,
        state: ObjectState,
    ) {
        self.0.push(ObjectStatus {
            kind,
            name: name.into(),
            place: place.to_string(),
            state,
        });
    }
}

/// The master a link should have.
enum Master<'a> {
    /// Not checked.
    Any,
    /// This bridge (its index, `None` when the bridge itself is gone).
    Bridge(&'a IfName, Option<u32>),
}

/// What differs between a link and what `up` made: its group, up state, master.
fn link_state(link: Option<&Link>, group: Option<u32>, master: Master<'_>) -> ObjectState {
    let Some(link) = link else {
        return ObjectState::Missing;
    };
    let mut changes = Vec::new();
    if let Some(g) = group {
        if link.group != g {
            changes.push(format!("group {} instead of the lab's {g}", link.group));
        }
    }
    if !link.up {
        changes.push("down".to_string());
    }
    if let Master::Bridge(name, index) = master {
        match index {
            None => changes.push(format!("its bridge '{name}' is gone")),
            Some(i) if link.master != Some(i) => changes.push(format!("not on bridge '{name}'")),
            Some(_) => {}
        }
    }
    if changes.is_empty() {
        ObjectState::Present
    } else {
        ObjectState::Changed(changes.join(", "))
    }
}

fn addresses_state(have: &[IpNetwork], want: IpNetwork) -> ObjectState {
    if have.contains(&want) {
        ObjectState::Present
    } else {
        ObjectState::Missing
    }
}

pub(super) fn check(lab: &Lab, host_ns: &Netns) -> Result<Vec<ObjectStatus>> {
    let mut r = Report(Vec::new());
    let host = Handle::new(host_ns)?;
    let links: BTreeMap<IfName, Link> = host
        .link()
        .list()?
        .into_iter()
        .map(|l| (l.name.clone(), l))
        .collect();
    let index = |name: &IfName| links.get(name).map(|l| l.index);
    let mut host_addresses: BTreeMap<u32, Vec<IpNetwork>> = BTreeMap::new();
    for a in host.addr().list(None)? {
        host_addresses.entry(a.index).or_default().push(a.network);
    }
    let addrs_of = |name: &IfName| {
        index(name)
            .and_then(|i| host_addresses.get(&i).cloned())
            .unwrap_or_default()
    };
    let g = Some(lab.group);

    for b in lab.local_bridges() {
        let link = links.get(&b.name);
        r.push(
            "bridge",
            b.name.to_string(),
            "host",
            link_state(link, g, Master::Any),
        );
        if let Some(a) = b.address {
            r.push(
                "address",
                format!("{a} on {}", b.name),
                "host",
                addresses_state(&addrs_of(&b.name), a),
            );
        }
        for port in &b.uplinks {
            let state = link_state(
                links.get(port),
                None,
                Master::Bridge(&b.name, index(&b.name)),
            );
            r.push("uplink", format!("{port} in {}", b.name), "host", state);
        }
    }
    for (b, name, _, _) in lab.stitched() {
        let state = link_state(links.get(&name), g, Master::Bridge(&b.name, index(&b.name)));
        r.push("vxlan", format!("{name} in {}", b.name), "host", state);
    }
    for t in lab.local_taps() {
        let master = match &t.bridge {
            Some(b) => Master::Bridge(b, index(b)),
            None => Master::Any,
        };
        let state = link_state(links.get(&t.name), g, master);
        r.push("tap", t.name.to_string(), "host", state);
    }
    for v in &lab.vlans {
        r.push(
            "vlan",
            v.name.to_string(),
            "host",
            link_state(links.get(&v.name), g, Master::Any),
        );
        for a in &v.addresses {
            r.push(
                "address",
                format!("{a} on {}", v.name),
                "host",
                addresses_state(&addrs_of(&v.name), *a),
            );
        }
    }

    let namespaces = Netns::list()?;
    let lo = IfName::new("lo").expect("valid");
    let nodes: Vec<(usize, &super::Node)> = lab
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| lab.is_local_node(*i))
        .collect();
    for (i, node) in &nodes {
        let place = node.netns_name.as_str();
        // The host ends of the node's veths.
        for iface in &node.interfaces {
            let master = match &iface.bridge {
                Some(b) => Master::Bridge(b, index(b)),
                None => Master::Any,
            };
            let state = link_state(links.get(&iface.host_name), g, master);
            r.push("veth", iface.host_name.to_string(), "host", state);
            for a in &iface.host_addresses {
                r.push(
                    "address",
                    format!("{a} on {}", iface.host_name),
                    "host",
                    addresses_state(&addrs_of(&iface.host_name), *a),
                );
            }
        }
        let inside = if namespaces.iter().any(|n| n == place) {
            let h = Netns::open(place).and_then(|ns| Handle::new(&ns));
            match h {
                Ok(h) => {
                    let marked = h.link().get(&lo).is_ok_and(|l| l.group == lab.group);
                    let state = if marked {
                        ObjectState::Present
                    } else {
                        ObjectState::Changed("not marked as the lab's (lo group)".into())
                    };
                    r.push("netns", place, "host", state);
                    Some(h)
                }
                Err(e) => {
                    r.push("netns", place, "host", ObjectState::Changed(e.to_string()));
                    None
                }
            }
        } else {
            r.push("netns", place, "host", ObjectState::Missing);
            None
        };
        // The node's own interfaces, addresses and routes.
        let mut ifaces: Vec<(&IfName, &[IpNetwork])> = node
            .interfaces
            .iter()
            .map(|i| (&i.name, i.addresses.as_slice()))
            .collect();
        for l in &lab.links {
            for end in [&l.a, &l.b] {
                if end.node == *i {
                    ifaces.push((&end.interface, end.addresses.as_slice()));
                }
            }
        }
        let (node_links, node_addresses, node_routes) = match &inside {
            Some(h) => (
                h.link().list()?,
                h.addr().list(None)?,
                h.route().list(Family::Ipv4)?,
            ),
            None => (Vec::new(), Vec::new(), Vec::new()),
        };
        for (name, addresses) in ifaces {
            let link = node_links.iter().find(|l| l.name == *name);
            r.push(
                "interface",
                name.to_string(),
                place,
                link_state(link, None, Master::Any),
            );
            let have: Vec<IpNetwork> = node_addresses
                .iter()
                .filter(|a| link.is_some_and(|l| l.index == a.index))
                .map(|a| a.network)
                .collect();
            for a in addresses {
                r.push(
                    "address",
                    format!("{a} on {name}"),
                    place,
                    addresses_state(&have, *a),
                );
            }
        }
        for route in &node.routes {
            let to: IpNetwork = route
                .to
                .unwrap_or_else(|| "0.0.0.0/0".parse().expect("valid"));
            let present = node_routes
                .iter()
                .any(|e| e.destination == to && (route.via.is_none() || e.gateway == route.via));
            let state = if present {
                ObjectState::Present
            } else {
                ObjectState::Missing
            };
            r.push("route", route.describe(), place, state);
        }
    }

    if !lab.routes.is_empty() {
        let routes = host.route().list(Family::Ipv4)?;
        for route in &lab.routes {
            let to: IpNetwork = route
                .to
                .unwrap_or_else(|| "0.0.0.0/0".parse().expect("valid"));
            let present = routes
                .iter()
                .any(|e| e.destination == to && (route.via.is_none() || e.gateway == route.via));
            let state = if present {
                ObjectState::Present
            } else {
                ObjectState::Missing
            };
            r.push("route", route.describe(), "host", state);
        }
    }
    if !lab.nat.is_empty() {
        let nf = Netfilter::new(host_ns)?;
        let table = nat_table_name(&lab.name);
        let installed = nf.nat_table(&table)?.list().unwrap_or_default();
        for rule in &lab.nat {
            let state = if installed.iter().any(|i| i.rule == *rule) {
                ObjectState::Present
            } else {
                ObjectState::Missing
            };
            r.push("nat", rule.to_string(), "host", state);
        }
    }
    if !lab.proxy_arp.is_empty() {
        let proxies = host.neigh().list_proxy(Family::Ipv4)?;
        for p in &lab.proxy_arp {
            let on = index(&p.interface);
            let present = proxies
                .iter()
                .any(|n| n.address == p.address && Some(n.index) == on);
            let state = if present {
                ObjectState::Present
            } else {
                ObjectState::Missing
            };
            r.push(
                "proxy-arp",
                format!("{} on {}", p.address, p.interface),
                "host",
                state,
            );
        }
    }
    Ok(r.0)
}
