//! NATed VMs on a bridge, and port forwarding to one of them, with real traffic:
//!
//! ```text
//! vm1 (192.168.0.11) --\
//!                       br0 (192.168.0.1/24) host (uplink 10.99.0.1/24) ---- (10.99.0.2) outside
//! vm2 (192.168.0.12) --/
//! ```
//!
//! The outside namespace has no route to 192.168.0.0/24: the VMs reach it only through
//! the host's MASQUERADE, and it reaches vm1's port 22 only through the host's port
//! forward 5555 -> 192.168.0.11:22.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use vnet::{
    Bridge, L4Protocol, Masquerade, NatRule, Netfilter, PortForward, Route, SysctlKey, Sysctls,
    Veth,
};
use vnet_testkit::lane::{self, Feature};
use vnet_testkit::*;

struct Lab {
    host: TestNs,
    vm1: TestNs,
    vm2: TestNs,
    outside: TestNs,
}

fn lab() -> Lab {
    let host = TestNs::new("br-host");
    let vm1 = TestNs::new("br-vm1");
    let vm2 = TestNs::new("br-vm2");
    let outside = TestNs::new("br-out");
    let br = ifname("br0");
    host.handle
        .link()
        .add(&Bridge::new(br.clone()).up())
        .unwrap();
    host.handle
        .addr()
        .add(&br, "192.168.0.1/24".parse().unwrap())
        .unwrap();
    for (vm, tap, addr) in [
        (&vm1, "tap1", "192.168.0.11/24"),
        (&vm2, "tap2", "192.168.0.12/24"),
    ] {
        host.handle
            .link()
            .add(
                &Veth::new(ifname(tap), ifname("eth0"))
                    .peer_netns(&vm.netns)
                    .master(&br)
                    .up(),
            )
            .unwrap();
        vm.handle.link().up(ifname("eth0")).unwrap();
        vm.handle
            .addr()
            .add(ifname("eth0"), addr.parse().unwrap())
            .unwrap();
        vm.handle
            .route()
            .add(&Route::default_via("192.168.0.1".parse().unwrap()))
            .unwrap();
    }
    host.handle
        .link()
        .add(
            &Veth::new(ifname("uplink"), ifname("eth0"))
                .peer_netns(&outside.netns)
                .up(),
        )
        .unwrap();
    host.handle
        .addr()
        .add(ifname("uplink"), "10.99.0.1/24".parse().unwrap())
        .unwrap();
    outside.handle.link().up(ifname("eth0")).unwrap();
    outside
        .handle
        .addr()
        .add(ifname("eth0"), "10.99.0.2/24".parse().unwrap())
        .unwrap();
    Sysctls::new(&host.netns)
        .set(&SysctlKey::IpForward, 1)
        .unwrap();
    Lab {
        host,
        vm1,
        vm2,
        outside,
    }
}

fn listen(ns: &TestNs, port: u16) -> TcpListener {
    ns.netns
        .run(move || TcpListener::bind(("0.0.0.0", port)))
        .unwrap()
        .unwrap()
}

fn connect(ns: &TestNs, to: &str) -> std::io::Result<TcpStream> {
    let to: SocketAddr = to.parse().unwrap();
    ns.netns
        .run(move || TcpStream::connect_timeout(&to, Duration::from_secs(2)))
        .unwrap()
}

