//! Link creation, change, lookup, listing and deletion, witnessed by `ip -d -j link`.

use vnet::{
    Bridge, BridgeOptions, Error, LinkChange, LinkDetails, LinkRef, MacAddr, MacVlan, MacVlanMode,
    Mtu, Veth, Vlan, VlanId, VlanProtocol, Vni, Vxlan,
};
use vnet_testkit::*;

fn kind(v: &serde_json::Value) -> &str {
    v["linkinfo"]["info_kind"].as_str().unwrap_or("")
}

#[test]
fn veth_peer_is_created_inside_its_namespace_with_its_own_mac_and_mtu() {
    let host = TestNs::new("host");
    let vm = TestNs::new("vm");
    let mac: MacAddr = "02:00:00:00:00:01".parse().unwrap();
    let peer_mac: MacAddr = "02:00:00:00:00:02".parse().unwrap();
    let veth = Veth::new(ifname("ext0"), ifname("int0"))
        .peer_netns(&vm.netns)
        .mac(mac)
        .mtu(Mtu::new(1400).unwrap())
        .peer_mac(peer_mac)
        .peer_mtu(Mtu::new(1300).unwrap())
        .up();
    host.handle.link().add(&veth).unwrap();

    let ext = host.link_json("ext0").expect("ext0 in host");
    assert_eq!(kind(&ext), "veth");
    assert_eq!(ext["address"], "02:00:00:00:00:01");
    assert_eq!(ext["mtu"], 1400);
    assert!(ext["flags"].as_array().unwrap().iter().any(|f| f == "UP"));
    assert!(
        host.link_json("int0").is_none(),
        "the peer must not appear in the host namespace"
    );

    let int = vm.link_json("int0").expect("int0 in vm");
    assert_eq!(kind(&int), "veth");
    assert_eq!(int["address"], "02:00:00:00:00:02");
    assert_eq!(int["mtu"], 1300);
    // The peer cannot be set up in the create request; it is down until asked.
    assert!(!int["flags"].as_array().unwrap().iter().any(|f| f == "UP"));
}

#[test]
fn bridge_with_options_and_a_port_enslaved_at_creation() {
    let ns = TestNs::new("br");
    let options = BridgeOptions {
        stp: Some(true),
        forward_delay: Some(400),
        hello_time: Some(300),
        max_age: Some(1000),
        ageing_time: Some(12_000),
        priority: Some(4096),
        multicast_snooping: Some(false),
        ..Default::default()
    };
    ns.handle
        .link()
        .add(&Bridge::new(ifname("br0")).options(options).up())
        .unwrap();
    ns.handle
        .link()
        .add(
            &Veth::new(ifname("p0"), ifname("p0b"))
                .master(ifname("br0"))
                .up(),
        )
        .unwrap();

    let br = ns.link_json("br0").unwrap();
    let data = &br["linkinfo"]["info_data"];
    assert_eq!(kind(&br), "bridge");
    assert_eq!(data["stp_state"], 1);
    assert_eq!(data["forward_delay"], 400);
    assert_eq!(data["hello_time"], 300);
    assert_eq!(data["max_age"], 1000);
    assert_eq!(data["ageing_time"], 12_000);
    assert_eq!(data["priority"], 4096);
    assert_eq!(data["mcast_snooping"], 0);
    let port = ns.link_json("p0").unwrap();
    assert_eq!(port["master"], "br0");
    assert!(port["flags"].as_array().unwrap().iter().any(|f| f == "UP"));
}

