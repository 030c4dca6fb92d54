//! Real bridge topologies built with vnet, checked with real traffic (ping) and with
//! iproute2 as an independent witness.
//!
//! - an isolated switch: VMs on a bridge without an address reach each other, nothing
//!   else reaches them;
//! - a bridge with an address as the VMs' gateway;
//! - an uplink inside the bridge: VMs and an outside host on one L2 segment;
//! - spanning tree states: listening, then learning, then forwarding with STP on (also
//!   after `vbrctl setfd` changed the delay), with pings unanswered until the port
//!   forwards; forwarding at once with STP off; and `vbrctl setfd` within the kernel's
//!   limits (how long the states last is measured by `benches/stp.rs`);
//! - port options at work: isolated ports, a port without learning, a port without
//!   unknown-unicast flooding, and hairpin mode reflecting VEPA traffic.

use vnet_testkit::*;

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use vnet::{
    Bridge, BridgeOptions, Handle, LinkChange, MacAddr, PortOptions, PortState, Route, Veth,
};

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
    // The outsider and a control machine share a second bridge in the switch
    // namespace, with addresses in the VMs' subnet: only the bridges keep them apart.
    let control = TestNs::new("iso-ctl");
    bridge_up(&sw.handle, "br1", BridgeOptions::default());
    attach_vm(
        &sw,
        &outsider,
        "stray",
        "02:00:00:01:00:99",
        "10.1.0.99/24",
        Some("br1"),
    );
    attach_vm(
        &sw,
        &control,
        "ctl",
        "02:00:00:01:00:98",
        "10.1.0.98/24",
        Some("br1"),
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
        // The outsider's pings leave on its own segment (the control on br1 answers
        // them) and never reach br0's.
        outsider.assert_no_reply(&format!("10.1.0.{}", i + 1), "10.1.0.98");
    }
    // The switch namespace itself has no address on the segment (the bridge has
    // none): it has no route there at all, and ping says so.
    match sw.probe("10.1.0.1") {
        Probe::Failed(why) => assert!(why.contains("Network is unreachable"), "{why}"),
        other => panic!("the switch namespace probed 10.1.0.1: {other:?}"),
    }
    // The same outsider, its port moved into br0, reaches the VMs: bridge membership
    // alone was what kept it out.
    sw.handle
        .link()
        .set(ifname("stray"), &LinkChange::new().master(ifname("br0")))
        .unwrap();
    assert!(
        outsider.pings_within("10.1.0.1", 5),
        "outsider on br0 -> vm1"
    );
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
    let v = ns.bridge_json(&["link", "show", "dev", port]);
    v[0]["state"].as_str().unwrap_or_default().to_string()
}

/// What [`watch_port`] saw of a port on its way to forwarding.
struct Watch {
    /// The states in the order a poll first read them.
    phases: Vec<String>,
    /// Every ping tried meanwhile, in order: answered, and whether the port had been
    /// read in a state other than forwarding after the ping ended (so the port cannot
    /// have forwarded it).
    pings: Vec<(bool, bool)>,
}

