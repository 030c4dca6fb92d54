//! [`Link::extended`] against `ip -d -j link`: every value the library decodes for the
//! kinds vnet makes (veth, bridge, bridge port, tun/tap, VXLAN, macvlan) equals what
//! iproute2 reads from the same kernel answer.

use serde_json::Value;
use vnet::{
    AddrGenMode, Bridge, BridgeOptions, KindData, Link, LinkExtended, MacVlan, MacVlanMode, TunTap,
    Veth, Vni, Vxlan,
};
use vnet_testkit::*;

/// `ip`'s word for an address generation mode.
fn gen_mode(mode: AddrGenMode) -> String {
    mode.to_string()
}

/// Asserts that `value` (from the library) equals `json[key]` (from `ip`), naming both.
fn same<T: Into<Value> + Copy + std::fmt::Debug>(json: &Value, key: &str, value: Option<T>) {
    match value {
        Some(v) => assert_eq!(json[key], v.into(), "{key}: ip says {}", json[key]),
        None => assert!(json.get(key).is_none(), "{key}: ip has {}", json[key]),
    }
}

/// The fields ip prints for every link.
fn common(x: &LinkExtended, ip: &Value) {
    same(ip, "promiscuity", x.promiscuity);
    same(ip, "allmulti", x.allmulti);
    same(ip, "min_mtu", x.min_mtu);
    same(ip, "max_mtu", x.max_mtu);
    same(ip, "num_tx_queues", x.num_tx_queues);
    same(ip, "num_rx_queues", x.num_rx_queues);
    same(ip, "gso_max_size", x.gso_max_size);
    same(ip, "gso_max_segs", x.gso_max_segs);
    same(ip, "tso_max_size", x.tso_max_size);
    same(ip, "tso_max_segs", x.tso_max_segs);
    same(ip, "gro_max_size", x.gro_max_size);
    assert_eq!(
        x.addr_gen_mode.map(gen_mode).as_deref(),
        ip["inet6_addr_gen_mode"].as_str()
    );
    assert_eq!(x.kind.as_deref(), ip["linkinfo"]["info_kind"].as_str());
    assert_eq!(
        x.port_kind.as_deref(),
        ip["linkinfo"]["info_slave_kind"].as_str()
    );
}

fn link(ns: &TestNs, name: &str) -> (Link, Value) {
    let link = ns.handle.link().get(&ifname(name)).unwrap();
    let json = ns.link_json(name).unwrap();
    common(&link.extended(), &json);
    (link, json)
}

