//! Connection tracking entries as vnet lists them, against conntrack(8) run inside the
//! test's namespace: the connection mark, the time left, IPv6 entries.

use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use vnet::{ConntrackEntry, Netfilter};
use vnet_testkit::*;

/// A namespace whose conntrack is on for both IP families: a table of the test's own
/// (`inet`) with a `ct` rule in the output hook, which makes the kernel track flows.
/// Connections to port 7100 get the mark 7 from it.
fn tracked(tag: &str) -> TestNs {
    let ns = TestNs::new(tag);
    ns.run_ok("nft", &["add table inet marks"]);
    ns.run_ok(
        "nft",
        &["add chain inet marks out { type filter hook output priority 0 ; }"],
    );
    ns.run_ok(
        "nft",
        &["add rule inet marks out tcp dport 7100 ct mark set 7"],
    );
    ns
}

/// A connected TCP pair inside the namespace: (client, accepted server end, listener).
fn connection(ns: &TestNs, to: &str) -> (TcpStream, TcpStream, TcpListener) {
    let to: SocketAddr = to.parse().unwrap();
    ns.netns
        .run(move || {
            let listener = TcpListener::bind(to).unwrap();
            let client = TcpStream::connect_timeout(&to, Duration::from_secs(2)).unwrap();
            let (server, _) = listener.accept().unwrap();
            (client, server, listener)
        })
        .unwrap()
}

/// vnet's entry for the TCP flow to port `port`.
fn entry(nf: &Netfilter, port: u16) -> ConntrackEntry {
    let entries = nf.conntrack().list().unwrap();
    let found: Vec<&ConntrackEntry> = entries
        .iter()
        .filter(|e| e.protocol == 6 && e.original.dst_port == Some(port))
        .collect();
    assert_eq!(found.len(), 1, "one entry for port {port}: {entries:?}");
    found[0].clone()
}

/// The one line `conntrack -L ARGS` prints for the TCP flow to `port`.
fn witness(ns: &TestNs, family: &str, port: u16) -> String {
    let port = port.to_string();
    let out = ns.run_ok(
        "conntrack",
        &["-L", "-f", family, "-p", "tcp", "--dport", &port],
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    lines[0].to_string()
}

/// The value of `key=` in a conntrack(8) line.
fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key).and_then(|w| w.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {key}= in {line}"))
}

/// The time left in a conntrack(8) line: its third word.
fn timeout(line: &str) -> u32 {
    line.split_whitespace().nth(2).unwrap().parse().unwrap()
}

/// `conntrack -U` of the IPv4 TCP flow `client` opened (by its whole original tuple:
/// a filter by port alone answers EOPNOTSUPP on this kernel), with `change`.
fn update(ns: &TestNs, client: &TcpStream, change: &[&str]) {
    let (src, dst) = (client.local_addr().unwrap(), client.peer_addr().unwrap());
    let (src_ip, dst_ip) = (src.ip().to_string(), dst.ip().to_string());
    let (sport, dport) = (src.port().to_string(), dst.port().to_string());
    let mut args = vec![
        "-U", "-s", &src_ip, "-d", &dst_ip, "-p", "tcp", "--sport", &sport, "--dport", &dport,
    ];
    args.extend(change);
    ns.run_ok("conntrack", &args);
}

fn close_to(ours: u32, theirs: u32) -> bool {
    ours.abs_diff(theirs) <= 2
}

#[test]
fn the_mark_is_the_flows_mark() {
    let ns = tracked("ctmark");
    let nf = Netfilter::new(&ns.netns).unwrap();
    let _marked = connection(&ns, "127.0.0.1:7100");
    let plain = connection(&ns, "127.0.0.1:7101");

    // Set by the `ct mark set 7` rule.
    assert_eq!(field(&witness(&ns, "ipv4", 7100), "mark"), "7");
    assert_eq!(entry(&nf, 7100).mark, 7);
    assert_eq!(field(&witness(&ns, "ipv4", 7101), "mark"), "0");
    assert_eq!(entry(&nf, 7101).mark, 0);
    assert!(entry(&nf, 7100).to_string().ends_with(" mark=7"));

    // Set on the entry itself by conntrack(8).
    update(&ns, &plain.0, &["--mark", "305419896"]);
    assert_eq!(field(&witness(&ns, "ipv4", 7101), "mark"), "305419896");
    assert_eq!(entry(&nf, 7101).mark, 0x1234_5678);
    assert_eq!(entry(&nf, 7100).mark, 7, "the other entry keeps its mark");
}

#[test]
fn the_timeout_is_the_time_left() {
    let ns = tracked("cttimeout");
    let nf = Netfilter::new(&ns.netns).unwrap();
    let conn = connection(&ns, "127.0.0.1:7103");

    // An established TCP flow: days (nf_conntrack_tcp_timeout_established).
    let theirs = timeout(&witness(&ns, "ipv4", 7103));
    let ours = entry(&nf, 7103).timeout;
    assert!(
        close_to(ours, theirs),
        "vnet {ours} s, conntrack {theirs} s"
    );
    assert!(ours > 3600, "{ours}");

    // A time set by hand, far from any default.
    update(&ns, &conn.0, &["--timeout", "1234"]);
    let theirs = timeout(&witness(&ns, "ipv4", 7103));
    let ours = entry(&nf, 7103).timeout;
    assert!(close_to(theirs, 1234), "conntrack {theirs} s");
    assert!(
        close_to(ours, theirs),
        "vnet {ours} s, conntrack {theirs} s"
    );
}

#[test]
fn ipv6_entries_are_listed() {
    let ns = tracked("ctv6");
    let nf = Netfilter::new(&ns.netns).unwrap();
    let _v4 = connection(&ns, "127.0.0.1:7104");
    let _v6 = connection(&ns, "[::1]:7100");

    let line = witness(&ns, "ipv6", 7100);
    assert_eq!(field(&line, "src"), "::1", "{line}");
    let entry = entry(&nf, 7100);
    let loopback: IpAddr = "::1".parse().unwrap();
    assert_eq!(
        (entry.original.src, entry.original.dst),
        (loopback, loopback)
    );
    assert_eq!((entry.reply.src, entry.reply.dst), (loopback, loopback));
    assert_eq!(entry.reply.src_port, Some(7100));
    assert_eq!(entry.tcp_state, Some(vnet::TcpState::Established));
    // The state prints as conntrack -L prints it: "tcp 6 TIMEOUT ESTABLISHED src=...".
    assert_eq!(
        line.split_whitespace().nth(3),
        Some(entry.tcp_state.unwrap().to_string().as_str()),
        "{line}"
    );
    assert_eq!(entry.mark, 7, "the inet rule marks IPv6 flows too");
    assert!(close_to(entry.timeout, timeout(&line)));
    // IPv4 flows are listed beside it.
    assert_eq!(
        self::entry(&nf, 7104).original.src,
        "127.0.0.1".parse::<IpAddr>().unwrap()
    );
    // And a filtered flush by an IPv6 address takes only that flow.
    assert_eq!(nf.conntrack().flush_address(loopback).unwrap(), 1);
    let left = ns.run_ok("conntrack", &["-L", "-f", "ipv6"]);
    assert!(!left.contains("dport=7100"), "{left}");
    assert!(
        ns.run_ok("conntrack", &["-L", "-p", "tcp", "--dport", "7104"])
            .contains("dport=7104")
    );
}
