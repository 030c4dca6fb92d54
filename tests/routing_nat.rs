//! The routed VM topology of the issue, with real traffic:
//!
//! ```text
//! VM1 (2.0.0.1/8) ---- (2.0.0.2/8) Host1 (1.0.0.1/8) ---- (1.0.0.2/8) Host2
//! ```
//!
//! VM1's default route goes via 2.0.0.2. Without forwarding on Host1 nothing passes;
//! with forwarding and a route back on Host2 they talk; with MASQUERADE out of Host1's
//! 1.0.0.1 interface instead of the route, Host2 sees 1.0.0.1, conntrack lists the
//! translated flow, and deleting the rule stops new and existing flows at once.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use vnet::{Masquerade, NatRule, Netfilter, Route, SysctlKey, Sysctls, Veth};
use vnet_testkit::*;

/// A veth between two namespaces, both ends up and addressed.
fn wire(a: &TestNs, a_if: &str, a_addr: &str, b: &TestNs, b_if: &str, b_addr: &str) {
    a.handle
        .link()
        .add(
            &Veth::new(ifname(a_if), ifname(b_if))
                .peer_netns(&b.netns)
                .up(),
        )
        .unwrap();
    b.handle.link().up(ifname(b_if)).unwrap();
    a.handle
        .addr()
        .add(ifname(a_if), a_addr.parse().unwrap())
        .unwrap();
    b.handle
        .addr()
        .add(ifname(b_if), b_addr.parse().unwrap())
        .unwrap();
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

/// Sends `data` from `client` and returns what `server` received within 2 s (empty if
/// nothing arrived).
fn send(client: &mut TcpStream, server: &mut TcpStream, data: &[u8]) -> Vec<u8> {
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

struct Lab {
    vm1: TestNs,
    host1: TestNs,
    host2: TestNs,
}

fn lab() -> Lab {
    let vm1 = TestNs::new("vm1");
    let host1 = TestNs::new("host1");
    let host2 = TestNs::new("host2");
    wire(&host1, "tap0", "2.0.0.2/8", &vm1, "eth0", "2.0.0.1/8");
    wire(&host1, "eth0", "1.0.0.1/8", &host2, "eth0", "1.0.0.2/8");
    vm1.handle
        .route()
        .add(&Route::default_via("2.0.0.2".parse().unwrap()))
        .unwrap();
    Lab { vm1, host1, host2 }
}

#[test]
fn routed_vm_needs_forwarding_and_a_route_back() {
    let Lab { vm1, host1, host2 } = lab();
    let back = Route::new("2.0.0.0/8".parse().unwrap()).via("1.0.0.1".parse().unwrap());
    host2.handle.route().add(&back).unwrap();

    assert!(vm1.cannot_ping("1.0.0.2"), "Host1 does not forward yet");
    Sysctls::new(&host1.netns)
        .set(&SysctlKey::IpForward, 1)
        .unwrap();
    assert!(vm1.ping("1.0.0.2"));
    assert!(host2.ping("2.0.0.1"));

    let server = listen(&host2, 7001);
    let mut client = connect(&vm1, "1.0.0.2:7001").unwrap();
    let (mut accepted, peer) = server.accept().unwrap();
    assert_eq!(
        peer.ip(),
        "2.0.0.1".parse::<IpAddr>().unwrap(),
        "routed, not translated"
    );
    assert_eq!(send(&mut client, &mut accepted, b"hello"), b"hello");
}

#[test]
fn masquerade_translates_and_its_deletion_stops_flows_at_once() {
    let Lab { vm1, host1, host2 } = lab();
    Sysctls::new(&host1.netns)
        .set(&SysctlKey::IpForward, 1)
        .unwrap();
    assert!(
        vm1.cannot_ping("1.0.0.2"),
        "no route back to 2.0.0.0/8 on Host2, no NAT yet"
    );

    let nf = Netfilter::new(&host1.netns).unwrap();
    let rule = NatRule::from(Masquerade::new(ifname("eth0")));
    nf.nat().add(&rule).unwrap();
    assert!(vm1.ping("1.0.0.2"));

    let server = listen(&host2, 7002);
    let mut client = connect(&vm1, "1.0.0.2:7002").unwrap();
    let (mut accepted, peer) = server.accept().unwrap();
    assert_eq!(
        peer.ip(),
        "1.0.0.1".parse::<IpAddr>().unwrap(),
        "Host2 sees Host1's address"
    );
    assert_eq!(send(&mut client, &mut accepted, b"before"), b"before");

    // conntrack(8) on Host1 lists the translated flow: original 2.0.0.1 -> 1.0.0.2,
    // reply 1.0.0.2 -> 1.0.0.1.
    let out = host1.exec("conntrack", &["-L", "-p", "tcp", "--dport", "7002"]);
    let listing = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(listing.contains("ESTABLISHED"), "{listing}");
    assert!(listing.contains("src=2.0.0.1 dst=1.0.0.2"), "{listing}");
    assert!(listing.contains("src=1.0.0.2 dst=1.0.0.1"), "{listing}");
    // vnet's own listing agrees.
    let entries = nf.conntrack().list().unwrap();
    let flow = entries
        .iter()
        .find(|e| e.protocol == 6 && e.original.dst_port == Some(7002))
        .expect("the TCP flow is tracked");
    assert!(flow.src_nat() && !flow.dst_nat());
    assert_eq!(flow.original.src, "2.0.0.1".parse::<IpAddr>().unwrap());
    assert_eq!(flow.reply.dst, "1.0.0.1".parse::<IpAddr>().unwrap());
    assert_eq!(flow.tcp_state, Some(vnet::TcpState::Established));
    assert!(flow.timeout > 0);

    nf.nat().delete(&rule).unwrap();
    // The flow's entry went with the rule (conntrack(8) no longer lists it)...
    let out = host1.exec("conntrack", &["-L", "-p", "tcp", "--dport", "7002"]);
    let listing = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!listing.contains("src=1.0.0.2 dst=1.0.0.1"), "{listing}");
    // ...so the existing connection stops translating at once: its next segment leaves
    // as 2.0.0.1, which Host2 cannot answer and its socket does not accept.
    assert!(
        send(&mut client, &mut accepted, b"after").is_empty(),
        "existing flow must stop"
    );
    // New flows are not translated either.
    // (The same ping and connect from vm1 worked while the rule was there.)
    assert!(vm1.cannot_ping("1.0.0.2"));
    // Host2 has no route back to 2.0.0.1: the SYN gets no answer at all, neither a
    // SYN-ACK nor a reset, so the connect times out (it is not refused).
    let e = connect(&vm1, "1.0.0.2:7002").unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::TimedOut, "{e}");
}

