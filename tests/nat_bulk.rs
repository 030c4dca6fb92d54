//! NAT bulk calls (`NatHandle::add_many`, `delete_many`) and tables of one owner
//! (`Netfilter::nat_table`, `delete_table`), witnessed by `nft -j list ruleset` and by a
//! connection that the rules translate.

use std::process::Command;

use serde_json::Value;
use vnet::{Error, L4Protocol, Masquerade, NatRule, Netfilter, PortForward, Veth};
use vnet_testkit::*;

fn ruleset(ns: &TestNs) -> Value {
    let out = ns.exec("nft", &["-j", "list", "ruleset"]);
    assert!(
        out.status.success(),
        "nft: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The number of rules in `table ip TABLE`, and whether the table exists.
fn table(ns: &TestNs, name: &str) -> (bool, usize) {
    let all = ruleset(ns);
    let items = all["nftables"].as_array().unwrap();
    let exists = items
        .iter()
        .any(|o| o.get("table").is_some_and(|t| t["name"] == name));
    let rules = items
        .iter()
        .filter_map(|o| o.get("rule"))
        .filter(|r| r["table"] == name)
        .count();
    (exists, rules)
}

fn forward(port: u16) -> NatRule {
    PortForward::new(L4Protocol::Tcp, port, "10.0.0.2".parse().unwrap())
        .unwrap()
        .into()
}

#[test]
fn add_many_and_delete_many_are_one_transaction_each() {
    let ns = TestNs::new("natbulk");
    ns.handle
        .link()
        .add(&Veth::new(ifname("eth0"), ifname("eth1")).up())
        .unwrap();
    let nf = Netfilter::new(&ns.netns).unwrap();
    let masq: NatRule = Masquerade::new(ifname("eth0"))
        .source("10.0.0.0/24".parse().unwrap())
        .into();
    let rules = vec![forward(8080), forward(8081), masq.clone(), forward(8080)];
    // The duplicate is added once. A forward without an input interface is five
    // kernel rules (its own and four companions: host and hairpin).
    assert_eq!(nf.nat().add_many(&rules).unwrap(), 3);
    assert_eq!(table(&ns, "vnet"), (true, 11));
    // Again: nothing to add.
    assert_eq!(nf.nat().add_many(&rules).unwrap(), 0);
    assert_eq!(table(&ns, "vnet"), (true, 11));
    // One rule missing: nothing is deleted.
    let e = nf
        .nat()
        .delete_many(&[forward(8080), forward(9999)])
        .unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e}");
    assert!(e.to_string().contains("9999"), "{e}");
    assert_eq!(table(&ns, "vnet"), (true, 11));
    // Part of them: the table stays with the rest.
    nf.nat().delete_many(&[forward(8081)]).unwrap();
    assert_eq!(table(&ns, "vnet"), (true, 6));
    // The rest: the table goes too.
    nf.nat().delete_many(&[masq, forward(8080)]).unwrap();
    assert_eq!(table(&ns, "vnet"), (false, 0));
}

#[test]
fn a_table_of_its_own_is_deleted_whole_and_its_flows_flushed() {
    // client (10.9.0.2) -> host:8080 forwarded to server 10.8.0.2:80.
    let host = TestNs::new("nattbl");
    let server = TestNs::new("nattbls");
    let client = TestNs::new("nattblc");
    for (peer, name, host_addr, peer_addr) in [
        (&server, "tos", "10.8.0.1/24", "10.8.0.2/24"),
        (&client, "toc", "10.9.0.1/24", "10.9.0.2/24"),
    ] {
        host.handle
            .link()
            .add(
                &Veth::new(ifname(name), ifname("eth0"))
                    .peer_netns(&peer.netns)
                    .up(),
            )
            .unwrap();
        host.handle
            .addr()
            .add(ifname(name), host_addr.parse().unwrap())
            .unwrap();
        peer.handle.link().up(ifname("eth0")).unwrap();
        peer.handle
            .addr()
            .add(ifname("eth0"), peer_addr.parse().unwrap())
            .unwrap();
    }
    host.sh("sysctl -q -w net.ipv4.ip_forward=1");
    server.sh("ip route add default via 10.8.0.1");
    client.sh("ip route add default via 10.9.0.1");
    let nf = Netfilter::new(&host.netns).unwrap();
    let mine = nf.nat_table("vnet-lab-test").unwrap();
    let rule: NatRule = PortForward::new(L4Protocol::Tcp, 8080, "10.8.0.2".parse().unwrap())
        .unwrap()
        .to_port(80)
        .unwrap()
        .into();
    assert_eq!(mine.add_many(std::slice::from_ref(&rule)).unwrap(), 1);
    assert_eq!(
        table(&host, "vnet-lab-test"),
        (true, 5),
        "the forward and its companions"
    );
    assert_eq!(
        table(&host, "vnet"),
        (false, 0),
        "vnet's own table is untouched"
    );
    // A connection through the forward, left in conntrack.
    let server_side = server
        .command("sh")
        .args(["-c", "echo answered | timeout 10 nc -l -p 80 -q 1"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let answered = (0..20).any(|_| {
        let out = client.exec("sh", &["-c", "timeout 3 nc -q 1 10.9.0.1 8080 </dev/null"]);
        let ok = String::from_utf8_lossy(&out.stdout).contains("answered");
        if !ok {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        ok
    });
    assert!(answered, "the forward answered");
    let _ = server_side.wait_with_output();
    let conntrack = |ns: &TestNs| {
        let out = Command::new("ip")
            .args([
                "netns",
                "exec",
                &ns.name,
                "conntrack",
                "-L",
                "-d",
                "10.9.0.1",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("dport=8080"))
            .count()
    };
    assert!(conntrack(&host) >= 1, "the flow is tracked");
    assert!(mine.delete_table().unwrap());
    assert_eq!(table(&host, "vnet-lab-test"), (false, 0));
    assert_eq!(conntrack(&host), 0, "its flows were flushed");
    assert!(
        !mine.delete_table().unwrap(),
        "a second delete finds nothing"
    );
    assert!(nf.nat_table("").is_err());
}
