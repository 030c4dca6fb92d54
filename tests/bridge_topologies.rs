//! Real bridge topologies built with vnet, checked with real traffic (ping) and with
//! iproute2 as an independent witness.
//!
//! - an isolated switch: VMs on a bridge without an address reach each other, nothing
//!   else reaches them;
//! - a bridge with an address as the VMs' gateway;
//! - an uplink inside the bridge: VMs and an outside host on one L2 segment;
//! - spanning tree timing: listening and learning before forwarding with STP on,
//!   forwarding at once with STP off, and `vbrctl setfd` within the kernel's limits.

mod common;
use common::*;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use vnet::{Bridge, BridgeOptions, Handle, LinkChange, MacAddr, PortState, Route, Veth};

/// A "VM": a namespace whose `eth0` is the peer of `port` (a veth end in `sw`).
fn attach_vm(sw: &TestNs, vm: &TestNs, port: &str, mac: &str, addr: &str, bridge: Option<&str>) {
    let mut veth = Veth::new(ifname(port), ifname("eth0"))
        .peer_netns(&vm.netns)
        .peer_mac(mac.parse::<MacAddr>().unwrap())
        .up();
    if let Some(br) = bridge {
        veth = veth.master(ifname(br));
    }
    sw.handle.link().add(&veth).unwrap();
    vm.handle.link().up(ifname("eth0")).unwrap();
    vm.handle
        .addr()
        .add(ifname("eth0"), addr.parse().unwrap())
        .unwrap();
}

/// The IPv4 addresses (as "addr/prefix") of `dev` in `ns`, by `ip -4 -j addr` (IPv6
/// link-local addresses come and go on their own).
fn ipv4_addresses(ns: &TestNs, dev: &str) -> Vec<String> {
    addresses(ns, dev)
        .into_iter()
        .filter(|a| !a.contains(':'))
        .collect()
}

fn bridge_up(h: &Handle, name: &str, options: BridgeOptions) {
    h.link()
        .add(&Bridge::new(ifname(name)).options(options).up())
        .unwrap();
}

#[test]
fn isolated_switch() {
    let sw = TestNs::new("iso-sw");
    let vms = [
        TestNs::new("iso-vm1"),
        TestNs::new("iso-vm2"),
        TestNs::new("iso-vm3"),
    ];
    let outsider = TestNs::new("iso-out");
    bridge_up(&sw.handle, "br0", BridgeOptions::default());
    for (i, vm) in vms.iter().enumerate() {
        attach_vm(
            &sw,
            vm,
            &format!("tap{i}"),
            &format!("02:00:00:01:00:0{i}"),
            &format!("10.1.0.{}/24", i + 1),
            Some("br0"),
        );
    }
    // The outsider has a link into the switch namespace too, but not into the bridge.
    attach_vm(
        &sw,
        &outsider,
        "stray",
        "02:00:00:01:00:99",
        "10.1.0.99/24",
        None,
    );

    // Witness: the bridge has no address, and exactly the three VM ports.
    assert!(ipv4_addresses(&sw, "br0").is_empty());
    let ports = ip_json(&sw.name, &["link", "show", "master", "br0"]);
    let mut names: Vec<&str> = ports
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ifname"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["tap0", "tap1", "tap2"]);

    for (i, vm) in vms.iter().enumerate() {
        for j in 0..3 {
            if i != j {
                assert!(
                    vm.ping(&format!("10.1.0.{}", j + 1)),
                    "vm{} cannot reach vm{}",
                    i + 1,
                    j + 1
                );
            }
        }
        assert!(
            outsider.cannot_ping(&format!("10.1.0.{}", i + 1)),
            "the outsider reaches vm{}",
            i + 1
        );
    }
    // And the switch namespace itself has no address on that segment.
    assert!(sw.cannot_ping("10.1.0.1"));
}

#[test]
fn bridge_with_address_is_the_gateway() {
    let host = TestNs::new("gw-host");
    let vm1 = TestNs::new("gw-vm1");
    let vm2 = TestNs::new("gw-vm2");
    bridge_up(&host.handle, "br0", BridgeOptions::default());
    host.handle
        .addr()
        .add(ifname("br0"), "10.2.0.1/24".parse().unwrap())
        .unwrap();
    // An address of the host outside the VMs' subnet: only the default route reaches it.
    host.handle
        .addr()
        .add(ifname("lo"), "192.168.77.1/32".parse().unwrap())
        .unwrap();
    for (i, vm) in [&vm1, &vm2].into_iter().enumerate() {
        attach_vm(
            &host,
            vm,
            &format!("tap{i}"),
            &format!("02:00:00:02:00:0{i}"),
            &format!("10.2.0.{}/24", 11 + i),
            Some("br0"),
        );
        vm.handle
            .route()
            .add(&Route::default_via("10.2.0.1".parse().unwrap()))
            .unwrap();
        let routes = vm.ip_json(&["route", "show", "default"]);
        assert_eq!(routes[0]["gateway"], "10.2.0.1", "{routes}");
    }
    assert!(host.ping("10.2.0.11"));
    assert!(host.ping("10.2.0.12"));
    assert!(vm1.ping("10.2.0.1"));
    assert!(
        vm1.ping("192.168.77.1"),
        "vm1 does not reach the host through its default route"
    );
    assert!(vm2.ping("192.168.77.1"));
    assert!(vm1.ping("10.2.0.12"));
}