/// The next connection `listener` accepts within `wait`, or None.
fn accept_within(listener: &TcpListener, wait: Duration) -> Option<(TcpStream, SocketAddr)> {
    listener.set_nonblocking(true).unwrap();
    let deadline = std::time::Instant::now() + wait;
    let accepted = loop {
        match listener.accept() {
            Ok(accepted) => break Some(accepted),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if std::time::Instant::now() >= deadline {
                    break None;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("accept: {e}"),
        }
    };
    listener.set_nonblocking(false).unwrap();
    let (stream, peer) = accepted?;
    stream.set_nonblocking(false).unwrap();
    Some((stream, peer))
}

fn echo(client: &mut TcpStream, server: &mut TcpStream, data: &[u8]) -> Vec<u8> {
    client.write_all(data).unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut buf = vec![0; data.len()];
    match server.read_exact(&mut buf) {
        Ok(()) => buf,
        Err(_) => Vec::new(),
    }
}

/// The port forward of host port `port` to `to_port` on `to`, from every interface.
fn port_forward(protocol: L4Protocol, port: u16, to: &str, to_port: u16) -> PortForward {
    PortForward::new(protocol, port, to.parse().unwrap())
        .unwrap()
        .to_port(to_port)
        .unwrap()
}

#[test]
fn vms_behind_a_bridge_reach_outside_and_each_other() {
    let Lab {
        host,
        vm1,
        vm2,
        outside,
    } = lab();
    assert!(
        vm1.ping("192.168.0.12") && vm2.ping("192.168.0.11"),
        "the bridge joins the VMs"
    );
    assert!(
        vm1.cannot_ping("10.99.0.2"),
        "outside cannot answer 192.168.0.11 without NAT"
    );

    let nf = Netfilter::new(&host.netns).unwrap();
    let rule =
        NatRule::from(Masquerade::new(ifname("uplink")).source("192.168.0.0/24".parse().unwrap()));
    nf.nat().add(&rule).unwrap();
    assert!(vm1.ping("10.99.0.2"));
    assert!(vm2.ping("10.99.0.2"));
    assert!(
        vm1.ping("192.168.0.12") && vm2.ping("192.168.0.11"),
        "traffic inside the bridge still flows"
    );

    let server = listen(&outside, 8080);
    for vm in [&vm1, &vm2] {
        let mut client = connect(vm, "10.99.0.2:8080").unwrap();
        let (mut accepted, peer) = server.accept().unwrap();
        assert_eq!(
            peer.ip(),
            "10.99.0.1".parse::<IpAddr>().unwrap(),
            "masqueraded to the uplink"
        );
        assert_eq!(echo(&mut client, &mut accepted, b"hi"), b"hi");
    }
    // Traffic between the VMs is not translated: vm2 sees vm1's own address.
    let server = listen(&vm2, 8081);
    let _client = connect(&vm1, "192.168.0.12:8081").unwrap();
    let (_, peer) = server.accept().unwrap();
    assert_eq!(peer.ip(), "192.168.0.11".parse::<IpAddr>().unwrap());
}

#[test]
fn outside_reaches_a_vm_port_through_a_host_port() {
    let Lab {
        host,
        vm1,
        vm2: _vm2,
        outside,
    } = lab();
    let server = listen(&vm1, 22);
    assert!(
        connect(&outside, "10.99.0.1:5555").is_err(),
        "nothing on the host's port 5555"
    );

    let nf = Netfilter::new(&host.netns).unwrap();
    let rule = NatRule::from(
        port_forward(L4Protocol::Tcp, 5555, "192.168.0.11", 22).input(ifname("uplink")),
    );
    nf.nat().add(&rule).unwrap();

    let mut client = connect(&outside, "10.99.0.1:5555").unwrap();
    let (mut accepted, peer) = server.accept().unwrap();
    assert_eq!(
        peer.ip(),
        "10.99.0.2".parse::<IpAddr>().unwrap(),
        "the VM sees the real client"
    );
    assert_eq!(echo(&mut client, &mut accepted, b"SSH-2.0"), b"SSH-2.0");
    assert_eq!(
        echo(&mut accepted, &mut client, b"SSH-2.0-vm"),
        b"SSH-2.0-vm"
    );

    // conntrack(8) on the host shows the destination translation.
    let out = host.exec("conntrack", &["-L", "-p", "tcp", "--dport", "5555"]);
    let listing = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(listing.contains("src=10.99.0.2 dst=10.99.0.1"), "{listing}");
    assert!(
        listing.contains("src=192.168.0.11 dst=10.99.0.2 sport=22"),
        "{listing}"
    );
    let entry = nf
        .conntrack()
        .list()
        .unwrap()
        .into_iter()
        .find(|e| e.original.dst_port == Some(5555))
        .unwrap();
    assert!(entry.dst_nat() && !entry.src_nat());

    // Deleting the forward cuts the existing connection and refuses new ones.
    nf.nat().delete(&rule).unwrap();
    assert!(
        echo(&mut client, &mut accepted, b"more").is_empty(),
        "existing flow must stop"
    );
    assert!(connect(&outside, "10.99.0.1:5555").is_err());
}

#[test]
fn udp_port_forward_reaches_a_vm() {
    use std::net::UdpSocket;
    let Lab {
        host,
        vm1: _vm1,
        vm2,
        outside,
    } = lab();
    let server = vm2
        .netns
        .run(|| UdpSocket::bind("0.0.0.0:53"))
        .unwrap()
        .unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let client = outside
        .netns
        .run(|| UdpSocket::bind("0.0.0.0:0"))
        .unwrap()
        .unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();

    let nf = Netfilter::new(&host.netns).unwrap();
    let rule = NatRule::from(port_forward(L4Protocol::Udp, 5353, "192.168.0.12", 53));
    nf.nat().add(&rule).unwrap();
    client.send_to(b"query", "10.99.0.1:5353").unwrap();
    let mut buf = [0u8; 16];
    let (n, from) = server.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"query");
    assert_eq!(from.ip(), "10.99.0.2".parse::<IpAddr>().unwrap());
    server.send_to(b"answer", from).unwrap();
    let (n, replier) = client.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"answer");
    assert_eq!(
        replier,
        "10.99.0.1:5353".parse().unwrap(),
        "the reply comes back from the host port"
    );

    // After the delete (and its conntrack flush) the same client socket gets nowhere.
    nf.nat().delete(&rule).unwrap();
    client.send_to(b"again", "10.99.0.1:5353").unwrap();
    assert!(
        server.recv_from(&mut buf).is_err(),
        "the forward is gone for this flow too"
    );
}

