//! VLANs with real traffic: 802.1Q and 802.1ad sub-interfaces, isolation by VLAN
//! interfaces on one bridge, and access and trunk ports on a VLAN-filtering bridge with a
//! host-side VLAN interface as the VMs' gateway. State is witnessed by `ip -d -j link`
//! and `bridge -j vlan`, connectivity by `ping`.
//!
//! They need 802.1Q (`CONFIG_VLAN_8021Q`) and bridge VLAN filtering, which this
//! machine's kernel lacks (NOTES.md). On such a kernel each test runs in the stock-kernel
//! lane instead, Debian's own kernel under QEMU (`vnet_testkit::lane`), and passes here
//! only if it passed there; on a kernel with both, and inside the lane, it runs directly.

use vnet_testkit::lane::{self, Feature};
use vnet_testkit::*;

use serde_json::Value;
use vnet::{Bridge, BridgeOptions, LinkDetails, PortVlan, Route, Veth, Vlan, VlanId, VlanProtocol};

fn vid(id: u32) -> VlanId {
    VlanId::new(id).unwrap()
}

/// `ip -d -j link show dev DEV` in `ns`, which must exist.
fn link(ns: &TestNs, dev: &str) -> Value {
    ns.link_json(dev)
        .unwrap_or_else(|| panic!("{dev} missing in {}", ns.name))
}

/// Adds VLAN `id` of `protocol` on `parent` in `ns`, up, named `PARENT.ID` unless `name`
/// says otherwise, with `address`.
fn vlan_interface(
    ns: &TestNs,
    parent: &str,
    id: u32,
    protocol: VlanProtocol,
    name: Option<&str>,
    address: &str,
) -> String {
    let name = name.map_or_else(|| format!("{parent}.{id}"), str::to_string);
    let spec = Vlan::new(ifname(&name), ifname(parent), vid(id))
        .protocol(protocol)
        .up();
    ns.handle.link().add(&spec).unwrap();
    ns.handle
        .addr()
        .add(ifname(&name), address.parse().unwrap())
        .unwrap();
    name
}

/// A VM on `bridge` of `sw`: a namespace whose `eth0` (up, with `address` if given) is
/// the peer of `port`, which is a port of the bridge.
fn vm(sw: &TestNs, bridge: &str, port: &str, address: Option<&str>) -> TestNs {
    let vm = TestNs::new(port);
    let veth = Veth::new(ifname(port), ifname("eth0"))
        .peer_netns(&vm.netns)
        .master(ifname(bridge))
        .up();
    sw.handle.link().add(&veth).unwrap();
    vm.handle.link().up(ifname("eth0")).unwrap();
    if let Some(address) = address {
        vm.handle
            .addr()
            .add(ifname("eth0"), address.parse().unwrap())
            .unwrap();
    }
    vm
}

