//! NAT rules in vnet's own nf_tables table, witnessed by `nft -j list ruleset` run inside
//! the test's namespace: what is installed, idempotent add, exact delete, coexistence with
//! iptables rules and other nftables tables.

use serde_json::Value;
use vnet::{L4Protocol, Masquerade, NatRule, Netfilter, PortForward, Veth};
use vnet_testkit::*;

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
    table_rules(ns, "vnet")
}

/// The rules of `table ip TABLE` as nft shows them: (chain, expressions). A port
/// forward's companion rules (commented "vnet: ...", see tests/nat_bridge.rs) are left
/// out; [`companions`] counts them.
fn table_rules(ns: &TestNs, table: &str) -> Vec<(String, Value)> {
    ruleset(ns)["nftables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.get("rule"))
        .filter(|r| r["family"] == "ip" && r["table"] == table)
        .filter(|r| !is_companion(r))
        .map(|r| (r["chain"].as_str().unwrap().to_string(), r["expr"].clone()))
        .collect()
}

fn is_companion(rule: &Value) -> bool {
    rule["comment"]
        .as_str()
        .is_some_and(|c| c.starts_with("vnet: "))
}

/// How many companion rules of port forwards `table ip vnet` holds.
fn companions(ns: &TestNs) -> usize {
    ruleset(ns)["nftables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.get("rule"))
        .filter(|r| r["table"] == "vnet" && is_companion(r))
        .count()
}

/// Runs `nft COMMAND` inside the namespace and fails the test if nft does.
fn run_nft(ns: &TestNs, command: &str) {
    let out = ns.exec("nft", &[command]);
    assert!(
        out.status.success(),
        "nft {command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A rule in nft's own syntax, written out here (not taken from vnet's `Display`), so
/// that nft is the judge of what vnet writes.
fn rule_nft(rule: &NatRule) -> String {
    match rule {
        NatRule::Masquerade(m) => {
            let source = m
                .source
                .map(|s| format!(" ip saddr {s}"))
                .unwrap_or_default();
            format!("oifname \"{}\"{source} masquerade", m.out)
        }
        NatRule::PortForward(f) => {
            let input = f
                .input
                .as_ref()
                .map(|i| format!("iifname \"{i}\" "))
                .unwrap_or_default();
            let to_port = f.to_port.map(|p| format!(":{p}")).unwrap_or_default();
            format!(
                "{input}{} dport {} fib daddr type local dnat to {}{to_port}",
                f.protocol, f.port, f.to
            )
        }
    }
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
    assert_eq!(
        companions(&ns),
        4,
        "only the forward without an input interface has companions"
    );
    // A port forward is for a port of this host: it matches only packets addressed to
    // one of the host's own addresses (`fib daddr type local`), so connections through
    // the host to other machines' port 5555 are left alone.
    let local = serde_json::json!(
        {"match": {"op": "==", "left": {"fib": {"result": "type", "flags": ["daddr"]}}, "right": "local"}}
    );
    let expected: Value = serde_json::json!([
        {"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0.100"}},
        {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 5555}},
        local,
        {"dnat": {"addr": "192.168.0.2", "port": 22}}
    ]);
    assert_eq!(rules[0].1, expected, "{}", rules[0].1);
    let expected: Value = serde_json::json!([
        {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 53}},
        local,
        {"dnat": {"addr": "192.168.0.3"}}
    ]);
    assert_eq!(rules[1].1, expected, "{}", rules[1].1);
    // And exactly what nft itself makes of the same rules, written in its own syntax
    // into a table of the test's.
    run_nft(&ns, "add table ip written");
    run_nft(
        &ns,
        "add chain ip written prerouting { type nat hook prerouting priority dstnat ; }",
    );
    run_nft(
        &ns,
        &format!("add rule ip written prerouting {}", rule_nft(&rule)),
    );
    run_nft(
        &ns,
        &format!("add rule ip written prerouting {}", rule_nft(&udp)),
    );
    let written = table_rules(&ns, "written");
    assert_eq!(written.len(), 2);
    assert_eq!(rules[0].1, written[0].1, "vnet's rule differs from nft's");
    assert_eq!(rules[1].1, written[1].1, "vnet's rule differs from nft's");
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
    assert_eq!(
        companions(&ns),
        4,
        "the forward without -i has its four companions"
    );

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

// The engine's transaction tests (a refused transaction changes nothing, a stale
// generation is refused whole) live with the engine: vnet-core/src/netlink/nfnl.rs.

#[test]
fn vnet_reads_the_generation_itself_when_someone_else_changes_the_ruleset() {
    let ns = with_link("genid");
    let nf = Netfilter::new(&ns.netns).unwrap();
    let out = ns.exec("nft", &["add table inet other"]);
    assert!(out.status.success());
    let rule = NatRule::from(Masquerade::new(ifname("eth0.100")));
    assert!(nf.nat().add(&rule).unwrap());
    assert!(ns.exec("nft", &["add table inet other2"]).status.success());
    nf.nat().delete(&rule).unwrap();
    assert!(!tables(&ns).contains(&"ip vnet".to_string()));
}

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

#[test]
fn rules_nft_writes_in_vnets_form_are_listed_and_deleted_as_vnets() {
    let ns = with_link("decode");
    let nf = Netfilter::new(&ns.netns).unwrap();
    // Creates vnet's table and chains, then goes.
    let seed = NatRule::from(Masquerade::new(ifname("peer0")));
    nf.nat().add(&seed).unwrap();
    let forward = NatRule::from(
        PortForward::new(L4Protocol::Tcp, 2222, "10.0.0.9".parse().unwrap())
            .unwrap()
            .to_port(22)
            .unwrap(),
    );
    let masquerade =
        NatRule::from(Masquerade::new(ifname("eth0.100")).source("10.7.0.0/16".parse().unwrap()));
    run_nft(
        &ns,
        &format!("add rule ip vnet prerouting {}", rule_nft(&forward)),
    );
    run_nft(
        &ns,
        &format!("add rule ip vnet postrouting {}", rule_nft(&masquerade)),
    );
    let listed: Vec<NatRule> = nf
        .nat()
        .list()
        .unwrap()
        .into_iter()
        .map(|r| r.rule)
        .collect();
    assert_eq!(
        listed,
        vec![seed.clone(), masquerade.clone(), forward.clone()]
    );
    assert!(
        !nf.nat().add(&forward).unwrap(),
        "nft's rule is the same rule: nothing to add"
    );
    nf.nat().delete(&forward).unwrap();
    let left = vnet_rules(&ns);
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(
        left.iter().all(|(chain, _)| chain == "postrouting"),
        "{left:?}"
    );
    // Without the local-destination match it is not vnet's port forward: that rule
    // would also take connections to port 2222 of every other machine.
    run_nft(
        &ns,
        "add rule ip vnet prerouting tcp dport 2222 dnat to 10.0.0.9:22",
    );
    assert_eq!(
        nf.nat().list().unwrap().len(),
        2,
        "the hand-made rule is not vnet's"
    );
    assert!(nf.nat().delete(&forward).is_err());
}

#[test]
fn rules_added_by_hand_to_vnets_table_survive_vnets_deletes() {
    let ns = with_link("byhand");
    let nf = Netfilter::new(&ns.netns).unwrap();
    let ours = NatRule::from(Masquerade::new(ifname("eth0.100")));
    assert!(nf.nat().add(&ours).unwrap());
    // Someone adds a rule of their own to vnet's chain; vnet cannot decode it.
    run_nft(
        &ns,
        "add rule ip vnet postrouting ip daddr 10.9.9.9 counter accept",
    );
    assert_eq!(
        nf.nat().list().unwrap().len(),
        1,
        "only vnet's rule is listed"
    );
    nf.nat().delete(&ours).unwrap();
    let left = vnet_rules(&ns);
    assert_eq!(left.len(), 1, "the hand-added rule must survive: {left:?}");
    assert_eq!(left[0].0, "postrouting");
    assert!(left[0].1.to_string().contains("10.9.9.9"), "{left:?}");
    assert!(!left[0].1.to_string().contains("masquerade"), "{left:?}");
    assert!(nf.nat().list().unwrap().is_empty());

    // The same with the hand-made rule in the other chain, and vnet's rule added and
    // deleted twice.
    let forward =
        NatRule::from(PortForward::new(L4Protocol::Udp, 53, "10.0.0.2".parse().unwrap()).unwrap());
    for _ in 0..2 {
        nf.nat().add(&forward).unwrap();
        nf.nat().delete(&forward).unwrap();
    }
    let left = vnet_rules(&ns);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].1.to_string().contains("10.9.9.9"), "{left:?}");
    assert!(tables(&ns).contains(&"ip vnet".to_string()));
}