#[test]
fn vxlan_and_macvlan() {
    let ns = TestNs::new("vx");
    ns.handle
        .link()
        .add(&Veth::new(ifname("under0"), ifname("under1")))
        .unwrap();
    ns.handle
        .addr()
        .add(ifname("under0"), "192.0.2.1/24".parse().unwrap())
        .unwrap();
    let vx = Vxlan::new(ifname("vxlan42"), Vni::new(42).unwrap())
        .remote("192.0.2.2".parse().unwrap())
        .local("192.0.2.1".parse().unwrap())
        .parent(ifname("under0"))
        .port(4789)
        .no_learning();
    ns.handle.link().add(&vx).unwrap();
    let v = ns.link_json("vxlan42").unwrap();
    let data = &v["linkinfo"]["info_data"];
    assert_eq!(kind(&v), "vxlan");
    assert_eq!(data["id"], 42);
    assert_eq!(data["remote"], "192.0.2.2");
    assert_eq!(data["local"], "192.0.2.1");
    assert_eq!(data["port"], 4789);
    assert_eq!(data["link"], "under0");
    assert_eq!(data["learning"], false);
    let parsed = ns.handle.link().get(&ifname("vxlan42")).unwrap();
    assert_eq!(
        parsed.details,
        LinkDetails::Vxlan {
            vni: 42,
            port: Some(4789),
            learning: Some(false)
        }
    );

    // A multicast group on an underlying device, and an IPv6 overlay.
    let vx = Vxlan::new(ifname("vxlan43"), Vni::new(43).unwrap())
        .multicast_group("239.1.1.1".parse().unwrap())
        .parent(ifname("under0"));
    ns.handle.link().add(&vx).unwrap();
    let data = ns.link_json("vxlan43").unwrap()["linkinfo"]["info_data"].clone();
    assert_eq!(data["group"], "239.1.1.1");
    assert_eq!(data["link"], "under0");
    let vx = Vxlan::new(ifname("vxlan44"), Vni::new(44).unwrap())
        .remote("fd00::2".parse().unwrap())
        .local("fd00::1".parse().unwrap())
        .port(4790);
    ns.handle.link().add(&vx).unwrap();
    let data = ns.link_json("vxlan44").unwrap()["linkinfo"]["info_data"].clone();
    assert_eq!(data["remote6"], "fd00::2", "{data}");
    assert_eq!(data["local6"], "fd00::1", "{data}");
    assert_eq!(data["port"], 4790);

    ns.handle
        .link()
        .add(&MacVlan::new(ifname("mv0"), ifname("under0")))
        .unwrap();
    let mv = ns.link_json("mv0").unwrap();
    assert_eq!(kind(&mv), "macvlan");
    assert_eq!(mv["linkinfo"]["info_data"]["mode"], "bridge");
    assert_eq!(mv["link"], "under0");
    for (i, (mode, name)) in [
        (MacVlanMode::Private, "private"),
        (MacVlanMode::Vepa, "vepa"),
        (MacVlanMode::Source, "source"),
    ]
    .into_iter()
    .enumerate()
    {
        let dev = format!("mvm{i}");
        ns.handle
            .link()
            .add(&MacVlan::new(ifname(&dev), ifname("under0")).mode(mode))
            .unwrap();
        let mv = ns.link_json(&dev).unwrap();
        assert_eq!(mv["linkinfo"]["info_data"]["mode"], name, "{mv}");
    }
    // Passthru takes the parent for itself: on a parent of its own.
    ns.handle
        .link()
        .add(&Veth::new(ifname("pt0"), ifname("pt1")))
        .unwrap();
    ns.handle
        .link()
        .add(&MacVlan::new(ifname("mvpt"), ifname("pt0")).mode(MacVlanMode::Passthru))
        .unwrap();
    let mv = ns.link_json("mvpt").unwrap();
    assert_eq!(mv["linkinfo"]["info_data"]["mode"], "passthru", "{mv}");
}

