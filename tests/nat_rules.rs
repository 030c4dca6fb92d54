//! NAT rules in vnet's own nf_tables table, witnessed by `nft -j list ruleset` run inside
//! the test's namespace: what is installed, idempotent add, exact delete, coexistence with
//! iptables rules and other nftables tables.

mod common;

use common::*;
use serde_json::Value;
use vnet::{L4Protocol, Masquerade, NatRule, Netfilter, PortForward, Veth};

/// `nft -j list ruleset` inside the namespace, parsed.
fn ruleset(ns: &TestNs) -> Value {
    let out = ns.exec("nft", &["-j", "list", "ruleset"]);
    assert!(
        out.status.success(),
        "nft: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The rules of `table ip vnet` as nft shows them: (chain, expressions).
fn vnet_rules(ns: &TestNs) -> Vec<(String, Value)> {
    ruleset(ns)["nftables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.get("rule"))
        .filter(|r| r["family"] == "ip" && r["table"] == "vnet")
        .map(|r| (r["chain"].as_str().unwrap().to_string(), r["expr"].clone()))
        .collect()
}

fn tables(ns: &TestNs) -> Vec<String> {
    ruleset(ns)["nftables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.get("table"))
        .map(|t| {
            format!(
                "{} {}",
                t["family"].as_str().unwrap(),
                t["name"].as_str().unwrap()
            )
        })
        .collect()
}

fn with_link(tag: &str) -> TestNs {
    let ns = TestNs::new(tag);
    ns.handle
        .link()
        .add(&Veth::new(ifname("eth0.100"), ifname("peer0")).up())
        .unwrap();
    ns
}

#[test]
fn masquerade_is_installed_as_nft_would_write_it() {
    let ns = with_link("masq");
    let nf = Netfilter::new(&ns.netns).unwrap();
    let rule =
        NatRule::from(Masquerade::new(ifname("eth0.100")).source("10.1.0.7/16".parse().unwrap()));
    assert!(nf.nat().add(&rule).unwrap());
    let rules = vnet_rules(&ns);
    assert_eq!(rules.len(), 1, "{rules:?}");
    let (chain, expr) = &rules[0];
    assert_eq!(chain, "postrouting");
    let expected: Value = serde_json::json!([
        {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "eth0.100"}},
        {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                   "right": {"prefix": {"addr": "10.1.0.0", "len": 16}}}},
        {"masquerade": null}
    ]);
    assert_eq!(expr, &expected, "{expr}");
    // The chains are nat base chains at the standard priorities.
    let rs = ruleset(&ns);
    let chains: Vec<&Value> = rs["nftables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.get("chain"))
        .filter(|c| c["table"] == "vnet")
        .collect();
    let post = chains.iter().find(|c| c["name"] == "postrouting").unwrap();
    assert_eq!(
        (
            post["type"].as_str(),
            post["hook"].as_str(),
            post["prio"].as_i64()
        ),
        (Some("nat"), Some("postrouting"), Some(100))
    );
    let pre = chains.iter().find(|c| c["name"] == "prerouting").unwrap();
    assert_eq!(
        (
            pre["type"].as_str(),
            pre["hook"].as_str(),
            pre["prio"].as_i64()
        ),
        (Some("nat"), Some("prerouting"), Some(-100))
    );

    let listed = nf.nat().list().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].rule, rule);
}

#[test]
fn port_forward_is_installed_as_nft_would_write_it() {
    let ns = with_link("dnat");
    let nf = Netfilter::new(&ns.netns).unwrap();
    let rule = NatRule::from(
        PortForward::new(L4Protocol::Tcp, 5555, "192.168.0.2".parse().unwrap())
            .unwrap()
            .to_port(22)
            .unwrap()
            .input(ifname("eth0.100")),
    );
    nf.nat().add(&rule).unwrap();
    let udp = NatRule::from(
        PortForward::new(L4Protocol::Udp, 53, "192.168.0.3".parse().unwrap()).unwrap(),
    );
    nf.nat().add(&udp).unwrap();
    let rules = vnet_rules(&ns);
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert_eq!(rules[0].0, "prerouting");
    let expected: Value = serde_json::json!([
        {"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0.100"}},
        {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 5555}},
        {"dnat": {"addr": "192.168.0.2", "port": 22}}
    ]);
    assert_eq!(rules[0].1, expected, "{}", rules[0].1);
    let expected: Value = serde_json::json!([
        {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 53}},
        {"dnat": {"addr": "192.168.0.3"}}
    ]);
    assert_eq!(rules[1].1, expected, "{}", rules[1].1);
    let listed: Vec<NatRule> = nf
        .nat()
        .list()
        .unwrap()
        .into_iter()
        .map(|r| r.rule)
        .collect();
    assert_eq!(listed, vec![rule, udp]);
}