#[test]
fn a_port_forward_takes_only_connections_to_the_host_itself() {
    let Lab {
        host,
        vm1,
        vm2,
        outside,
    } = lab();
    let nf = Netfilter::new(&host.netns).unwrap();
    nf.nat()
        .add(&NatRule::from(
            Masquerade::new(ifname("uplink")).source("192.168.0.0/24".parse().unwrap()),
        ))
        .unwrap();
    // Host port 5555 goes to vm2's port 7000, on every interface (no -i): what QEMU's
    // `-redir tcp:5555::7000` gives.
    nf.nat()
        .add(&NatRule::from(port_forward(
            L4Protocol::Tcp,
            5555,
            "192.168.0.12",
            7000,
        )))
        .unwrap();
    let forwarded = listen(&vm2, 7000);
    let remote = listen(&outside, 5555);
    let wait = Duration::from_secs(2);

    // vm1 opens a connection to port 5555 of a remote machine: it must reach that
    // machine, not be taken by the host's port forward.
    let mut client = connect(&vm1, "10.99.0.2:5555").unwrap();
    let (mut accepted, peer) =
        accept_within(&remote, wait).expect("the remote machine's port 5555 gets the connection");
    assert_eq!(
        accepted.local_addr().unwrap(),
        "10.99.0.2:5555".parse().unwrap(),
        "destination unchanged"
    );
    assert_eq!(
        peer.ip(),
        "10.99.0.1".parse::<IpAddr>().unwrap(),
        "masqueraded"
    );
    assert_eq!(echo(&mut client, &mut accepted, b"remote"), b"remote");
    assert!(
        accept_within(&forwarded, Duration::from_millis(200)).is_none(),
        "vm2 must not get vm1's connection to another machine"
    );

    // A connection to the host's own address on port 5555 is forwarded to vm2.
    let mut client = connect(&outside, "10.99.0.1:5555").unwrap();
    let (mut accepted, peer) =
        accept_within(&forwarded, wait).expect("the host port is forwarded to vm2");
    assert_eq!(peer.ip(), "10.99.0.2".parse::<IpAddr>().unwrap());
    assert_eq!(echo(&mut client, &mut accepted, b"forwarded"), b"forwarded");
    assert!(accept_within(&remote, Duration::from_millis(200)).is_none());
}

