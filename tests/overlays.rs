//! Overlays that carry traffic: VXLAN tunnels over an underlay veth (a unicast remote,
//! and remotes from FDB append entries) and MAC-VLANs in every mode this kernel allows,
//! each made by vnet and proven by real pings, with the packet counters of the devices
//! (`ip -s -j link`) showing which way the traffic went.

use vnet::{Bridge, FdbSpec, MacAddr, MacVlan, MacVlanMode, PortOptions, Veth, Vni, Vxlan};
use vnet_testkit::*;

/// A veth `here_name` in `here` whose peer `there_name` is created in `there`; both
/// ends up. With `master`, the end here is a port of that bridge.
fn wire(here: &TestNs, here_name: &str, there: &TestNs, there_name: &str, master: Option<&str>) {
    let mut veth = Veth::new(ifname(here_name), ifname(there_name))
        .peer_netns(&there.netns)
        .up();
    if let Some(master) = master {
        veth = veth.master(ifname(master));
    }
    here.handle.link().add(&veth).unwrap();
    there.handle.link().up(ifname(there_name)).unwrap();
}

/// Adds `cidr` to `dev` in `ns` through vnet.
fn address(ns: &TestNs, dev: &str, cidr: &str) {
    ns.handle
        .addr()
        .add(ifname(dev), cidr.parse().unwrap())
        .unwrap();
}

/// The packets `dev` in `ns` has sent and received, as `ip -s -j link show` counts them.
fn packets(ns: &TestNs, dev: &str) -> (u64, u64) {
    let v = ns.ip_json(&["-s", "link", "show", "dev", dev]);
    let stats = &v[0]["stats64"];
    (
        stats["tx"]["packets"].as_u64().expect("tx packets"),
        stats["rx"]["packets"].as_u64().expect("rx packets"),
    )
}

/// The VXLAN device `vx0` in `ns` with VNI `vni` on the underlay `u0`, sourced from
/// `local`, on the IANA port, and `remote` as its unicast default destination when
/// given; then `overlay` as its address and up.
fn vxlan(ns: &TestNs, vni: u32, local: &str, remote: Option<&str>, overlay: &str) {
    let mut vx = Vxlan::new(ifname("vx0"), Vni::new(vni).unwrap())
        .local(local.parse().unwrap())
        .parent(ifname("u0"))
        .port(4789);
    if let Some(remote) = remote {
        vx = vx.remote(remote.parse().unwrap());
    }
    ns.handle.link().add(&vx).unwrap();
    address(ns, "vx0", overlay);
    ns.handle.link().up(ifname("vx0")).unwrap();
}

/// Two namespaces, one underlay veth (192.0.2.0/24), a VXLAN (VNI 42) in each with the
/// other's underlay address as its remote: pings cross the overlay (10.42.0.0/24), and
/// the VXLAN devices count them.
#[test]
fn vxlan_with_a_unicast_remote_carries_pings() {
    let a = TestNs::new("vxa");
    let b = TestNs::new("vxb");
    wire(&a, "u0", &b, "u0", None);
    address(&a, "u0", "192.0.2.1/24");
    address(&b, "u0", "192.0.2.2/24");
    vxlan(&a, 42, "192.0.2.1", Some("192.0.2.2"), "10.42.0.1/24");
    vxlan(&b, 42, "192.0.2.2", Some("192.0.2.1"), "10.42.0.2/24");

    // The overlay's only way out is vx0: 10.42.0.0/24 is routed there, nowhere else.
    let route = a.ip_json(&["route", "get", "10.42.0.2"]);
    assert_eq!(route[0]["dev"], "vx0", "{route}");
    let before = packets(&b, "vx0");
    assert!(a.pings_within("10.42.0.2", 5), "a -> b over VXLAN 42");
    assert!(b.ping("10.42.0.1"), "b -> a over VXLAN 42");
    let after = packets(&b, "vx0");
    assert!(
        after.0 > before.0 && after.1 > before.1,
        "b's vx0 sent and received the pings: {before:?} -> {after:?}"
    );
    let data = &b.link_json("vx0").unwrap()["linkinfo"]["info_data"];
    assert_eq!(data["remote"], "192.0.2.1", "{data}");
}

