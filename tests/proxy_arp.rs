//! Proxy ARP, both forms, with real pings:
//!
//! ```text
//! LAN 172.16.0.0/16:  second (172.16.0.2) ---- (172.16.0.1, lan0) host
//! VM link:            host (vm0, 172.16.99.254/24) ---- (172.16.99.1) vm
//! ```
//!
//! The second machine believes 172.16.99.1 is on its LAN (it is inside 172.16.0.0/16)
//! and ARPs for it; the host, forwarding, answers for the VM, so the ping works with no
//! route change on the second machine. Without the proxy answer it cannot.

use vnet::{Conf, Route, SysctlKey, Sysctls, Veth};
use vnet_testkit::*;

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

struct Lab {
    host: TestNs,
    second: TestNs,
    vm: TestNs,
}

fn lab() -> Lab {
    let host = TestNs::new("parp-host");
    let second = TestNs::new("parp-2nd");
    let vm = TestNs::new("parp-vm");
    wire(
        &host,
        "lan0",
        "172.16.0.1/16",
        &second,
        "eth0",
        "172.16.0.2/16",
    );
    wire(
        &host,
        "vm0",
        "172.16.99.254/24",
        &vm,
        "eth0",
        "172.16.99.1/24",
    );
    vm.handle
        .route()
        .add(&Route::default_via("172.16.99.254".parse().unwrap()))
        .unwrap();
    Sysctls::new(&host.netns)
        .set(&SysctlKey::IpForward, 1)
        .unwrap();
    Lab { host, second, vm }
}

fn flush_neighbours(ns: &TestNs) {
    let out = ns.exec("ip", &["neigh", "flush", "all"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The second machine's routes, to show none was added for the VM.
fn routes(ns: &TestNs) -> String {
    ns.ip_json(&["route", "show"]).to_string()
}

#[test]
fn proxy_entry_answers_for_the_vm() {
    let Lab { host, second, vm } = lab();
    let routes_before = routes(&second);
    assert!(vm.ping("172.16.99.254"));
    assert!(
        second.cannot_ping("172.16.99.1"),
        "nobody answers ARP for the VM yet"
    );

    host.handle
        .neigh()
        .add_proxy(ifname("lan0"), "172.16.99.1".parse().unwrap())
        .unwrap();
    // Witness: ip neigh show proxy lists the entry on lan0.
    let proxies = host.ip_json(&["neigh", "show", "proxy"]).to_string();
    assert!(
        proxies.contains("172.16.99.1") && proxies.contains("lan0"),
        "{proxies}"
    );
    flush_neighbours(&second);
    assert!(second.ping("172.16.99.1"));
    assert_eq!(
        routes(&second),
        routes_before,
        "no route change on the second machine"
    );
    // The answer came from the host: the VM's address resolves to the host's LAN MAC.
    let host_mac = host.link_json("lan0").unwrap()["address"]
        .as_str()
        .unwrap()
        .to_string();
    let neigh = second
        .ip_json(&["neigh", "show", "172.16.99.1"])
        .to_string();
    assert!(
        neigh.contains(&host_mac),
        "{neigh} should resolve to {host_mac}"
    );

    host.handle
        .neigh()
        .delete_proxy(ifname("lan0"), "172.16.99.1".parse().unwrap())
        .unwrap();
    flush_neighbours(&second);
    assert!(
        second.cannot_ping("172.16.99.1"),
        "without the proxy entry it breaks"
    );
}

#[test]
fn per_interface_switch_answers_for_routed_addresses() {
    let Lab {
        host,
        second,
        vm: _vm,
    } = lab();
    let sysctls = Sysctls::new(&host.netns);
    let key = SysctlKey::ProxyArp(Conf::Dev(ifname("lan0")));
    assert!(second.cannot_ping("172.16.99.1"));
    {
        let _on = sysctls.set_scoped(&key, 1).unwrap();
        let out = host.exec("sysctl", &["-n", "net.ipv4.conf.lan0.proxy_arp"]);
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
        flush_neighbours(&second);
        assert!(second.ping("172.16.99.1"));
    }
    let out = host.exec("sysctl", &["-n", "net.ipv4.conf.lan0.proxy_arp"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "0",
        "the guard switched it off"
    );
    flush_neighbours(&second);
    assert!(second.cannot_ping("172.16.99.1"));
}