/// `nft -j list ruleset` of table ip vnet: (chain, comment) of every rule, and the
/// (name, hook, type) of every chain.
type VnetRuleset = (Vec<(String, Option<String>)>, Vec<(String, String, String)>);

fn vnet_ruleset(ns: &TestNs) -> VnetRuleset {
    let out = ns.exec("nft", &["-j", "list", "ruleset"]);
    assert!(out.status.success());
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = all["nftables"].as_array().unwrap();
    let ours = |o: &serde_json::Value| o["family"] == "ip" && o["table"] == "vnet";
    let rules = items
        .iter()
        .filter_map(|o| o.get("rule"))
        .filter(|r| ours(r))
        .map(|r| {
            let comment = r["comment"].as_str().map(str::to_string);
            (r["chain"].as_str().unwrap().to_string(), comment)
        })
        .collect();
    let chains = items
        .iter()
        .filter_map(|o| o.get("chain"))
        .filter(|c| ours(c))
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (text("name"), text("hook"), text("type"))
        })
        .collect();
    (rules, chains)
}

/// Host port 5555 forwarded to vm1's port 22 answers, with real TCP, from outside, from
/// the host itself (to its uplink and its bridge address) and from the VMs through the
/// host's bridge address (hairpin); 127.0.0.1 is deliberately not forwarded.
#[test]
fn a_port_forward_answers_outside_the_host_itself_and_hairpin() {
    let Lab {
        host,
        vm1,
        vm2,
        outside,
    } = lab();
    let server = listen(&vm1, 22);
    let wait = Duration::from_secs(2);
    // Control: nothing listens on the host's port 5555, so before the forward each of
    // these is refused, not lost.
    for to in ["10.99.0.1:5555", "192.168.0.1:5555", "127.0.0.1:5555"] {
        let err = connect(&host, to).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{to}");
    }

    let nf = Netfilter::new(&host.netns).unwrap();
    let rule = NatRule::from(port_forward(L4Protocol::Tcp, 5555, "192.168.0.11", 22));
    nf.nat().add(&rule).unwrap();
    assert_eq!(
        nf.nat()
            .list()
            .unwrap()
            .into_iter()
            .map(|r| r.rule)
            .collect::<Vec<_>>(),
        vec![rule.clone()],
        "the companions are not rules of their own"
    );

    // nft shows the forward and its four companions, in the chains they belong in.
    let (rules, chains) = vnet_ruleset(&host);
    let comment = |part: &str| {
        Some(format!(
            "vnet: {part} of port forward tcp 5555 to 192.168.0.11:22"
        ))
    };
    assert_eq!(
        rules,
        vec![
            ("postrouting".to_string(), comment("host masquerade")),
            ("postrouting".to_string(), comment("hairpin masquerade")),
            ("prerouting".to_string(), None),
            ("output".to_string(), comment("host dnat")),
            ("hairpin".to_string(), comment("hairpin mark")),
        ]
    );
    for chain in [
        ("output", "output", "nat"),
        ("hairpin", "prerouting", "filter"),
        ("prerouting", "prerouting", "nat"),
        ("postrouting", "postrouting", "nat"),
    ] {
        let chain = (
            chain.0.to_string(),
            chain.1.to_string(),
            chain.2.to_string(),
        );
        assert!(chains.contains(&chain), "{chain:?} in {chains:?}");
    }

    // From outside: the VM sees the real client.
    let mut client = connect(&outside, "10.99.0.1:5555").unwrap();
    let (mut accepted, peer) = accept_within(&server, wait).expect("outside -> forward");
    assert_eq!(peer.ip(), "10.99.0.2".parse::<IpAddr>().unwrap());
    assert_eq!(echo(&mut client, &mut accepted, b"outside"), b"outside");
    assert_eq!(echo(&mut accepted, &mut client, b"back"), b"back");

    // From the host itself, to its uplink address and to its bridge address: the VM
    // sees the host's bridge address (masqueraded), which it reaches directly.
    for to in ["10.99.0.1:5555", "192.168.0.1:5555"] {
        let mut client = connect(&host, to).unwrap_or_else(|e| panic!("host -> {to}: {e}"));
        let (mut accepted, peer) = accept_within(&server, wait).expect("host -> forward");
        assert_eq!(peer.ip(), "192.168.0.1".parse::<IpAddr>().unwrap(), "{to}");
        assert_eq!(echo(&mut client, &mut accepted, b"host"), b"host");
        assert_eq!(echo(&mut accepted, &mut client, b"vm"), b"vm");
    }

    // Hairpin: vm2 through the host's address on its bridge. (vm1 reaching itself this
    // way: `a_vm_reaches_its_own_port_forward_through_the_host`.)
    let mut client = connect(&vm2, "192.168.0.1:5555").unwrap();
    let (mut accepted, peer) = accept_within(&server, wait).expect("hairpin");
    assert_eq!(peer.ip(), "192.168.0.1".parse::<IpAddr>().unwrap());
    assert_eq!(echo(&mut client, &mut accepted, b"hairpin"), b"hairpin");
    assert_eq!(echo(&mut accepted, &mut client, b"pin"), b"pin");
    drop(vm1);

    // 127.0.0.1 is not forwarded (no route_localnet): the host's own port answers.
    let err = connect(&host, "127.0.0.1:5555").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    assert!(accept_within(&server, Duration::from_millis(200)).is_none());

    // Deleting the forward takes every part with it, and the table.
    nf.nat().delete(&rule).unwrap();
    assert_eq!(vnet_ruleset(&host), (Vec::new(), Vec::new()));
    for to in ["10.99.0.1:5555", "192.168.0.1:5555"] {
        let err = connect(&host, to).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{to}");
    }
}