/// Three hosts on one underlay switch, each with a VXLAN (VNI 7) that has no remote of
/// its own: the other two hosts' addresses come from FDB append entries
/// (`bridge fdb append 00:00:00:00:00:00 dev vx0 dst ADDR`) added by vnet. Every host
/// pings every other across the overlay.
#[test]
fn vxlan_with_remotes_from_fdb_append_entries_joins_three_hosts() {
    let switch = TestNs::new("vxsw");
    switch
        .handle
        .link()
        .add(&Bridge::new(ifname("br0")).up())
        .unwrap();
    let hosts: Vec<TestNs> = (1..=3).map(|i| TestNs::new(&format!("vxh{i}"))).collect();
    for (i, host) in hosts.iter().enumerate() {
        let n = i + 1;
        wire(&switch, &format!("s{n}"), host, "u0", Some("br0"));
        address(host, "u0", &format!("192.0.2.{n}/24"));
        vxlan(
            host,
            7,
            &format!("192.0.2.{n}"),
            None,
            &format!("10.7.0.{n}/24"),
        );
        let bridge = host.handle.bridge();
        for other in (1..=3).filter(|&o| o != n) {
            let dst = format!("192.0.2.{other}").parse().unwrap();
            bridge
                .fdb_append(&FdbSpec::device(MacAddr::ZERO, ifname("vx0")).dst(dst))
                .unwrap();
        }
    }
    for (i, host) in hosts.iter().enumerate() {
        let n = i + 1;
        // No remote on the device: its destinations are the FDB entries alone.
        let data = &host.link_json("vx0").unwrap()["linkinfo"]["info_data"];
        assert!(data.get("remote").is_none(), "{data}");
        let fdb = host.bridge_json(&["fdb", "show", "dev", "vx0"]);
        let mut dsts: Vec<&str> = fdb
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["mac"] == "00:00:00:00:00:00")
            .filter_map(|e| e["dst"].as_str())
            .collect();
        dsts.sort();
        let want: Vec<String> = (1..=3)
            .filter(|&o| o != n)
            .map(|o| format!("192.0.2.{o}"))
            .collect();
        assert_eq!(dsts, want, "host {n}: {fdb}");
    }
    for (i, host) in hosts.iter().enumerate() {
        for other in (1..=3).filter(|&o| o != i + 1) {
            assert!(
                host.pings_within(&format!("10.7.0.{other}"), 5),
                "host {} -> host {other} over VXLAN 7",
                i + 1
            );
        }
    }
}

/// The MAC-VLAN lab: an underlay switch (a bridge in `sw`), the lower device `low0` in
/// `lower` (a veth whose peer `low1` is a port of the switch), two MAC-VLANs on `low0`
/// made by vnet straight into the namespaces `m1` and `m2` (10.9.0.1 and .2), and an
/// outside machine on the switch (10.9.0.100).
struct MacVlanLab {
    sw: TestNs,
    lower: TestNs,
    m1: TestNs,
    m2: TestNs,
    outside: TestNs,
}

impl MacVlanLab {
    /// The lab with MAC-VLANs in `mode`; the switch port of the lower device reflects
    /// frames back where they came from (`hairpin on`) when `hairpin`.
    fn new(mode: MacVlanMode, hairpin: bool) -> MacVlanLab {
        let lab = MacVlanLab {
            sw: TestNs::new("mvsw"),
            lower: TestNs::new("mvlow"),
            m1: TestNs::new("mv1"),
            m2: TestNs::new("mv2"),
            outside: TestNs::new("mvout"),
        };
        // No IPv6 chatter of their own (router and neighbour solicitations), so the
        // switch port's counters show the test's pings alone.
        for ns in [&lab.sw, &lab.lower, &lab.m1, &lab.m2, &lab.outside] {
            ns.disable_ipv6();
        }
        lab.sw
            .handle
            .link()
            .add(&Bridge::new(ifname("br0")).up())
            .unwrap();
        wire(&lab.sw, "low1", &lab.lower, "low0", Some("br0"));
        wire(&lab.sw, "out1", &lab.outside, "eth0", Some("br0"));
        address(&lab.outside, "eth0", "10.9.0.100/24");
        if hairpin {
            lab.sw
                .handle
                .bridge()
                .set_port_options(
                    ifname("low1"),
                    &PortOptions {
                        hairpin: Some(true),
                        ..Default::default()
                    },
                )
                .unwrap();
            let port = lab.sw.bridge_json(&["-d", "link", "show", "dev", "low1"]);
            assert_eq!(port[0]["hairpin"], true, "{port}");
        }
        lab.add(&lab.m1, mode, "10.9.0.1/24");
        if mode != MacVlanMode::Passthru {
            lab.add(&lab.m2, mode, "10.9.0.2/24");
        }
        lab
    }

    /// A MAC-VLAN `mv0` on `low0` in `mode`, created by vnet directly inside `ns`,
    /// with `cidr` and up.
    fn add(&self, ns: &TestNs, mode: MacVlanMode, cidr: &str) {
        self.lower
            .handle
            .link()
            .add(
                &MacVlan::new(ifname("mv0"), ifname("low0"))
                    .mode(mode)
                    .netns(&ns.netns),
            )
            .unwrap();
        ns.handle.link().up(ifname("mv0")).unwrap();
        address(ns, "mv0", cidr);
        let v = ns.link_json("mv0").expect("mv0 in its namespace");
        assert_eq!(v["linkinfo"]["info_kind"], "macvlan", "{v}");
        assert_eq!(v["linkinfo"]["info_data"]["mode"], mode_word(mode), "{v}");
    }
}