#[test]
fn add_is_idempotent_and_delete_removes_exactly_that_rule() {
    let ns = with_link("idem");
    let nf = Netfilter::new(&ns.netns).unwrap();
    let a = NatRule::from(Masquerade::new(ifname("eth0.100")));
    let b = NatRule::from(Masquerade::new(ifname("peer0")).source("10.0.0.0/8".parse().unwrap()));
    let c =
        NatRule::from(PortForward::new(L4Protocol::Tcp, 80, "10.0.0.2".parse().unwrap()).unwrap());
    assert!(nf.nat().add(&a).unwrap());
    assert!(!nf.nat().add(&a).unwrap(), "second add must change nothing");
    assert!(nf.nat().add(&b).unwrap());
    assert!(nf.nat().add(&c).unwrap());
    assert!(!nf.nat().add(&b).unwrap());
    assert_eq!(vnet_rules(&ns).len(), 3);

    nf.nat().delete(&a).unwrap();
    let left = vnet_rules(&ns);
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(
        left.iter()
            .all(|(_, e)| !e.to_string().contains("\"eth0.100\"")),
        "{left:?}"
    );
    let listed: Vec<NatRule> = nf
        .nat()
        .list()
        .unwrap()
        .into_iter()
        .map(|r| r.rule)
        .collect();
    assert_eq!(listed, vec![b.clone(), c.clone()]);

    // Deleting what is not there is an error that names the rule, and changes nothing.
    let e = nf.nat().delete(&a).unwrap_err();
    assert!(
        e.to_string().contains("oifname \"eth0.100\" masquerade"),
        "{e}"
    );
    assert!(e.to_string().contains("not found"), "{e}");
    assert_eq!(vnet_rules(&ns).len(), 2);

    nf.nat().delete(&c).unwrap();
    nf.nat().delete(&b).unwrap();
    assert!(
        !tables(&ns).contains(&"ip vnet".to_string()),
        "the last delete removes the table"
    );
    assert!(nf.nat().list().unwrap().is_empty());
    assert!(nf.nat().delete(&b).is_err());
}

