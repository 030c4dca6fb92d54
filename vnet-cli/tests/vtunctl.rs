//! Differential tests of `vtunctl` against Debian's `tunctl` (uml-utilities 20070815).
//!
//! Each case runs twice, in two fresh namespaces: once with the real tunctl
//! (the file Debian's uml-utilities installed, checked against its MD5 sums by
//! `vnet_testkit::packaged_tool`), once with vtunctl (the
//! binary cargo built for this test). Each runs by its absolute path, never looked up on
//! `PATH`, with `tunctl` as its `argv[0]` (`vnet_testkit::invoke_as`), since tunctl
//! prints `argv[0]` in its messages. After the same setup, every invocation's
//! stdout, stderr and exit code are compared, and at the end the devices as
//! `ip -d -j link show` and `ip tuntap show` see them (MAC addresses and interface
//! indexes, which the kernel picks at random or in order, left out).
//!
//! Unprivileged cases run the tool under `setpriv` with a 0666 `/dev/net/tun` bound in
//! a private mount namespace (the node is 0600 on this machine).
//!
//! Run as root, under scripts/private-netns.sh.

mod common;

use std::path::{Path, PathBuf};

use vnet_testkit::{TestNs, invoke_as, packaged_tool};

/// One invocation of `tunctl`.
struct Run<'a> {
    /// Run as this uid and gid instead of root.
    user: Option<(u32, u32)>,
    /// Extra environment.
    env: &'a [(&'a str, &'a str)],
    /// The arguments.
    args: &'a [&'a str],
}

const fn root<'a>(args: &'a [&'a str]) -> Run<'a> {
    Run {
        user: None,
        env: &[],
        args,
    }
}

const fn user<'a>(uid: u32, args: &'a [&'a str]) -> Run<'a> {
    Run {
        user: Some((uid, uid)),
        env: &[],
        args,
    }
}

/// A case: shell setup inside the namespace (not compared), then the runs.
struct Case<'a> {
    setup: &'a [&'a str],
    runs: &'a [Run<'a>],
}

