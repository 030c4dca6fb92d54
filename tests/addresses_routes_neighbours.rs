//! Addresses, routes and neighbours, witnessed by `ip -j addr`, `ip -j route`,
//! `ip -j neigh`.

use vnet::ipnetwork::IpNetwork;
use vnet::{Family, LinkRef, MacAddr, NeighbourState, Route, Veth};
use vnet_testkit::*;

fn net(s: &str) -> IpNetwork {
    s.parse().unwrap()
}

fn pair(ns: &TestNs) {
    ns.handle
        .link()
        .add(&Veth::new(ifname("d0"), ifname("d1")).up())
        .unwrap();
    ns.handle.link().up(ifname("d1")).unwrap();
}

#[test]
fn addresses_ipv4_and_ipv6_add_list_delete_flush() {
    let ns = TestNs::new("addr");
    pair(&ns);
    let addrs = ns.handle.addr();
    addrs.add(ifname("d0"), net("10.20.0.1/24")).unwrap();
    addrs.add(ifname("d0"), net("10.20.0.2/24")).unwrap(); // secondary
    addrs.add(ifname("d0"), net("fd00:20::1/64")).unwrap();
    let mut seen = addresses(&ns, "d0");
    seen.retain(|a| !a.starts_with("fe80"));
    assert_eq!(seen, ["10.20.0.1/24", "10.20.0.2/24", "fd00:20::1/64"]);

    let mut listed: Vec<String> = addrs
        .list(Some(LinkRef::Name(ifname("d0"))))
        .unwrap()
        .into_iter()
        .map(|a| a.network.to_string())
        .filter(|a| !a.starts_with("fe80"))
        .collect();
    listed.sort();
    assert_eq!(listed, ["10.20.0.1/24", "10.20.0.2/24", "fd00:20::1/64"]);

    // add is exclusive; ensure is idempotent.
    let e = addrs.add(ifname("d0"), net("10.20.0.1/24")).unwrap_err();
    assert_eq!(e.errno(), 17, "{e}");
    // Newer kernels (6.18 here) explain EEXIST in the extended ACK ("ipv4: Address
    // already assigned"); Debian's 6.1 (the stock-kernel lane) sends no text.
    // The error carries the kernel's text when there is one, and only then.
    let expected = match e.kernel_message() {
        Some(text) => {
            assert_eq!(text, "ipv4: Address already assigned");
            "adding address 10.20.0.1/24 to 'd0': File exists (ipv4: Address already assigned)"
        }
        None => "adding address 10.20.0.1/24 to 'd0': File exists",
    };
    assert_eq!(e.to_string(), expected);
    addrs.ensure(ifname("d0"), net("10.20.0.1/24")).unwrap();

    addrs.delete(ifname("d0"), net("fd00:20::1/64")).unwrap();
    assert!(!addresses(&ns, "d0").contains(&"fd00:20::1/64".to_string()));

    addrs.flush(ifname("d0")).unwrap();
    assert!(
        addresses(&ns, "d0").iter().all(|a| a.starts_with("fe80")),
        "{:?}",
        addresses(&ns, "d0")
    );
}