#[test]
fn vlan_sub_interfaces_8021q_and_8021ad() {
    if !lane::runs_here("vlan_sub_interfaces_8021q_and_8021ad", &[Feature::Vlan]) {
        return;
    }
    // Two namespaces joined by one veth pair, eth0 on each side: the wire.
    let a = TestNs::new("vla");
    let b = TestNs::new("vlb");
    a.handle
        .link()
        .add(
            &Veth::new(ifname("eth0"), ifname("eth0"))
                .peer_netns(&b.netns)
                .up(),
        )
        .unwrap();
    b.handle.link().up(ifname("eth0")).unwrap();

    // ip link add link eth0 name eth0.100 type vlan id 100
    vlan_interface(&a, "eth0", 100, VlanProtocol::Dot1Q, None, "10.1.0.1/24");
    // ip link add link eth0 name eth0.200 type vlan id 200 protocol 802.1ad
    vlan_interface(&a, "eth0", 200, VlanProtocol::Dot1Ad, None, "10.2.0.1/24");
    let eth0 = link(&a, "eth0");
    for (dev, id, protocol) in [("eth0.100", 100, "802.1Q"), ("eth0.200", 200, "802.1ad")] {
        let v = link(&a, dev);
        assert_eq!(v["linkinfo"]["info_kind"], "vlan", "{v}");
        assert_eq!(v["linkinfo"]["info_data"]["id"], id, "{v}");
        assert_eq!(v["linkinfo"]["info_data"]["protocol"], protocol, "{v}");
        assert_eq!(v["link"], "eth0", "{v}");
        assert!(v["flags"].as_array().unwrap().iter().any(|f| f == "UP"));
        // vnet reads back what iproute2 sees.
        let ours = a.handle.link().get(&ifname(dev)).unwrap();
        assert_eq!(ours.kind, Some(vnet::LinkKind::Vlan));
        assert_eq!(ours.parent.map(u64::from), eth0["ifindex"].as_u64());
        let expected = if protocol == "802.1Q" {
            VlanProtocol::Dot1Q
        } else {
            VlanProtocol::Dot1Ad
        };
        assert_eq!(
            ours.details,
            LinkDetails::Vlan {
                id,
                protocol: expected
            }
        );
    }

    // Traffic: matching tags pass; the same id with the other tag protocol does not
    // (the frames carry ethertype 0x8100 or 0x88a8, and a VLAN device takes only its own).
    vlan_interface(&b, "eth0", 100, VlanProtocol::Dot1Q, None, "10.1.0.2/24");
    vlan_interface(&b, "eth0", 200, VlanProtocol::Dot1Ad, None, "10.2.0.2/24");
    vlan_interface(&a, "eth0", 300, VlanProtocol::Dot1Q, None, "10.3.0.1/24");
    vlan_interface(&b, "eth0", 300, VlanProtocol::Dot1Ad, None, "10.3.0.2/24");
    assert!(a.ping("10.1.0.2"), "802.1Q VLAN 100 across the wire");
    assert!(a.ping("10.2.0.2"), "802.1ad VLAN 200 across the wire");
    assert!(
        a.cannot_ping("10.3.0.2"),
        "VLAN 300 is 802.1Q on one side, 802.1ad on the other: no traffic"
    );
    // Q-in-Q: a customer tag (802.1Q, VLAN 10) inside the service tag (802.1ad, 200).
    vlan_interface(
        &a,
        "eth0.200",
        10,
        VlanProtocol::Dot1Q,
        Some("qinq10"),
        "10.4.0.1/24",
    );
    vlan_interface(
        &b,
        "eth0.200",
        10,
        VlanProtocol::Dot1Q,
        Some("qinq10"),
        "10.4.0.2/24",
    );
    assert_eq!(link(&a, "qinq10")["link"], "eth0.200");
    assert!(a.ping("10.4.0.2"), "802.1Q VLAN 10 inside 802.1ad VLAN 200");

    // The kernel refuses a second VLAN 100 (802.1Q) on eth0, and VLANs on loopback; the
    // errors name the object and keep the kernel's text.
    let e = a
        .handle
        .link()
        .add(&Vlan::new(ifname("dup100"), ifname("eth0"), vid(100)))
        .unwrap_err();
    assert_eq!(e.errno(), 17, "{e}");
    assert!(
        e.to_string()
            .starts_with("creating vlan 'dup100' on 'eth0': File exists"),
        "{e}"
    );
    assert!(a.link_json("dup100").is_none());
    let e = a
        .handle
        .link()
        .add(&Vlan::new(ifname("lo.5"), ifname("lo"), vid(5)))
        .unwrap_err();
    assert_eq!(e.errno(), 95, "{e}");
    assert_eq!(
        e.kernel_message(),
        Some("8021q: VLANs not supported on device")
    );

    // ip link del eth0.100: gone, its parent stays.
    a.handle.link().delete(ifname("eth0.100")).unwrap();
    assert!(a.link_json("eth0.100").is_none());
    assert!(a.link_json("eth0").is_some());
    // From b, whose eth0.100 still sends frames tagged 100: a's eth0 drops them now, while
    // VLAN 200 on the same wire still answers (the control).
    b.assert_no_reply("10.1.0.1", "10.2.0.1");
    // Deleting the parent takes its VLANs (and theirs) with it.
    a.handle.link().delete(ifname("eth0")).unwrap();
    let left: Vec<String> = a
        .ip_json(&["link", "show"])
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ifname"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(left, ["lo"]);
}