/// Follows `port` of `sw` until it forwards, polling its state as `bridge -j link`
/// reports it, while a thread pings `target` from `from` over and over (one echo each,
/// waiting a second for the answer). Gives up after 60 s without forwarding.
///
/// Order only, no durations: a ping counts as "before forwarding" when a later poll
/// still read the port blocking. (How long each state lasts is measured by
/// `benches/stp.rs`.)
fn watch_port(sw: &TestNs, port: &str, from: &TestNs, target: &str) -> Watch {
    let stop = Arc::new(AtomicBool::new(false));
    // Each ping, when it ends, takes the number of blocking polls so far; the port
    // forwarded it only if no blocking poll came after that.
    let blocking_polls = Arc::new(AtomicUsize::new(0));
    let pinger = {
        let (stop, polls) = (stop.clone(), blocking_polls.clone());
        let (ns, target) = (from.name.clone(), target.to_string());
        std::thread::spawn(move || {
            let mut pings = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let answered = Command::new("ip")
                    .args(["netns", "exec", &ns, "ping", "-c", "1", "-W", "1", "-q"])
                    .arg(&target)
                    .output()
                    .unwrap()
                    .status
                    .success();
                pings.push((answered, polls.load(Ordering::SeqCst)));
                std::thread::sleep(Duration::from_millis(50));
            }
            pings
        })
    };
    let mut phases: Vec<String> = Vec::new();
    let mut polls = 0;
    loop {
        let state = witness_state(sw, port);
        if phases.last() != Some(&state) {
            phases.push(state.clone());
        }
        if state == "forwarding" {
            break;
        }
        let n = blocking_polls.fetch_add(1, Ordering::SeqCst) + 1;
        polls += 1;
        if polls > 1200 {
            stop.store(true, Ordering::SeqCst);
            panic!("{port} never reached forwarding in {n} polls; seen {phases:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::SeqCst);
    let last = blocking_polls.load(Ordering::SeqCst);
    let pings = pinger
        .join()
        .unwrap()
        .into_iter()
        .map(|(answered, polls_then)| (answered, polls_then < last))
        .collect();
    Watch { phases, pings }
}

/// Checks what [`watch_port`] saw: listening, then learning, then forwarding, in that
/// order; no ping answered while the port was still read blocking afterwards; and at
/// least one ping tried and unanswered in that time (the pinger did run then).
fn check_stp_order(port: &str, watch: &Watch) {
    let states: Vec<&str> = watch
        .phases
        .iter()
        .map(String::as_str)
        .skip_while(|s| *s == "disabled")
        .collect();
    assert_eq!(
        states,
        ["listening", "learning", "forwarding"],
        "states of {port}: {:?}",
        watch.phases
    );
    for (i, (answered, blocked_after)) in watch.pings.iter().enumerate() {
        assert!(
            !(*answered && *blocked_after),
            "ping {i} was answered before {port} forwarded: {:?}",
            watch.pings
        );
    }
    assert!(
        watch
            .pings
            .iter()
            .any(|(answered, blocked)| !answered && *blocked),
        "no ping was tried while {port} blocked: {:?}",
        watch.pings
    );
}

#[test]
fn stp_port_listens_and_learns_before_forwarding() {
    let sw = TestNs::new("stp-sw");
    let vm1 = TestNs::new("stp-vm1");
    let vm2 = TestNs::new("stp-vm2");
    // Forward delay 2 s, the kernel's minimum with STP on (how long listening and
    // learning last is measured by benches/stp.rs, not asserted here).
    let options = BridgeOptions {
        stp: Some(true),
        forward_delay: Some(200),
        ..Default::default()
    };
    bridge_up(&sw.handle, "br0", options);
    sw.handle
        .addr()
        .add(ifname("br0"), "10.4.0.254/24".parse().unwrap())
        .unwrap();
    attach_vm(
        &sw,
        &vm1,
        "tap1",
        "02:00:00:04:00:01",
        "10.4.0.1/24",
        Some("br0"),
    );
    // vm1 pings the bridge's own address: through tap1 only.
    let watch = watch_port(&sw, "tap1", &vm1, "10.4.0.254");
    check_stp_order("tap1", &watch);
    // Neighbour entries that failed while the port blocked are retried as packets
    // come: allow the path a few seconds.
    assert!(
        vm1.pings_within("10.4.0.254", 5),
        "no traffic across a forwarding port"
    );

    // A new forward delay of 4 s (what the kernel stores, as `ip -d` reads it): a port
    // that comes up now still listens and learns before it forwards.
    assert_eq!(
        run_vbrctl(&sw, &["setfd", "br0", "4"]),
        (0, String::new(), String::new())
    );
    let fd = sw.link_json("br0").unwrap()["linkinfo"]["info_data"]["forward_delay"].clone();
    assert_eq!(fd, 400);
    attach_vm(
        &sw,
        &vm2,
        "tap2",
        "02:00:00:04:00:02",
        "10.4.0.2/24",
        Some("br0"),
    );
    // vm1 pings vm2: through tap1 (forwarding) and tap2 (on its way).
    let watch = watch_port(&sw, "tap2", &vm1, "10.4.0.2");
    check_stp_order("tap2", &watch);
    assert!(
        vm1.pings_within("10.4.0.2", 5),
        "no traffic across a forwarding port"
    );

    // vbrctl and the library read the same as the witness.
    assert_eq!(witness_state(&sw, "tap2"), "forwarding");
    assert_eq!(showstp_state(&sw, "br0", "tap2"), "forwarding");
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

/// A switch `br0` (STP off, multicast snooping off: the bridge sends no queries or
/// reports of its own) with three VMs: VM i+1 behind `tap{i+1}`, MAC
/// `02:00:00:NET:00:0{i+1}`, address `10.NET.0.{i+1}/24`. IPv6 is off everywhere.
fn three_vm_switch(tag: &str, net: u8) -> (TestNs, Vec<TestNs>) {
    let sw = TestNs::new(&format!("{tag}-sw"));
    let vms: Vec<TestNs> = (1..=3)
        .map(|i| TestNs::new(&format!("{tag}-vm{i}")))
        .collect();
    sw.disable_ipv6();
    vms.iter().for_each(TestNs::disable_ipv6);
    bridge_up(
        &sw.handle,
        "br0",
        BridgeOptions {
            stp: Some(false),
            multicast_snooping: Some(false),
            ..Default::default()
        },
    );
    for (i, vm) in vms.iter().enumerate() {
        attach_vm(
            &sw,
            vm,
            &format!("tap{}", i + 1),
            &format!("02:00:00:{net:02x}:00:0{}", i + 1),
            &format!("10.{net}.0.{}/24", i + 1),
            Some("br0"),
        );
    }
    (sw, vms)
}

/// The bridge port options of `port` as `ip -d -j link` reports them.
fn port_data(sw: &TestNs, port: &str) -> serde_json::Value {
    sw.link_json(port).unwrap()["linkinfo"]["info_slave_data"].clone()
}

/// The MACs `br0` has learned on `port`, by `bridge -j fdb show br br0`.
fn learned_on(sw: &TestNs, port: &str) -> Vec<String> {
    sw.bridge_json(&["fdb", "show", "br", "br0"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ifname"] == port && e["state"] == "" && e["master"] == "br0")
        .map(|e| e["mac"].as_str().unwrap().to_string())
        .collect()
}

fn set_port(sw: &TestNs, port: &str, options: PortOptions) {
    sw.handle
        .bridge()
        .set_port_options(ifname(port), &options)
        .unwrap();
}

#[test]
fn isolated_ports_reach_only_non_isolated_ones() {
    let (sw, vms) = three_vm_switch("isol", 11);
    assert!(
        vms[0].ping("10.11.0.2"),
        "vm1 and vm2 do not talk before isolation"
    );
    for port in ["tap1", "tap2"] {
        set_port(
            &sw,
            port,
            PortOptions {
                isolated: Some(true),
                ..Default::default()
            },
        );
        assert_eq!(port_data(&sw, port)["isolated"], true);
    }
    assert_eq!(port_data(&sw, "tap3")["isolated"], false);
    // Two isolated ports cannot reach each other, in either direction (vm1 still has
    // vm2's MAC from the ping before: unicast is stopped too, not only ARP).
    assert!(vms[0].cannot_ping("10.11.0.2"), "isolated vm1 reaches vm2");
    assert!(vms[1].cannot_ping("10.11.0.1"), "isolated vm2 reaches vm1");
    // Both reach the port that is not isolated, and it reaches them.
    assert!(vms[0].ping("10.11.0.3"), "isolated vm1 cannot reach vm3");
    assert!(vms[1].ping("10.11.0.3"), "isolated vm2 cannot reach vm3");
    assert!(vms[2].ping("10.11.0.1"));
    assert!(vms[2].ping("10.11.0.2"));
    // tap2 no longer isolated: vm1 and vm2 talk again.
    set_port(
        &sw,
        "tap2",
        PortOptions {
            isolated: Some(false),
            ..Default::default()
        },
    );
    assert!(
        vms[0].ping("10.11.0.2"),
        "vm1 cannot reach a non-isolated vm2"
    );
}

#[test]
fn learning_off_port_leaves_no_learned_entry() {
    let (sw, vms) = three_vm_switch("learn", 12);
    let (vm1_mac, vm3_mac) = ("02:00:00:0c:00:01", "02:00:00:0c:00:03");
    // Learning on: a ping teaches the bridge vm1's MAC on tap1.
    assert!(vms[0].ping("10.12.0.3"));
    assert_eq!(learned_on(&sw, "tap1"), [vm1_mac]);
    set_port(
        &sw,
        "tap1",
        PortOptions {
            learning: Some(false),
            ..Default::default()
        },
    );
    assert_eq!(port_data(&sw, "tap1")["learning"], false);
    sw.handle.bridge().flush_fdb(ifname("br0")).unwrap();
    assert!(learned_on(&sw, "tap1").is_empty());
    // Learning off: traffic still flows (frames to vm1 are flooded), the bridge learns
    // vm3 on tap3 but nothing on tap1.
    assert!(
        vms[0].ping("10.12.0.3"),
        "no traffic from a port without learning"
    );
    assert!(vms[2].ping("10.12.0.1"));
    assert_eq!(learned_on(&sw, "tap3"), [vm3_mac]);
    assert!(
        learned_on(&sw, "tap1").is_empty(),
        "the bridge learned {:?} on tap1 with learning off",
        learned_on(&sw, "tap1")
    );
}

/// Packets `port` has transmitted, by `ip -s -j link` (what the bridge sent out there).
fn tx_packets(sw: &TestNs, port: &str) -> u64 {
    let v = sw.ip_json(&["-s", "link", "show", "dev", port]);
    v[0]["stats64"]["tx"]["packets"].as_u64().unwrap()
}

#[test]
fn flood_off_port_gets_no_unknown_unicast() {
    let (sw, vms) = three_vm_switch("flood", 13);
    // vm1 sends to a MAC no port has: 10.13.0.99 points at it in vm1's neighbour table,
    // so no ARP is needed and every frame is unknown unicast for the bridge.
    let out = vms[0].exec(
        "ip",
        &[
            "neigh",
            "replace",
            "10.13.0.99",
            "lladdr",
            "02:00:00:0d:ff:99",
            "dev",
            "eth0",
            "nud",
            "permanent",
        ],
    );
    assert!(out.status.success());
    const FRAMES: u64 = 10;
    let send = || {
        let (before2, before3) = (tx_packets(&sw, "tap2"), tx_packets(&sw, "tap3"));
        // No answer comes: ping fails, after sending its echoes.
        let _ = vms[0].exec(
            "ping",
            &["-c", "10", "-i", "0.05", "-W", "1", "-q", "10.13.0.99"],
        );
        (
            tx_packets(&sw, "tap2") - before2,
            tx_packets(&sw, "tap3") - before3,
        )
    };
    let (to2, to3) = send();
    assert!(
        to2 >= FRAMES && to3 >= FRAMES,
        "unknown unicast not flooded to every port: {to2} frames out of tap2, {to3} out of tap3"
    );
    set_port(
        &sw,
        "tap2",
        PortOptions {
            flooding: Some(false),
            ..Default::default()
        },
    );
    assert_eq!(port_data(&sw, "tap2")["flood"], false);
    let (to2, to3) = send();
    assert!(to3 >= FRAMES, "only {to3} frames flooded out of tap3");
    // With IPv6 and multicast snooping off nothing else is sent: a frame or two of
    // slack keeps a stray broadcast from failing the test, ten frames would not hide.
    assert!(
        to2 < FRAMES / 2,
        "{to2} frames left by tap2 with unknown-unicast flooding off"
    );
    // The destination stayed unknown all along (else it would not have been flooding).
    for port in ["tap1", "tap2", "tap3"] {
        assert!(
            !learned_on(&sw, port).contains(&"02:00:00:0d:ff:99".to_string()),
            "{port}"
        );
    }
}

/// Hairpin mode, witnessed the way it is used: two macvlans in VEPA mode on one VM's
/// link (in namespaces `a` and `b`) send everything, also to each other, out of that
/// link into the bridge; only a hairpin port sends it back in.
#[test]
fn hairpin_reflects_frames_back_out_of_their_port() {
    let sw = TestNs::new("hp-sw");
    let edge = TestNs::new("hp-edge");
    let a = TestNs::new("hp-a");
    let b = TestNs::new("hp-b");
    for ns in [&sw, &edge, &a, &b] {
        ns.disable_ipv6();
    }
    bridge_up(
        &sw.handle,
        "br0",
        BridgeOptions {
            stp: Some(false),
            multicast_snooping: Some(false),
            ..Default::default()
        },
    );
    sw.handle
        .link()
        .add(
            &Veth::new(ifname("tap1"), ifname("eth0"))
                .peer_netns(&edge.netns)
                .master(ifname("br0"))
                .up(),
        )
        .unwrap();
    edge.handle.link().up(ifname("eth0")).unwrap();
    for (ns, dev, mac, addr) in [
        (&a, "mva", "02:00:00:0e:00:01", "10.14.0.1/24"),
        (&b, "mvb", "02:00:00:0e:00:02", "10.14.0.2/24"),
    ] {
        let ip = |args: &[&str]| {
            let out = Command::new("ip").args(args).output().unwrap();
            assert!(
                out.status.success(),
                "ip {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        ip(&[
            "-n", &edge.name, "link", "add", dev, "address", mac, "link", "eth0", "type",
            "macvlan", "mode", "vepa",
        ]);
        ip(&["-n", &edge.name, "link", "set", dev, "netns", &ns.name]);
        ip(&["-n", &ns.name, "addr", "add", addr, "dev", dev]);
        ip(&["-n", &ns.name, "link", "set", dev, "up"]);
    }
    assert_eq!(port_data(&sw, "tap1")["hairpin"], false);
    assert!(
        a.cannot_ping("10.14.0.2"),
        "VEPA neighbours talk without a hairpin port"
    );
    // vbrctl hairpin br0 tap1 on: frames come back out of tap1, so a and b talk.
    assert_eq!(
        run_vbrctl(&sw, &["hairpin", "br0", "tap1", "on"]),
        (0, String::new(), String::new())
    );
    assert_eq!(port_data(&sw, "tap1")["hairpin"], true);
    assert!(
        a.pings_within("10.14.0.2", 5),
        "no traffic through a hairpin port"
    );
    assert!(b.pings_within("10.14.0.1", 5));
    // Both ends were learned on the one port, which forwarded to itself.
    let mut learned = learned_on(&sw, "tap1");
    learned.sort();
    assert_eq!(learned, ["02:00:00:0e:00:01", "02:00:00:0e:00:02"]);
    // Hairpin off again (the library this time): the reflection stops.
    set_port(
        &sw,
        "tap1",
        PortOptions {
            hairpin: Some(false),
            ..Default::default()
        },
    );
    assert_eq!(port_data(&sw, "tap1")["hairpin"], false);
    assert!(
        a.cannot_ping("10.14.0.2"),
        "a reaches b with hairpin off again"
    );
}
