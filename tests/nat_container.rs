//! Container NAT (`Netfilter::container_nat`): one nf_tables table per container
//! attachment, installed whole, compared and removed whole, witnessed by
//! `nft -j list ruleset` and `nft list table`.

use serde_json::Value;
use vnet::{ContainerNat, Error, HostPort, L4Protocol, MacCheck, Netfilter};
use vnet_testkit::*;

/// The rules of table `ip NAME` as `nft list table` prints them, one per line, in
/// chain order.
fn rules(ns: &TestNs, name: &str) -> Vec<String> {
    let out = ns.exec("nft", &["list", "table", "ip", name]);
    if !out.status.success() {
        return Vec::new();
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| l.contains("dnat") || l.contains("masquerade"))
        .map(String::from)
        .collect()
}

fn tables(ns: &TestNs) -> Vec<String> {
    let out = ns.run_ok("nft", &["-j", "list", "tables"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    v["nftables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.get("table")?["name"].as_str().map(String::from))
        .collect()
}

fn nat() -> ContainerNat {
    ContainerNat {
        address: "10.88.0.2".parse().unwrap(),
        subnet: "10.88.0.0/16".parse().unwrap(),
        masquerade: true,
        ports: vec![
            HostPort {
                host_ip: None,
                host_port: 8080,
                container_port: 80,
                protocol: L4Protocol::Tcp,
            },
            HostPort {
                host_ip: Some("192.0.2.1".parse().unwrap()),
                host_port: 5353,
                container_port: 53,
                protocol: L4Protocol::Udp,
            },
        ],
    }
}

#[test]
fn install_compare_and_remove_one_table() {
    let ns = TestNs::new("ctrnat");
    let nf = Netfilter::new(&ns.netns).unwrap();
    let handle = nf.container_nat();
    assert_eq!(handle.rule_counts("cni-a").unwrap(), None);
    handle.install("cni-a", "container a", &nat()).unwrap();
    let dnat = [
        "tcp dport 8080 fib daddr type local dnat to 10.88.0.2:80",
        "udp dport 5353 ip daddr 192.0.2.1 dnat to 10.88.0.2:53",
    ];
    let expected: Vec<String> = [
        dnat[0],
        dnat[1],
        dnat[0],
        dnat[1],
        "ip saddr 10.88.0.0/16 ip daddr 10.88.0.2 tcp dport 80 ct status dnat masquerade",
        "ip saddr 10.88.0.0/16 ip daddr 10.88.0.2 udp dport 53 ct status dnat masquerade",
        "ip saddr 10.88.0.2 ip daddr != 10.88.0.0/16 ip daddr != 224.0.0.0/4 masquerade",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(rules(&ns, "cni-a"), expected);
    assert_eq!(handle.rule_counts("cni-a").unwrap(), Some([2, 2, 3]));
    assert!(handle.matches("cni-a", &nat()).unwrap());

    // Installing again replaces the content: no duplicates.
    handle.install("cni-a", "container a", &nat()).unwrap();
    assert_eq!(rules(&ns, "cni-a"), expected);

    // A second attachment's table beside it; a rule deleted by hand shows.
    let mut other = nat();
    other.address = "10.88.0.3".parse().unwrap();
    other.ports.clear();
    handle.install("cni-b", "container b", &other).unwrap();
    assert_eq!(tables(&ns), ["cni-a", "cni-b"]);
    ns.run_ok("nft", &["flush", "chain", "ip", "cni-a", "output"]);
    assert!(!handle.matches("cni-a", &nat()).unwrap());
    assert!(handle.matches("cni-b", &other).unwrap());

    // Removing one leaves the other; removing twice is not an error.
    assert!(handle.remove("cni-a", Some(&nat())).unwrap());
    assert!(!handle.remove("cni-a", Some(&nat())).unwrap());
    assert_eq!(tables(&ns), ["cni-b"]);
    assert_eq!(
        rules(&ns, "cni-b"),
        ["ip saddr 10.88.0.3 ip daddr != 10.88.0.0/16 ip daddr != 224.0.0.0/4 masquerade"]
    );
    assert!(handle.remove("cni-b", None).unwrap());
    assert!(tables(&ns).is_empty());
}

#[test]
fn bad_input_changes_nothing() {
    let ns = TestNs::new("ctrnatbad");
    let nf = Netfilter::new(&ns.netns).unwrap();
    let mut bad = nat();
    bad.ports[1].container_port = 0;
    let e = nf.container_nat().install("cni-a", "a", &bad).unwrap_err();
    assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
    assert!(e.to_string().contains("5353:0/udp"), "{e}");
    let e = nf.container_nat().install("", "a", &nat()).unwrap_err();
    assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
    assert!(tables(&ns).is_empty());
}

/// A MAC check (`macspoofchk`): a `bridge` table of its own, beside a NAT table of the
/// same name, holding one rule, listed by owner, counted, replaced whole by a second
/// install, and removed without touching the NAT table.
#[test]
fn a_mac_check_is_a_bridge_table_of_its_own() {
    let ns = TestNs::new("ctrmac");
    let nf = Netfilter::new(&ns.netns).unwrap();
    let handle = nf.container_nat();
    let check = MacCheck {
        port: ifname("veth12345678"),
        mac: "02:42:0a:58:00:02".parse().unwrap(),
    };
    assert_eq!(handle.mac_check_rules("vnet-cni-a").unwrap(), None);
    handle.install("vnet-cni-a", "owner a", &nat()).unwrap();
    handle
        .install_mac_check("vnet-cni-a", "owner a", &check)
        .unwrap();
    // Installed again with another address: still one rule, the new one.
    let moved = MacCheck {
        mac: "02:42:0a:58:00:03".parse().unwrap(),
        ..check.clone()
    };
    handle
        .install_mac_check("vnet-cni-a", "owner a", &moved)
        .unwrap();
    let listed = ns.run_ok("nft", &["list", "table", "bridge", "vnet-cni-a"]);
    let drops: Vec<&str> = listed
        .lines()
        .map(str::trim)
        .filter(|l| l.ends_with("drop"))
        .collect();
    assert_eq!(
        drops,
        ["iifname \"veth12345678\" ether saddr != 02:42:0a:58:00:03 drop"],
        "{listed}"
    );
    assert_eq!(handle.mac_check_rules("vnet-cni-a").unwrap(), Some(1));
    assert_eq!(
        handle.list_mac_checks("vnet-cni-").unwrap(),
        [("vnet-cni-a".to_string(), "owner a".to_string())]
    );
    // The NAT table of the same name is another table, listed apart.
    assert_eq!(
        handle.list("vnet-cni-").unwrap(),
        [("vnet-cni-a".to_string(), "owner a".to_string())]
    );
    assert!(handle.remove_mac_check("vnet-cni-a").unwrap());
    assert!(!handle.remove_mac_check("vnet-cni-a").unwrap());
    assert_eq!(handle.mac_check_rules("vnet-cni-a").unwrap(), None);
    assert_eq!(tables(&ns), ["vnet-cni-a"], "the NAT table stays");
    assert_eq!(rules(&ns, "vnet-cni-a").len(), 7);
}