#[test]
fn uplink_inside_the_bridge() {
    let outside = TestNs::new("up-out");
    let host = TestNs::new("up-host");
    let vm1 = TestNs::new("up-vm1");
    let vm2 = TestNs::new("up-vm2");
    // The host's eth0: a veth to the outside namespace, first with the host's address.
    host.handle
        .link()
        .add(
            &Veth::new(ifname("eth0"), ifname("eth0"))
                .peer_netns(&outside.netns)
                .up(),
        )
        .unwrap();
    outside.handle.link().up(ifname("eth0")).unwrap();
    outside
        .handle
        .addr()
        .add(ifname("eth0"), "10.3.0.1/24".parse().unwrap())
        .unwrap();
    host.handle
        .addr()
        .add(ifname("eth0"), "10.3.0.2/24".parse().unwrap())
        .unwrap();
    assert!(host.ping("10.3.0.1"));

    // Move eth0 into a bridge and its address onto the bridge.
    bridge_up(&host.handle, "br0", BridgeOptions::default());
    host.handle
        .bridge()
        .add_port(ifname("br0"), ifname("eth0"))
        .unwrap();
    host.handle
        .addr()
        .delete(ifname("eth0"), "10.3.0.2/24".parse().unwrap())
        .unwrap();
    host.handle
        .addr()
        .add(ifname("br0"), "10.3.0.2/24".parse().unwrap())
        .unwrap();
    attach_vm(
        &host,
        &vm1,
        "tap1",
        "02:00:00:03:00:01",
        "10.3.0.11/24",
        Some("br0"),
    );
    attach_vm(
        &host,
        &vm2,
        "tap2",
        "02:00:00:03:00:02",
        "10.3.0.12/24",
        Some("br0"),
    );

    assert!(ipv4_addresses(&host, "eth0").is_empty());
    assert_eq!(ipv4_addresses(&host, "br0"), ["10.3.0.2/24"]);
    assert_eq!(host.link_json("eth0").unwrap()["master"], "br0");
    // No routing in the host: forwarding is off in a fresh namespace.
    let forwarding = host.exec("cat", &["/proc/sys/net/ipv4/ip_forward"]);
    assert_eq!(String::from_utf8_lossy(&forwarding.stdout).trim(), "0");

    assert!(
        outside.ping("10.3.0.11"),
        "the outside host does not reach vm1"
    );
    assert!(outside.ping("10.3.0.12"));
    assert!(
        outside.ping("10.3.0.2"),
        "the outside host does not reach the host"
    );
    assert!(vm1.ping("10.3.0.1"));
    // One L2 segment: the outside host resolved vm1's own MAC by ARP.
    let neigh = outside.ip_json(&["neigh", "show", "10.3.0.11"]);
    assert_eq!(neigh[0]["lladdr"], "02:00:00:03:00:01", "{neigh}");
}

/// `vbrctl`, built from this workspace.
fn vbrctl() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "vnet-cli", "--bin", "vbrctl"])
            .status()
            .expect("running cargo build for vbrctl");
        assert!(status.success(), "building vbrctl failed");
        let exe = std::env::current_exe().unwrap();
        exe.parent().unwrap().parent().unwrap().join("vbrctl")
    })
}