#[test]
fn chains_and_sets_added_by_hand_to_vnets_table_keep_it() {
    let ns = with_link("bychain");
    let nf = Netfilter::new(&ns.netns).unwrap();
    let ours = NatRule::from(Masquerade::new(ifname("eth0.100")));
    nf.nat().add(&ours).unwrap();
    // No rule besides vnet's, but a chain and a set of someone else's.
    run_nft(&ns, "add chain ip vnet mine");
    run_nft(&ns, "add set ip vnet blocked { type ipv4_addr ; }");
    nf.nat().delete(&ours).unwrap();
    let rs = ruleset(&ns);
    let objects = rs["nftables"].as_array().unwrap();
    let chains: Vec<&str> = objects
        .iter()
        .filter_map(|o| o.get("chain"))
        .filter(|c| c["table"] == "vnet")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(chains.contains(&"mine"), "{rs}");
    assert!(
        objects
            .iter()
            .filter_map(|o| o.get("set"))
            .any(|s| s["table"] == "vnet" && s["name"] == "blocked"),
        "{rs}"
    );
    assert!(vnet_rules(&ns).is_empty(), "vnet's own rule is gone");
    // Once they are gone, vnet's last delete removes the table again.
    run_nft(&ns, "delete chain ip vnet mine");
    run_nft(&ns, "delete set ip vnet blocked");
    nf.nat().add(&ours).unwrap();
    nf.nat().delete(&ours).unwrap();
    assert!(!tables(&ns).contains(&"ip vnet".to_string()));

    // One of vnet's chains deleted by hand: vnet's delete still removes its rule.
    nf.nat().add(&ours).unwrap();
    run_nft(&ns, "delete chain ip vnet prerouting");
    nf.nat().delete(&ours).unwrap();
    assert!(vnet_rules(&ns).is_empty());
    assert!(nf.nat().list().unwrap().is_empty());
}
