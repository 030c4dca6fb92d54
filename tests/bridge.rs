//! The bridge library (`handle.bridge()`): options, ports and port options, the
//! forwarding database (including VXLAN remotes), STP state and per-port VLANs, each
//! checked against iproute2 (`ip -j -d link`, `bridge -j`) as an independent witness.

use vnet_testkit::*;

use std::process::Command;

use serde_json::Value;
use vnet::{
    Bridge, BridgeOptions, Error, FdbEntryKind, FdbSpec, MacAddr, PortOptions, PortState, PortVlan,
    Veth, VlanId, Vni, Vxlan,
};

/// The Linux errno values these tests expect (the root package has no libc dependency).
mod errno {
    pub const EEXIST: i32 = 17;
    pub const EINVAL: i32 = 22;
    pub const ERANGE: i32 = 34;
    pub const EOPNOTSUPP: i32 = 95;
}

fn info_data(ns: &TestNs, dev: &str) -> Value {
    ns.link_json(dev).unwrap()["linkinfo"]["info_data"].clone()
}

fn slave_data(ns: &TestNs, dev: &str) -> Value {
    ns.link_json(dev).unwrap()["linkinfo"]["info_slave_data"].clone()
}

/// A veth pair `a`/`b` with fixed MACs, `a` enslaved to `br` when given.
fn veth(ns: &TestNs, a: &str, b: &str, n: u8) {
    let spec = Veth::new(ifname(a), ifname(b))
        .mac(MacAddr([2, 0, 0, 0, n, 1]))
        .peer_mac(MacAddr([2, 0, 0, 0, n, 2]));
    ns.handle.link().add(&spec).unwrap();
}

