//! `vnet-cni` against the reference plugins: the same network run through `bridge` +
//! `host-local` + `portmap` (containernetworking-plugins, iptables inside the test's
//! own namespaces) and through `vnet-cni` + `host-local`, each in a fresh lab of
//! namespaces (a "host", an "outside" machine behind it, two containers). Both must
//! give the same results (MACs, host-end names and sandbox paths masked), the same
//! addresses, routes and bridge ports (`ip -j`, `bridge -j`), the same reachability
//! (real pings and TCP connections, including who the server saw as its peer, which
//! shows masquerade) and leave nothing behind after DEL. Run under
//! scripts/private-netns.sh.

mod cni_support;

use std::path::PathBuf;
use std::time::Instant;

use cni_support::*;
use serde_json::{Value, json};
use vnet_core::Veth;
use vnet_testkit::{TestNs, ifname};

/// The network both sides build: a gateway bridge with masquerade and hairpin.
fn bridge_plugin(kind: &str, leases: &LeaseDir) -> Value {
    json!({
        "type": kind,
        "bridge": "cni0",
        "isGateway": true,
        "isDefaultGateway": true,
        "ipMasq": true,
        "hairpinMode": true,
        "ipam": {"type": "host-local", "subnet": "10.77.0.0/24", "dataDir": leases.path()}
    })
}

fn reference_conflist(leases: &LeaseDir) -> Value {
    json!({
        "cniVersion": "1.0.0",
        "name": "difnet",
        "plugins": [
            bridge_plugin("bridge", leases),
            {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true}
        ]
    })
}

fn vnet_conflist(leases: &LeaseDir) -> Value {
    let mut plugin = bridge_plugin("vnet-cni", leases);
    plugin["capabilities"] = json!({"portMappings": true});
    json!({"cniVersion": "1.0.0", "name": "difnet", "plugins": [plugin]})
}

/// A bridge that is no gateway of default routes, with an MTU, promiscuous mode and a
/// host-local range with its own gateway and routes, in a 0.4.0 conflist, without NAT.
fn plain_plugin(kind: &str, leases: &LeaseDir) -> Value {
    json!({
        "cniVersion": "0.4.0",
        "name": "plainnet",
        "plugins": [{
            "type": kind,
            "bridge": "br-plain",
            "isGateway": true,
            "forceAddress": true,
            "mtu": 1400,
            "promiscMode": true,
            "ipam": {
                "type": "host-local",
                "ranges": [[{"subnet": "10.78.0.0/24", "rangeStart": "10.78.0.10", "gateway": "10.78.0.254"}]],
                "routes": [{"dst": "192.0.2.0/24"}, {"dst": "198.51.100.0/24", "gw": "10.78.0.254"}],
                "dataDir": leases.path()
            }
        }]
    })
}

fn plain_reference(leases: &LeaseDir) -> Value {
    plain_plugin("bridge", leases)
}

fn plain_vnet(leases: &LeaseDir) -> Value {
    plain_plugin("vnet-cni", leases)
}

fn plugin_path(kind: &str) -> PathBuf {
    if kind == "vnet-cni" {
        vnet_cni()
    } else {
        reference(kind)
    }
}

/// One side's lab: the host with `ext0` (192.168.77.1/24) towards the outside machine
/// (192.168.77.2/24, no route to the containers' subnet), and two container namespaces.
struct Lab {
    host: TestNs,
    outside: TestNs,
    c1: TestNs,
    c2: TestNs,
    leases: LeaseDir,
}

fn lab(side: &str) -> Lab {
    let host = TestNs::new(&format!("{side}h"));
    let outside = TestNs::new(&format!("{side}o"));
    host.disable_ipv6();
    outside.disable_ipv6();
    host.handle
        .link()
        .add(
            &Veth::new(ifname("ext0"), ifname("ext1"))
                .peer_netns(&outside.netns)
                .up(),
        )
        .unwrap();
    host.handle
        .addr()
        .add(ifname("ext0"), "192.168.77.1/24".parse().unwrap())
        .unwrap();
    outside.handle.link().up(ifname("ext1")).unwrap();
    outside
        .handle
        .addr()
        .add(ifname("ext1"), "192.168.77.2/24".parse().unwrap())
        .unwrap();
    let (c1, c2) = (
        TestNs::new(&format!("{side}c1")),
        TestNs::new(&format!("{side}c2")),
    );
    c1.disable_ipv6();
    c2.disable_ipv6();
    Lab {
        host,
        outside,
        c1,
        c2,
        leases: LeaseDir::new(side),
    }
}

