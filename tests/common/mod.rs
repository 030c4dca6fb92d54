//! Shared helpers for the kernel tests.
//!
//! Every test builds its own named namespaces (unique per process and test) and checks
//! the kernel with independent witnesses: iproute2's JSON output, real `ping`.

#![allow(dead_code)]

pub mod lane;

use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;
use vnet::{Handle, IfName, Netns};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A named network namespace that is deleted when dropped.
pub struct TestNs {
    /// Its name under /run/netns.
    pub name: String,
    /// The open namespace.
    pub netns: Netns,
    /// An rtnetlink handle inside it.
    pub handle: Handle,
}

impl TestNs {
    /// Creates a namespace with a unique name that contains `tag`, with `lo` up.
    pub fn new(tag: &str) -> TestNs {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("vt{}-{n}-{tag}", std::process::id());
        let netns = Netns::add(&name).unwrap_or_else(|e| panic!("{e}"));
        let handle = Handle::new(&netns).unwrap();
        handle.link().up(ifname("lo")).unwrap();
        TestNs {
            name,
            netns,
            handle,
        }
    }

    /// `ip -n NAME -j ARGS...`, parsed.
    pub fn ip_json(&self, args: &[&str]) -> Value {
        ip_json(&self.name, args)
    }

    /// Runs a command inside the namespace (`ip netns exec`).
    pub fn exec(&self, program: &str, args: &[&str]) -> Output {
        Command::new("ip")
            .args(["netns", "exec", &self.name, program])
            .args(args)
            .output()
            .expect("running ip netns exec")
    }

    /// Runs a command inside the namespace and returns its stdout; fails the test if the
    /// command fails.
    pub fn run_ok(&self, program: &str, args: &[&str]) -> String {
        let out = self.exec(program, args);
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Turns IPv6 off in the namespace, for its links now and later: no duplicate
    /// address detection, router or multicast listener traffic of its own crosses a
    /// bridge at moments no test controls, so counters and learned entries show only the
    /// test's own frames.
    pub fn disable_ipv6(&self) {
        self.run_ok(
            "sysctl",
            &[
                "-q",
                "-w",
                "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1",
            ],
        );
    }

    /// True when `ping -c 1 -W 2 ADDR` from this namespace succeeds.
    pub fn ping(&self, addr: &str) -> bool {
        self.exec("ping", &["-c", "1", "-W", "2", "-q", addr])
            .status
            .success()
    }

    /// True when a ping of `ADDR` is answered within about `seconds`: one ping a second,
    /// for a path that has just been opened (neighbour entries that failed a moment ago
    /// are retried by the kernel only as new packets come).
    pub fn pings_within(&self, addr: &str, seconds: u32) -> bool {
        (0..seconds.max(1)).any(|_| self.ping(addr))
    }

    /// True when one ping of `ADDR` with a short timeout fails (no reply).
    pub fn cannot_ping(&self, addr: &str) -> bool {
        !self
            .exec("ping", &["-c", "1", "-W", "1", "-q", addr])
            .status
            .success()
    }

    /// The link `name` as `ip -d -j link show` describes it, or None.
    pub fn link_json(&self, name: &str) -> Option<Value> {
        let out = Command::new("ip")
            .args(["-n", &self.name, "-d", "-j", "link", "show", "dev", name])
            .output()
            .unwrap();
        if !out.status.success() {
            return None;
        }
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array().and_then(|a| a.first().cloned())
    }
}

impl Drop for TestNs {
    fn drop(&mut self) {
        let _ = Netns::delete(&self.name);
    }
}

/// `ip -n NS -j ARGS...`, parsed as JSON.
pub fn ip_json(ns: &str, args: &[&str]) -> Value {
    let out = Command::new("ip")
        .args(["-n", ns, "-j"])
        .args(args)
        .output()
        .expect("running ip");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// An interface name known to be valid.
pub fn ifname(name: &str) -> IfName {
    IfName::new(name).unwrap()
}

/// The addresses (as "addr/prefix") `ip -j addr show dev DEV` lists in `ns`.
pub fn addresses(ns: &TestNs, dev: &str) -> Vec<String> {
    let v = ns.ip_json(&["addr", "show", "dev", dev]);
    v[0]["addr_info"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| format!("{}/{}", i["local"].as_str().unwrap(), i["prefixlen"]))
                .collect()
        })
        .unwrap_or_default()
}

/// The path of the example program `name`, built first if needed (a no-op when it is up
/// to date; `cargo test --all-targets` has built it already).
pub fn example(name: &str) -> std::path::PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--example", name])
        .status()
        .expect("running cargo build for an example");
    assert!(status.success(), "building example {name} failed");
    // This test runs from target/<profile>/deps/; examples live in target/<profile>/examples/.
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(name);
    assert!(path.exists(), "{} missing", path.display());
    path
}