#[test]
fn conntrack_flush_by_address_leaves_other_flows() {
    let Lab { vm1, host1, host2 } = lab();
    Sysctls::new(&host1.netns)
        .set(&SysctlKey::IpForward, 1)
        .unwrap();
    let nf = Netfilter::new(&host1.netns).unwrap();
    nf.nat()
        .add(&NatRule::from(Masquerade::new(ifname("eth0"))))
        .unwrap();
    let server = listen(&host2, 7003);
    let _client = connect(&vm1, "1.0.0.2:7003").unwrap();
    let _accepted = server.accept().unwrap();
    // A flow of Host1's own, not involving VM1.
    let _own = connect(&host1, "1.0.0.2:7003").unwrap();
    let _accepted_own = server.accept().unwrap();
    let count = |ns: &TestNs| {
        let out = ns.exec("conntrack", &["-L", "-p", "tcp", "--dport", "7003"]);
        String::from_utf8_lossy(&out.stdout).lines().count()
    };
    assert_eq!(count(&host1), 2);
    assert_eq!(
        nf.conntrack()
            .flush_address("2.0.0.1".parse().unwrap())
            .unwrap(),
        1
    );
    let out = host1.exec("conntrack", &["-L", "-p", "tcp", "--dport", "7003"]);
    let listing = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(listing.lines().count(), 1, "{listing}");
    assert!(!listing.contains("2.0.0.1"), "{listing}");
    nf.conntrack().flush().unwrap();
    assert_eq!(count(&host1), 0);
}