#[test]
fn extended_details_match_ip_for_every_kind_vnet_makes() {
    let ns = TestNs::new("details");
    let options = BridgeOptions {
        stp: Some(true),
        forward_delay: Some(400),
        priority: Some(4096),
        multicast_snooping: Some(false),
        ..Default::default()
    };
    let h = ns.handle.link();
    h.add(&Bridge::new(ifname("br0")).options(options).up())
        .unwrap();
    h.add(
        &Veth::new(ifname("p0"), ifname("p1"))
            .master(ifname("br0"))
            .up(),
    )
    .unwrap();
    h.add(
        &Vxlan::new(ifname("vx0"), Vni::new(42).unwrap())
            .remote("192.0.2.9".parse().unwrap())
            .parent(ifname("p1"))
            .port(4789)
            .ttl(9)
            .no_learning(),
    )
    .unwrap();
    h.add(&MacVlan::new(ifname("mv0"), ifname("p1")).mode(MacVlanMode::Private))
        .unwrap();
    ns.handle
        .tuntap()
        .add(&TunTap::tap(ifname("tap0")).vnet_hdr(true))
        .unwrap();
    ns.handle
        .tuntap()
        .add(&TunTap::tun(ifname("tun0")).packet_info(true).owner(4242))
        .unwrap();

    // p0's peer stays down, so p0 has no carrier and its port goes to `disabled`, a
    // moment after it joined the bridge in `listening` (later still under emulation in
    // the stock-kernel lane): wait for that, so that both readers see the same state.
    let settled = (0..100).any(|_| {
        let state = ns.link_json("p0").unwrap()["linkinfo"]["info_slave_data"]["state"].clone();
        state == "disabled" || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            false
        }
    });
    assert!(settled, "p0's port never went to disabled");

    let (_, lo) = link(&ns, "lo");
    assert!(lo.get("linkinfo").is_none());

    let (br, ip) = link(&ns, "br0");
    let Some(KindData::Bridge(b)) = br.extended().kind_data else {
        panic!("no bridge data: {:?}", br.extended());
    };
    let d = &ip["linkinfo"]["info_data"];
    same(d, "forward_delay", b.forward_delay);
    same(d, "hello_time", b.hello_time);
    same(d, "max_age", b.max_age);
    same(d, "ageing_time", b.ageing_time);
    same(d, "stp_state", b.stp_state);
    same(d, "priority", b.priority);
    same(d, "vlan_filtering", b.vlan_filtering);
    same(d, "root_port", b.root_port);
    same(d, "root_path_cost", b.root_path_cost);
    same(d, "topology_change", b.topology_change);
    same(d, "mcast_snooping", b.mcast_snooping);
    same(d, "mcast_router", b.mcast_router);
    same(d, "mcast_hash_max", b.mcast_hash_max);
    same(d, "mcast_last_member_cnt", b.mcast_last_member_cnt);
    same(d, "mcast_membership_intvl", b.mcast_membership_intvl);
    same(
        d,
        "mcast_query_response_intvl",
        b.mcast_query_response_intvl,
    );
    same(d, "mcast_igmp_version", b.mcast_igmp_version);
    same(d, "mcast_mld_version", b.mcast_mld_version);
    same(d, "nf_call_iptables", b.nf_call_iptables);
    same(d, "no_linklocal_learn", b.no_linklocal_learn.map(u8::from));
    assert_eq!(d["group_addr"], b.group_addr.unwrap().to_string());
    assert_eq!(b.bridge_id.unwrap().priority, 4096);
    assert_eq!(
        d["group_fwd_mask"],
        format!("{}", b.group_fwd_mask.unwrap())
    );

    let (port, ip) = link(&ns, "p0");
    let p = port.extended().port_data.expect("bridge port data");
    let d = &ip["linkinfo"]["info_slave_data"];
    assert_eq!(
        d["state"],
        [
            "disabled",
            "listening",
            "learning",
            "forwarding",
            "blocking"
        ][usize::from(p.state.unwrap())]
    );
    same(d, "priority", p.priority);
    same(d, "cost", p.cost);
    same(d, "hairpin", p.hairpin);
    same(d, "guard", p.guard);
    same(d, "root_block", p.root_block);
    same(d, "learning", p.learning);
    same(d, "flood", p.unicast_flood);
    same(d, "designated_port", p.designated_port);
    same(d, "designated_cost", p.designated_cost);
    same(d, "proxy_arp", p.proxy_arp);
    same(d, "mcast_flood", p.mcast_flood);
    same(d, "bcast_flood", p.bcast_flood);
    same(d, "isolated", p.isolated);
    same(d, "locked", p.locked);
    assert_eq!(d["id"], format!("{:#x}", p.id.unwrap()));
    assert_eq!(d["no"], format!("{:#x}", p.no.unwrap()));

    let (vx, ip) = link(&ns, "vx0");
    let Some(KindData::Vxlan(v)) = vx.extended().kind_data else {
        panic!("no vxlan data");
    };
    let d = &ip["linkinfo"]["info_data"];
    same(d, "id", v.id);
    same(d, "port", v.port);
    same(d, "learning", v.learning);
    same(d, "ttl", v.ttl);
    same(d, "ageing", v.ageing);
    same(d, "udp_csum", v.udp_csum);
    assert_eq!(d["remote"], v.group.unwrap().to_string());
    assert_eq!(d["link"], "p1");
    assert_eq!(v.link, Some(port.parent.unwrap()));
    let (low, high) = v.port_range.unwrap();
    assert_eq!(d["port_range"]["low"], low);
    assert_eq!(d["port_range"]["high"], high);

    let (mv, ip) = link(&ns, "mv0");
    let Some(KindData::MacVlan(m)) = mv.extended().kind_data else {
        panic!("no macvlan data");
    };
    let d = &ip["linkinfo"]["info_data"];
    assert_eq!((m.mode, d["mode"].as_str()), (Some(1), Some("private")));
    same(d, "bcqueuelen", m.bc_queue_len);
    same(d, "usedbcqueuelen", m.bc_queue_len_used);

    for (name, kind, pi, vnet_hdr) in [("tap0", "tap", false, true), ("tun0", "tun", true, false)] {
        let (t, ip) = link(&ns, name);
        let Some(KindData::Tun(t)) = t.extended().kind_data else {
            panic!("no tun data for {name}");
        };
        let d = &ip["linkinfo"]["info_data"];
        assert_eq!(d["type"], kind);
        assert_eq!((t.pi, t.vnet_hdr), (Some(pi), Some(vnet_hdr)));
        same(d, "pi", t.pi);
        same(d, "vnet_hdr", t.vnet_hdr);
        same(d, "persist", t.persist);
        same(d, "multi_queue", t.multi_queue);
    }
    let (tun, ip) = link(&ns, "tun0");
    let Some(KindData::Tun(t)) = tun.extended().kind_data else {
        unreachable!()
    };
    assert_eq!(t.owner, Some(4242));
    assert_eq!(ip["linkinfo"]["info_data"]["user"], 4242);
}
