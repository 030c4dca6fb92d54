//! The kit's own tests: the fixture does what the test crates rely on, checked with
//! iproute2 and the kernel's own files. Run as root under scripts/private-netns.sh.

use std::path::Path;

use super::*;

/// The namespaces `ip netns list` shows (iproute2 reads `/run/netns`).
fn listed() -> Vec<String> {
    let out = std::process::Command::new("ip")
        .args(["-j", "netns", "list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    v.as_array()
        .into_iter()
        .flatten()
        .map(|ns| ns["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn names_are_unique_say_the_tag_and_go_on_drop() {
    let a = TestNs::new("same");
    let b = TestNs::new("same");
    assert_ne!(a.name, b.name);
    for ns in [&a, &b] {
        assert!(ns.name.starts_with(&format!("vt{}-", std::process::id())));
        assert!(ns.name.ends_with("-same"), "{}", ns.name);
    }
    let names = listed();
    assert!(
        names.contains(&a.name) && names.contains(&b.name),
        "{names:?}"
    );
    let (gone, kept) = (a.name.clone(), b.name.clone());
    drop(a);
    let names = listed();
    assert!(!names.contains(&gone), "{gone} still listed: {names:?}");
    assert!(names.contains(&kept), "{names:?}");
}

#[test]
fn lo_is_up_and_answers_pings() {
    let ns = TestNs::new("lo");
    let lo = ns.link_json("lo").expect("lo exists");
    let flags = lo["flags"].as_array().unwrap();
    assert!(flags.iter().any(|f| f == "UP"), "{lo}");
    assert!(ns.ping("127.0.0.1"));
    // No other link, no route out: the namespace is its own.
    assert_eq!(ns.ip_json(&["link", "show"]).as_array().unwrap().len(), 1);
    // No route out: the probe cannot even send, which is no proof of isolation.
    match ns.probe("192.0.2.1") {
        Probe::Failed(why) => assert!(why.contains("Network is unreachable"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_probe_tells_no_reply_from_failure() {
    let ns = TestNs::new("probe");
    ns.run_ok(
        "ip",
        &["link", "add", "kit0", "type", "veth", "peer", "kit1"],
    );
    ns.run_ok("ip", &["addr", "add", "10.8.0.1/24", "dev", "kit0"]);
    ns.run_ok("ip", &["link", "set", "kit0", "up"]);
    ns.run_ok("ip", &["link", "set", "kit1", "up"]);
    assert_eq!(ns.probe("10.8.0.1"), Probe::Answered);
    // Requests leave kit0 for 10.8.0.2, which nobody holds: no reply.
    assert_eq!(ns.probe("10.8.0.2"), Probe::NoReply);
    ns.assert_no_reply("10.8.0.2", "10.8.0.1");
    assert!(ns.cannot_ping("10.8.0.2"));
    assert!(!ns.cannot_ping("10.8.0.1"));
    // A namespace that does not exist, a route that does not exist: failures.
    let gone = TestNs::new("gone");
    let name = gone.name.clone();
    drop(gone);
    let ghost = std::process::Command::new("ip")
        .args(["netns", "exec", &name, "ping", "-c", "1", "127.0.0.1"])
        .output()
        .unwrap();
    assert_eq!(ghost.status.code(), Some(255), "{ghost:?}");
    assert!(matches!(ns.probe("192.0.2.1"), Probe::Failed(_)));
}

#[test]
#[should_panic(expected = "expected no reply, got Failed")]
fn no_route_is_not_isolation() {
    let ns = TestNs::new("noroute");
    ns.assert_no_reply("192.0.2.1", "127.0.0.1");
}

#[test]
#[should_panic(expected = "control probe")]
fn a_failed_control_fails_the_check() {
    let ns = TestNs::new("noctl");
    ns.assert_no_reply("127.0.0.2", "192.0.2.1");
}

#[test]
fn the_handle_and_commands_act_inside_the_namespace() {
    let ns = TestNs::new("inside");
    let other = TestNs::new("other");
    ns.run_ok("ip", &["link", "add", "kit0", "type", "bridge"]);
    ns.handle.link().up(ifname("kit0")).unwrap();
    let kit0 = ns.link_json("kit0").expect("kit0 in its namespace");
    assert_eq!(kit0["linkinfo"]["info_kind"], "bridge");
    assert!(
        kit0["flags"].as_array().unwrap().iter().any(|f| f == "UP"),
        "{kit0}"
    );
    assert!(other.link_json("kit0").is_none());
    assert!(ns.link_json("nosuch0").is_none());
    // ip_json by name and by method see the same namespace.
    assert_eq!(
        ip_json(&ns.name, &["link", "show"]),
        ns.ip_json(&["link", "show"])
    );
    // bridge -j sees the bridge's own fdb entries there only.
    let fdb = ns.bridge_json(&["fdb", "show", "br", "kit0"]);
    assert!(!fdb.as_array().unwrap().is_empty(), "{fdb}");
    assert_eq!(ns.sh("echo $((6 * 7))"), "42\n");
    let failed = ns.exec("sh", &["-c", "echo oops >&2; exit 3"]);
    assert_eq!(failed.status.code(), Some(3));
    assert_eq!(failed.stderr, b"oops\n");
}

#[test]
fn addresses_and_ipv6_off_as_the_kernel_reports_them() {
    let ns = TestNs::new("addr");
    ns.run_ok("ip", &["link", "add", "kit0", "type", "bridge"]);
    assert_eq!(addresses(&ns, "kit0"), Vec::<String>::new());
    ns.run_ok("ip", &["addr", "add", "10.7.0.1/24", "dev", "kit0"]);
    ns.run_ok("ip", &["addr", "add", "fd00:7::1/64", "dev", "kit0"]);
    assert_eq!(addresses(&ns, "kit0"), ["10.7.0.1/24", "fd00:7::1/64"]);
    ns.disable_ipv6();
    for key in ["all", "default", "kit0"] {
        let path = format!("/proc/sys/net/ipv6/conf/{key}/disable_ipv6");
        assert_eq!(ns.run_ok("cat", &[&path]), "1\n", "{path}");
    }
    // Turning IPv6 off on a link drops its IPv6 addresses.
    assert_eq!(addresses(&ns, "kit0"), ["10.7.0.1/24"]);
}

#[test]
fn a_program_runs_by_path_under_the_name_it_is_given() {
    let ns = TestNs::new("argv0");
    // cat prints its own command line: argv[0] is the name given, the program the path.
    let out = ns
        .command_as("brctl", Path::new("/bin/cat"))
        .arg("/proc/self/cmdline")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, b"brctl\0/proc/self/cmdline\0");
    // And inside the namespace: /sys/class/net lists its links only.
    let out = ns
        .command_as("ls", Path::new("/bin/ls"))
        .arg("/sys/class/net")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "lo\n");
}

#[test]
#[should_panic(expected = "not an absolute path")]
fn a_program_is_never_looked_up_on_path() {
    invoke_as("brctl", Path::new("brctl"));
}

#[test]
fn packaged_tools_are_found_and_checked_against_dpkg() {
    for (name, package) in [
        ("brctl", "bridge-utils"),
        ("tunctl", "uml-utilities"),
        ("ip", "iproute2"),
    ] {
        let path = packaged_tool(name);
        assert!(path.is_absolute(), "{}", path.display());
        assert_eq!(path.file_name().unwrap(), name);
        let owner = std::process::Command::new("dpkg")
            .arg("-S")
            .arg(&path)
            .output()
            .unwrap();
        assert!(owner.status.success(), "{owner:?}");
        assert!(
            String::from_utf8_lossy(&owner.stdout).starts_with(&format!("{package}: ")),
            "{owner:?}"
        );
    }
}

#[test]
#[should_panic(expected = "no package installs vnet-no-such-tool")]
fn an_unpackaged_tool_is_refused() {
    packaged_tool("vnet-no-such-tool");
}