#[test]
fn vlan_on_this_kernel_fails_with_the_kernels_clear_error() {
    // This kernel has no CONFIG_VLAN_8021Q; the stock-kernel lane proves VLANs for real.
    let ns = TestNs::new("vlan");
    ns.handle
        .link()
        .add(&Veth::new(ifname("eth0"), ifname("eth0p")))
        .unwrap();
    let vlan = Vlan::new(
        ifname("eth0.100"),
        ifname("eth0"),
        VlanId::new(100).unwrap(),
    )
    .protocol(VlanProtocol::Dot1Q);
    match ns.handle.link().add(&vlan) {
        Err(e) if e.errno() == libc_eopnotsupp() => {
            assert_eq!(
                e.to_string(),
                "creating vlan 'eth0.100' on 'eth0': Operation not supported (Unknown device type)"
            );
            assert_eq!(e.kernel_message(), Some("Unknown device type"));
            assert!(ns.link_json("eth0.100").is_none());
        }
        Err(e) => panic!("unexpected error: {e}"),
        Ok(()) => {
            // A kernel with 802.1Q: then the VLAN must really be there.
            let v = ns.link_json("eth0.100").unwrap();
            assert_eq!(v["linkinfo"]["info_data"]["id"], 100);
        }
    }
}

fn libc_eopnotsupp() -> i32 {
    95
}

#[test]
fn set_up_down_mtu_mac_master_nomaster_group() {
    let ns = TestNs::new("set");
    let links = ns.handle.link();
    links.add(&Bridge::new(ifname("br0"))).unwrap();
    links.add(&Veth::new(ifname("a0"), ifname("a1"))).unwrap();

    let change = LinkChange::new()
        .up()
        .mtu(Mtu::new(1280).unwrap())
        .mac("02:aa:bb:cc:dd:ee".parse().unwrap())
        .master(ifname("br0"))
        .group(7);
    links.set(ifname("a0"), &change).unwrap();
    let a0 = ns.link_json("a0").unwrap();
    assert!(a0["flags"].as_array().unwrap().iter().any(|f| f == "UP"));
    assert_eq!(a0["mtu"], 1280);
    assert_eq!(a0["address"], "02:aa:bb:cc:dd:ee");
    assert_eq!(a0["master"], "br0");
    assert_eq!(a0["group"], "7");

    // Setting the same state again changes nothing and is not an error.
    links.set(ifname("a0"), &change).unwrap();

    links
        .set(ifname("a0"), &LinkChange::new().no_master().down())
        .unwrap();
    let a0 = ns.link_json("a0").unwrap();
    assert!(a0.get("master").is_none());
    assert!(!a0["flags"].as_array().unwrap().iter().any(|f| f == "UP"));
}

#[test]
fn rename_and_move_into_another_namespace_in_one_request() {
    let host = TestNs::new("mvh");
    let vm = TestNs::new("mvv");
    host.handle
        .link()
        .add(&Veth::new(ifname("ext0"), ifname("int0")))
        .unwrap();
    host.handle
        .link()
        .set(
            ifname("int0"),
            &LinkChange::new().netns(&vm.netns).name(ifname("eth0")),
        )
        .unwrap();
    assert!(host.link_json("int0").is_none());
    let eth0 = vm.link_json("eth0").expect("eth0 in vm");
    assert_eq!(kind(&eth0), "veth");

    // Plain rename in place, by index.
    let index = host.handle.link().get(&ifname("ext0")).unwrap().index;
    host.handle
        .link()
        .set(
            LinkRef::Index(index),
            &LinkChange::new().name(ifname("ext1")),
        )
        .unwrap();
    assert!(host.link_json("ext1").is_some());
}