#[test]
fn options_set_on_an_existing_bridge_and_read_back() {
    let ns = TestNs::new("bropt");
    ns.handle.link().add(&Bridge::new(ifname("br0"))).unwrap();
    let br = ns.handle.bridge();
    let options = BridgeOptions {
        stp: Some(true),
        forward_delay: Some(400),
        hello_time: Some(300),
        max_age: Some(1000),
        ageing_time: Some(6000),
        priority: Some(4096),
        multicast_snooping: Some(false),
        ..Default::default()
    };
    br.set_options(ifname("br0"), &options).unwrap();
    let d = info_data(&ns, "br0");
    assert_eq!(d["stp_state"], 1);
    assert_eq!(d["forward_delay"], 400);
    assert_eq!(d["hello_time"], 300);
    assert_eq!(d["max_age"], 1000);
    assert_eq!(d["ageing_time"], 6000);
    assert_eq!(d["priority"], 4096);
    assert_eq!(d["mcast_snooping"], 0);

    let info = br.info(ifname("br0")).unwrap();
    for (field, ours) in [
        ("forward_delay", info.options.forward_delay),
        ("hello_time", info.options.hello_time),
        ("max_age", info.options.max_age),
        ("ageing_time", info.options.ageing_time),
    ] {
        assert_eq!(Some(d[field].as_u64().unwrap() as u32), ours, "{field}");
    }
    assert_eq!(info.options.stp, Some(true));
    assert_eq!(info.options.priority, Some(4096));
    assert_eq!(info.options.multicast_snooping, Some(false));
    assert_eq!(info.stp.stp_state, vnet::StpMode::Kernel);
    assert_eq!(info.stp.stp_state.to_string(), d["stp_state"].to_string());
    // `ip` prints the bridge id as "1000.xx:xx:..": the same priority and MAC.
    let id = d["bridge_id"].as_str().unwrap();
    assert!(id.starts_with("1000."), "{id}");
    assert_eq!(info.stp.bridge_id.priority, 0x1000);

    // Out of the kernel's range with STP on: ERANGE, and nothing changes.
    let e = br
        .set_options(
            ifname("br0"),
            &BridgeOptions {
                forward_delay: Some(100),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.errno(), errno::ERANGE, "{e}");
    assert!(e.to_string().contains("br0"), "{e}");
    assert_eq!(info_data(&ns, "br0")["forward_delay"], 400);

    // Listing: every bridge, sorted by name.
    ns.handle.link().add(&Bridge::new(ifname("abr"))).unwrap();
    let names: Vec<String> = br
        .list()
        .unwrap()
        .into_iter()
        .map(|b| b.name.to_string())
        .collect();
    assert_eq!(names, ["abr", "br0"]);
}

#[test]
fn options_errors_name_the_object() {
    let ns = TestNs::new("broerr");
    veth(&ns, "v0", "v1", 1);
    let br = ns.handle.bridge();
    let e = br
        .set_options(
            ifname("nobr"),
            &BridgeOptions {
                stp: Some(true),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    let e = br
        .set_options(
            ifname("v0"),
            &BridgeOptions {
                stp: Some(true),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.errno(), errno::EOPNOTSUPP, "{e}");
    assert!(e.to_string().contains("'v0'"), "{e}");
    // Reading a link that is not a bridge: vnet read the link and saw its kind, the
    // kernel said nothing, so the error is about the caller's value, naming it.
    let e = br.info(ifname("v0")).unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { what: "bridge", .. }),
        "{e:?}"
    );
    assert_eq!(e.errno(), errno::EINVAL, "{e}");
    assert_eq!(
        e.to_string(),
        "invalid bridge 'v0': it is a veth link, not a bridge"
    );
    let e = br.info(ifname("nobr")).unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    assert!(e.to_string().contains("'nobr'"), "{e}");
    // The witness: v0 exists and is a veth, nobr does not exist.
    assert_eq!(ns.link_json("v0").unwrap()["linkinfo"]["info_kind"], "veth");
    assert!(ns.link_json("nobr").is_none());
}

#[test]
fn ports_add_remove_and_options() {
    let ns = TestNs::new("brport");
    ns.handle.link().add(&Bridge::new(ifname("br0"))).unwrap();
    for i in 0..4u8 {
        veth(&ns, &format!("p{i}"), &format!("q{i}"), i);
    }
    let br = ns.handle.bridge();
    br.add_port(ifname("br0"), ifname("p0")).unwrap();
    br.add_ports(
        ifname("br0"),
        &[
            ifname("p1").into(),
            ifname("p2").into(),
            ifname("p3").into(),
        ],
    )
    .unwrap();
    let witness: Vec<String> = ns
        .ip_json(&["link", "show", "master", "br0"])
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ifname"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(witness.len(), 4, "{witness:?}");
    let ports = br.ports(ifname("br0")).unwrap();
    let names: Vec<String> = ports.iter().map(|p| p.name.to_string()).collect();
    assert_eq!(names, ["p0", "p1", "p2", "p3"]);

    let options = PortOptions {
        cost: Some(77),
        priority: Some(5),
        hairpin: Some(true),
        learning: Some(false),
        flooding: Some(false),
        multicast_flooding: Some(false),
        broadcast_flooding: Some(false),
        isolated: Some(true),
    };
    br.set_port_options(ifname("p1"), &options).unwrap();
    let s = slave_data(&ns, "p1");
    assert_eq!(s["cost"], 77);
    assert_eq!(s["priority"], 5);
    assert_eq!(s["hairpin"], true);
    assert_eq!(s["learning"], false);
    assert_eq!(s["flood"], false);
    assert_eq!(s["mcast_flood"], false);
    assert_eq!(s["bcast_flood"], false);
    assert_eq!(s["isolated"], true);
    let p1 = br.port_info(ifname("p1")).unwrap();
    assert_eq!(
        (
            p1.cost,
            p1.priority,
            p1.hairpin,
            p1.learning,
            p1.flooding,
            p1.isolated
        ),
        (77, 5, true, false, false, true)
    );
    assert_eq!(
        p1.port_id,
        u16::from_str_radix(s["id"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
    );
    assert_eq!(
        p1.port_no,
        u16::from_str_radix(s["no"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
    );
    assert_eq!(p1.state, PortState::Disabled, "a down port is disabled");
    // The other ports kept the defaults.
    let s0 = slave_data(&ns, "p0");
    assert_eq!(
        (s0["learning"].clone(), s0["isolated"].clone()),
        (Value::Bool(true), Value::Bool(false))
    );

    // The kernel's ranges: cost 1..65535, priority 0..63.
    let e = br
        .set_port_options(
            ifname("p1"),
            &PortOptions {
                cost: Some(0),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.errno(), errno::ERANGE, "{e}");
    let e = br
        .set_port_options(
            ifname("p1"),
            &PortOptions {
                priority: Some(64),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.errno(), errno::ERANGE, "{e}");
    assert!(e.to_string().contains("'p1'"), "{e}");
    assert_eq!(slave_data(&ns, "p1")["priority"], 5);

    br.remove_port(ifname("p2")).unwrap();
    assert!(ns.link_json("p2").unwrap().get("master").is_none());
    assert_eq!(br.ports(ifname("br0")).unwrap().len(), 3);
    let e = br.port_info(ifname("p2")).unwrap_err();
    assert!(
        matches!(
            e,
            Error::InvalidInput {
                what: "bridge port",
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.errno(), errno::EINVAL, "{e}");
    assert_eq!(
        e.to_string(),
        "invalid bridge port 'p2': it is not enslaved to a bridge"
    );
    let e = br.port_info(ifname("nodev")).unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
}

/// The master of every link of `ns` (`None` for none), by `ip -j link show`.
fn masters(ns: &TestNs) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = ns
        .ip_json(&["link", "show"])
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["ifname"].as_str().unwrap().to_string(),
                l["master"].as_str().map(str::to_string),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn add_ports_is_all_or_nothing() {
    let ns = TestNs::new("brall");
    ns.handle.link().add(&Bridge::new(ifname("br0"))).unwrap();
    ns.handle.link().add(&Bridge::new(ifname("br1"))).unwrap();
    for i in 0..4u8 {
        veth(&ns, &format!("p{i}"), &format!("q{i}"), i);
    }
    let br = ns.handle.bridge();
    // p0 is already a port of br0, p2 a port of br1.
    br.add_port(ifname("br0"), ifname("p0")).unwrap();
    br.add_port(ifname("br1"), ifname("p2")).unwrap();
    let before = masters(&ns);
    let master_of = |m: &[(String, Option<String>)], dev: &str| {
        m.iter().find(|(n, _)| n == dev).unwrap().1.clone()
    };
    assert_eq!(master_of(&before, "p0").as_deref(), Some("br0"));
    assert_eq!(master_of(&before, "p2").as_deref(), Some("br1"));

    // The kernel refuses the loopback device (EINVAL); p1, p2 (taken from br1) and p3,
    // the last one after the refused one, would be enslaved: all must be put back.
    let ports: Vec<vnet::LinkRef> = ["p1", "p2", "lo", "p3", "p0"]
        .into_iter()
        .map(|n| ifname(n).into())
        .collect();
    let e = br.add_ports(ifname("br0"), &ports).unwrap_err();
    assert_eq!(e.errno(), errno::EINVAL, "{e}");
    let text = e.to_string();
    assert_eq!(
        text,
        "adding 'lo' to bridge 'br0' (port 3 of 5; the 3 other ports it had enslaved were \
         put back): Invalid argument"
    );
    assert_eq!(masters(&ns), before, "add_ports left changes behind: {e}");
    // br1 has p2 again, as its only port.
    let br1_ports = ns.ip_json(&["link", "show", "master", "br1"]);
    assert_eq!(br1_ports.as_array().unwrap().len(), 1, "{br1_ports}");
    assert_eq!(br1_ports[0]["ifname"], "p2");

    // A port that does not exist fails the call before anything changes.
    let ports: Vec<vnet::LinkRef> = ["p1", "nodev"]
        .into_iter()
        .map(|n| ifname(n).into())
        .collect();
    let e = br.add_ports(ifname("br0"), &ports).unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    assert!(e.to_string().contains("'nodev'"), "{e}");
    assert_eq!(masters(&ns), before);

    // And when every port is accepted, all are enslaved (p0 stays).
    let ports: Vec<vnet::LinkRef> = ["p1", "p2", "p3", "p0"]
        .into_iter()
        .map(|n| ifname(n).into())
        .collect();
    br.add_ports(ifname("br0"), &ports).unwrap();
    let after = masters(&ns);
    for p in ["p0", "p1", "p2", "p3"] {
        assert_eq!(master_of(&after, p).as_deref(), Some("br0"), "{p}");
    }
}

/// The bridge's own (non-`self`) entries as `bridge -j fdb show br BR` lists them:
/// (MAC, port name, state word), sorted. Learned entries have the state "".
fn witness_fdb(ns: &TestNs, bridge: &str) -> Vec<(String, String, String)> {
    let w = ns.bridge_json(&["fdb", "show", "br", bridge]);
    let mut out: Vec<(String, String, String)> = w
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["master"] == bridge)
        .filter(|e| {
            !e["flags"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f == "self"))
        })
        .map(|e| {
            (
                e["mac"].as_str().unwrap().to_string(),
                e["ifname"].as_str().unwrap().to_string(),
                e["state"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn fdb_learned_static_and_local_entries() {
    let sw = TestNs::new("fdb-sw");
    let h1 = TestNs::new("fdb-h1");
    let h2 = TestNs::new("fdb-h2");
    for ns in [&sw, &h1, &h2] {
        ns.disable_ipv6();
    }
    sw.handle
        .link()
        .add(&Bridge::new(ifname("br0")).up())
        .unwrap();
    for (h, port, n, addr) in [
        (&h1, "p1", 1u8, "10.6.0.1/24"),
        (&h2, "p2", 2u8, "10.6.0.2/24"),
    ] {
        let spec = Veth::new(ifname(port), ifname("eth0"))
            .mac(MacAddr([2, 0, 0, 6, n, 1]))
            .peer_mac(MacAddr([2, 0, 0, 6, n, 2]))
            .peer_netns(&h.netns)
            .master(ifname("br0"))
            .up();
        sw.handle.link().add(&spec).unwrap();
        h.handle.link().up(ifname("eth0")).unwrap();
        h.handle
            .addr()
            .add(ifname("eth0"), addr.parse().unwrap())
            .unwrap();
    }
    assert!(h1.ping("10.6.0.2"));
    let br = sw.handle.bridge();
    let names: std::collections::HashMap<u32, String> = sw
        .handle
        .link()
        .list()
        .unwrap()
        .into_iter()
        .map(|l| (l.index, l.name.to_string()))
        .collect();
    let state_word = |k: FdbEntryKind| match k {
        FdbEntryKind::Local => "permanent",
        FdbEntryKind::Static => "static",
        FdbEntryKind::Dynamic => "",
    };
    // Ours, in the witness's terms: (MAC, port name, state word), sorted.
    let ours = |entries: &[vnet::FdbEntry]| {
        let mut v: Vec<(String, String, String)> = entries
            .iter()
            .map(|e| {
                (
                    e.mac.to_string(),
                    names[&e.ifindex].clone(),
                    state_word(e.kind).to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };

    let entries = br.fdb_list(ifname("br0")).unwrap();
    let witness = witness_fdb(&sw, "br0");
    // The traffic taught the bridge both hosts, each on its own port, as learned
    // entries: that is what iproute2 sees.
    let learned = |v: &[(String, String, String)]| -> Vec<(String, String)> {
        v.iter()
            .filter(|(_, _, state)| state.is_empty())
            .map(|(mac, port, _)| (mac.clone(), port.clone()))
            .collect()
    };
    assert_eq!(
        learned(&witness),
        [
            ("02:00:00:06:01:02".to_string(), "p1".to_string()),
            ("02:00:00:06:02:02".to_string(), "p2".to_string()),
        ],
        "{witness:?}"
    );
    // And vnet's list is the same table, entry for entry: learned, static and local.
    assert_eq!(ours(&entries), witness, "{entries:?}");
    let br0 = sw.handle.link().get(&ifname("br0")).unwrap().index;
    for e in entries.iter().filter(|e| e.kind == FdbEntryKind::Dynamic) {
        assert!(!e.is_self, "{e:?}");
        assert_eq!(e.master, Some(br0), "{e:?}");
        assert!(e.updated.is_some(), "{e:?}");
    }
    let local = entries
        .iter()
        .find(|e| e.mac == MacAddr([2, 0, 0, 6, 1, 1]))
        .unwrap();
    assert_eq!(local.kind, FdbEntryKind::Local);

    // A static entry, like `bridge fdb add MAC dev p2 master static`.
    let mac = MacAddr([2, 0, 0, 6, 9, 9]);
    br.fdb_add(&FdbSpec::port(mac, ifname("p2"))).unwrap();
    let witness = witness_fdb(&sw, "br0");
    assert!(
        witness.contains(&(
            "02:00:00:06:09:09".to_string(),
            "p2".to_string(),
            "static".to_string()
        )),
        "{witness:?}"
    );
    assert_eq!(ours(&br.fdb_list(ifname("br0")).unwrap()), witness);
    let e = br.fdb_add(&FdbSpec::port(mac, ifname("p2"))).unwrap_err();
    assert_eq!(e.errno(), errno::EEXIST, "{e}");
    assert!(e.to_string().contains("02:00:00:06:09:09"), "{e}");
    br.fdb_del(&FdbSpec::port(mac, ifname("p2"))).unwrap();
    let witness = witness_fdb(&sw, "br0");
    assert!(
        !witness.iter().any(|(m, _, _)| m == "02:00:00:06:09:09"),
        "{witness:?}"
    );

    // Flushing drops the learned entries and keeps the local ones. With IPv6 off
    // nothing crosses the bridge until the next ping, so nothing is learned again.
    br.flush_fdb(ifname("br0")).unwrap();
    let after = witness_fdb(&sw, "br0");
    assert!(learned(&after).is_empty(), "{after:?}");
    assert!(
        after.contains(&(
            "02:00:00:06:01:01".to_string(),
            "p1".to_string(),
            "permanent".to_string()
        )),
        "{after:?}"
    );
    assert_eq!(ours(&br.fdb_list(ifname("br0")).unwrap()), after);
}

#[test]
fn fdb_vxlan_remotes_appended_and_deleted() {
    let ns = TestNs::new("fdb-vx");
    ns.handle
        .link()
        .add(&Vxlan::new(ifname("vxlan42"), Vni::new(42).unwrap()))
        .unwrap();
    let br = ns.handle.bridge();
    // bridge fdb append 00:00:00:00:00:00 dev vxlan42 dst 192.0.2.2 (and .3)
    for dst in ["192.0.2.2", "192.0.2.3"] {
        br.fdb_append(&FdbSpec::device(MacAddr::ZERO, ifname("vxlan42")).dst(dst.parse().unwrap()))
            .unwrap();
    }
    let witness = ns.bridge_json(&["fdb", "show", "dev", "vxlan42"]);
    let mut dsts: Vec<&str> = witness
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["mac"] == "00:00:00:00:00:00")
        .map(|e| e["dst"].as_str().unwrap())
        .collect();
    dsts.sort();
    assert_eq!(dsts, ["192.0.2.2", "192.0.2.3"], "{witness}");
    let ours = br.fdb_list_dev(ifname("vxlan42")).unwrap();
    let mut our_dsts: Vec<String> = ours
        .iter()
        .filter(|e| e.mac == MacAddr::ZERO)
        .map(|e| e.dst.unwrap().to_string())
        .collect();
    our_dsts.sort();
    assert_eq!(our_dsts, ["192.0.2.2", "192.0.2.3"]);
    assert!(
        ours.iter()
            .all(|e| e.is_self && e.kind == FdbEntryKind::Local)
    );

    br.fdb_del(
        &FdbSpec::device(MacAddr::ZERO, ifname("vxlan42")).dst("192.0.2.2".parse().unwrap()),
    )
    .unwrap();
    let witness = ns.bridge_json(&["fdb", "show", "dev", "vxlan42"]);
    let dsts: Vec<&str> = witness
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["dst"].as_str())
        .collect();
    assert_eq!(dsts, ["192.0.2.3"], "{witness}");
}

/// The VLANs of every device as `bridge -j vlan show` lists them: `(device, vid, pvid,
/// untagged)`, sorted.
fn witness_vlans(ns: &TestNs) -> Vec<(String, u16, bool, bool)> {
    let mut out = Vec::new();
    for dev in ns
        .bridge_json(&["vlan", "show"])
        .as_array()
        .into_iter()
        .flatten()
    {
        for v in dev["vlans"].as_array().into_iter().flatten() {
            let flags = v["flags"].as_array().cloned().unwrap_or_default();
            out.push((
                dev["ifname"].as_str().unwrap().to_string(),
                v["vlan"].as_u64().unwrap() as u16,
                flags.iter().any(|f| f == "PVID"),
                flags.iter().any(|f| f == "Egress Untagged"),
            ));
        }
    }
    out.sort();
    out
}

/// The same list through vnet's `vlan_list`.
fn our_vlans(ns: &TestNs) -> Vec<(String, u16, bool, bool)> {
    let mut out = Vec::new();
    for (index, vlans) in ns.handle.bridge().vlan_list().unwrap() {
        let name = ns.handle.link().get_index(index).unwrap().name;
        for v in vlans {
            out.push((name.to_string(), v.vid.get(), v.pvid, v.untagged));
        }
    }
    out.sort();
    out
}

/// The bridge VLAN calls give the kernel's answer on both kernels the tests run on.
///
/// This machine's 6.18 has no `CONFIG_BRIDGE_VLAN_FILTERING` (NOTES.md): every VLAN
/// change fails with `EOPNOTSUPP`, and no device has VLANs. Debian's 6.1 (the
/// stock-kernel lane) has it: a bridge and each of its ports carry VLAN 1 (PVID,
/// untagged) from the start, even with `vlan_filtering` off, and changes succeed. Each
/// step is done twice, by vnet on `br0`/`p0` and by iproute2's `bridge vlan` on
/// `brw`/`w0`: both must succeed or fail alike, and leave the same VLANs behind. VLAN
/// filtering with traffic is proven in tests/vlan.rs.
#[test]
fn vlans_report_the_kernels_answer() {
    let ns = TestNs::new("brvlan");
    let br = ns.handle.bridge();
    for (bridge, port, peer, n) in [("br0", "p0", "q0", 1), ("brw", "w0", "x0", 2)] {
        ns.handle.link().add(&Bridge::new(ifname(bridge))).unwrap();
        veth(&ns, port, peer, n);
        br.add_port(ifname(bridge), ifname(port)).unwrap();
    }
    let witness = |args: &[&str]| {
        Command::new("bridge")
            .args(["-n", &ns.name, "vlan"])
            .args(args)
            .output()
            .unwrap()
            .status
            .success()
    };
    // vnet's devices and the witness's, as one list with the witness's names mapped.
    let same_vlans = || {
        let all = witness_vlans(&ns);
        assert_eq!(all, our_vlans(&ns), "vlan_list against bridge -j vlan show");
        let pick = |names: [&str; 2]| -> Vec<(usize, u16, bool, bool)> {
            all.iter()
                .filter_map(|(d, vid, pvid, untagged)| {
                    let i = names.iter().position(|n| n == d)?;
                    Some((i, *vid, *pvid, *untagged))
                })
                .collect()
        };
        assert_eq!(pick(["br0", "p0"]), pick(["brw", "w0"]), "{all:?}");
        all
    };
    let vid = VlanId::new(10).unwrap();
    let vlan = PortVlan {
        vid,
        pvid: true,
        untagged: true,
    };

    let ours = br.vlan_add(ifname("p0"), &vlan);
    let theirs = witness(&["add", "dev", "w0", "vid", "10", "pvid", "untagged"]);
    assert_eq!(ours.is_ok(), theirs, "{ours:?}");
    let filtering_kernel = theirs;
    if let Err(e) = &ours {
        assert_eq!(e.errno(), errno::EOPNOTSUPP, "{e}");
        assert!(
            e.to_string().contains("VLAN 10") && e.to_string().contains("'p0'"),
            "{e}"
        );
    }
    let ours = br.vlan_add_self(ifname("br0"), &PortVlan::tagged(vid));
    let theirs = witness(&["add", "dev", "brw", "vid", "10", "self"]);
    assert_eq!(ours.is_ok(), theirs, "{ours:?}");
    if let Err(e) = &ours {
        assert_eq!(e.errno(), errno::EOPNOTSUPP, "{e}");
    }
    let listed = same_vlans();
    if filtering_kernel {
        // VLAN 1 from the start, VLAN 10 now the port's PVID (VLAN 1 no longer is).
        for vlan in [
            ("br0", 1, true, true),
            ("br0", 10, false, false),
            ("p0", 1, false, true),
            ("p0", 10, true, true),
        ] {
            let vlan = (vlan.0.to_string(), vlan.1, vlan.2, vlan.3);
            assert!(listed.contains(&vlan), "{vlan:?} missing from {listed:?}");
        }
    } else {
        assert!(listed.is_empty(), "{listed:?}");
    }

    let ours = br.vlan_del(ifname("p0"), vid);
    let theirs = witness(&["del", "dev", "w0", "vid", "10"]);
    assert_eq!(ours.is_ok(), theirs, "{ours:?}");
    let ours = br.vlan_del_self(ifname("br0"), vid);
    let theirs = witness(&["del", "dev", "brw", "vid", "10", "self"]);
    assert_eq!(ours.is_ok(), theirs, "{ours:?}");
    let listed = same_vlans();
    assert!(listed.iter().all(|(_, vid, _, _)| *vid != 10), "{listed:?}");

    // vlan_filtering, at creation and on an existing bridge, like
    // `ip link add ... type bridge vlan_filtering 1 vlan_default_pvid 5`: refused by a
    // kernel without it, and nothing is created; taken by one with it.
    let filtering = BridgeOptions {
        vlan_filtering: Some(true),
        default_pvid: Some(5),
        ..Default::default()
    };
    let created = ns
        .handle
        .link()
        .add(&Bridge::new(ifname("br1")).options(filtering.clone()));
    let changed = br.set_options(ifname("br0"), &filtering);
    if filtering_kernel {
        created.unwrap();
        changed.unwrap();
        for dev in ["br0", "br1"] {
            let data = info_data(&ns, dev);
            assert_eq!(data["vlan_filtering"], 1, "{dev}: {data}");
            assert_eq!(data["vlan_default_pvid"], 5, "{dev}: {data}");
        }
    } else {
        let e = created.unwrap_err();
        assert_eq!(e.errno(), errno::EOPNOTSUPP, "{e}");
        assert!(ns.link_json("br1").is_none());
        assert_eq!(changed.unwrap_err().errno(), errno::EOPNOTSUPP);
    }
    // default_pvid alone is accepted by both (a kernel without VLAN filtering ignores it),
    // as `ip link set br0 type bridge vlan_default_pvid 5` is.
    let pvid = BridgeOptions {
        default_pvid: Some(5),
        ..Default::default()
    };
    br.set_options(ifname("brw"), &pvid).unwrap();
    ns.handle
        .link()
        .add(&Bridge::new(ifname("br2")).options(pvid))
        .unwrap();
    let ip_ok = Command::new("ip")
        .args([
            "-n",
            &ns.name,
            "link",
            "set",
            "brw",
            "type",
            "bridge",
            "vlan_default_pvid",
            "5",
        ])
        .status()
        .unwrap()
        .success();
    assert!(ip_ok);

    // A bad VLAN id fails before any syscall.
    assert!(VlanId::new(4095).is_err());
}