/// A result with what differs by nature masked: MACs, the host end's random or
/// hashed name, the sandbox path.
fn masked(result: &Value) -> Value {
    let mut r = result.clone();
    for i in r["interfaces"].as_array_mut().unwrap() {
        if i.get("mac").is_some() {
            i["mac"] = json!("MAC");
        }
        if i["name"].as_str().unwrap().starts_with("veth") {
            i["name"] = json!("VETH");
        }
        if i.get("sandbox").is_some() {
            i["sandbox"] = json!("SANDBOX");
        }
    }
    r
}

fn host_end_masked(name: &str) -> String {
    if name.starts_with("veth") {
        "VETH".into()
    } else {
        name.into()
    }
}

/// What `ip -j` and `bridge -j` show of a namespace, reduced to what both sides must
/// share: IPv4 addresses per link, IPv4 routes, links (kind, master, MTU, state) and
/// bridge ports (state, hairpin).
fn kernel_view(ns: &TestNs) -> Value {
    let pick = |v: &Value, keys: &[&str]| -> Value {
        let mut out = serde_json::Map::new();
        for k in keys {
            if let Some(x) = v.get(*k) {
                let x = match x.as_str() {
                    Some(s) => json!(host_end_masked(s)),
                    None => x.clone(),
                };
                out.insert(k.to_string(), x);
            }
        }
        Value::Object(out)
    };
    let mut addresses: Vec<Value> = ns
        .ip_json(&["-4", "addr", "show"])
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let infos: Vec<Value> = l["addr_info"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| pick(a, &["local", "prefixlen", "scope", "broadcast"]))
                .collect();
            json!({"link": host_end_masked(l["ifname"].as_str().unwrap()), "addresses": infos})
        })
        .collect();
    addresses.sort_by_key(|v| v.to_string());
    let mut routes: Vec<Value> = ns
        .ip_json(&["-4", "route", "show", "table", "all"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            // The bridge's carrier follows its ports after a delay (linkwatch): when the
            // last port has just gone, "linkdown" may or may not show yet.
            if let Some(flags) = r.get_mut("flags").and_then(Value::as_array_mut) {
                flags.retain(|f| f != "linkdown");
            }
            pick(
                &r,
                &[
                    "type", "dst", "gateway", "dev", "protocol", "scope", "prefsrc", "flags",
                    "table",
                ],
            )
        })
        .collect();
    routes.sort_by_key(|v| v.to_string());
    let mut links: Vec<Value> = ns
        .ip_json(&["-d", "link", "show"])
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            json!({
                "name": host_end_masked(l["ifname"].as_str().unwrap()),
                "kind": l["linkinfo"]["info_kind"],
                "master": l.get("master"),
                "mtu": l["mtu"],
                "up": l["flags"].as_array().unwrap().contains(&json!("UP")),
                "promisc": l["promiscuity"],
            })
        })
        .collect();
    links.sort_by_key(|v| v.to_string());
    let mut ports: Vec<Value> = ns
        .bridge_json(&["-d", "link", "show"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            pick(
                p,
                &["ifname", "master", "state", "hairpin", "learning", "flood"],
            )
        })
        .collect();
    ports.sort_by_key(|v| v.to_string());
    json!({"addresses": addresses, "routes": routes, "links": links, "ports": ports})
}

/// Everything the side can reach, as (what, answer): pings give "ok", connections what
/// the service answered (its name and the peer address it saw).
fn reachability(lab: &Lab) -> Vec<(&'static str, Option<String>)> {
    serve(&lab.c1, 80, "c1");
    let ping = |ns: &TestNs, addr: &str| ns.pings_within(addr, 3).then(|| "ok".to_string());
    vec![
        ("c1 -> gateway", ping(&lab.c1, "10.77.0.1")),
        ("c1 -> outside (masquerade)", ping(&lab.c1, "192.168.77.2")),
        ("c2 -> c1", ping(&lab.c2, "10.77.0.2")),
        (
            "outside -> mapped port",
            connect(&lab.outside, "192.168.77.1:8080"),
        ),
        (
            "host -> mapped port",
            connect(&lab.host, "192.168.77.1:8080"),
        ),
        (
            "c2 -> mapped port (hairpin)",
            connect(&lab.c2, "192.168.77.1:8080"),
        ),
        (
            "c1 -> its own mapped port",
            connect(&lab.c1, "192.168.77.1:8080"),
        ),
        (
            "outside -> unmapped port",
            connect(&lab.outside, "192.168.77.1:8081"),
        ),
    ]
}

/// The rules (nft, which shows iptables-nft's too) that still name a container.
fn leftover_rules(ns: &TestNs) -> Vec<String> {
    let ruleset = ns.run_ok("nft", &["list", "ruleset"]);
    ruleset
        .lines()
        .filter(|l| l.contains("10.77.0.2") || l.contains("10.77.0.3"))
        .map(String::from)
        .collect()
}