#[test]
fn iptables_rules_and_other_tables_are_left_alone() {
    let ns = with_link("coexist");
    let run = |program: &str, args: &[&str]| {
        let out = ns.exec(program, args);
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // iptables-nft keeps its rules in nftables tables of its own (ip nat, ip filter);
    // iptables-legacy in the xtables; and a hand-written nft table besides.
    run(
        "iptables-nft",
        &[
            "-t",
            "nat",
            "-A",
            "POSTROUTING",
            "-o",
            "peer0",
            "-j",
            "MASQUERADE",
        ],
    );
    run(
        "iptables-nft",
        &["-A", "FORWARD", "-i", "peer0", "-j", "ACCEPT"],
    );
    run(
        "iptables-legacy",
        &[
            "-t",
            "nat",
            "-A",
            "PREROUTING",
            "-p",
            "tcp",
            "--dport",
            "8080",
            "-j",
            "DNAT",
            "--to-destination",
            "10.9.9.9",
        ],
    );
    run("nft", &["add table inet mine"]);
    run(
        "nft",
        &["add chain inet mine input { type filter hook input priority 0 ; }"],
    );
    run(
        "nft",
        &["add rule inet mine input tcp dport 22 counter accept"],
    );
    let snapshot = || {
        (
            run("iptables-nft-save", &[])
                .lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n"),
            run("iptables-legacy-save", &[])
                .lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n"),
            run("nft", &["list", "table", "inet", "mine"]),
        )
    };
    let before = snapshot();
    assert!(
        before.0.contains("-A POSTROUTING -o peer0 -j MASQUERADE"),
        "{}",
        before.0
    );
    assert!(
        before.1.contains("--to-destination 10.9.9.9"),
        "{}",
        before.1
    );

    let nf = Netfilter::new(&ns.netns).unwrap();
    let rules = [
        NatRule::from(Masquerade::new(ifname("peer0"))),
        NatRule::from(
            PortForward::new(L4Protocol::Tcp, 8080, "10.1.1.1".parse().unwrap()).unwrap(),
        ),
    ];
    for rule in &rules {
        nf.nat().add(rule).unwrap();
    }
    assert_eq!(vnet_rules(&ns).len(), 2);
    assert_eq!(
        nf.nat().list().unwrap().len(),
        2,
        "only vnet's own rules are listed"
    );
    assert_eq!(snapshot(), before);
    for rule in &rules {
        nf.nat().delete(rule).unwrap();
    }
    assert_eq!(snapshot(), before);
    let t = tables(&ns);
    assert!(!t.contains(&"ip vnet".to_string()), "{t:?}");
    assert!(
        t.contains(&"ip nat".to_string()) && t.contains(&"inet mine".to_string()),
        "{t:?}"
    );
}

#[test]
fn a_failed_transaction_reports_the_kernel_error_and_leaves_the_socket_usable() {
    use netlink_packet_netfilter::nftables::{
        NfTablesMessage, RuleAttribute, RuleMessage, TableAttribute, TableMessage,
    };
    use netlink_packet_netfilter::{NetfilterHeader, NetfilterMessage, NetfilterProtoFamily};
    use vnet::netlink::{NETLINK_NETFILTER, NetlinkSocket};

    let ns = TestNs::new("txerr");
    let mut socket = ns
        .netns
        .run(|| NetlinkSocket::open(NETLINK_NETFILTER))
        .unwrap()
        .unwrap();
    let ip = |inner: NfTablesMessage| {
        NetfilterMessage::new(
            NetfilterHeader::new(NetfilterProtoFamily::IPv4, 0, 0),
            inner,
        )
    };
    let table = ip(NfTablesMessage::NewTable(TableMessage {
        attributes: vec![TableAttribute::Name("t1".into())],
    }));
    // A rule in a chain that does not exist: the kernel rejects it, and with it the
    // table created earlier in the same transaction.
    let rule = ip(NfTablesMessage::NewRule(RuleMessage {
        attributes: vec![
            RuleAttribute::Table("t1".into()),
            RuleAttribute::Chain("nochain".into()),
            RuleAttribute::Expressions(vec![]),
        ],
    }));
    let e = socket
        .nfnl_transaction(vec![table.clone(), rule], NLM_F_CREATE)
        .unwrap_err();
    assert_eq!(e.errno(), ENOENT, "{e}");
    assert!(
        !tables(&ns).contains(&"ip t1".to_string()),
        "all or nothing"
    );
    socket.nfnl_transaction(vec![table], NLM_F_CREATE).unwrap();
    assert!(tables(&ns).contains(&"ip t1".to_string()));
}

const NLM_F_CREATE: u16 = 0x400;
const ENOENT: i32 = 2;

#[test]
fn a_transaction_at_a_stale_generation_is_refused_whole() {
    use netlink_packet_netfilter::nftables::{NfTablesMessage, TableAttribute, TableMessage};
    use netlink_packet_netfilter::{NetfilterHeader, NetfilterMessage, NetfilterProtoFamily};
    use vnet::netlink::{NETLINK_NETFILTER, NetlinkSocket};

    let ns = with_link("genid");
    let mut socket = ns
        .netns
        .run(|| NetlinkSocket::open(NETLINK_NETFILTER))
        .unwrap()
        .unwrap();
    let table = NetfilterMessage::new(
        NetfilterHeader::new(NetfilterProtoFamily::IPv4, 0, 0),
        NfTablesMessage::NewTable(TableMessage {
            attributes: vec![TableAttribute::Name("t2".into())],
        }),
    );
    let generation = socket.nft_generation().unwrap();
    // Someone else changes the ruleset after we read it...
    let out = ns.exec("nft", &["add table inet other"]);
    assert!(out.status.success());
    assert!(socket.nft_generation().unwrap() > generation);
    // ...so a change based on what we read is refused, and nothing of it is applied.
    let e = socket
        .nfnl_transaction_at(Some(generation), vec![table.clone()], NLM_F_CREATE)
        .unwrap_err();
    assert_eq!(e.errno(), ERESTART, "{e}");
    assert!(!tables(&ns).contains(&"ip t2".to_string()));
    let current = socket.nft_generation().unwrap();
    socket
        .nfnl_transaction_at(Some(current), vec![table], NLM_F_CREATE)
        .unwrap();
    assert!(tables(&ns).contains(&"ip t2".to_string()));

    // vnet's own add and delete read the generation themselves and still work.
    let nf = Netfilter::new(&ns.netns).unwrap();
    let rule = NatRule::from(Masquerade::new(ifname("eth0.100")));
    assert!(nf.nat().add(&rule).unwrap());
    nf.nat().delete(&rule).unwrap();
}

const ERESTART: i32 = 85;

#[test]
fn concurrent_adds_of_one_rule_leave_one_rule() {
    let ns = with_link("race");
    let rule = NatRule::from(Masquerade::new(ifname("peer0")));
    for round in 0..5 {
        let added: Vec<bool> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        let nf = Netfilter::new(&ns.netns).unwrap();
                        nf.nat().add(&rule).unwrap()
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        assert_eq!(
            added.iter().filter(|&&a| a).count(),
            1,
            "round {round}: {added:?}"
        );
        assert_eq!(vnet_rules(&ns).len(), 1, "round {round}");
        Netfilter::new(&ns.netns)
            .unwrap()
            .nat()
            .delete(&rule)
            .unwrap();
    }
}
