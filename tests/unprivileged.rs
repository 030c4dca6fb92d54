//! The library without privileges: a child test process inside a fresh namespace drops
//! to uid/gid 65534 with no groups (as `setpriv --reuid=65534 --regid=65534
//! --clear-groups` does) and calls the library. Reading works; every change fails with
//! the kernel's errno (`EPERM`, or `EACCES` where a file's mode refuses first: sysctls,
//! and `/dev/net/tun`, which is 0600 here) and a message that names the step and ends
//! with the C library's text. Nothing panics, and the namespace is left as it was
//! (`ip -d -j link`, `ip -j addr` as witnesses).

use std::process::Command;

use vnet::{Bridge, Handle, LinkChange, Netfilter, Netns, SysctlKey, Sysctls, TunTap};
use vnet_testkit::*;

const CHILD: &str = "VNET_UNPRIVILEGED_CHILD";

#[test]
fn library_without_privileges() {
    if std::env::var_os(CHILD).is_some() {
        return unprivileged_calls();
    }
    let ns = TestNs::new("unprivlib");
    ns.sh("ip link add br0 type bridge && ip link add v0 type veth peer name v1");
    let state = || {
        format!(
            "{}\n{}",
            ns.ip_json(&["-d", "link", "show"]),
            ns.ip_json(&["addr", "show"])
        )
    };
    let before = state();
    let out = Command::new("ip")
        .args(["netns", "exec", &ns.name])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", "library_without_privileges", "--nocapture"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{text}");
    assert!(
        out.status.success(),
        "the unprivileged child failed:\n{text}"
    );
    assert!(text.contains("1 passed"), "{text}");
    assert_eq!(
        state(),
        before,
        "the unprivileged calls changed the namespace"
    );
}

/// In the child: drop privileges, then each call must fail as the kernel says.
fn unprivileged_calls() {
    use nix::unistd::{Gid, Uid, setgroups, setresgid, setresuid};
    let nobody = (Uid::from_raw(65534), Gid::from_raw(65534));
    setgroups(&[]).unwrap();
    setresgid(nobody.1, nobody.1, nobody.1).unwrap();
    setresuid(nobody.0, nobody.0, nobody.0).unwrap();

    let h = Handle::current().expect("a netlink socket needs no privilege");
    let names: Vec<String> = h
        .link()
        .list()
        .unwrap()
        .iter()
        .map(|l| l.name.to_string())
        .collect();
    assert!(names.contains(&"br0".to_string()), "{names:?}");

    let check = |what: &str, result: vnet::Result<()>, errno: i32, text: &str| {
        let e = result.expect_err(what);
        assert_eq!(e.errno(), errno, "{what}: {e}");
        let message = e.to_string();
        assert!(message.ends_with(&format!(": {text}")), "{what}: {message}");
        assert!(!message.contains("os error"), "{what}: {message}");
        println!("{what}: {message}");
    };
    let eperm = |what: &str, result: vnet::Result<()>| {
        check(what, result, libc_eperm(), "Operation not permitted")
    };
    eperm("adding a bridge", h.link().add(&Bridge::new(ifname("x0"))));
    eperm("deleting a bridge", h.link().delete(ifname("br0")));
    eperm(
        "setting a link up",
        h.link().set(ifname("v0"), &LinkChange::new().up()),
    );
    eperm(
        "adding an address",
        h.addr().add(ifname("v0"), "10.9.0.1/24".parse().unwrap()),
    );
    eperm(
        "enslaving a port",
        h.bridge().add_port(ifname("br0"), ifname("v0")),
    );
    eperm("adding a namespace", Netns::add("unpriv-x").map(|_| ()));
    eperm(
        "listing NAT rules",
        Netfilter::current()
            .and_then(|n| n.nat().list())
            .map(|_| ()),
    );
    check(
        "adding a tap",
        h.tuntap().add(&TunTap::tap(ifname("tap0"))).map(|_| ()),
        13,
        "Permission denied",
    );
    check(
        "turning forwarding on",
        Sysctls::current()
            .and_then(|s| s.set(&SysctlKey::IpForward, 1))
            .map(|_| ()),
        13,
        "Permission denied",
    );
}

fn libc_eperm() -> i32 {
    nix::errno::Errno::EPERM as i32
}