/// Runs `vbrctl ARGS` inside `ns`; returns (exit code, stdout, stderr).
fn run_vbrctl(ns: &TestNs, args: &[&str]) -> (i32, String, String) {
    let out = ns.exec(vbrctl().to_str().unwrap(), args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The state `vbrctl showstp BR` prints for `port`.
fn showstp_state(ns: &TestNs, bridge: &str, port: &str) -> String {
    let (code, out, err) = run_vbrctl(ns, &["showstp", bridge]);
    assert_eq!(code, 0, "{err}");
    let mut lines = out
        .lines()
        .skip_while(|l| !l.starts_with(&format!("{port} (")));
    lines
        .next()
        .unwrap_or_else(|| panic!("{port} not in showstp:\n{out}"));
    let line = lines.next().unwrap();
    line.split("state").nth(1).unwrap().trim().to_string()
}

/// The port state as `bridge -j link` (iproute2) reports it.
fn witness_state(ns: &TestNs, port: &str) -> String {
    let out = Command::new("bridge")
        .args(["-n", &ns.name, "-j", "link", "show", "dev", port])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v[0]["state"].as_str().unwrap_or_default().to_string()
}

/// Polls until `port` forwards (generous timeout), returning the distinct states seen
/// in order.
fn states_until_forwarding(ns: &TestNs, port: &str, timeout: Duration) -> Vec<String> {
    let start = Instant::now();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let s = showstp_state(ns, "br0", port);
        if seen.last() != Some(&s) {
            seen.push(s.clone());
        }
        if s == "forwarding" {
            return seen;
        }
        assert!(
            start.elapsed() < timeout,
            "{port} never reached forwarding; seen {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn stp_port_listens_and_learns_before_forwarding() {
    let sw = TestNs::new("stp-sw");
    let vm1 = TestNs::new("stp-vm1");
    let vm2 = TestNs::new("stp-vm2");
    // Forward delay 3 s: listening 3 s, learning 3 s (the kernel's minimum with STP on
    // is 2 s).
    let options = BridgeOptions {
        stp: Some(true),
        forward_delay: Some(300),
        ..Default::default()
    };
    bridge_up(&sw.handle, "br0", options);
    attach_vm(
        &sw,
        &vm1,
        "tap1",
        "02:00:00:04:00:01",
        "10.4.0.1/24",
        Some("br0"),
    );
    let first = states_until_forwarding(&sw, "tap1", Duration::from_secs(30));
    assert!(
        first.len() > 1,
        "tap1 was forwarding at once with STP on: {first:?}"
    );

    attach_vm(
        &sw,
        &vm2,
        "tap2",
        "02:00:00:04:00:02",
        "10.4.0.2/24",
        Some("br0"),
    );
    // A ping right away fails, and the port was still not forwarding after it.
    let early = vm1.cannot_ping("10.4.0.2");
    let after_ping = showstp_state(&sw, "br0", "tap2");
    assert!(early, "a ping crossed a port that should not forward yet");
    assert_ne!(after_ping, "forwarding");
    assert_ne!(witness_state(&sw, "tap2"), "forwarding");

    let mut seen = vec![after_ping];
    for s in states_until_forwarding(&sw, "tap2", Duration::from_secs(30)) {
        if seen.last() != Some(&s) {
            seen.push(s);
        }
    }
    // The order of states is the 802.1D one; polling every 100 ms cannot miss a 3 s state.
    assert_eq!(
        seen,
        ["listening", "learning", "forwarding"],
        "states seen: {seen:?}"
    );
    assert_eq!(witness_state(&sw, "tap2"), "forwarding");
    assert!(vm1.ping("10.4.0.2"), "no traffic across a forwarding port");

    // The library reads the same.
    let port = sw.handle.bridge().port_info(ifname("tap2")).unwrap();
    assert_eq!(port.state, PortState::Forwarding);
}

#[test]
fn vbrctl_setfd_within_kernel_limits() {
    let sw = TestNs::new("setfd");
    bridge_up(
        &sw.handle,
        "br0",
        BridgeOptions {
            stp: Some(true),
            ..Default::default()
        },
    );
    let fd = |ns: &TestNs| {
        ns.link_json("br0").unwrap()["linkinfo"]["info_data"]["forward_delay"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(fd(&sw), 1500);
    assert_eq!(
        run_vbrctl(&sw, &["setfd", "br0", "2"]),
        (0, String::new(), String::new())
    );
    assert_eq!(fd(&sw), 200);
    assert_eq!(run_vbrctl(&sw, &["setfd", "br0", "3.5"]).0, 0);
    assert_eq!(fd(&sw), 350);
    let (code, out, err) = run_vbrctl(&sw, &["setfd", "br0", "1.99"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "set forward delay failed: Numerical result out of range\n"
    );
    assert_eq!(fd(&sw), 350, "a refused forward delay changed the bridge");
    let (code, _, err) = run_vbrctl(&sw, &["setfd", "br0", "30.01"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(fd(&sw), 350);
    // With STP off the kernel does not check the range.
    assert_eq!(run_vbrctl(&sw, &["stp", "br0", "off"]).0, 0);
    assert_eq!(run_vbrctl(&sw, &["setfd", "br0", "1"]).0, 0);
    assert_eq!(fd(&sw), 100);
}

#[test]
fn stp_off_port_forwards_at_once() {
    let sw = TestNs::new("nostp-sw");
    let vm1 = TestNs::new("nostp-vm1");
    let vm2 = TestNs::new("nostp-vm2");
    bridge_up(
        &sw.handle,
        "br0",
        BridgeOptions {
            stp: Some(false),
            forward_delay: Some(300),
            ..Default::default()
        },
    );
    attach_vm(
        &sw,
        &vm1,
        "tap1",
        "02:00:00:05:00:01",
        "10.5.0.1/24",
        Some("br0"),
    );
    attach_vm(
        &sw,
        &vm2,
        "tap2",
        "02:00:00:05:00:02",
        "10.5.0.2/24",
        Some("br0"),
    );
    // The first state anyone can read is already forwarding, and the first ping crosses.
    assert_eq!(showstp_state(&sw, "br0", "tap2"), "forwarding");
    assert_eq!(witness_state(&sw, "tap2"), "forwarding");
    assert!(vm1.ping("10.5.0.2"));
    // Bringing a port down and up again does not pass through listening either.
    sw.handle
        .link()
        .set(ifname("tap2"), &LinkChange::new().down())
        .unwrap();
    assert_eq!(showstp_state(&sw, "br0", "tap2"), "disabled");
    sw.handle.link().up(ifname("tap2")).unwrap();
    assert_eq!(showstp_state(&sw, "br0", "tap2"), "forwarding");
}
