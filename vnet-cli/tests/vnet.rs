//! The `vnet` command: its output (text and JSON) checked against independent witnesses
//! (`nft -j`, `sysctl`, `ip -j neigh`), errors that exit non-zero and change nothing,
//! and the committed man pages and completions kept in step with the parser.
//!
//! Kernel tests run inside their own named namespaces (run them under
//! scripts/private-netns.sh); the docs test needs no privileges.

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;
use vnet_core::{Netns, Veth};
use vnet_testkit::{TestNs, ifname};

/// A namespace (lo up) with a veth pair eth0/eth1, eth0 up with 10.0.0.1/24.
fn lab(tag: &str) -> TestNs {
    let ns = TestNs::new(tag);
    ns.handle
        .link()
        .add(&Veth::new(ifname("eth0"), ifname("eth1")).up())
        .unwrap();
    ns.handle
        .addr()
        .add(ifname("eth0"), "10.0.0.1/24".parse().unwrap())
        .unwrap();
    ns
}

/// The `vnet` command in a test namespace, and what it may change there.
trait Vnet {
    /// `vnet -n NAME ARGS...`.
    fn vnet(&self, args: &[&str]) -> Output;
    /// Everything the commands could change: the nftables ruleset, the forwarding and
    /// proxy ARP sysctls, the proxy neighbour entries.
    fn state(&self) -> String;
}

impl Vnet for TestNs {
    fn vnet(&self, args: &[&str]) -> Output {
        vnet(&[&["-n", self.name.as_str()], args].concat())
    }

    fn state(&self) -> String {
        let mut state = self.run_ok("nft", &["list", "ruleset"]);
        for key in [
            "net.ipv4.ip_forward",
            "net.ipv6.conf.all.forwarding",
            "net.ipv4.conf.eth0.forwarding",
            "net.ipv6.conf.eth0.forwarding",
            "net.ipv4.conf.eth0.proxy_arp",
        ] {
            state.push_str(&self.run_ok("sysctl", &[key]));
        }
        state.push_str(&self.run_ok("ip", &["neigh", "show", "proxy"]));
        state
    }
}