#[test]
fn vlan_interfaces_isolate_on_one_bridge() {
    if !lane::runs_here("vlan_interfaces_isolate_on_one_bridge", &[Feature::Vlan]) {
        return;
    }
    // Four VMs with veths into one plain bridge (no VLAN filtering: it forwards tagged
    // frames like any other), each with an untagged address.
    let sw = TestNs::new("vlsw");
    sw.handle
        .link()
        .add(&Bridge::new(ifname("br0")).up())
        .unwrap();
    let vms: Vec<TestNs> = (1..=4)
        .map(|n| {
            vm(
                &sw,
                "br0",
                &format!("vm{n}"),
                Some(&format!("10.0.0.{n}/24")),
            )
        })
        .collect();
    // vm1 and vm2 on VLAN 100, vm3 on VLAN 200, all three in one subnet; vm4 untagged only.
    vlan_interface(
        &vms[0],
        "eth0",
        100,
        VlanProtocol::Dot1Q,
        None,
        "10.100.0.1/24",
    );
    vlan_interface(
        &vms[1],
        "eth0",
        100,
        VlanProtocol::Dot1Q,
        None,
        "10.100.0.2/24",
    );
    vlan_interface(
        &vms[2],
        "eth0",
        200,
        VlanProtocol::Dot1Q,
        None,
        "10.100.0.3/24",
    );
    for (vm, dev, id) in [
        (&vms[0], "eth0.100", 100),
        (&vms[1], "eth0.100", 100),
        (&vms[2], "eth0.200", 200),
    ] {
        let v = link(vm, dev);
        assert_eq!(v["linkinfo"]["info_data"]["id"], id, "{v}");
        assert_eq!(v["linkinfo"]["info_data"]["protocol"], "802.1Q", "{v}");
    }

    assert!(vms[0].ping("10.100.0.2"), "vm1 -> vm2 on VLAN 100");
    assert!(vms[1].ping("10.100.0.1"), "vm2 -> vm1 on VLAN 100");
    assert!(
        vms[2].cannot_ping("10.100.0.1"),
        "vm3 (VLAN 200) reaches vm1"
    );
    assert!(
        vms[2].cannot_ping("10.100.0.2"),
        "vm3 (VLAN 200) reaches vm2"
    );
    assert!(
        vms[0].cannot_ping("10.100.0.3"),
        "vm1 reaches vm3 (VLAN 200)"
    );
    // The untagged addresses still work, every pair.
    for (i, from) in vms.iter().enumerate() {
        for to in (1..=4).filter(|n| *n != i + 1) {
            assert!(
                from.ping(&format!("10.0.0.{to}")),
                "vm{} -> 10.0.0.{to} untagged",
                i + 1
            );
        }
    }
}

/// `bridge -j vlan show` as `(device, vid, pvid, untagged)`, sorted.
fn witness_vlans(ns: &TestNs) -> Vec<(String, u16, bool, bool)> {
    let v = ns.bridge_json(&["vlan", "show"]);
    let mut vlans = Vec::new();
    for dev in v.as_array().into_iter().flatten() {
        for vlan in dev["vlans"].as_array().into_iter().flatten() {
            let flags = vlan["flags"].as_array().cloned().unwrap_or_default();
            vlans.push((
                dev["ifname"].as_str().unwrap().to_string(),
                vlan["vlan"].as_u64().unwrap() as u16,
                flags.iter().any(|f| f == "PVID"),
                flags.iter().any(|f| f == "Egress Untagged"),
            ));
        }
    }
    vlans.sort();
    vlans
}