#[test]
fn routes_default_gateway_device_metric_table() {
    let ns = TestNs::new("route");
    pair(&ns);
    ns.handle
        .addr()
        .add(ifname("d0"), net("10.30.0.1/24"))
        .unwrap();
    ns.handle
        .addr()
        .add(ifname("d0"), net("fd00:30::1/64"))
        .unwrap();
    let routes = ns.handle.route();

    routes
        .add(&Route::default_via("10.30.0.254".parse().unwrap()))
        .unwrap();
    routes
        .add(
            &Route::new(net("172.16.0.0/16"))
                .via("10.30.0.253".parse().unwrap())
                .metric(50),
        )
        .unwrap();
    routes
        .add(&Route::new(net("192.168.77.0/24")).dev(ifname("d0")))
        .unwrap();
    routes
        .add(
            &Route::new(net("198.51.100.0/24"))
                .via("10.30.0.252".parse().unwrap())
                .table(100),
        )
        .unwrap();
    routes
        .add(
            &Route::new(net("203.0.113.0/24"))
                .via("10.30.0.251".parse().unwrap())
                .table(1000),
        )
        .unwrap();
    routes
        .add(&Route::default_via("fd00:30::fe".parse().unwrap()))
        .unwrap();
    routes
        .add(&Route::new(net("fd00:99::/48")).via("fd00:30::fd".parse().unwrap()))
        .unwrap();

    let main = ns.ip_json(&["route", "show"]);
    let find = |v: &serde_json::Value, dst: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["dst"] == dst)
            .cloned()
    };
    let d = find(&main, "default").expect("default route");
    assert_eq!(d["gateway"], "10.30.0.254");
    let r = find(&main, "172.16.0.0/16").unwrap();
    assert_eq!(r["gateway"], "10.30.0.253");
    assert_eq!(r["metric"], 50);
    let r = find(&main, "192.168.77.0/24").unwrap();
    assert_eq!(r["dev"], "d0");
    assert_eq!(r["scope"], "link");
    let t100 = ns.ip_json(&["route", "show", "table", "100"]);
    assert_eq!(
        find(&t100, "198.51.100.0/24").unwrap()["gateway"],
        "10.30.0.252"
    );
    let t1000 = ns.ip_json(&["route", "show", "table", "1000"]);
    assert_eq!(
        find(&t1000, "203.0.113.0/24").unwrap()["gateway"],
        "10.30.0.251"
    );
    let v6 = ns.ip_json(&["-6", "route", "show"]);
    assert_eq!(find(&v6, "default").unwrap()["gateway"], "fd00:30::fe");
    assert_eq!(find(&v6, "fd00:99::/48").unwrap()["gateway"], "fd00:30::fd");

    // The library's own listing agrees with the witness.
    let listed = routes.list(Family::Ipv4).unwrap();
    assert!(
        listed.iter().any(|r| r.destination == net("0.0.0.0/0")
            && r.gateway == Some("10.30.0.254".parse().unwrap()))
    );
    assert!(
        listed
            .iter()
            .any(|r| r.destination == net("172.16.0.0/16") && r.metric == Some(50))
    );
    assert!(
        routes
            .list_table(Family::Ipv4, 1000)
            .unwrap()
            .iter()
            .any(|r| r.destination == net("203.0.113.0/24"))
    );
    assert!(
        routes
            .list(Family::Ipv6)
            .unwrap()
            .iter()
            .any(|r| r.destination == net("fd00:99::/48"))
    );

    routes
        .delete(&Route::new(net("172.16.0.0/16")).via("10.30.0.253".parse().unwrap()))
        .unwrap();
    routes
        .delete(&Route::default_via("10.30.0.254".parse().unwrap()))
        .unwrap();
    routes
        .delete(
            &Route::new(net("203.0.113.0/24"))
                .via("10.30.0.251".parse().unwrap())
                .table(1000),
        )
        .unwrap();
    // IPv6 routes and device routes go the same way.
    routes
        .delete(&Route::new(net("fd00:99::/48")).via("fd00:30::fd".parse().unwrap()))
        .unwrap();
    routes
        .delete(&Route::default_via("fd00:30::fe".parse().unwrap()))
        .unwrap();
    routes
        .delete(&Route::new(net("192.168.77.0/24")).dev(ifname("d0")))
        .unwrap();
    let main6 = ns.ip_json(&["-6", "route", "show"]);
    assert!(find(&main6, "fd00:99::/48").is_none(), "{main6}");
    assert!(find(&main6, "default").is_none(), "{main6}");
    let main = ns.ip_json(&["route", "show"]);
    assert!(find(&main, "192.168.77.0/24").is_none(), "{main}");
    assert!(find(&main, "172.16.0.0/16").is_none());
    assert!(find(&main, "default").is_none());
    assert!(
        ns.ip_json(&["route", "show", "table", "1000"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A route needs a gateway or a device; a gateway must match the family.
    let e = routes.add(&Route::new(net("10.99.0.0/16"))).unwrap_err();
    assert_eq!(e.errno(), 22, "{e}"); // EINVAL
    assert_eq!(
        e.to_string(),
        "invalid route '10.99.0.0/16': needs a gateway ('via') or a device ('dev')"
    );
    let e = routes
        .add(&Route::new(net("10.99.0.0/16")).via("fd00::1".parse().unwrap()))
        .unwrap_err();
    assert_eq!(e.errno(), 22, "{e}"); // EINVAL
    assert_eq!(
        e.to_string(),
        "invalid gateway 'fd00::1': not of the same address family as 10.99.0.0/16"
    );
    // Unreachable gateway: the kernel's reason is kept.
    let e = routes
        .add(&Route::new(net("10.98.0.0/16")).via("10.77.0.1".parse().unwrap()))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "adding route 10.98.0.0/16 via 10.77.0.1: Network is unreachable (Nexthop has invalid gateway)"
    );
    assert_eq!(e.errno(), 101, "{e}"); // ENETUNREACH
}

#[test]
fn neighbours_permanent_and_proxy_entries() {
    let ns = TestNs::new("neigh");
    pair(&ns);
    ns.handle
        .addr()
        .add(ifname("d0"), net("10.40.0.1/24"))
        .unwrap();
    let neigh = ns.handle.neigh();
    let mac: MacAddr = "02:12:34:56:78:9a".parse().unwrap();
    neigh
        .add(ifname("d0"), "10.40.0.9".parse().unwrap(), mac)
        .unwrap();
    neigh
        .add(ifname("d0"), "fd00:40::9".parse().unwrap(), mac)
        .unwrap();
    let seen = ns.ip_json(&["neigh", "show", "dev", "d0"]);
    let entry = seen
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["dst"] == "10.40.0.9")
        .unwrap()
        .clone();
    assert_eq!(entry["lladdr"], "02:12:34:56:78:9a");
    assert_eq!(entry["state"][0], "PERMANENT");
    assert!(
        seen.as_array()
            .unwrap()
            .iter()
            .any(|n| n["dst"] == "fd00:40::9")
    );
    let listed = neigh.list(Family::Any).unwrap();
    assert!(listed.iter().any(|n| n.address.to_string() == "10.40.0.9"
        && n.mac == Some(mac)
        && n.state == NeighbourState::PERMANENT));

    neigh
        .add_proxy(ifname("d0"), "172.16.99.1".parse().unwrap())
        .unwrap();
    neigh
        .add_proxy(ifname("d0"), "172.16.99.1".parse().unwrap())
        .unwrap(); // again: fine
    let proxies = ns.ip_json(&["neigh", "show", "proxy"]);
    assert_eq!(proxies.as_array().unwrap().len(), 1, "{proxies}");
    assert_eq!(proxies[0]["dst"], "172.16.99.1");
    assert_eq!(proxies[0]["dev"], "d0");
    let listed = neigh.list_proxy(Family::Any).unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].proxy);
    // An IPv6 proxy entry (proxy NDP): `ip -6 neigh add proxy ADDR dev d0`.
    neigh
        .add_proxy(ifname("d0"), "fd00:99::1".parse().unwrap())
        .unwrap();
    let proxies6 = ns.ip_json(&["-6", "neigh", "show", "proxy"]);
    assert_eq!(proxies6.as_array().unwrap().len(), 1, "{proxies6}");
    assert_eq!(proxies6[0]["dst"], "fd00:99::1");
    assert_eq!(neigh.list_proxy(Family::Any).unwrap().len(), 2);
    neigh
        .delete_proxy(ifname("d0"), "fd00:99::1".parse().unwrap())
        .unwrap();
    assert!(
        ns.ip_json(&["-6", "neigh", "show", "proxy"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    neigh
        .delete_proxy(ifname("d0"), "172.16.99.1".parse().unwrap())
        .unwrap();
    assert!(
        ns.ip_json(&["neigh", "show", "proxy"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    neigh
        .delete(ifname("d0"), "10.40.0.9".parse().unwrap())
        .unwrap();
    let seen = ns.ip_json(&["neigh", "show", "dev", "d0"]);
    assert!(
        !seen
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["dst"] == "10.40.0.9")
    );
    let e = neigh
        .delete(ifname("d0"), "10.40.0.9".parse().unwrap())
        .unwrap_err();
    assert_eq!(e.errno(), 2, "{e}"); // ENOENT
    assert_eq!(
        e.to_string(),
        "deleting neighbour 10.40.0.9 on 'd0': No such file or directory"
    );
}

#[test]
fn proxy_entries_survive_a_carrier_loss_like_iproute2s() {
    // The kernel drops a device's proxy entries on carrier loss unless they are
    // permanent; `ip neigh add proxy` makes them permanent, and so must vnet.
    let ns = TestNs::new("pcarrier");
    pair(&ns);
    let neigh = ns.handle.neigh();
    neigh
        .add_proxy(ifname("d0"), "172.16.98.1".parse().unwrap())
        .unwrap();
    let out = ns.exec("ip", &["neigh", "add", "proxy", "172.16.98.2", "dev", "d0"]);
    assert!(out.status.success(), "{out:?}");
    let proxies = |ns: &TestNs| {
        let mut dsts: Vec<String> = ns
            .ip_json(&["neigh", "show", "proxy"])
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                format!(
                    "{} {}",
                    n["dst"].as_str().unwrap(),
                    n["dev"].as_str().unwrap()
                )
            })
            .collect();
        dsts.sort();
        dsts
    };
    assert_eq!(proxies(&ns), ["172.16.98.1 d0", "172.16.98.2 d0"]);

    // d1 down: d0 loses its carrier. The kernel's link watch sets d0's operational
    // state and then tells the neighbour tables, both under the RTNL lock that
    // `ip link show` takes too: once the witness sees LOWERLAYERDOWN, the tables
    // have been told.
    ns.handle.link().down(ifname("d1")).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while ns.link_json("d0").unwrap()["operstate"] != "LOWERLAYERDOWN" {
        assert!(
            std::time::Instant::now() < deadline,
            "d0 never lost its carrier"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(proxies(&ns), ["172.16.98.1 d0", "172.16.98.2 d0"]);
    let listed = neigh.list_proxy(Family::Any).unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
}

/// Every typed output the library reads back prints exactly as `ip` prints it: address
/// scopes, route protocols, types and scopes (main and local tables, both families),
/// neighbour states. Each value is parsed from the kernel's own message and compared
/// with `ip -j` of the same object.
#[test]
fn typed_outputs_print_as_ip_prints_them() {
    let ns = TestNs::new("typed");
    pair(&ns);
    let h = &ns.handle;
    h.addr().add(ifname("d0"), net("10.50.0.1/24")).unwrap();
    h.addr().add(ifname("d0"), net("fd00:50::1/64")).unwrap();
    h.route()
        .add(&Route::new(net("10.51.0.0/16")).via("10.50.0.9".parse().unwrap()))
        .unwrap();
    // A protocol and a scope other than vnet's defaults, set by the witness tool.
    ns.run_ok(
        "ip",
        &[
            "route",
            "add",
            "10.52.0.0/16",
            "dev",
            "d0",
            "proto",
            "static",
            "scope",
            "host",
        ],
    );
    ns.run_ok(
        "ip",
        &["route", "add", "10.53.0.0/16", "dev", "d0", "proto", "199"],
    );
    ns.run_ok("ip", &["route", "add", "blackhole", "10.54.0.0/16"]);

    // Addresses: global, link (fe80::), host (lo).
    let mut scopes = std::collections::BTreeSet::new();
    for link in ns.ip_json(&["addr", "show"]).as_array().unwrap() {
        let index = link["ifindex"].as_u64().unwrap() as u32;
        for info in link["addr_info"].as_array().unwrap() {
            let ip: std::net::IpAddr = info["local"].as_str().unwrap().parse().unwrap();
            let ours = h
                .addr()
                .list(Some(LinkRef::Index(index)))
                .unwrap()
                .into_iter()
                .find(|a| a.network.ip() == ip)
                .unwrap_or_else(|| panic!("{ip} not listed"));
            assert_eq!(
                ours.scope.to_string(),
                info["scope"].as_str().unwrap(),
                "{ip}"
            );
            scopes.insert(ours.scope.to_string());
        }
    }
    assert_eq!(scopes, ["global", "host", "link"].map(String::from).into());

    // Routes of both families in the main and local tables.
    let mut words = std::collections::BTreeSet::new();
    for (family, flag) in [(Family::Ipv4, "-4"), (Family::Ipv6, "-6")] {
        for (table, name) in [(254, "main"), (255, "local")] {
            let witness = ns.ip_json(&[flag, "route", "show", "table", name]);
            let witness = witness.as_array().unwrap();
            let ours = h.route().list_table(family, table).unwrap();
            assert_eq!(
                ours.len(),
                witness.len(),
                "{flag} table {name}: {witness:?}"
            );
            for w in witness {
                let dst = w["dst"].as_str().unwrap();
                let r = ours
                    .iter()
                    .find(|r| {
                        let text = r.destination.to_string();
                        let host = r.destination.prefix()
                            == if r.destination.is_ipv4() { 32 } else { 128 };
                        text == dst
                            || (host && r.destination.ip().to_string() == dst)
                            || (dst == "default" && r.destination.prefix() == 0)
                    })
                    .unwrap_or_else(|| panic!("{dst} not listed"));
                // ip leaves out what is the default: unicast, global scope.
                let kind = w["type"].as_str().unwrap_or("unicast");
                let scope = w["scope"].as_str().unwrap_or("global");
                assert_eq!(r.kind.to_string(), kind, "{dst}");
                assert_eq!(r.scope.to_string(), scope, "{dst}");
                // ... and boot, the protocol of `ip route add`.
                let protocol = w["protocol"].as_str().unwrap_or("boot");
                assert_eq!(r.protocol.to_string(), protocol, "{dst}");
                if let Some(src) = w["prefsrc"].as_str() {
                    assert_eq!(r.source.map(|s| s.to_string()).as_deref(), Some(src));
                }
                words.insert(format!("{} {} {}", r.kind, r.scope, r.protocol));
            }
        }
    }
    for expected in [
        "unicast link kernel",
        "unicast global boot",
        "unicast host static",
        "unicast link 199",
        "blackhole global boot",
        "local host kernel",
        "broadcast link kernel",
        "multicast global kernel",
    ] {
        assert!(words.contains(expected), "{expected} not seen in {words:?}");
    }

    // Neighbours: the states ip lists with `nud all`.
    let mac = "02:00:00:00:50:01";
    for (addr, nud) in [
        ("10.50.0.11", "permanent"),
        ("10.50.0.12", "reachable"),
        ("10.50.0.13", "stale"),
        ("10.50.0.14", "noarp"),
    ] {
        ns.run_ok(
            "ip",
            &[
                "neigh", "replace", addr, "lladdr", mac, "dev", "d0", "nud", nud,
            ],
        );
    }
    let witness = ns.ip_json(&["-4", "neigh", "show", "nud", "all"]);
    let ours = h.neigh().list(Family::Ipv4).unwrap();
    let mut states = std::collections::BTreeSet::new();
    for w in witness.as_array().unwrap() {
        let dst = w["dst"].as_str().unwrap();
        let n = ours
            .iter()
            .find(|n| n.address.to_string() == dst)
            .unwrap_or_else(|| panic!("{dst} not listed"));
        let names: Vec<&str> = w["state"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(n.state.names(), names, "{dst}");
        assert_eq!(n.state.to_string(), names.join(" "), "{dst}");
        states.insert(n.state.to_string());
    }
    for expected in ["PERMANENT", "REACHABLE", "STALE", "NOARP"] {
        assert!(
            states.contains(expected),
            "{expected} not seen in {states:?}"
        );
    }
}