#[test]
fn get_by_name_and_index_and_list() {
    let ns = TestNs::new("get");
    ns.handle
        .link()
        .add(&Veth::new(ifname("v0"), ifname("v1")).mtu(Mtu::new(1450).unwrap()))
        .unwrap();
    let v0 = ns.handle.link().get(&ifname("v0")).unwrap();
    let witness = ns.link_json("v0").unwrap();
    assert_eq!(v0.index as u64, witness["ifindex"].as_u64().unwrap());
    assert_eq!(v0.kind, Some(vnet::LinkKind::Veth));
    assert_eq!(v0.mtu, Some(1450));
    assert_eq!(
        v0.mac.unwrap().to_string(),
        witness["address"].as_str().unwrap()
    );
    let v1 = ns.handle.link().get(&ifname("v1")).unwrap();
    assert_eq!(v0.parent, Some(v1.index), "a veth's IFLA_LINK is its peer");
    assert_eq!(ns.handle.link().get_index(v0.index).unwrap().name, "v0");

    // Every field of every listed link agrees with iproute2: flags, operstate, master,
    // group, MTU, MAC, kind.
    ns.handle
        .link()
        .add(&vnet::Bridge::new(ifname("br0")).up())
        .unwrap();
    ns.handle
        .link()
        .set(
            ifname("v0"),
            &vnet::LinkChange::new().master(ifname("br0")).group(5).up(),
        )
        .unwrap();
    ns.handle.link().up(ifname("v1")).unwrap();
    // Every other kind vnet names, and the operational states of links that are down
    // (DOWN) or whose peer is (LOWERLAYERDOWN).
    ns.handle
        .link()
        .add(&Vxlan::new(ifname("vx7"), Vni::new(7).unwrap()).port(4789))
        .unwrap();
    ns.handle
        .link()
        .add(&MacVlan::new(ifname("mv0"), ifname("v1")).mode(MacVlanMode::Bridge))
        .unwrap();
    ns.handle
        .tuntap()
        .add(&vnet::TunTap::tap(ifname("tap7")))
        .unwrap();
    ns.handle
        .link()
        .add(&Veth::new(ifname("lw0"), ifname("lw1")).up())
        .unwrap();
    // Operational states settle asynchronously (the kernel's link watch): wait for
    // them, so both readers see the same moment.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while ["v0", "v1", "br0"]
        .iter()
        .any(|d| ns.link_json(d).unwrap()["operstate"] != "UP")
        || ns.link_json("lw0").unwrap()["operstate"] != "LOWERLAYERDOWN"
    {
        assert!(std::time::Instant::now() < deadline, "links never came up");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let listed = ns.handle.link().list().unwrap();
    let witness = ns.ip_json(&["-d", "link", "show"]);
    let witness = witness.as_array().unwrap();
    assert_eq!(listed.len(), witness.len());
    let index_of = |name: &str| {
        witness
            .iter()
            .find(|w| w["ifname"] == name)
            .map(|w| w["ifindex"].as_u64().unwrap() as u32)
    };
    for (link, w) in listed.iter().zip(witness) {
        assert_eq!(link.name, w["ifname"].as_str().unwrap());
        assert_eq!(link.index as u64, w["ifindex"].as_u64().unwrap());
        let flags: Vec<&str> = w["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert_eq!(link.up, flags.contains(&"UP"), "{}", link.name);
        assert_eq!(link.lower_up, flags.contains(&"LOWER_UP"), "{}", link.name);
        // Typed outputs print as ip prints them.
        assert_eq!(
            link.operstate.to_string(),
            w["operstate"].as_str().unwrap(),
            "{}",
            link.name
        );
        assert_eq!(
            link.master,
            w["master"].as_str().and_then(index_of),
            "{}",
            link.name
        );
        let group = match w["group"].as_str().unwrap() {
            "default" => 0,
            n => n.parse().unwrap(),
        };
        assert_eq!(link.group, group, "{}", link.name);
        assert_eq!(link.mtu.map(u64::from), w["mtu"].as_u64(), "{}", link.name);
        assert_eq!(
            link.mac.map(|m| m.to_string()).as_deref(),
            w["address"].as_str(),
            "{}",
            link.name
        );
        assert_eq!(
            link.kind.as_ref().map(|k| k.to_string()).as_deref(),
            w["linkinfo"]["info_kind"].as_str(),
            "{}",
            link.name
        );
    }
    let v0 = listed.iter().find(|l| l.name == "v0").unwrap();
    assert_eq!((v0.group, v0.master.is_some(), v0.up), (5, true, true));
    let mut kinds: Vec<String> = listed
        .iter()
        .map(|l| l.kind.as_ref().map_or("-".to_string(), |k| k.to_string()))
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds, ["-", "bridge", "macvlan", "tun", "veth", "vxlan"]);
    let mut states: Vec<String> = listed.iter().map(|l| l.operstate.to_string()).collect();
    states.sort();
    states.dedup();
    assert_eq!(states, ["DOWN", "LOWERLAYERDOWN", "UNKNOWN", "UP"]);

    match ns.handle.link().get(&ifname("missing0")) {
        Err(Error::NotFound {
            what: "link", name, ..
        }) => assert_eq!(name, "missing0"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(!ns.handle.link().exists(&ifname("missing0")).unwrap());

    // Several at once, in the order asked; a missing one is named.
    let many = ns
        .handle
        .link()
        .get_many(&[
            ifname("v1").into(),
            ifname("lo").into(),
            ifname("v0").into(),
        ])
        .unwrap();
    let names: Vec<String> = many.iter().map(|l| l.name.to_string()).collect();
    assert_eq!(names, ["v1", "lo", "v0"]);
    match ns
        .handle
        .link()
        .get_many(&[ifname("v1").into(), ifname("missing1").into()])
    {
        Err(Error::NotFound { name, .. }) => assert_eq!(name, "missing1"),
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[test]
fn delete_one_and_delete_a_whole_group_in_one_request() {
    let ns = TestNs::new("del");
    let links = ns.handle.link();
    links
        .add(&Veth::new(ifname("solo0"), ifname("solo1")))
        .unwrap();
    links.delete(ifname("solo0")).unwrap();
    assert!(ns.link_json("solo0").is_none());
    assert!(
        ns.link_json("solo1").is_none(),
        "deleting one end deletes the pair"
    );

    for i in 0..5 {
        links
            .add(&Veth::new(ifname(&format!("g{i}a")), ifname(&format!("g{i}b"))).group(42))
            .unwrap();
    }
    links
        .add(&Veth::new(ifname("keep0"), ifname("keep1")))
        .unwrap();
    links.delete_group(42).unwrap();
    let remaining: Vec<String> = ns
        .ip_json(&["link", "show"])
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ifname"].as_str().unwrap().to_string())
        .collect();
    assert!(
        remaining.iter().all(|n| !n.starts_with('g')),
        "{remaining:?}"
    );
    assert!(remaining.contains(&"keep0".to_string()));
    // Group 0 would be every device: refused before any request.
    assert!(
        links
            .delete_group(0)
            .unwrap_err()
            .to_string()
            .contains("group 0")
    );
}

#[test]
fn add_many_creates_in_one_round_trip() {
    let ns = TestNs::new("many");
    let specs: Vec<Veth> = (0..20)
        .map(|i| Veth::new(ifname(&format!("m{i}")), ifname(&format!("m{i}p"))))
        .collect();
    let refs: Vec<&dyn vnet::LinkSpec> = specs.iter().map(|s| s as &dyn vnet::LinkSpec).collect();
    ns.handle.link().add_many(&refs).unwrap();
    assert_eq!(
        ns.ip_json(&["link", "show", "type", "veth"])
            .as_array()
            .unwrap()
            .len(),
        40
    );
}

/// More requests than one receive buffer holds answers for: the engine sends them in
/// chunks, so none of the kernel's answers is dropped.
#[test]
fn add_many_creates_a_thousand_links() {
    let ns = TestNs::new("thousand");
    let specs: Vec<Veth> = (0..500)
        .map(|i| Veth::new(ifname(&format!("k{i}")), ifname(&format!("k{i}p"))).group(9))
        .collect();
    let refs: Vec<&dyn vnet::LinkSpec> = specs.iter().map(|s| s as &dyn vnet::LinkSpec).collect();
    ns.handle.link().add_many(&refs).unwrap();
    let veths = ns.ip_json(&["link", "show", "type", "veth"]);
    assert_eq!(veths.as_array().unwrap().len(), 1000);
    ns.handle.link().delete_group(9).unwrap();
}

/// Links a batch created in another namespace are deleted there when a later one fails.
#[test]
fn add_many_rolls_back_links_created_in_another_namespace() {
    let ns = TestNs::new("rbhome");
    let other = TestNs::new("rbother");
    ns.handle
        .link()
        .add(&Veth::new(ifname("taken"), ifname("takenp")))
        .unwrap();
    let elsewhere = Veth::new(ifname("far0"), ifname("far0p")).netns(&other.netns);
    let here = Veth::new(ifname("near0"), ifname("near0p"));
    let refused = Veth::new(ifname("taken"), ifname("x0"));
    let specs: [&dyn vnet::LinkSpec; 3] = [&elsewhere, &here, &refused];
    let e = ns.handle.link().add_many(&specs).unwrap_err().to_string();
    assert_eq!(
        e,
        "creating veth 'taken' (peer 'x0') (link 3 of 3): File exists"
    );
    assert!(
        other.link_json("far0").is_none(),
        "far0 left in the other namespace"
    );
    assert!(other.link_json("far0p").is_none());
    assert!(ns.link_json("near0").is_none());
    assert!(ns.link_json("taken").is_some());
}

#[test]
fn add_many_rolls_back_when_one_link_is_refused() {
    let ns = TestNs::new("rollb");
    // "r5" exists already: the sixth spec of the batch will be refused.
    ns.handle
        .link()
        .add(&Veth::new(ifname("r5"), ifname("old5")))
        .unwrap();
    let specs: Vec<Veth> = (0..10)
        .map(|i| Veth::new(ifname(&format!("r{i}")), ifname(&format!("r{i}p"))))
        .collect();
    let refs: Vec<&dyn vnet::LinkSpec> = specs.iter().map(|s| s as &dyn vnet::LinkSpec).collect();
    let e = ns.handle.link().add_many(&refs).unwrap_err();
    assert_eq!(
        e.to_string(),
        "creating veth 'r5' (peer 'r5p') (link 6 of 10): File exists"
    );
    let names: Vec<String> = ns
        .ip_json(&["link", "show", "type", "veth"])
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ifname"].as_str().unwrap().to_string())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(
        names,
        ["old5", "r5"],
        "everything this call created is gone, the rest stays"
    );
}

/// What `ip -j link show DEV` says of the fields set_many changes: (name, up flag,
/// master, mtu, address, group), by index.
fn link_state(ns: &TestNs, index: u32) -> (String, bool, Option<String>, u64, String, String) {
    let all = ns.ip_json(&["link", "show"]);
    let l = all
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["ifindex"] == index)
        .unwrap_or_else(|| panic!("no link {index}"));
    let up = l["flags"].as_array().unwrap().iter().any(|f| f == "UP");
    (
        l["ifname"].as_str().unwrap().to_string(),
        up,
        l["master"].as_str().map(str::to_string),
        l["mtu"].as_u64().unwrap(),
        l["address"].as_str().unwrap().to_string(),
        l["group"].as_str().unwrap().to_string(),
    )
}

#[test]
fn set_many_applies_all_changes_or_none() {
    let ns = TestNs::new("setmany");
    let links = ns.handle.link();
    links.add(&vnet::Bridge::new(ifname("br0"))).unwrap();
    links.add(&vnet::Bridge::new(ifname("br1"))).unwrap();
    for i in 0..4 {
        links
            .add(&Veth::new(
                ifname(&format!("s{i}")),
                ifname(&format!("s{i}p")),
            ))
            .unwrap();
    }
    links
        .set(
            ifname("s1"),
            &vnet::LinkChange::new().master(ifname("br1")).up(),
        )
        .unwrap();
    let index = |name: &str| links.get(&ifname(name)).unwrap().index;
    let watched: Vec<u32> = ["s0", "s1", "s2", "s3"].iter().map(|n| index(n)).collect();
    let before: Vec<_> = watched.iter().map(|&i| link_state(&ns, i)).collect();

    // Every kind of change a batch undoes, then one the kernel refuses (a veth cannot
    // be a master), then one more after it.
    let mac: vnet::MacAddr = "02:00:00:00:77:01".parse().unwrap();
    let changes = vec![
        (
            ifname("s0").into(),
            vnet::LinkChange::new()
                .up()
                .master(ifname("br0"))
                .mtu(Mtu::new(1400).unwrap())
                .mac(mac)
                .group(9),
        ),
        (
            ifname("s1").into(),
            vnet::LinkChange::new().down().no_master(),
        ),
        (
            ifname("s2").into(),
            vnet::LinkChange::new().name(ifname("renamed2")),
        ),
        (
            ifname("s3").into(),
            vnet::LinkChange::new().master(ifname("s0p")),
        ),
        (ifname("s0p").into(), vnet::LinkChange::new().group(3)),
    ];
    let e = links.set_many(&changes).unwrap_err();
    assert_eq!(e.errno(), libc_eopnotsupp(), "{e}");
    assert!(
        e.to_string().starts_with(
            "changing link 's3' (master 's0p') (change 4 of 5; the 4 other changes it had \
             made were undone): Operation not supported"
        ),
        "{e}"
    );
    let after: Vec<_> = watched.iter().map(|&i| link_state(&ns, i)).collect();
    assert_eq!(after, before, "every applied change is undone");
    assert_eq!(link_state(&ns, index("s0p")).5, "default");

    // Without the refused change, all apply.
    let mut good = changes;
    good.remove(3);
    links.set_many(&good).unwrap();
    let s0 = link_state(&ns, watched[0]);
    assert_eq!(
        s0,
        (
            "s0".to_string(),
            true,
            Some("br0".to_string()),
            1400,
            mac.to_string(),
            "9".to_string()
        )
    );
    assert_eq!(link_state(&ns, watched[1]).2, None);
    assert_eq!(link_state(&ns, watched[2]).0, "renamed2");

    // A move to another namespace cannot be undone by a batch: refused before anything.
    let other = TestNs::new("setmany2");
    let e = links
        .set_many(&[(
            ifname("s3").into(),
            vnet::LinkChange::new().netns(&other.netns),
        )])
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput { .. }), "{e:?}");
    assert!(ns.link_json("s3").is_some());
}

#[test]
fn kernel_errors_name_the_step_and_object() {
    let ns = TestNs::new("err");
    ns.handle
        .link()
        .add(&Veth::new(ifname("x0"), ifname("x1")))
        .unwrap();
    let e = ns
        .handle
        .link()
        .add(&Veth::new(ifname("x0"), ifname("y1")))
        .unwrap_err();
    assert_eq!(e.to_string(), "creating veth 'x0' (peer 'y1'): File exists");
    assert_eq!(e.errno(), 17);
    let e = ns
        .handle
        .link()
        .add(&Veth::new(ifname("z0"), ifname("z1")).master(ifname("nobr")))
        .unwrap_err();
    assert!(e.to_string().contains("'nobr' not found"), "{e}");
    // An MTU the device refuses: the kernel explains in its extended ACK.
    let e = ns
        .handle
        .link()
        .set(
            ifname("lo"),
            &LinkChange::new()
                .mtu(Mtu::new(65535).unwrap())
                .master(ifname("x0")),
        )
        .unwrap_err();
    assert!(e.to_string().starts_with("changing link 'lo'"), "{e}");
}

#[test]
fn invalid_input_is_refused_before_any_syscall() {
    for (bad, reason) in [
        ("0123456789abcdef", "longer than 15 bytes"),
        ("a/b", "'/'"),
        ("has space", "whitespace"),
        ("", "empty"),
    ] {
        let e = vnet::IfName::new(bad).unwrap_err();
        assert!(e.to_string().contains(reason), "{e}");
    }
    assert!(VlanId::new(4095).unwrap_err().to_string().contains("4095"));
    assert!(
        Vni::new(16_777_216)
            .unwrap_err()
            .to_string()
            .contains("16777216")
    );
    assert!(Mtu::new(20).unwrap_err().to_string().contains("'20'"));
    assert!(
        "zz:00:00:00:00:00"
            .parse::<MacAddr>()
            .unwrap_err()
            .to_string()
            .contains("zz:")
    );
    assert!(
        vnet::parse_cidr("10.0.0.0/40")
            .unwrap_err()
            .to_string()
            .contains("10.0.0.0/40")
    );
    // A VXLAN multicast group without a parent is refused before the kernel is asked.
    let ns = TestNs::new("inv");
    // So are a MAC no device may have and a route destination with host bits.
    for (mac, why) in [
        ("01:00:5e:00:00:01", "multicast"),
        ("ff:ff:ff:ff:ff:ff", "multicast"),
        ("00:00:00:00:00:00", "all-zero"),
    ] {
        let e = ns
            .handle
            .link()
            .add(&Veth::new(ifname("m0"), ifname("m1")).mac(mac.parse().unwrap()))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!(
                "invalid MAC address '{mac}': {}",
                match why {
                    "multicast" => "a multicast address cannot be a device's address",
                    _ => "the all-zero address cannot be a device's address",
                }
            )
        );
        assert!(ns.link_json("m0").is_none());
    }
    let e = ns
        .handle
        .route()
        .add(&vnet::Route::new("10.1.2.3/8".parse().unwrap()).dev(ifname("lo")))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "invalid route destination '10.1.2.3/8': host bits are set: the network is 10.0.0.0/8"
    );
    let e = ns
        .handle
        .link()
        .add(
            &Vxlan::new(ifname("vx0"), Vni::new(1).unwrap())
                .multicast_group("239.1.1.1".parse().unwrap()),
        )
        .unwrap_err();
    assert!(e.to_string().contains("parent"), "{e}");
    assert!(ns.link_json("vx0").is_none());
}

