//! IPv6 traffic: addresses and routes added by vnet carry `ping -6` between namespaces.

use vnet::{AddressFlags, AddressSpec, AddressWrite, Route, Veth};
use vnet_testkit::*;

/// Two namespaces on one veth (`eth0` each side, both up).
fn pair(tag: &str) -> (TestNs, TestNs) {
    let a = TestNs::new(&format!("{tag}a"));
    let b = TestNs::new(&format!("{tag}b"));
    a.handle
        .link()
        .add(
            &Veth::new(ifname("eth0"), ifname("eth0"))
                .peer_netns(&b.netns)
                .up(),
        )
        .unwrap();
    b.handle.link().up(ifname("eth0")).unwrap();
    (a, b)
}

/// Adds `cidr` to `dev` in `ns` through vnet without duplicate address detection
/// (`ip address add CIDR dev DEV nodad`): usable at once.
fn add_nodad(ns: &TestNs, dev: &str, cidr: &str) {
    let spec = AddressSpec::new(cidr.parse().unwrap()).flags(AddressFlags::NODAD);
    ns.handle
        .addr()
        .write(ifname(dev), &spec, AddressWrite::Add)
        .unwrap();
}

/// The flags `ip -j addr` lists for `addr` on `dev` in `ns` (None when it is absent).
fn flags_of(ns: &TestNs, dev: &str, addr: &str) -> Option<Vec<String>> {
    let v = ns.ip_json(&["-6", "addr", "show", "dev", dev]);
    let info = v[0]["addr_info"].as_array()?;
    let entry = info.iter().find(|i| i["local"] == addr)?;
    let words = ["tentative", "dadfailed", "nodad", "deprecated"];
    Some(
        words
            .iter()
            .filter(|w| entry.get(**w).and_then(|f| f.as_bool()) == Some(true))
            .map(|w| w.to_string())
            .collect(),
    )
}

/// `ping -6` of `addr` from `ns` is answered (one request a second for up to 5 s: the
/// neighbours are solicited first).
fn ping6(ns: &TestNs, addr: &str) -> bool {
    (0..5).any(|_| {
        ns.exec("ping", &["-6", "-n", "-q", "-c", "1", "-W", "1", addr])
            .status
            .success()
    })
}

/// Addresses added by vnet with `nodad` on both ends of a veth, and a route added by
/// vnet to a prefix behind the far end (held on its `lo`): ping -6 crosses both.
#[test]
fn ipv6_address_and_route_added_by_vnet_carry_ping6() {
    let (a, b) = pair("v6");
    add_nodad(&a, "eth0", "fd00:6::1/64");
    add_nodad(&b, "eth0", "fd00:6::2/64");
    add_nodad(&b, "lo", "fd00:66::2/128");
    for (ns, dev, addr) in [
        (&a, "eth0", "fd00:6::1"),
        (&b, "eth0", "fd00:6::2"),
        (&b, "lo", "fd00:66::2"),
    ] {
        assert_eq!(
            flags_of(ns, dev, addr),
            Some(vec!["nodad".to_string()]),
            "{addr} on {dev} in {}",
            ns.name
        );
    }
    // a has no way to fd00:66::/64 yet: ip says so (the kernel's own lookup).
    let out = a.exec("ip", &["-6", "route", "get", "fd00:66::2"]);
    assert!(!out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "RTNETLINK answers: Network is unreachable"
    );
    a.handle
        .route()
        .add(&Route::new("fd00:66::/64".parse().unwrap()).via("fd00:6::2".parse().unwrap()))
        .unwrap();
    let route = a.ip_json(&["-6", "route", "show", "fd00:66::/64"]);
    assert_eq!(route[0]["gateway"], "fd00:6::2", "{route}");
    assert_eq!(route[0]["dev"], "eth0", "{route}");

    assert!(ping6(&a, "fd00:6::2"), "a -> b on the link");
    assert!(ping6(&b, "fd00:6::1"), "b -> a on the link");
    assert!(ping6(&a, "fd00:66::2"), "a -> b's lo through the route");
}

/// Without `nodad`, an address is tentative until duplicate address detection ends
/// (about a second here); the test waits for that, as the kernel reports it, and
/// then the addresses carry ping -6.
#[test]
fn ipv6_addresses_with_duplicate_address_detection_carry_ping6_once_it_ends() {
    let (a, b) = pair("dad");
    for (ns, addr) in [(&a, "fd00:7::1/64"), (&b, "fd00:7::2/64")] {
        ns.handle
            .addr()
            .add(ifname("eth0"), addr.parse().unwrap())
            .unwrap();
    }
    // Wait (up to 10 s) until neither address is tentative any more; DAD must succeed.
    for (ns, addr) in [(&a, "fd00:7::1"), (&b, "fd00:7::2")] {
        let mut flags = None;
        for _ in 0..100 {
            flags = flags_of(ns, "eth0", addr);
            if flags.as_ref().is_some_and(|f| f.is_empty()) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert_eq!(
            flags,
            Some(vec![]),
            "{addr} after duplicate address detection"
        );
    }
    assert!(ping6(&a, "fd00:7::2"), "a -> b");
    assert!(ping6(&b, "fd00:7::1"), "b -> a");
}