fn vnet(args: &[&str]) -> Output {
    Command::new(common::binary("vnet", env!("CARGO_BIN_EXE_vnet")))
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "vnet failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(out: Output) -> Value {
    let text = ok(out);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn errors_exit_non_zero_name_the_problem_and_change_nothing() {
    let ns = lab("errors");
    ok(ns.vnet(&["nat", "masquerade", "add", "-o", "eth0"]));
    let before = ns.state();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["nat", "masquerade", "add", "-o", "a/b"], 2, "'a/b'"),
        (
            &[
                "nat",
                "masquerade",
                "add",
                "-o",
                "eth0",
                "-s",
                "10.0.0.0/33",
            ],
            2,
            "10.0.0.0/33",
        ),
        (
            &["nat", "masquerade", "add", "-o", "eth0", "-s", "fd00::/64"],
            2,
            "IPv4 only",
        ),
        (&["nat", "masquerade", "add"], 2, "--out"),
        (
            &[
                "nat", "forward", "add", "-p", "sctp", "--port", "1", "--to", "10.0.0.2",
            ],
            2,
            "'sctp'",
        ),
        (
            &[
                "nat", "forward", "add", "-p", "tcp", "--port", "0", "--to", "10.0.0.2",
            ],
            2,
            "'0'",
        ),
        (
            &[
                "nat",
                "forward",
                "add",
                "-p",
                "tcp",
                "--port",
                "1",
                "--to",
                "10.0.0.2:70000",
            ],
            2,
            "70000",
        ),
        (
            &[
                "nat", "forward", "add", "-p", "tcp", "--port", "1", "--to", "fd00::1",
            ],
            2,
            "fd00::1",
        ),
        (&["nat", "masquerade", "del", "-o", "eth1"], 1, "not found"),
        (
            &[
                "nat", "forward", "del", "-p", "udp", "--port", "53", "--to", "10.0.0.2",
            ],
            1,
            "not found",
        ),
        (
            &["forward", "on", "--dev", "nosuch0"],
            1,
            "link 'nosuch0' not found",
        ),
        (&["forward", "sideways"], 2, "sideways"),
        (&["proxy-arp", "on", "eth0"], 2, "eth0"),
        (&["proxy-arp", "on", "dev", "nosuch0"], 1, "nosuch0"),
        (
            &["proxy-arp", "add", "10.0.0.300", "dev", "eth0"],
            2,
            "10.0.0.300",
        ),
        (
            &["proxy-arp", "add", "10.0.0.9", "dev", "nosuch0"],
            1,
            "nosuch0",
        ),
        (&["conntrack", "list", "-s", "nowhere"], 2, "nowhere"),
        // Bad prefixes say what is wrong with them.
        (
            &["conntrack", "list", "-s", "10.0.0.0/33"],
            2,
            "'10.0.0.0/33': prefix length 33 is longer than 32, the length of an IPv4 address",
        ),
        (
            &["conntrack", "flush", "-s", "fd00::/129"],
            2,
            "'fd00::/129': prefix length 129 is longer than 128, the length of an IPv6 address",
        ),
        (
            &["conntrack", "list", "-s", "nowhere/24"],
            2,
            "'nowhere/24': 'nowhere' is not an IPv4 or IPv6 address",
        ),
        (
            &["conntrack", "list", "-s", "10.0.0.0/x"],
            2,
            "'10.0.0.0/x': prefix length 'x' is not a number",
        ),
        (
            &["conntrack", "list", "-s", "10.0.0.0/"],
            2,
            "'10.0.0.0/': no prefix length after '/'",
        ),
        (
            &[
                "nat",
                "masquerade",
                "add",
                "-o",
                "eth0",
                "-s",
                "10.0.0.0/40",
            ],
            2,
            "'10.0.0.0/40': prefix length 40 is longer than 32",
        ),
        (
            &["nat", "masquerade", "add", "-o", "eth0", "-s", "10.0.0/8"],
            2,
            "'10.0.0' is not an IPv4 or IPv6 address",
        ),
    ];
    for (args, code, needle) in cases {
        let out = ns.vnet(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: '{needle}' not in: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(ns.state(), before, "failed commands must change nothing");

    let out = vnet(&["-n", "vnet-no-such-netns", "nat", "show"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'vnet-no-such-netns' not found"));
}

/// Messages that used to mislead, word for word: an IPv6 target read as a bad port, and
/// the caller's own namespace described as a bare "netns".
#[test]
fn nat_messages_say_what_is_wrong_and_where() {
    let ns = lab("nat-messages");
    let before = ns.state();
    for target in ["fd00::1", "[fd00::1]:22"] {
        let out = ns.vnet(&[
            "nat", "forward", "add", "-p", "tcp", "--port", "5555", "--to", target,
        ]);
        assert_eq!(out.status.code(), Some(2), "{target}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let expected = format!(
            "invalid value '{target}' for '--to <ADDR[:PORT]>': invalid target '{target}': IPv6 \
             targets are not supported (NAT rules are IPv4 only, table ip vnet)"
        );
        assert!(stderr.contains(&expected), "{stderr}");
    }
    // Without -n, vnet acts in its own namespace and says so.
    let binary = common::binary("vnet", env!("CARGO_BIN_EXE_vnet"));
    let out = ns
        .command_as("vnet", &binary)
        .args([
            "nat", "forward", "del", "-p", "udp", "--port", "53", "--to", "10.0.0.2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "vnet: deleting NAT rule in this network namespace: NAT rule 'udp dport 53 fib daddr \
         type local dnat to 10.0.0.2' not found\n"
    );
    // With -n NAME, the message names the namespace.
    let out = Command::new("ip")
        .args(["netns", "exec", &ns.name])
        .args(vnet_testkit::invoke_as("vnet", &binary))
        .args([
            "-n", &ns.name, "nat", "forward", "del", "-p", "udp", "--port", "53",
        ])
        .args(["--to", "10.0.0.2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "vnet: deleting NAT rule in netns '{}': NAT rule 'udp dport 53 fib daddr type local \
             dnat to 10.0.0.2' not found\n",
            ns.name
        )
    );
    assert_eq!(ns.state(), before, "failed commands must change nothing");
}

#[test]
fn nat_commands_match_nft_and_json_parses() {
    let ns = lab("nat");
    ok(ns.vnet(&[
        "nat",
        "masquerade",
        "add",
        "-o",
        "eth0",
        "-s",
        "192.168.0.7/24",
    ]));
    ok(ns.vnet(&[
        "nat",
        "masquerade",
        "add",
        "-o",
        "eth0",
        "-s",
        "192.168.0.0/24",
    ]));
    ok(ns.vnet(&[
        "nat",
        "forward",
        "add",
        "-p",
        "tcp",
        "--port",
        "5555",
        "--to",
        "192.168.0.2:22",
        "-i",
        "eth0",
    ]));
    ok(ns.vnet(&[
        "nat",
        "forward",
        "add",
        "-p",
        "udp",
        "--port",
        "53",
        "--to",
        "192.168.0.3",
    ]));

    // Witness: nft sees exactly three rules in table ip vnet, and the four companions
    // of the forward without -i (host and hairpin), which `nat show` does not list.
    let ruleset: Value =
        serde_json::from_str(&ns.run_ok("nft", &["-j", "list", "ruleset"])).unwrap();
    let (companions, nft_rules): (Vec<&Value>, Vec<&Value>) = ruleset["nftables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.get("rule"))
        .filter(|r| r["table"] == "vnet")
        .partition(|r| {
            r["comment"]
                .as_str()
                .is_some_and(|c| c.ends_with("of port forward udp 53 to 192.168.0.3:53"))
        });
    assert_eq!(nft_rules.len(), 3, "{ruleset}");
    assert_eq!(companions.len(), 4, "{ruleset}");

    let shown = json(ns.vnet(&["-j", "nat", "show"]));
    let shown = shown.as_array().unwrap();
    assert_eq!(shown.len(), 3);
    assert_eq!(shown[0]["type"], "masquerade");
    assert_eq!(shown[0]["out"], "eth0");
    assert_eq!(shown[0]["source"], "192.168.0.0/24");
    assert_eq!(shown[1]["type"], "forward");
    assert_eq!(shown[1]["protocol"], "tcp");
    assert_eq!(shown[1]["port"], 5555);
    assert_eq!(shown[1]["to"], "192.168.0.2");
    assert_eq!(shown[1]["to_port"], 22);
    assert_eq!(shown[1]["in"], "eth0");
    assert_eq!(shown[2]["to_port"], Value::Null);
    for (ours, theirs) in shown.iter().zip(&nft_rules) {
        assert_eq!(ours["handle"], theirs["handle"], "handles agree with nft");
    }

    // The text form is the command line that deletes the rule.
    let text = ok(ns.vnet(&["nat", "show"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].starts_with("forward -p tcp --port 5555 --to 192.168.0.2:22 -i eth0"),
        "{text}"
    );
    let delete: Vec<&str> = lines[1]
        .split("  #")
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let mut args = vec!["nat", delete[0], "del"];
    args.extend(&delete[1..]);
    ok(ns.vnet(&args));
    assert_eq!(
        json(ns.vnet(&["-j", "nat", "show"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // conntrack: traffic to the namespace's own address is tracked now that NAT hooks
    // are registered.
    ns.run_ok("ping", &["-c", "1", "-W", "2", "10.0.0.1"]);
    let entries = json(ns.vnet(&["-j", "conntrack", "list", "-s", "10.0.0.1"]));
    let entries = entries.as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["protocol"] == "icmp" && e["original"]["src"] == "10.0.0.1"),
        "{entries:?}"
    );
    let witness = ns.run_ok("conntrack", &["-L", "-p", "icmp"]);
    assert!(witness.contains("src=10.0.0.1"), "{witness}");
    let deleted = json(ns.vnet(&["-j", "conntrack", "flush", "-s", "10.0.0.1"]));
    assert!(deleted["deleted"].as_u64().unwrap() >= 1);
    assert!(
        !ns.run_ok("conntrack", &["-L", "-p", "icmp"])
            .contains("src=10.0.0.1")
    );
    // A prefix selects the flows of a whole network.
    ns.run_ok("ping", &["-c", "1", "-W", "2", "10.0.0.1"]);
    let listed = json(ns.vnet(&["-j", "conntrack", "list", "-s", "10.0.0.0/24"]));
    assert!(!listed.as_array().unwrap().is_empty(), "{listed}");
    let listed = json(ns.vnet(&["-j", "conntrack", "list", "-s", "10.0.1.0/24"]));
    assert_eq!(listed.as_array().unwrap().len(), 0, "{listed}");
    let deleted = json(ns.vnet(&["-j", "conntrack", "flush", "-s", "10.0.0.0/24"]));
    assert!(deleted["deleted"].as_u64().unwrap() >= 1);
    assert!(
        !ns.run_ok("conntrack", &["-L", "-p", "icmp"])
            .contains("src=10.0.0.1")
    );
}

/// Turns conntrack on in the namespace for both IP families with a table of the test's
/// own (a `ct` rule in the output hook makes the kernel track flows); flows to port 7100
/// get the mark 7.
fn track(ns: &TestNs) {
    ns.run_ok("nft", &["add table inet marks"]);
    ns.run_ok(
        "nft",
        &["add chain inet marks out { type filter hook output priority 0 ; }"],
    );
    ns.run_ok(
        "nft",
        &["add rule inet marks out tcp dport 7100 ct mark set 7"],
    );
}

/// An open TCP connection to `to` inside the namespace: (client, server end, listener).
fn tcp(ns: &TestNs, to: &str) -> (TcpStream, TcpStream, TcpListener) {
    let to: SocketAddr = to.parse().unwrap();
    Netns::open(&ns.name)
        .unwrap()
        .run(move || {
            let listener = TcpListener::bind(to).unwrap();
            let client = TcpStream::connect_timeout(&to, Duration::from_secs(2)).unwrap();
            let (server, _) = listener.accept().unwrap();
            (client, server, listener)
        })
        .unwrap()
}

/// A conntrack(8) or `vnet conntrack list` line compared the way both print it: its
/// words without conntrack's `use=` count, and the time left apart (it ticks between
/// the two reads).
fn entry_words(line: &str) -> (Vec<&str>, u32) {
    let mut words: Vec<&str> = line
        .split_whitespace()
        .filter(|w| !w.starts_with("use="))
        .collect();
    let timeout = words.remove(2).parse().unwrap();
    (words, timeout)
}

#[test]
fn conntrack_text_output_matches_conntrack_l() {
    let ns = lab("cttext");
    track(&ns);
    let _marked = tcp(&ns, "10.0.0.1:7100");
    let _plain = tcp(&ns, "10.0.0.1:7101");
    let _v6 = tcp(&ns, "[::1]:7100");

    let text = ok(ns.vnet(&["conntrack", "list"]));
    for (family, port, mark) in [("ipv4", 7100, 7), ("ipv4", 7101, 0), ("ipv6", 7100, 7)] {
        let dport = format!("dport={port}");
        let witness = ns.run_ok(
            "conntrack",
            &[
                "-L",
                "-f",
                family,
                "-p",
                "tcp",
                "--dport",
                &port.to_string(),
            ],
        );
        let theirs: Vec<&str> = witness.lines().collect();
        assert_eq!(theirs.len(), 1, "{witness}");
        let v6 = family == "ipv6";
        let ours: Vec<&str> = text
            .lines()
            .filter(|l| {
                l.starts_with("tcp ")
                    && l.split_whitespace().any(|w| w == dport)
                    && l.contains("src=::1") == v6
            })
            .collect();
        assert_eq!(ours.len(), 1, "{family} {port}: {text}");
        let (our_words, our_timeout) = entry_words(ours[0]);
        let (their_words, their_timeout) = entry_words(theirs[0]);
        assert_eq!(
            our_words, their_words,
            "vnet: {}\nconntrack: {}",
            ours[0], theirs[0]
        );
        assert!(
            our_timeout.abs_diff(their_timeout) <= 2,
            "vnet {our_timeout} s, conntrack {their_timeout} s"
        );
        assert!(ours[0].ends_with(&format!(" mark={mark}")), "{}", ours[0]);
    }

    // -s with the IPv6 address lists only the IPv6 flow, as text too.
    let text = ok(ns.vnet(&["conntrack", "list", "-s", "::1"]));
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("src=::1 dst=::1 sport="), "{text}");
}

#[test]
fn conntrack_flush_without_an_address_deletes_every_entry() {
    let ns = lab("ctflush");
    track(&ns);
    let _v4 = tcp(&ns, "10.0.0.1:7102");
    let _v6 = tcp(&ns, "[::1]:7103");
    ns.run_ok("ping", &["-c", "1", "-W", "2", "10.0.0.1"]);
    let count = |family: &str| {
        ns.run_ok("conntrack", &["-L", "-f", family])
            .lines()
            .count()
    };
    assert!(count("ipv4") >= 2, "the TCP and ICMP flows are tracked");
    assert_eq!(count("ipv6"), 1);

    let out = ok(ns.vnet(&["conntrack", "flush"]));
    assert_eq!(out, "", "a full flush prints nothing");
    assert_eq!(count("ipv4"), 0, "{}", ns.run_ok("conntrack", &["-L"]));
    assert_eq!(
        count("ipv6"),
        0,
        "{}",
        ns.run_ok("conntrack", &["-L", "-f", "ipv6"])
    );
    assert_eq!(
        json(ns.vnet(&["-j", "conntrack", "list"])),
        Value::Array(Vec::new())
    );
}

#[test]
fn forward_on_and_off_without_a_device_switch_the_namespace() {
    let ns = lab("fwdall");
    let read = |key: &str| ns.run_ok("sysctl", &["-n", key]).trim().to_string();
    let (v4, v6) = ("net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding");
    assert_eq!((read(v4), read(v6)), ("0".into(), "0".into()));
    let steps: &[(&[&str], &str, &str)] = &[
        (&["forward", "on"], "1", "0"),
        (&["forward", "on", "--ipv6"], "1", "1"),
        (&["forward", "off"], "0", "1"),
        (&["forward", "off", "--ipv6"], "0", "0"),
        (&["forward", "on", "--ipv6"], "0", "1"),
    ];
    for (args, want_v4, want_v6) in steps {
        assert_eq!(ok(ns.vnet(args)), "", "{args:?}");
        assert_eq!(
            (read(v4).as_str(), read(v6).as_str()),
            (*want_v4, *want_v6),
            "after {args:?}"
        );
    }
    // ip_forward applies to every interface; the text output says so.
    assert_eq!(read("net.ipv4.conf.eth0.forwarding"), "0");
    let text = ok(ns.vnet(&["forward", "show"]));
    assert!(
        text.starts_with("ipv4 forwarding off\nipv6 forwarding on\n"),
        "{text}"
    );
}

#[test]
fn proxy_arp_text_output_matches_sysctl_and_ip_neigh() {
    let ns = lab("parptext");
    ok(ns.vnet(&["proxy-arp", "on", "dev", "eth1"]));
    ok(ns.vnet(&["proxy-arp", "add", "10.0.0.99", "dev", "eth0"]));
    ok(ns.vnet(&["proxy-arp", "add", "10.0.0.98", "dev", "eth1"]));
    let text = ok(ns.vnet(&["proxy-arp", "show"]));
    let mut devices = Vec::new();
    let mut entries = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["all", "proxy_arp", state] => {
                let sysctl = ns.run_ok("sysctl", &["-n", "net.ipv4.conf.all.proxy_arp"]);
                assert_eq!(*state == "on", sysctl.trim() == "1", "{line}");
            }
            ["dev", dev, "proxy_arp", state] => {
                let key = format!("net.ipv4.conf.{dev}.proxy_arp");
                let sysctl = ns.run_ok("sysctl", &["-n", &key]);
                assert_eq!(*state == "on", sysctl.trim() == "1", "{line}");
                devices.push(dev.to_string());
            }
            ["proxy", addr, "dev", dev] => entries.push((addr.to_string(), dev.to_string())),
            _ => panic!("unexpected line: {line}"),
        }
    }
    assert!(text.contains("dev eth1 proxy_arp on\n"), "{text}");
    assert!(text.contains("dev eth0 proxy_arp off\n"), "{text}");
    // Every interface, as `ip link` lists them.
    let links: Value = serde_json::from_str(&ns.run_ok("ip", &["-j", "link", "show"])).unwrap();
    let mut names: Vec<String> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ifname"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    devices.sort();
    assert_eq!(devices, names);
    // The proxy entries, as `ip neigh show proxy` lists them.
    let neigh: Value =
        serde_json::from_str(&ns.run_ok("ip", &["-j", "neigh", "show", "proxy"])).unwrap();
    let mut theirs: Vec<(String, String)> = neigh
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["dst"].as_str().unwrap().to_string(),
                n["dev"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    theirs.sort();
    entries.sort();
    assert_eq!(entries, theirs);
    assert_eq!(entries.len(), 2);
}

#[test]
fn forward_and_proxy_arp_commands_match_sysctl_and_ip() {
    let ns = lab("fwd");
    let shown = json(ns.vnet(&["-j", "forward", "show"]));
    assert_eq!(shown["ipv4"], false);
    ok(ns.vnet(&["forward", "on"]));
    assert_eq!(
        ns.run_ok("sysctl", &["-n", "net.ipv4.ip_forward"]).trim(),
        "1"
    );
    ok(ns.vnet(&["forward", "on", "--ipv6", "--dev", "eth0"]));
    assert_eq!(
        ns.run_ok("sysctl", &["-n", "net.ipv6.conf.eth0.forwarding"])
            .trim(),
        "1"
    );
    ok(ns.vnet(&["forward", "off", "--dev", "eth1"]));
    assert_eq!(
        ns.run_ok("sysctl", &["-n", "net.ipv4.conf.eth1.forwarding"])
            .trim(),
        "0"
    );
    let shown = json(ns.vnet(&["-j", "forward", "show"]));
    assert_eq!(shown["ipv4"], true);
    assert_eq!(shown["ipv6"], false);
    let dev = |name: &str| {
        shown["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["dev"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (dev("eth0")["ipv4"].clone(), dev("eth0")["ipv6"].clone()),
        (Value::Bool(true), Value::Bool(true))
    );
    assert_eq!(dev("eth1")["ipv4"], false);
    let text = ok(ns.vnet(&["forward", "show"]));
    assert!(
        text.contains("ipv4 forwarding on") && text.contains("dev eth0 ipv4 on ipv6 on"),
        "{text}"
    );

    ok(ns.vnet(&["proxy-arp", "on", "dev", "eth0"]));
    assert_eq!(
        ns.run_ok("sysctl", &["-n", "net.ipv4.conf.eth0.proxy_arp"])
            .trim(),
        "1"
    );
    ok(ns.vnet(&["proxy-arp", "add", "10.0.0.99", "dev", "eth0"]));
    let neigh: Value =
        serde_json::from_str(&ns.run_ok("ip", &["-j", "neigh", "show", "proxy"])).unwrap();
    assert_eq!(neigh[0]["dst"], "10.0.0.99");
    assert_eq!(neigh[0]["dev"], "eth0");
    let shown = json(ns.vnet(&["-j", "proxy-arp", "show"]));
    assert_eq!(shown["entries"][0]["address"], "10.0.0.99");
    assert_eq!(shown["entries"][0]["dev"], "eth0");
    let eth0 = shown["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dev"] == "eth0")
        .unwrap();
    assert_eq!(eth0["proxy_arp"], true);
    ok(ns.vnet(&["proxy-arp", "del", "10.0.0.99", "dev", "eth0"]));
    ok(ns.vnet(&["proxy-arp", "off", "dev", "eth0"]));
    assert_eq!(ns.run_ok("ip", &["neigh", "show", "proxy"]).trim(), "");
    assert_eq!(
        ns.run_ok("sysctl", &["-n", "net.ipv4.conf.eth0.proxy_arp"])
            .trim(),
        "0"
    );
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    out.sort();
    out
}

#[test]
fn committed_man_pages_and_completions_are_up_to_date() {
    let tmp = std::env::temp_dir().join(format!("vnet-docs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    ok(vnet(&["generate-docs", tmp.to_str().unwrap()]));
    let committed = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["man", "completions"] {
        let (fresh, kept) = (tmp.join(sub), committed.join(sub));
        assert_eq!(
            files(&fresh),
            files(&kept),
            "{sub}: regenerate with `vnet generate-docs vnet-cli`"
        );
        for file in files(&fresh) {
            let a = std::fs::read(fresh.join(&file)).unwrap();
            let b = std::fs::read(kept.join(&file)).unwrap();
            assert!(
                a == b,
                "{sub}/{} is stale: regenerate with `vnet generate-docs vnet-cli`",
                file.display()
            );
        }
    }
    let man = std::fs::read_to_string(tmp.join("man/vnet.8")).unwrap();
    assert!(man.contains("proxy\\-arp"), "vnet.8 lists the objects");
    let bash = std::fs::read_to_string(tmp.join("completions/vnet.bash")).unwrap();
    assert!(bash.contains("masquerade") && !bash.contains("generate-docs"));

    // Every page is titled by its full name and belongs to "vnet VERSION".
    let version = env!("CARGO_PKG_VERSION");
    for file in files(&tmp.join("man")) {
        let page = std::fs::read_to_string(tmp.join("man").join(&file)).unwrap();
        let name = file.file_stem().unwrap().to_str().unwrap();
        let th = page.lines().find(|l| l.starts_with(".TH ")).unwrap();
        let th = th.trim_end();
        assert!(
            th.starts_with(&format!(".TH {name} 8 "))
                && th.ends_with(&format!("\"vnet {version}\"")),
            "{}: {th}",
            file.display()
        );
    }
    // Synopses show a placeholder for every value, and `dev` as the word it is.
    let synopsis = |page: &str| {
        let text = std::fs::read_to_string(tmp.join("man").join(page)).unwrap();
        let mut lines = text.lines().skip_while(|l| *l != ".SH SYNOPSIS");
        lines.nth(1).unwrap().to_string()
    };
    let netns = r"[\fB\-n\fR|\fB\-\-netns\fR \fI<NETNS>\fR]";
    for (page, wanted) in [
        ("vnet.8", netns),
        ("vnet-forward-on.8", netns),
        ("vnet-forward-on.8", r"[\fB\-\-dev\fR \fI<IF>\fR]"),
        ("vnet-forward-on.8", r"[\fB\-\-ipv6\fR]"),
        (
            "vnet-conntrack-list.8",
            r"[\fB\-s\fR|\fB\-\-address\fR \fI<ADDR[/PREFIX]>\fR]",
        ),
        (
            "vnet-nat-masquerade-add.8",
            r"\fB\-o\fR|\fB\-\-out\fR \fI<IF>\fR",
        ),
        (
            "vnet-nat-forward-add.8",
            r"\fB\-\-to\fR \fI<ADDR[:PORT]>\fR",
        ),
        ("vnet-proxy-arp-on.8", r"\fBdev\fR \fI<IF>\fR"),
        ("vnet-proxy-arp-add.8", r"\fI<ADDR>\fR \fBdev\fR \fI<IF>\fR"),
    ] {
        let line = synopsis(page);
        assert!(line.contains(wanted), "{page}: '{wanted}' not in {line}");
    }
    assert!(synopsis("vnet-proxy-arp-on.8").starts_with(r"\fBvnet proxy\-arp on\fR "));
    // zsh shows argument names while completing: no internal field names.
    let zsh = std::fs::read_to_string(tmp.join("completions/_vnet")).unwrap();
    assert!(
        !zsh.contains("_keyword") && !zsh.contains("_dev_word"),
        "{zsh}"
    );
    assert!(zsh.contains("':dev -- The word \"dev\""), "{zsh}");
    assert!(zsh.contains("':interface -- The interface"), "{zsh}");
    // -s of conntrack says how it matches, in the man page as in --help.
    let list = std::fs::read_to_string(tmp.join("man/vnet-conntrack-list.8")).unwrap();
    assert!(
        list.contains("source or destination, of the original"),
        "{list}"
    );
    let help = ok(vnet(&["conntrack", "flush", "--help"]));
    assert!(help.contains("-s, --address <ADDR[/PREFIX]>"), "{help}");
    assert!(help.contains("conntrack -F"), "{help}");
    std::fs::remove_dir_all(&tmp).unwrap();
}