/// A VM reaches its own port forward through the host's address on its bridge: the
/// connection comes back to it from the host's bridge address (hairpin masquerade), as
/// QEMU's hostfwd and CNI's portmap answer it. This machine's kernel drops such a packet
/// whoever wrote the rules (see `Feature::NatBackToSender`), so here the test runs in
/// the stock-kernel lane.
#[test]
fn a_vm_reaches_its_own_port_forward_through_the_host() {
    if !lane::runs_here(
        "a_vm_reaches_its_own_port_forward_through_the_host",
        &[Feature::NatBackToSender],
    ) {
        return;
    }
    let Lab { host, vm1, .. } = lab();
    let server = listen(&vm1, 22);
    let wait = Duration::from_secs(2);
    // Control: before the forward the host refuses the connection (nothing listens on
    // its port 5555), so what answers later is the forward.
    let err = connect(&vm1, "192.168.0.1:5555").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    let nf = Netfilter::new(&host.netns).unwrap();
    let rule = NatRule::from(port_forward(L4Protocol::Tcp, 5555, "192.168.0.11", 22));
    nf.nat().add(&rule).unwrap();
    let mut client = connect(&vm1, "192.168.0.1:5555").unwrap();
    let (mut accepted, peer) = accept_within(&server, wait).expect("vm1 -> its own forward");
    assert_eq!(peer.ip(), "192.168.0.1".parse::<IpAddr>().unwrap());
    assert_eq!(echo(&mut client, &mut accepted, b"self"), b"self");
    assert_eq!(echo(&mut accepted, &mut client, b"back"), b"back");
    // The host's conntrack entry shows the translation both ways.
    let flows = tcp_flows(&host);
    assert!(
        flows
            .iter()
            .any(|f| f.contains("src=192.168.0.11 dst=192.168.0.1 ")
                && f.contains("dport=5555 src=192.168.0.11 dst=192.168.0.1 sport=22")),
        "{flows:?}"
    );
    nf.nat().delete(&rule).unwrap();
    assert_eq!(vnet_ruleset(&host), (Vec::new(), Vec::new()));
}

