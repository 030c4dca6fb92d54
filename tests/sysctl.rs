//! Per-namespace sysctls, witnessed by the `sysctl` command run inside the namespace
//! (`ip netns exec NS sysctl`), with the host's own values checked untouched.

use vnet::{Conf, SysctlKey, Sysctls, Veth};
use vnet_testkit::*;

/// `sysctl -n KEY` inside the namespace (KEY in sysctl's own spelling).
fn sysctl_in(ns: &TestNs, key: &str) -> String {
    let out = ns.exec("sysctl", &["-n", key]);
    assert!(
        out.status.success(),
        "sysctl {key}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn host(path: &str) -> String {
    std::fs::read_to_string(path).unwrap().trim().to_string()
}

#[test]
fn forwarding_changes_only_the_namespace() {
    let ns = TestNs::new("fwd");
    let host_before = (
        host("/proc/sys/net/ipv4/ip_forward"),
        host("/proc/sys/net/ipv6/conf/all/forwarding"),
    );
    let sysctls = Sysctls::new(&ns.netns);
    assert_eq!(
        sysctls.get(&SysctlKey::IpForward).unwrap(),
        0,
        "a fresh netns does not forward"
    );
    assert_eq!(sysctls.set(&SysctlKey::IpForward, 1).unwrap(), 0);
    assert_eq!(sysctl_in(&ns, "net.ipv4.ip_forward"), "1");
    assert_eq!(sysctls.get(&SysctlKey::IpForward).unwrap(), 1);
    // The kernel applies ip_forward to every interface's forwarding switch.
    assert_eq!(sysctl_in(&ns, "net.ipv4.conf.lo.forwarding"), "1");

    let v6 = SysctlKey::Ipv6Forwarding(Conf::All);
    assert!(!sysctls.switch(&v6, true).unwrap());
    assert_eq!(sysctl_in(&ns, "net.ipv6.conf.all.forwarding"), "1");

    let host_after = (
        host("/proc/sys/net/ipv4/ip_forward"),
        host("/proc/sys/net/ipv6/conf/all/forwarding"),
    );
    assert_eq!(
        host_after, host_before,
        "the host's forwarding must not change"
    );
}

#[test]
fn interface_names_with_dots_are_one_path_component() {
    let ns = TestNs::new("dots");
    // Both "v0" and "v0.100" exist: a key built the way `sysctl` splits dots would land
    // on v0 (or nowhere), never on v0.100.
    ns.handle
        .link()
        .add(&Veth::new(ifname("v0"), ifname("v0.100")))
        .unwrap();
    let sysctls = Sysctls::new(&ns.netns);
    let dotted = ifname("v0.100");
    for key in [
        SysctlKey::Ipv4Forwarding(Conf::Dev(dotted.clone())),
        SysctlKey::ProxyArp(Conf::Dev(dotted.clone())),
    ] {
        assert_eq!(sysctls.set(&key, 1).unwrap(), 0, "{key}");
        assert_eq!(sysctl_in(&ns, &key.name()), "1", "{key}");
    }
    let rp = SysctlKey::RpFilter(Conf::Dev(dotted.clone()));
    sysctls.set(&rp, 2).unwrap();
    assert_eq!(sysctl_in(&ns, "net.ipv4.conf.v0/100.rp_filter"), "2");
    // The undotted neighbour is untouched.
    assert_eq!(sysctl_in(&ns, "net.ipv4.conf.v0.forwarding"), "0");
    assert_eq!(sysctl_in(&ns, "net.ipv4.conf.v0.proxy_arp"), "0");
    let names: Vec<String> = sysctls
        .interfaces(vnet::Family::Ipv4)
        .unwrap()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(names, ["lo", "v0", "v0.100"]);
}

#[test]
fn a_guard_restores_the_previous_value() {
    let ns = TestNs::new("guard");
    let sysctls = Sysctls::new(&ns.netns);
    let key = SysctlKey::RpFilter(Conf::All);
    let before = sysctls.get(&key).unwrap();
    {
        let guard = sysctls.set_scoped(&key, 2).unwrap();
        assert_eq!(guard.previous(), before);
        assert_eq!(sysctl_in(&ns, "net.ipv4.conf.all.rp_filter"), "2");
    }
    assert_eq!(
        sysctl_in(&ns, "net.ipv4.conf.all.rp_filter"),
        before.to_string()
    );

    let guard = sysctls.set_scoped(&SysctlKey::IpForward, 1).unwrap();
    assert_eq!(sysctl_in(&ns, "net.ipv4.ip_forward"), "1");
    guard.restore().unwrap();
    assert_eq!(sysctl_in(&ns, "net.ipv4.ip_forward"), "0");

    let guard = sysctls.set_scoped(&SysctlKey::IpForward, 1).unwrap();
    guard.keep();
    assert_eq!(sysctl_in(&ns, "net.ipv4.ip_forward"), "1");
}

#[test]
fn a_missing_interface_is_named_in_the_error() {
    let ns = TestNs::new("missing");
    let sysctls = Sysctls::new(&ns.netns);
    let e = sysctls
        .set(&SysctlKey::ProxyArp(Conf::Dev(ifname("nosuch0"))), 1)
        .unwrap_err();
    assert_eq!(e.errno(), 19, "{e}"); // ENODEV
    assert_eq!(
        e.to_string(),
        format!(
            "setting net.ipv4.conf.nosuch0.proxy_arp to 1 in netns '{}': link 'nosuch0' not found",
            ns.name
        )
    );
}