/// `ip -d link`'s word for a MAC-VLAN mode.
fn mode_word(mode: MacVlanMode) -> &'static str {
    match mode {
        MacVlanMode::Private => "private",
        MacVlanMode::Vepa => "vepa",
        MacVlanMode::Bridge => "bridge",
        MacVlanMode::Passthru => "passthru",
        MacVlanMode::Source => "source",
    }
}

/// Bridge mode: the two MAC-VLANs reach each other inside the lower device, without
/// the switch seeing the frames; both reach the outside machine through the switch.
#[test]
fn macvlan_bridge_mode_carries_traffic_between_siblings_and_out() {
    let lab = MacVlanLab::new(MacVlanMode::Bridge, false);
    assert!(lab.m1.pings_within("10.9.0.100", 5), "m1 -> outside");
    assert!(lab.m2.pings_within("10.9.0.100", 5), "m2 -> outside");
    // The first ping resolves the neighbours (an ARP broadcast also goes out); from
    // then on, pings and their answers between siblings never leave the lower device.
    assert!(lab.m1.ping("10.9.0.2"), "m1 -> m2 in bridge mode");
    let before = packets(&lab.sw, "low1");
    assert!(lab.m1.ping("10.9.0.2"), "m1 -> m2 in bridge mode");
    assert!(lab.m2.ping("10.9.0.1"), "m2 -> m1 in bridge mode");
    let after = packets(&lab.sw, "low1");
    assert_eq!(
        before.1, after.1,
        "the switch saw sibling traffic: {before:?} -> {after:?}"
    );
}

/// VEPA mode: sibling traffic leaves through the lower device and comes back only
/// because the switch port reflects it (`hairpin on`): the switch port counts the pings.
#[test]
fn macvlan_vepa_mode_carries_sibling_traffic_through_a_hairpin_switch() {
    let lab = MacVlanLab::new(MacVlanMode::Vepa, true);
    assert!(lab.m1.pings_within("10.9.0.100", 5), "m1 -> outside");
    let before = packets(&lab.sw, "low1");
    assert!(lab.m1.pings_within("10.9.0.2", 5), "m1 -> m2 in vepa mode");
    assert!(lab.m2.ping("10.9.0.1"), "m2 -> m1 in vepa mode");
    let after = packets(&lab.sw, "low1");
    // Each echo request and reply entered the switch and was sent back out.
    assert!(
        after.0 >= before.0 + 4 && after.1 >= before.1 + 4,
        "the sibling pings went through the switch: {before:?} -> {after:?}"
    );
}

/// Private mode: the two MAC-VLANs cannot talk, even where the switch would reflect
/// their frames (`hairpin on`), yet each reaches the outside machine.
#[test]
fn macvlan_private_mode_isolates_siblings_but_reaches_the_outside() {
    let lab = MacVlanLab::new(MacVlanMode::Private, true);
    assert!(lab.m1.pings_within("10.9.0.100", 5), "m1 -> outside");
    assert!(lab.m2.pings_within("10.9.0.100", 5), "m2 -> outside");
    assert!(lab.outside.ping("10.9.0.1"), "outside -> m1");
    lab.m1.assert_no_reply("10.9.0.2", "10.9.0.100");
    lab.m2.assert_no_reply("10.9.0.1", "10.9.0.100");
}

/// Passthru mode: the one MAC-VLAN takes over the lower device (a second one is
/// refused, with EINVAL) and carries its traffic to the outside.
#[test]
fn macvlan_passthru_mode_takes_over_the_lower_device() {
    let lab = MacVlanLab::new(MacVlanMode::Passthru, false);
    assert!(lab.m1.pings_within("10.9.0.100", 5), "m1 -> outside");
    assert!(lab.outside.ping("10.9.0.1"), "outside -> m1");
    let e = lab
        .lower
        .handle
        .link()
        .add(
            &MacVlan::new(ifname("mv1"), ifname("low0"))
                .mode(MacVlanMode::Passthru)
                .netns(&lab.m2.netns),
        )
        .unwrap_err();
    // The kernel allows one device on a passthru lower, and says EINVAL to another.
    assert_eq!(e.errno(), libc::EINVAL, "{e}");
    assert_eq!(
        e.to_string(),
        format!(
            "creating macvlan 'mv1' on 'low0' in netns '{}': Invalid argument",
            lab.m2.name
        )
    );
    assert!(lab.m2.link_json("mv1").is_none());
}