/// The TCP entries of the host's conntrack table, as conntrack(8) lists them.
fn tcp_flows(ns: &TestNs) -> Vec<String> {
    let out = ns.exec("conntrack", &["-L", "-p", "tcp"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Deleting one NAT rule flushes the flows that rule translated and nothing else: the
/// flows of another masquerade on the same interface (told apart by its source prefix),
/// of port forwards, and un-NATed flows survive, witnessed by `conntrack -L`.
#[test]
fn deleting_a_rule_flushes_exactly_its_own_flows() {
    let Lab {
        host,
        vm1,
        vm2,
        outside,
    } = lab();
    let nf = Netfilter::new(&host.netns).unwrap();
    let masq = |source: &str| {
        NatRule::from(Masquerade::new(ifname("uplink")).source(source.parse().unwrap()))
    };
    let forward = |port: u16, to: &str| {
        NatRule::from(port_forward(L4Protocol::Tcp, port, to, 22).input(ifname("uplink")))
    };
    let (m1, m2) = (masq("192.168.0.11/32"), masq("192.168.0.12/32"));
    let (f1, f2) = (forward(5555, "192.168.0.11"), forward(6666, "192.168.0.12"));
    nf.nat()
        .add_many(&[m1.clone(), m2.clone(), f1.clone(), f2.clone()])
        .unwrap();

    // Five open connections, each kept open.
    let out_server = listen(&outside, 8080);
    let vm1_server = listen(&vm1, 22);
    let vm2_server = listen(&vm2, 22);
    let host_server = listen(&host, 7000);
    let wait = Duration::from_secs(2);
    let mut kept = Vec::new();
    for (from, to, server) in [
        (&vm1, "10.99.0.2:8080", &out_server),      // through m1
        (&vm2, "10.99.0.2:8080", &out_server),      // through m2
        (&outside, "10.99.0.1:5555", &vm1_server),  // through f1
        (&outside, "10.99.0.1:6666", &vm2_server),  // through f2
        (&outside, "10.99.0.1:7000", &host_server), // not translated
    ] {
        let client = connect(from, to).unwrap_or_else(|e| panic!("{to}: {e}"));
        let accepted = accept_within(server, wait).unwrap_or_else(|| panic!("{to}"));
        kept.push((client, accepted));
    }
    let has = |flows: &[String], needle: &str| flows.iter().any(|l| l.contains(needle));
    // The original direction (first tuple) of the masqueraded flows: a forward's reply
    // tuple also names the VM, after the original one.
    let m1_flow = "ESTABLISHED src=192.168.0.11 dst=10.99.0.2";
    let m2_flow = "ESTABLISHED src=192.168.0.12 dst=10.99.0.2";
    let flows = tcp_flows(&host);
    for needle in [m1_flow, m2_flow, "dport=5555", "dport=6666", "dport=7000"] {
        assert!(has(&flows, needle), "{needle} in {flows:#?}");
    }

    // The masquerade of vm1 alone: vm2's masquerade on the same interface keeps its flow.
    nf.nat().delete(&m1).unwrap();
    let flows = tcp_flows(&host);
    assert!(!has(&flows, m1_flow), "m1's flow flushed: {flows:#?}");
    for needle in [m2_flow, "dport=5555", "dport=6666", "dport=7000"] {
        assert!(has(&flows, needle), "{needle} survives: {flows:#?}");
    }

    // One forward: the other forward's flow, vm2's and the un-NATed flow stay.
    nf.nat().delete(&f1).unwrap();
    let flows = tcp_flows(&host);
    assert!(!has(&flows, "dport=5555"), "f1's flow flushed: {flows:#?}");
    for needle in [m2_flow, "dport=6666", "dport=7000"] {
        assert!(has(&flows, needle), "{needle} survives: {flows:#?}");
    }

    // Both remaining rules at once: the un-NATed flow alone is left.
    nf.nat().delete_many(&[m2, f2]).unwrap();
    let flows = tcp_flows(&host);
    assert!(
        !has(&flows, m2_flow) && !has(&flows, "dport=6666"),
        "{flows:#?}"
    );
    assert!(
        has(&flows, "dport=7000"),
        "the un-NATed flow survives: {flows:#?}"
    );
    drop(kept);
}