#[test]
fn bridge_access_and_trunk_ports_with_a_gateway() {
    if !lane::runs_here(
        "bridge_access_and_trunk_ports_with_a_gateway",
        &[Feature::Vlan, Feature::BridgeVlanFiltering],
    ) {
        return;
    }
    // What Open vSwitch does with `add-port sw0 tapN tag=T` (access ports),
    // `add-port sw0 tap4 trunks=2,3` and an internal port with tag 2 as the gateway, on
    // a Linux bridge with VLAN filtering.
    let sw = TestNs::new("vfsw");
    let filtering = BridgeOptions {
        vlan_filtering: Some(true),
        ..Default::default()
    };
    sw.handle
        .link()
        .add(&Bridge::new(ifname("br0")).options(filtering).up())
        .unwrap();
    let vm1 = vm(&sw, "br0", "tap1", Some("10.2.0.1/24"));
    let vm2 = vm(&sw, "br0", "tap2", Some("10.2.0.2/24"));
    // vm3 is in VLAN 3, yet has an address in VLAN 2's subnet too: only the VLAN
    // separates it from vm1 and vm2.
    let vm3 = vm(&sw, "br0", "tap3", Some("10.3.0.3/24"));
    vm3.handle
        .addr()
        .add(ifname("eth0"), "10.2.0.3/24".parse().unwrap())
        .unwrap();
    let vm4 = vm(&sw, "br0", "tap4", None);
    vlan_interface(&vm4, "eth0", 2, VlanProtocol::Dot1Q, None, "10.2.0.4/24");
    vlan_interface(&vm4, "eth0", 3, VlanProtocol::Dot1Q, None, "10.3.0.4/24");

    let br = sw.handle.bridge();
    let access = |t: u32| PortVlan {
        vid: vid(t),
        pvid: true,
        untagged: true,
    };
    // Access ports: VLAN T as PVID, untagged on the way out, and nothing else (every
    // port starts in the bridge's default VLAN 1).
    for (port, t) in [("tap1", 2), ("tap2", 2), ("tap3", 3)] {
        br.vlan_add(ifname(port), &access(t)).unwrap();
        br.vlan_del(ifname(port), vid(1)).unwrap();
    }
    // The trunk: VLANs 2 and 3, tagged.
    for t in [2, 3] {
        br.vlan_add(ifname("tap4"), &PortVlan::tagged(vid(t)))
            .unwrap();
    }
    br.vlan_del(ifname("tap4"), vid(1)).unwrap();
    // The gateway: the bridge's own port carries VLAN 2 tagged, and br0.2 on it holds
    // the VMs' router address (`bridge vlan add dev br0 vid 2 self`, then
    // `ip link add link br0 name br0.2 type vlan id 2`).
    br.vlan_add_self(ifname("br0"), &PortVlan::tagged(vid(2)))
        .unwrap();
    vlan_interface(&sw, "br0", 2, VlanProtocol::Dot1Q, None, "10.2.0.254/24");
    // Something behind the gateway: an address of the switch's own namespace.
    sw.handle
        .addr()
        .add(ifname("lo"), "192.0.2.1/32".parse().unwrap())
        .unwrap();
    for vm in [&vm1, &vm2] {
        vm.handle
            .route()
            .add(&Route::default_via("10.2.0.254".parse().unwrap()))
            .unwrap();
    }

    // The kernel's state, through iproute2, and vnet's reading of it.
    assert_eq!(
        link(&sw, "br0")["linkinfo"]["info_data"]["vlan_filtering"],
        1
    );
    let witness = witness_vlans(&sw);
    let expected: Vec<(String, u16, bool, bool)> = [
        ("br0", 1, true, true),
        ("br0", 2, false, false),
        ("tap1", 2, true, true),
        ("tap2", 2, true, true),
        ("tap3", 3, true, true),
        ("tap4", 2, false, false),
        ("tap4", 3, false, false),
    ]
    .into_iter()
    .map(|(d, v, p, u)| (d.to_string(), v, p, u))
    .collect();
    assert_eq!(witness, expected);
    let mut ours = Vec::new();
    for (index, vlans) in br.vlan_list().unwrap() {
        let name = sw.handle.link().get_index(index).unwrap().name;
        for v in vlans {
            ours.push((name.to_string(), v.vid.get(), v.pvid, v.untagged));
        }
    }
    ours.sort();
    assert_eq!(ours, expected, "vlan_list against bridge -j vlan show");

    // Access ports in VLAN 2 reach each other; VLAN 3 reaches neither, even in their
    // subnet.
    assert!(vm1.ping("10.2.0.2"), "vm1 -> vm2, both access VLAN 2");
    assert!(vm2.ping("10.2.0.1"), "vm2 -> vm1, both access VLAN 2");
    assert!(
        vm1.cannot_ping("10.2.0.3"),
        "vm1 (VLAN 2) reaches vm3 (VLAN 3)"
    );
    assert!(
        vm3.cannot_ping("10.2.0.1"),
        "vm3 (VLAN 3) reaches vm1 (VLAN 2)"
    );
    // The trunk reaches both VLANs through its sub-interfaces, and only the right one.
    assert!(vm4.ping("10.2.0.1"), "trunk, VLAN 2 -> vm1");
    assert!(vm4.ping("10.2.0.2"), "trunk, VLAN 2 -> vm2");
    assert!(vm4.ping("10.3.0.3"), "trunk, VLAN 3 -> vm3");
    assert!(
        vm4.cannot_ping("10.2.0.3"),
        "trunk, VLAN 2 reaches vm3 (VLAN 3)"
    );
    assert!(vm3.ping("10.3.0.4"), "vm3 -> trunk, VLAN 3");
    // The host-side VLAN interface is the VLAN 2 VMs' gateway, and only theirs.
    assert!(vm1.ping("10.2.0.254"), "vm1 -> its gateway");
    assert!(vm1.ping("192.0.2.1"), "vm1 -> behind its gateway");
    assert!(vm2.ping("192.0.2.1"), "vm2 -> behind its gateway");
    assert!(vm4.ping("10.2.0.254"), "trunk, VLAN 2 -> the gateway");
    assert!(
        vm3.cannot_ping("10.2.0.254"),
        "vm3 (VLAN 3) reaches the gateway"
    );
}