const fn case<'a>(runs: &'a [Run<'a>]) -> Case<'a> {
    Case { setup: &[], runs }
}

const fn after<'a>(setup: &'a [&'a str], runs: &'a [Run<'a>]) -> Case<'a> {
    Case { setup, runs }
}

const CASES: &[Case<'static>] = &[
    // Creating, with every way of naming the device and its owner.
    case(&[root(&[])]),
    case(&[root(&["-b"]), root(&["-b"])]),
    case(&[root(&["-t", "tap0"])]),
    case(&[root(&["-t", "tap0"]), root(&["-t", "tap0"])]),
    case(&[root(&["-t", "tap0", "-t", "tap1"])]),
    case(&[root(&["-ttap0"])]),
    case(&[root(&["-bttap0"])]),
    case(&[root(&["-b", "-t", "vm%d"]), root(&["-b", "-t", "vm%d"])]),
    case(&[root(&["-t", "abcdefghijklmnopqrstuvwxyz"])]),
    case(&[root(&["-t", ""])]),
    case(&[root(&["-u", "1000", "-t", "tap0"])]),
    case(&[root(&["-u", "nobody", "-t", "tap0"])]),
    case(&[root(&["-u", "root"])]),
    case(&[root(&["-g", "100", "-t", "tap0"])]),
    case(&[root(&["-g", "nogroup", "-u", "nobody"])]),
    case(&[root(&["-u", "0x3e8"])]),
    case(&[root(&["-u", "010"])]),
    case(&[root(&["-u", ""])]),
    case(&[root(&["-u", " 42"])]),
    case(&[root(&["-u", "-1"])]),
    case(&[root(&["-u", "-1", "-g", "-1"])]),
    case(&[root(&["-u", "-2"])]),
    case(&[root(&["-u", "4294967294"])]),
    case(&[root(&["-u", "4294967296"])]),
    case(&[root(&["-u", "99999999999999999999"])]),
    // Deleting.
    case(&[root(&["-t", "tap0"]), root(&["-d", "tap0"])]),
    case(&[root(&["-d", "ghost"])]),
    case(&[root(&["-bd", "tap0"])]),
    case(&[root(&["-dtap0", "-b"])]),
    after(
        &["ip tuntap add mode tun dev tun0"],
        &[root(&["-d", "tun0"])],
    ),
    after(
        &["ip tuntap add mode tap dev mq0 multi_queue"],
        &[root(&["-d", "mq0"])],
    ),
    // Names and devices the kernel refuses.
    case(&[root(&["-t", "lo"])]),
    case(&[root(&["-d", "lo"])]),
    case(&[root(&["-t", "a/b"])]),
    case(&[root(&["-t", "a:b"])]),
    case(&[root(&["-t", "a b"])]),
    case(&[root(&["-t", "."])]),
    case(&[root(&["-t", "tap%s"])]),
    case(&[root(&["-t", "tap%d%d"])]),
    after(
        &["ip tuntap add mode tun dev tun0"],
        &[root(&["-t", "tun0"])],
    ),
    after(
        &["ip link add br0 type bridge"],
        &[root(&["-t", "br0"]), root(&["-d", "br0"])],
    ),
    // Clone devices.
    case(&[root(&["-f", "/nonexistent"])]),
    case(&[root(&["-f", "/dev/null"])]),
    case(&[root(&["-f", "/"])]),
    case(&[root(&["-f", "/dev/net/tun", "-t", "tap0"])]),
    // Usage errors, getopt's messages.
    case(&[root(&["-u", "no-such-user-here"])]),
    case(&[root(&["-g", "no-such-group-here"])]),
    case(&[root(&["-u", "12ab"])]),
    case(&[root(&["-g", "0x"])]),
    case(&[root(&["-x"])]),
    case(&[root(&["-bx"])]),
    case(&[root(&["-t"])]),
    case(&[root(&["-b", "-d"])]),
    case(&[root(&["-:"])]),
    case(&[root(&["--help"])]),
    case(&[root(&["extra"])]),
    case(&[root(&["-"])]),
    case(&[root(&["-t", "tap0", "extra"])]),
    case(&[root(&["--", "-t", "tap0"])]),
    case(&[root(&["-t", "tap0", "--"])]),
    case(&[root(&["extra", "-u", "no-such-user-here"])]),
    case(&[Run {
        user: None,
        env: &[("POSIXLY_CORRECT", "1")],
        args: &["extra", "-u", "no-such-user-here"],
    }]),
    case(&[Run {
        user: None,
        env: &[("POSIXLY_CORRECT", "1")],
        args: &["-t", "tap0", "extra"],
    }]),
    // Unprivileged users: creating is refused; the owner may re-persist and delete.
    case(&[user(12345, &["-t", "tap0"])]),
    case(&[user(12345, &["-d", "tap0"])]),
    after(
        &["ip tuntap add mode tap dev uml0 user 12345"],
        &[user(12345, &["-t", "uml0"]), user(12346, &["-t", "uml0"])],
    ),
    after(
        &["ip tuntap add mode tap dev uml0 user 12345"],
        &[user(12345, &["-b", "-u", "12346", "-t", "uml0"])],
    ),
    after(
        &["ip tuntap add mode tap dev uml0 user 12345"],
        &[user(12346, &["-d", "uml0"]), user(12345, &["-d", "uml0"])],
    ),
    after(
        &["ip tuntap add mode tap dev kvm0 group 12345"],
        &[user(12345, &["-g", "12345", "-t", "kvm0"])],
    ),
];

/// The two tools, by their absolute paths: (Debian's tunctl, vtunctl, from
/// `VNET_BIN_DIR` when it is set).
fn tools() -> (PathBuf, PathBuf) {
    (
        packaged_tool("tunctl"),
        common::binary("vtunctl", env!("CARGO_BIN_EXE_vtunctl")),
    )
}

/// The devices in `ns`, as iproute2 shows them, without what the kernel picks freely.
fn state(ns: &TestNs) -> String {
    let mut links = ns.ip_json(&["-d", "link", "show"]);
    for link in links.as_array_mut().unwrap() {
        let link = link.as_object_mut().unwrap();
        link.remove("ifindex");
        link.remove("address");
    }
    format!(
        "{links:#}\n--ip tuntap show--\n{}",
        ns.run_ok("ip", &["tuntap", "show"])
    )
}

/// Runs one case with the tunctl at `program` and returns its transcript.
fn transcript(program: &Path, case: &Case<'_>) -> String {
    let ns = TestNs::new("vtun");
    for script in case.setup {
        ns.sh(script);
    }
    let mut t = String::new();
    for run in case.runs {
        let mut command = match run.user {
            // The tool as this user, with a 0666 /dev/net/tun in a private mount namespace.
            Some((uid, gid)) => {
                let mut command = ns.command("unshare");
                command
                    .args([
                        "--mount",
                        "sh",
                        "-c",
                        "uid=$1 gid=$2 && shift 2 && \
                         mount -t tmpfs vnet-tun /dev/net && mknod -m 0666 /dev/net/tun c 10 200 && \
                         exec setpriv --reuid=\"$uid\" --regid=\"$gid\" --clear-groups \"$@\"",
                        "sh",
                        &uid.to_string(),
                        &gid.to_string(),
                        "--",
                    ])
                    .args(invoke_as("tunctl", program));
                command
            }
            None => ns.command_as("tunctl", program),
        };
        let out = command
            .args(run.args)
            .envs(run.env.iter().copied())
            .output()
            .unwrap();
        t += &format!(
            "$ tunctl {:?} (as {:?}, env {:?})\n--stdout--\n{}--stderr--\n{}--exit {:?}\n",
            run.args,
            run.user,
            run.env,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            out.status.code()
        );
    }
    t + "--devices--\n" + &state(&ns)
}

#[test]
fn vtunctl_matches_tunctl_case_by_case() {
    let (real, ours) = tools();
    let mut failures = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let expected = transcript(&real, case);
        let got = transcript(&ours, case);
        if expected != got {
            let first = expected
                .lines()
                .zip(got.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("tunctl:  {a}\nvtunctl: {b}"))
                .unwrap_or_else(|| "(one transcript is longer)".into());
            failures.push(format!(
                "case {i} ({:?}): first difference:\n{first}\n--- tunctl ---\n{expected}\n--- vtunctl ---\n{got}",
                case.runs.iter().map(|r| r.args).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The transcripts are not trivially equal: the cases reach the kernel and fail in
/// different ways. A sanity check on the harness itself.
#[test]
fn the_cases_cover_success_and_each_failure_step() {
    let (real, _) = tools();
    let all: String = CASES.iter().map(|c| transcript(&real, c)).collect();
    for needle in [
        "persistent and owned by uid 0",
        "persistent and owned by uid -2",
        " gid 100",
        "nonpersistent",
        "TUNSETIFF: Invalid argument",
        "TUNSETIFF: Operation not permitted",
        "TUNSETIFF: Inappropriate ioctl for device",
        "Failed to open '/nonexistent' : No such file or directory",
        "is neither a username nor a numeric uid",
        "invalid option -- 'x'",
        "option requires an argument -- 't'",
        "--exit Some(0)",
        "--exit Some(1)",
    ] {
        assert!(all.contains(needle), "no case produces {needle:?}");
    }
}

/// What vtunctl adds: `-n` for a tun device, `-p` for a tap, `-h` for the usage.
#[test]
fn extensions_tun_tap_and_help() {
    let ns = TestNs::new("vtun-ext");
    let (_, vtunctl) = tools();
    let vtunctl = vtunctl.to_str().unwrap();
    let run = |args: &[&str]| ns.exec(vtunctl, args);
    let out = run(&["-n", "-t", "vpn0", "-u", "1000"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Set 'vpn0' persistent and owned by uid 1000\n"
    );
    let out = run(&["-n", "-p", "-b"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "tap0\n");
    assert_eq!(
        ns.run_ok("ip", &["tuntap", "show"]),
        "vpn0: tun persist user 1000\ntap0: tap persist user 0\n"
    );
    let out = run(&["-h"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    // The usage is tunctl's own, word for word: what Debian's tunctl prints after
    // refusing an option, run under the same argv[0].
    let (real, _) = tools();
    let theirs = std::process::Command::new(&invoke_as(vtunctl, &real)[0])
        .args(&invoke_as(vtunctl, &real)[1..])
        .arg("-x")
        .output()
        .unwrap();
    assert_eq!(theirs.status.code(), Some(1));
    let theirs = String::from_utf8_lossy(&theirs.stderr);
    let usage = theirs
        .split_once('\n')
        .filter(|(first, _)| first.ends_with("invalid option -- 'x'"))
        .map(|(_, usage)| usage)
        .unwrap_or_else(|| panic!("tunctl -x said: {theirs}"));
    assert_eq!(String::from_utf8_lossy(&out.stderr), usage);
    assert!(usage.starts_with(&format!(
        "Create: {vtunctl} [-b] [-u owner] [-g group] [-t device-name]"
    )));
}