/// An interface name is bytes: a bridge named `br\xfe` (not UTF-8) is created with exactly
/// those bytes, found by them, listed (a dump with such a name in it still decodes), its
/// address's label read back exactly, renamed and deleted by them; `ip -o` is the witness.
#[test]
fn names_that_are_not_utf8_are_kept_exactly() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use vnet::IfName;

    let ns = TestNs::new("rawname");
    let name = IfName::from_bytes(b"br\xfe").unwrap();
    let lossy_twin = IfName::new("br\u{fffd}").unwrap();
    ns.handle.link().add(&Bridge::new(name.clone())).unwrap();
    let witness = |ns: &TestNs| -> Vec<Vec<u8>> {
        let out = ns.exec("ip", &["-o", "link", "show"]);
        assert!(out.status.success());
        out.stdout
            .split(|&b| b == b'\n')
            .filter_map(|line| line.split(|&b| b == b':').nth(1).map(|n| n[1..].to_vec()))
            .collect()
    };
    assert!(
        witness(&ns).contains(&b"br\xfe".to_vec()),
        "{:?}",
        witness(&ns)
    );
    assert!(!witness(&ns).contains(&"br\u{fffd}".as_bytes().to_vec()));

    let link = ns.handle.link().get(&name).unwrap();
    assert_eq!(link.name, name);
    assert_eq!(link.name.as_os_str(), OsStr::from_bytes(b"br\xfe"));
    let listed: Vec<IfName> = ns
        .handle
        .link()
        .list()
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert!(listed.contains(&name), "{listed:?}");
    assert_eq!(
        ns.handle.link().get(&lossy_twin).unwrap_err().errno(),
        19, // ENODEV
        "the U+FFFD twin must not exist"
    );

    ns.handle
        .addr()
        .add(&name, "10.9.0.1/24".parse().unwrap())
        .unwrap();
    let labels: Vec<_> = ns
        .handle
        .addr()
        .list(None)
        .unwrap()
        .into_iter()
        .filter_map(|a| a.label)
        .collect();
    assert!(
        labels.iter().any(|l| l.as_bytes() == b"br\xfe"),
        "{labels:?}"
    );

    let renamed = IfName::from_bytes(b"b\xff\xfe").unwrap();
    ns.handle
        .link()
        .set(&name, &LinkChange::new().name(renamed.clone()))
        .unwrap();
    assert!(witness(&ns).contains(&b"b\xff\xfe".to_vec()));
    ns.handle.link().delete(&renamed).unwrap();
    assert!(
        !witness(&ns).iter().any(|n| n.starts_with(b"b")),
        "{:?}",
        witness(&ns)
    );
}