struct Side {
    results: Vec<Value>,
    before: Value,
    containers: [Value; 2],
    reach: Vec<(&'static str, Option<String>)>,
    after: Value,
    leftover: Vec<String>,
    leases_after: Vec<String>,
    add_ms: f64,
    del_ms: f64,
}

/// Runs one side: two containers added (the first with a port mapping), CHECKed when
/// `check`, the kernel looked at, traffic tried when `traffic`, both deleted.
fn run_side(name: &str, conflist: fn(&LeaseDir) -> Value, check: bool, traffic: bool) -> Side {
    let lab = lab(name);
    let before = kernel_view(&lab.host);
    let mut rt = Runtime {
        host: &lab.host,
        conflist: conflist(&lab.leases),
        plugin_path: Box::new(plugin_path),
        port_mappings: json!([{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]),
    };
    let (n1, n2) = (netns_path(&lab.c1), netns_path(&lab.c2));
    let start = Instant::now();
    let r1 = rt.add("ctr-one", &n1);
    let add_ms = start.elapsed().as_secs_f64() * 1000.0;
    rt.port_mappings = json!([]);
    let r2 = rt.add("ctr-two", &n2);
    if check {
        for out in rt.check("ctr-two", &n2, &r2) {
            assert!(out.ok, "{name}: CHECK failed: {} {}", out.text, out.stderr);
        }
    }
    let containers = [kernel_view(&lab.c1), kernel_view(&lab.c2)];
    let mut host_view = kernel_view(&lab.host);
    host_view["before"] = before.clone();
    let reach = if traffic {
        reachability(&lab)
    } else {
        Vec::new()
    };
    rt.port_mappings = json!([{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]);
    let start = Instant::now();
    rt.del("ctr-one", Some(&n1), &r1);
    let del_ms = start.elapsed().as_secs_f64() * 1000.0;
    rt.port_mappings = json!([]);
    rt.del("ctr-two", Some(&n2), &r2);
    Side {
        results: vec![masked(&r1), masked(&r2), host_view],
        before,
        containers,
        reach,
        after: kernel_view(&lab.host),
        leftover: leftover_rules(&lab.host),
        leases_after: lab.leases.leases(),
        add_ms,
        del_ms,
    }
}

#[test]
fn vnet_cni_matches_bridge_host_local_portmap() {
    let reference = run_side("ref", reference_conflist, true, true);
    let vnet = run_side("vnet", vnet_conflist, true, true);
    eprintln!(
        "one container through the chain: reference ADD {:.1} ms, DEL {:.1} ms; vnet-cni ADD {:.1} ms, DEL {:.1} ms",
        reference.add_ms, reference.del_ms, vnet.add_ms, vnet.del_ms
    );

    for (what, answer) in &vnet.reach {
        eprintln!("vnet-cni: {what}: {answer:?}");
    }

    // The same results, and the same host after ADD.
    assert_eq!(
        vnet.results[0], reference.results[0],
        "result of the first container"
    );
    assert_eq!(
        vnet.results[1], reference.results[1],
        "result of the second container"
    );
    assert_eq!(vnet.results[2], reference.results[2], "the host after ADD");
    assert_eq!(
        vnet.containers[0], reference.containers[0],
        "the first container"
    );
    assert_eq!(
        vnet.containers[1], reference.containers[1],
        "the second container"
    );

    // The same reachability, and every path works (both sides failing alike would
    // prove nothing), except the unmapped port.
    assert_eq!(vnet.reach, reference.reach);
    for (what, answer) in &reference.reach {
        if what.contains("unmapped") {
            assert_eq!(answer, &None, "{what}");
        } else {
            assert!(answer.is_some(), "{what}: unreachable on both sides");
        }
    }
    let peers: Vec<&str> = reference
        .reach
        .iter()
        .filter_map(|(_, a)| a.as_deref())
        .collect();
    assert!(
        peers.contains(&"hello from c1, you are 192.168.77.2"),
        "{peers:?}"
    );
    assert!(
        peers.contains(&"hello from c1, you are 10.77.0.1"),
        "hairpin is masqueraded: {peers:?}"
    );

    // After DEL: the host as before ADD but for the bridge, which both keep; no rule
    // names a container; no lease is left.
    assert_eq!(vnet.after, reference.after, "the host after DEL");
    assert!(reference.leftover.is_empty(), "{:?}", reference.leftover);
    assert!(vnet.leftover.is_empty(), "{:?}", vnet.leftover);
    assert!(reference.leases_after.is_empty() && vnet.leases_after.is_empty());
    let links_after: Vec<&Value> = vnet.after["links"].as_array().unwrap().iter().collect();
    let links_before = vnet.before["links"].as_array().unwrap().len();
    assert_eq!(
        links_after.len(),
        links_before + 1,
        "only the bridge stays: {links_after:?}"
    );
}

#[test]
fn vnet_cni_matches_bridge_with_mtu_promisc_routes_and_0_4_0() {
    // The reference bridge's CHECK fails here: it looks for an IPAM route without a
    // gateway as a route without a gateway, but added it via the gateway. vnet-cni's
    // CHECK takes the route as added.
    let reference = run_side("refp", plain_reference, false, false);
    let vnet = run_side("vnetp", plain_vnet, true, false);
    assert_eq!(reference.results[0]["cniVersion"], "0.4.0");
    assert_eq!(
        vnet.results[0], reference.results[0],
        "result of the first container"
    );
    assert_eq!(
        vnet.results[1], reference.results[1],
        "result of the second container"
    );
    assert_eq!(vnet.results[2], reference.results[2], "the host after ADD");
    assert_eq!(
        vnet.containers[0], reference.containers[0],
        "the first container"
    );
    assert_eq!(
        vnet.containers[1], reference.containers[1],
        "the second container"
    );
    assert_eq!(vnet.after, reference.after, "the host after DEL");
    assert!(reference.leases_after.is_empty() && vnet.leases_after.is_empty());
    // What the configuration asked for is there (both sides are equal, so one is
    // checked): the MTU on the bridge, promiscuous mode, the extra routes.
    let links = reference.results[2]["links"].to_string();
    assert!(
        links.contains(r#""mtu":1400,"name":"br-plain","promisc":1"#),
        "{links}"
    );
    let routes = reference.containers[0]["routes"].to_string();
    assert!(
        routes.contains("192.0.2.0/24") && routes.contains("198.51.100.0/24"),
        "{routes}"
    );
}

/// What `macspoofchk` lets through, on one side: the gateway answering the container
/// (with its own MAC), not answering it once its MAC is changed (a control ping first,
/// so silence means the drop), answering again with its own MAC back, and the rules
/// that still name the container's port after DEL.
fn spoof_check_side(name: &str, kind: &str) -> (Vec<(&'static str, bool)>, Vec<String>) {
    let lab = lab(name);
    let mut plugin = bridge_plugin(kind, &lab.leases);
    plugin["macspoofchk"] = json!(true);
    let rt = Runtime {
        host: &lab.host,
        conflist: json!({"cniVersion": "1.0.0", "name": "spoofnet", "plugins": [plugin]}),
        plugin_path: Box::new(plugin_path),
        port_mappings: json!([]),
    };
    let n1 = netns_path(&lab.c1);
    let r1 = rt.add("ctr-one", &n1);
    let port = r1["interfaces"][1]["name"].as_str().unwrap().to_string();
    let mac = lab.c1.ip_json(&["link", "show", "dev", "eth0"])[0]["address"]
        .as_str()
        .unwrap()
        .to_string();
    let answered = |ns: &TestNs| match ns.probe("10.77.0.1") {
        vnet_testkit::Probe::Answered => true,
        vnet_testkit::Probe::NoReply => false,
        vnet_testkit::Probe::Failed(why) => panic!("{name}: {why}"),
    };
    let own = lab.c1.pings_within("10.77.0.1", 3) && answered(&lab.c1);
    lab.c1.run_ok(
        "ip",
        &["link", "set", "eth0", "address", "02:00:00:00:00:99"],
    );
    lab.c1.run_ok("ip", &["neigh", "flush", "dev", "eth0"]);
    let spoofed = answered(&lab.c1);
    lab.c1
        .run_ok("ip", &["link", "set", "eth0", "address", &mac]);
    let back = lab.c1.pings_within("10.77.0.1", 5);
    rt.del("ctr-one", Some(&n1), &r1);
    let left = lab
        .host
        .run_ok("nft", &["list", "ruleset"])
        .lines()
        .filter(|l| l.contains(&port) || l.contains(&mac))
        .map(String::from)
        .collect();
    (
        vec![
            ("own MAC answered", own),
            ("spoofed MAC answered", spoofed),
            ("own MAC answered again", back),
        ],
        left,
    )
}

/// `macspoofchk`: vnet-cni drops what a container sends from another MAC address as the
/// reference `bridge` plugin does (its nftables rules in `table bridge nat`), lets its
/// own MAC through on both sides, and leaves no rule naming the container after DEL.
#[test]
fn macspoofchk_drops_spoofed_frames_as_the_reference_does() {
    let (reference, reference_left) = spoof_check_side("refm", "bridge");
    let (vnet, vnet_left) = spoof_check_side("vnetm", "vnet-cni");
    assert_eq!(
        reference,
        vec![
            ("own MAC answered", true),
            ("spoofed MAC answered", false),
            ("own MAC answered again", true),
        ]
    );
    assert_eq!(vnet, reference);
    assert!(reference_left.is_empty(), "{reference_left:?}");
    assert!(vnet_left.is_empty(), "{vnet_left:?}");
}
