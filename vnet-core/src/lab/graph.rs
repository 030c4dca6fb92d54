//! The picture of a lab: a Graphviz DOT text (nodes as boxes with their addresses,
//! bridges as ellipses, VLANs by colour, NAT and the uplink; hosts as clusters).

use std::fmt::Write;

use super::Lab;

/// Colours for VLAN ids (by id modulo their count).
const VLAN_COLOURS: &[&str] = &[
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
];

/// A DOT string: `"` escaped; `\n` in labels is DOT's line break, so backslashes are
/// kept (names cannot hold them: values are checked when the file is read).
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\\\""))
}

fn vlan_colour(vid: u16) -> &'static str {
    VLAN_COLOURS[usize::from(vid) % VLAN_COLOURS.len()]
}

pub(super) fn dot(lab: &Lab) -> String {
    let mut out = String::new();
    let title = match &lab.description {
        Some(d) => format!("lab {}\\n{}", lab.name, d.replace('"', "'")),
        None => format!("lab {}", lab.name),
    };
    let _ = writeln!(out, "graph {} {{", quote(&lab.name));
    let _ = writeln!(
        out,
        "  graph [label=\"{title}\", labelloc=t, fontname=\"Helvetica\", rankdir=TB];"
    );
    let _ = writeln!(out, "  node [fontname=\"Helvetica\", fontsize=10];");
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];");

    let node_id = |n: &str| quote(&format!("node:{n}"));
    let bridge_id = |b: &str| quote(&format!("bridge:{b}"));
    let node_label = |n: &super::Node| {
        let mut label = n.name.to_string();
        for i in &n.interfaces {
            for a in &i.addresses {
                let _ = write!(label, "\\n{} {a}", i.name);
            }
        }
        for l in &lab.links {
            for end in [&l.a, &l.b] {
                if lab.nodes[end.node].name == n.name {
                    for a in &end.addresses {
                        let _ = write!(label, "\\n{} {a}", end.interface);
                    }
                }
            }
        }
        if n.forwarding {
            label.push_str("\\n(router)");
        }
        if n.proxy_arp {
            label.push_str("\\n(proxy ARP)");
        }
        label
    };
    let write_node = |out: &mut String, n: &super::Node, indent: &str| {
        let _ = writeln!(
            out,
            "{indent}{} [shape=box, style=\"rounded,filled\", fillcolor=\"#eef5ff\", label={}];",
            node_id(&n.name),
            quote(&node_label(n))
        );
    };
    let write_bridge = |out: &mut String, b: &super::LabBridge, indent: &str| {
        let mut label = b.name.to_string();
        if let Some(a) = b.address {
            let _ = write!(label, "\\n{a}");
        }
        if b.options.stp == Some(true) {
            label.push_str("\\nSTP");
        }
        if b.options.vlan_filtering == Some(true) {
            label.push_str("\\nVLAN filtering");
        }
        let _ = writeln!(
            out,
            "{indent}{} [shape=ellipse, style=filled, fillcolor=\"#fff4d6\", label={}];",
            bridge_id(&b.name.to_string()),
            quote(&label)
        );
    };

    if lab.hosts.is_empty() {
        for b in &lab.bridges {
            write_bridge(&mut out, b, "  ");
        }
        for n in &lab.nodes {
            write_node(&mut out, n, "  ");
        }
    } else {
        for host in &lab.hosts {
            let _ = writeln!(
                out,
                "  subgraph {} {{",
                quote(&format!("cluster_{}", host.name))
            );
            let _ = writeln!(
                out,
                "    label={}; style=dashed;",
                quote(&format!("host {} ({})", host.name, host.underlay))
            );
            for &b in &host.bridges {
                // A bridge on several hosts is drawn once per host.
                let bridge = &lab.bridges[b];
                let _ = writeln!(
                    out,
                    "    {} [shape=ellipse, style=filled, fillcolor=\"#fff4d6\", label={}];",
                    quote(&format!("bridge:{}@{}", bridge.name, host.name)),
                    quote(&bridge.name.to_string())
                );
            }
            for &n in &host.nodes {
                write_node(&mut out, &lab.nodes[n], "    ");
            }
            let _ = writeln!(out, "  }}");
        }
        for (i, b) in lab.bridges.iter().enumerate() {
            for w in b.hosts.windows(2) {
                let _ = writeln!(
                    out,
                    "  {} -- {} [style=bold, color=\"#555555\", label=\"VXLAN {}\"];",
                    quote(&format!("bridge:{}@{}", b.name, lab.hosts[w[0]].name)),
                    quote(&format!("bridge:{}@{}", b.name, lab.hosts[w[1]].name)),
                    b.vni
                        .map(|v| v.get())
                        .unwrap_or((lab.group.wrapping_add(i as u32)) & 0xff_ffff)
                );
            }
        }
    }
    let bridge_ref = |b: &str, node: Option<usize>| -> String {
        match node.and_then(|n| lab.hosts.iter().find(|h| h.nodes.contains(&n))) {
            Some(h) => quote(&format!("bridge:{b}@{}", h.name)),
            None => bridge_id(b),
        }
    };
    for (ni, n) in lab.nodes.iter().enumerate() {
        for i in &n.interfaces {
            let (colour, vlan) = match i.vlans.first() {
                Some(v) if v.pvid && i.vlans.len() == 1 => {
                    (vlan_colour(v.vid.get()), format!(" VLAN {}", v.vid.get()))
                }
                Some(_) => (
                    "#000000",
                    format!(
                        " trunk {}",
                        i.vlans
                            .iter()
                            .map(|v| v.vid.get().to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    ),
                ),
                None => ("#000000", String::new()),
            };
            match &i.bridge {
                Some(b) => {
                    let _ = writeln!(
                        out,
                        "  {} -- {} [label={}, color=\"{colour}\", penwidth=2];",
                        node_id(&n.name),
                        bridge_ref(&b.to_string(), Some(ni)),
                        quote(&format!("{}{vlan}", i.name))
                    );
                }
                None => {
                    let host_label = std::iter::once(i.host_name.to_string())
                        .chain(i.host_addresses.iter().map(|a| a.to_string()))
                        .collect::<Vec<_>>()
                        .join("\\n");
                    let _ = writeln!(
                        out,
                        "  {} [shape=plaintext, label={}];",
                        quote(&format!("hostend:{}", i.host_name)),
                        quote(&format!("host: {host_label}"))
                    );
                    let _ = writeln!(
                        out,
                        "  {} -- {} [label={}];",
                        node_id(&n.name),
                        quote(&format!("hostend:{}", i.host_name)),
                        quote(&i.name.to_string())
                    );
                }
            }
        }
    }
    for l in &lab.links {
        let _ = writeln!(
            out,
            "  {} -- {} [headlabel={}, taillabel={}, color=\"#444444\"];",
            node_id(&lab.nodes[l.a.node].name),
            node_id(&lab.nodes[l.b.node].name),
            quote(&l.b.interface.to_string()),
            quote(&l.a.interface.to_string())
        );
    }
    for t in &lab.taps {
        let _ = writeln!(
            out,
            "  {} [shape=box3d, style=filled, fillcolor=\"#e8ffe8\", label={}];",
            quote(&format!("tap:{}", t.name)),
            quote(&format!("VM on tap {}", t.name))
        );
        if let Some(b) = &t.bridge {
            let colour = t
                .vlans
                .first()
                .map_or("#000000", |v| vlan_colour(v.vid.get()));
            let _ = writeln!(
                out,
                "  {} -- {} [color=\"{colour}\", penwidth=2];",
                quote(&format!("tap:{}", t.name)),
                bridge_id(&b.to_string())
            );
        }
    }
    for b in &lab.bridges {
        for u in &b.uplinks {
            let _ = writeln!(
                out,
                "  {} [shape=cds, style=filled, fillcolor=\"#dddddd\", label={}];",
                quote(&format!("uplink:{u}")),
                quote(&format!("uplink {u}"))
            );
            let _ = writeln!(
                out,
                "  {} -- {};",
                bridge_id(&b.name.to_string()),
                quote(&format!("uplink:{u}"))
            );
        }
    }
    for v in &lab.vlans {
        let _ = writeln!(
            out,
            "  {} [shape=note, color=\"{}\", label={}];",
            quote(&format!("vlan:{}", v.name)),
            vlan_colour(v.id.get()),
            quote(&format!(
                "{} (VLAN {})\\n{}",
                v.name,
                v.id.get(),
                v.addresses
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join("\\n")
            ))
        );
        let parent = if lab.bridges.iter().any(|b| b.name == v.parent) {
            bridge_id(&v.parent.to_string())
        } else {
            quote(&format!("uplink:{}", v.parent))
        };
        let _ = writeln!(
            out,
            "  {} -- {} [color=\"{}\", penwidth=2];",
            quote(&format!("vlan:{}", v.name)),
            parent,
            vlan_colour(v.id.get())
        );
    }
    if !lab.nat.is_empty() {
        let rules: Vec<String> = lab.nat.iter().map(|r| r.to_string()).collect();
        let _ = writeln!(
            out,
            "  \"nat\" [shape=hexagon, style=filled, fillcolor=\"#ffe0e0\", label={}];",
            quote(&format!("NAT\\n{}", rules.join("\\n")))
        );
        let mut outs: Vec<String> = Vec::new();
        for r in &lab.nat {
            if let crate::netfilter::nat::NatRule::Masquerade(m) = r {
                if !outs.contains(&m.out.to_string()) {
                    outs.push(m.out.to_string());
                }
            }
        }
        // The bridges with an address are the NATed networks' gateways.
        for b in lab.bridges.iter().filter(|b| b.address.is_some()) {
            let _ = writeln!(
                out,
                "  {} -- \"nat\" [style=dashed];",
                bridge_id(&b.name.to_string())
            );
        }
        for o in outs {
            let _ = writeln!(
                out,
                "  {} [shape=cds, style=filled, fillcolor=\"#dddddd\", label={}];",
                quote(&format!("uplink:{o}")),
                quote(&format!("uplink {o}"))
            );
            let _ = writeln!(out, "  \"nat\" -- {};", quote(&format!("uplink:{o}")));
        }
    }
    out.push_str("}\n");
    out
}
