//! The command-line tools without privileges: each runs as uid/gid 65534 with no groups
//! (`setpriv --reuid=65534 --regid=65534 --clear-groups`) inside a fresh namespace, next
//! to the original it replaces (Debian's brctl, tunctl and ip, by absolute path, run
//! under the same name). Stdout, stderr and exit code must match byte for byte, nothing
//! may panic, and the namespace must be left as it was (`ip -d -j link`, `ip -j addr`,
//! `ip -j route` as witnesses). `vnet` has no original: its messages must name the step
//! and say "Operation not permitted" or "Permission denied", with exit status 1.
//!
//! `/dev/net/tun` is 0600 on this machine, so the tun cases meet "Permission denied"
//! at the open, as tunctl does.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use vnet_testkit::*;

/// Setup: a bridge, a veth pair with an address, as root.
fn lab() -> TestNs {
    let ns = TestNs::new("unpriv");
    ns.sh(
        "ip link add br0 type bridge && ip link add v0 type veth peer name v1 && \
         ip addr add 10.9.0.1/24 dev v0 && ip link set v0 up",
    );
    // v0 is up with its peer down: the kernel settles its operstate (UNKNOWN, then
    // LOWERLAYERDOWN) a moment later, and later still under emulation in the stock-kernel
    // lane. Wait for it, so the state a case compares is not still moving on its own.
    for _ in 0..100 {
        let v0 = ns.ip_json(&["link", "show", "v0"]);
        if v0[0]["operstate"] == "LOWERLAYERDOWN" {
            return ns;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!(
        "v0's operstate did not settle: {}",
        ns.ip_json(&["link", "show", "v0"])
    );
}

/// What a witness sees of `ns`.
fn state(ns: &TestNs) -> String {
    format!(
        "{}\n{}\n{}",
        ns.ip_json(&["-d", "link", "show"]),
        ns.ip_json(&["addr", "show"]),
        ns.ip_json(&["route", "show"])
    )
}

/// Runs `program` as `argv0` with `args`, as uid 65534, inside `ns`.
fn unprivileged(ns: &TestNs, argv0: &str, program: &Path, args: &[&str]) -> Output {
    let mut command = ns.command("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .args(invoke_as(argv0, program))
        .args(args);
    command.output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "stdout {:?}\nstderr {:?}\nexit {:?}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        out.status.code()
    )
}

/// Each case in a fresh namespace per tool: the same output, no change, no panic.
fn differential(argv0: &str, real: &Path, ours: &Path, cases: &[&[&str]]) {
    for args in cases {
        let mut results = Vec::new();
        for program in [real, ours] {
            let ns = lab();
            let before = state(&ns);
            let out = unprivileged(&ns, argv0, program, args);
            assert_eq!(
                state(&ns),
                before,
                "{argv0} {args:?} ({}) changed the namespace",
                program.display()
            );
            assert!(!text(&out).contains("panicked"), "{}", text(&out));
            results.push(text(&out));
        }
        assert_eq!(
            results[1], results[0],
            "{argv0} {args:?}: left ours, right the original"
        );
    }
}

fn ours(name: &str, built: &str) -> PathBuf {
    common::binary(name, built)
}

#[test]
fn vbrctl_as_brctl() {
    differential(
        "brctl",
        Path::new("/usr/sbin/brctl"),
        &ours("vbrctl", env!("CARGO_BIN_EXE_vbrctl")),
        &[
            &["addbr", "brx"],
            &["delbr", "br0"],
            &["addif", "br0", "v0"],
            &["delif", "br0", "v0"],
            &["setageing", "br0", "10"],
            &["setageing", "br0", "1e30"],
            &["setfd", "br0", "4"],
            &["setbridgeprio", "br0", "7"],
            &["stp", "br0", "on"],
            &["setpathcost", "br0", "v0", "5"],
            &["hairpin", "br0", "v0", "on"],
            &["show"],
        ],
    );
}

#[test]
fn vtunctl_as_tunctl() {
    differential(
        "tunctl",
        Path::new("/usr/bin/tunctl"),
        &ours("vtunctl", env!("CARGO_BIN_EXE_vtunctl")),
        &[&["-t", "tap0"], &["-d", "tap0"], &["-b"]],
    );
}

#[test]
fn vip_as_ip() {
    differential(
        "ip",
        Path::new("/usr/bin/ip"),
        &ours("vip", env!("CARGO_BIN_EXE_vip")),
        &[
            &["link", "add", "x0", "type", "bridge"],
            &["link", "set", "v1", "up"],
            &["link", "set", "v0", "master", "br0"],
            &["link", "del", "br0"],
            &["addr", "add", "10.9.1.1/24", "dev", "v0"],
            &["addr", "del", "10.9.0.1/24", "dev", "v0"],
            &["route", "add", "10.10.0.0/16", "dev", "v0"],
            &[
                "neigh",
                "add",
                "10.9.0.9",
                "lladdr",
                "02:00:00:00:00:09",
                "dev",
                "v0",
            ],
            &["tuntap", "add", "mode", "tap", "dev", "tap0"],
            &["netns", "add", "unpriv-x"],
        ],
    );
}

/// vnet has no original: each refusal names its step and the kernel's answer.
#[test]
fn vnet_names_the_step() {
    let vnet = ours("vnet", env!("CARGO_BIN_EXE_vnet"));
    for (args, step, answer) in [
        (
            &["forward", "on"][..],
            "setting net.ipv4.ip_forward to 1",
            "Permission denied",
        ),
        (
            &["proxy-arp", "on", "dev", "v0"][..],
            "setting net.ipv4.conf.v0.proxy_arp to 1",
            "Permission denied",
        ),
        (
            &["nat", "show"][..],
            "listing NAT rules",
            "Operation not permitted",
        ),
        (
            &[
                "nat",
                "forward",
                "add",
                "-p",
                "tcp",
                "--port",
                "5555",
                "--to",
                "10.9.0.2:22",
            ][..],
            "adding NAT rule",
            "Operation not permitted",
        ),
    ] {
        let ns = lab();
        let before = state(&ns);
        let out = unprivileged(&ns, "vnet", &vnet, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "vnet {args:?}: {}", text(&out));
        assert!(
            stderr.starts_with(&format!("vnet: {step}")),
            "vnet {args:?}: {stderr}"
        );
        assert!(
            stderr.trim_end().ends_with(answer),
            "vnet {args:?}: {stderr}"
        );
        assert!(
            !stderr.contains("panicked") && !stderr.contains("os error"),
            "{stderr}"
        );
        assert_eq!(state(&ns), before, "vnet {args:?} changed the namespace");
    }
}
