//! The host-cleanliness check checks itself: `scripts/host-snapshot.sh`, run in a
//! throwaway namespace standing in for the host, sees every kind of change it is meant
//! to catch, sees nothing when nothing changed, and fails when a tool it reads is
//! missing.
//!
//! Each case runs in `unshare --net --mount` (a fresh network namespace, and a private
//! mount namespace where `/etc` is an overlay whose writes land in a temporary folder,
//! `/run/netns` and `/tmp` are fresh tmpfs mounts): nothing touches the real host.

use std::process::{Command, Output};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/host-snapshot.sh");

/// Runs `body` (bash) in the throwaway host, after it has set `$snap` to the script.
fn throwaway_host(body: &str) -> Output {
    let script = format!(
        "set -euo pipefail\n\
         mount -t tmpfs snap-tmp /tmp\n\
         mkdir /tmp/up /tmp/work\n\
         mount -t overlay snap-etc -o lowerdir=/etc,upperdir=/tmp/up,workdir=/tmp/work /etc\n\
         mkdir -p /run/netns && mount -t tmpfs snap-netns /run/netns\n\
         ip link set lo up\n\
         snap={SCRIPT}\n\
         {body}\n"
    );
    Command::new("unshare")
        .args(["--net", "--mount", "--propagation", "private", "--"])
        .args(["bash", "-c", &script])
        .output()
        .expect("running unshare")
}

/// The lines `change` (bash, run in the throwaway host) adds to and removes from the
/// snapshot, as `diff`'s `>` and `<` lines.
fn diff_after(change: &str) -> Vec<String> {
    let out = throwaway_host(&format!(
        "\"$snap\" >/tmp/before\n\
         {change}\n\
         \"$snap\" >/tmp/after\n\
         diff /tmp/before /tmp/after || true"
    ));
    assert!(
        out.status.success(),
        "{change}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("> ") || l.starts_with("< "))
        .map(str::to_string)
        .collect()
}

#[test]
fn nothing_changed_nothing_reported() {
    assert_eq!(diff_after("true"), Vec::<String>::new());
}

#[test]
fn every_kind_of_change_is_caught() {
    // (change, a line the diff must hold)
    let cases = [
        ("ip link add snap0 type bridge", "> 2: snap0: "),
        ("ip addr add 192.0.2.77/32 dev lo", "192.0.2.77/32"),
        (
            "ip route add 198.51.100.0/24 dev lo",
            "> 198.51.100.0/24 dev lo ",
        ),
        (
            "ip rule add from 192.0.2.7 lookup 100",
            "from 192.0.2.7 lookup 100",
        ),
        (
            "sysctl -qw net.ipv4.ip_forward=1",
            "> net.ipv4.ip_forward = 1",
        ),
        (
            "sysctl -qw net.ipv4.conf.lo.proxy_arp=1",
            "> net.ipv4.conf.lo.proxy_arp = 1",
        ),
        ("nft add table inet snaptest", "> table inet snaptest {"),
        (
            "iptables-legacy -A INPUT -s 192.0.2.9 -j ACCEPT",
            "> -A INPUT -s 192.0.2.9/32 -j ACCEPT",
        ),
        (
            "iptables-legacy -t nat -A POSTROUTING -o lo -j MASQUERADE",
            "> -A POSTROUTING -o lo -j MASQUERADE",
        ),
        (
            "ip6tables-legacy -A INPUT -s 2001:db8::9 -j ACCEPT",
            "> -A INPUT -s 2001:db8::9/128 -j ACCEPT",
        ),
        ("touch /run/netns/snapns", "> snapns"),
        (
            "mkdir -p /etc/netns/snapns && echo nameserver 192.0.2.53 >/etc/netns/snapns/resolv.conf",
            "> f 644 /etc/netns/snapns/resolv.conf -> ",
        ),
    ];
    // All changes between two snapshots (each reading costs a second or so); each
    // wanted line can only come from its own change.
    let all: Vec<&str> = cases.iter().map(|(change, _)| *change).collect();
    let diff = diff_after(&all.join("\n"));
    for (change, want) in cases {
        assert!(
            diff.iter().any(|l| l.contains(want)),
            "{change}: the snapshot did not show {want:?}; diff: {diff:#?}"
        );
    }
    // A changed file in /etc/netns shows by its content alone.
    let diff = diff_after(
        "mkdir -p /etc/netns/a && echo one >/etc/netns/a/hosts\n\
         \"$snap\" >/tmp/before\n\
         echo two >/etc/netns/a/hosts",
    );
    assert!(
        diff.iter()
            .any(|l| l.starts_with("> ") && l.ends_with("  /etc/netns/a/hosts")),
        "{diff:#?}"
    );
}

#[test]
fn a_missing_tool_fails_the_snapshot() {
    // PATH holds every program of /usr/bin and /usr/sbin except the one left out.
    for missing in ["nft", "iptables-legacy", "sysctl", "md5sum"] {
        let out = throwaway_host(&format!(
            "mkdir /tmp/bin\n\
             ln -sf /usr/bin/* /usr/sbin/* /tmp/bin/\n\
             rm /tmp/bin/{missing}\n\
             PATH=/tmp/bin /bin/bash \"$snap\" >/tmp/out"
        ));
        assert_eq!(out.status.code(), Some(2), "without {missing}: {out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("host-snapshot.sh: {missing} is missing: cannot read the host's state\n")
        );
    }
}

#[test]
fn a_failing_read_fails_the_snapshot() {
    // An nft that cannot read the ruleset: its error must not pass as state.
    let out = throwaway_host(
        "mkdir /tmp/bin\n\
         ln -sf /usr/bin/* /usr/sbin/* /tmp/bin/\n\
         rm /tmp/bin/nft\n\
         printf '#!/bin/sh\\necho \"nft: cannot read\" >&2\\nexit 1\\n' >/tmp/bin/nft\n\
         chmod +x /tmp/bin/nft\n\
         PATH=/tmp/bin /bin/bash \"$snap\" >/tmp/out",
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "nft: cannot read\n");
}
