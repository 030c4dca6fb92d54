//! NAT rules: add N port forwards, then delete them, in a fresh namespace.
//!
//! Every contender writes the same rule as vnet: `tcp dport P fib daddr type local dnat
//! to 10.0.0.2:22` (iptables: `-m addrtype --dst-type LOCAL`), a forward of a host port.
//!
//! Compares, side by side in one run:
//! - vnet's bulk calls (`NatHandle::add_many`, `delete_many`: one transaction each);
//! - vnet's library one rule at a time (one `Netfilter` handle; each add reads the chain back first, to stay
//!   idempotent, and each delete flushes the rule's conntrack entries);
//! - the `nft` binary, one process per rule (`nft add rule ...`, `nft delete rule ...
//!   handle H`), which is how a shell script drives it;
//! - the `nft` binary given every rule in one file (`nft -f`), its best case;
//! - `iptables-nft`, one process per rule.
//!
//! `cargo bench --bench nat` (as root, under scripts/private-netns.sh) runs 100 rules,
//! 5 times, and prints medians. Under `cargo test` it runs once with a few rules, as a
//! smoke test that checks every contender really installed its rules.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::median;
use vnet::{L4Protocol, NatRule, Netfilter, Netns, PortForward};
use vnet_testkit::TestNs;

fn in_ns(ns: &str, program: &str, args: &[&str]) -> Command {
    let mut command = Netns::command(ns, program).unwrap();
    command.args(args);
    command
}

fn run(mut command: Command) {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn rules_in(ns: &str, table: &str) -> usize {
    let out = in_ns(ns, "nft", &["-a", "list", "table", "ip", table])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        // A forward's own rule; its companion in the output chain carries a comment.
        .filter(|l| l.contains("dnat to") && !l.contains("comment \"vnet: "))
        .count()
}

/// A forward of host port 10000+i, with its four companion rules (host and hairpin):
/// five kernel rules.
fn forward(i: u16) -> NatRule {
    PortForward::new(L4Protocol::Tcp, 10000 + i, "10.0.0.2".parse().unwrap())
        .unwrap()
        .to_port(22)
        .unwrap()
        .into()
}

/// The same forward taking only connections arriving on `lo` (`-i`): one kernel rule,
/// exactly what the nft and iptables contenders write.
fn forward_in(i: u16) -> NatRule {
    let NatRule::PortForward(f) = forward(i) else {
        unreachable!()
    };
    f.input(vnet::IfName::new("lo").unwrap()).into()
}

/// vnet's library: returns (add, delete) times.
fn vnet_library(ns: &Netns, name: &str, n: u16) -> (Duration, Duration) {
    let nf = Netfilter::new(ns).unwrap();
    let start = Instant::now();
    for i in 0..n {
        assert!(nf.nat().add(&forward(i)).unwrap());
    }
    let added = start.elapsed();
    assert_eq!(rules_in(name, "vnet"), n as usize);
    let start = Instant::now();
    for i in 0..n {
        nf.nat().delete(&forward(i)).unwrap();
    }
    let deleted = start.elapsed();
    assert_eq!(rules_in(name, "vnet"), 0);
    (added, deleted)
}

/// vnet's bulk calls: every rule in one transaction each way (`add_many`,
/// `delete_many`, whose conntrack flush is one filtered dump for all of them).
fn vnet_bulk(ns: &Netns, name: &str, n: u16, rule: fn(u16) -> NatRule) -> (Duration, Duration) {
    let nf = Netfilter::new(ns).unwrap();
    let rules: Vec<NatRule> = (0..n).map(rule).collect();
    let start = Instant::now();
    assert_eq!(nf.nat().add_many(&rules).unwrap(), n as usize);
    let added = start.elapsed();
    assert_eq!(rules_in(name, "vnet"), n as usize);
    let start = Instant::now();
    nf.nat().delete_many(&rules).unwrap();
    let deleted = start.elapsed();
    assert_eq!(rules_in(name, "vnet"), 0);
    (added, deleted)
}

fn nft_setup(name: &str) {
    run(in_ns(name, "nft", &["add table ip bench"]));
    run(in_ns(
        name,
        "nft",
        &["add chain ip bench pre { type nat hook prerouting priority dstnat ; }"],
    ));
}

/// One `nft` process per rule.
fn nft_each(name: &str, n: u16) -> (Duration, Duration) {
    nft_setup(name);
    let start = Instant::now();
    for i in 0..n {
        let rule = format!(
            "add rule ip bench pre tcp dport {} fib daddr type local dnat to 10.0.0.2:22",
            10000 + i
        );
        run(in_ns(name, "nft", &[&rule]));
    }
    let added = start.elapsed();
    assert_eq!(rules_in(name, "bench"), n as usize);
    let out = in_ns(name, "nft", &["-a", "list", "chain", "ip", "bench", "pre"])
        .output()
        .unwrap();
    let handles: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("dnat to"))
        .map(|l| l.rsplit(' ').next().unwrap().to_string())
        .collect();
    let start = Instant::now();
    for handle in handles {
        run(in_ns(
            name,
            "nft",
            &["delete", "rule", "ip", "bench", "pre", "handle", &handle],
        ));
    }
    let deleted = start.elapsed();
    assert_eq!(rules_in(name, "bench"), 0);
    run(in_ns(name, "nft", &["delete table ip bench"]));
    (added, deleted)
}

/// Every rule in one `nft -f` file (delete: one flush of the chain).
fn nft_file(name: &str, n: u16) -> (Duration, Duration) {
    nft_setup(name);
    let script: String = (0..n)
        .map(|i| {
            format!(
                "add rule ip bench pre tcp dport {} fib daddr type local dnat to 10.0.0.2:22\n",
                10000 + i
            )
        })
        .collect();
    let start = Instant::now();
    let mut child = in_ns(name, "nft", &["-f", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let added = start.elapsed();
    assert_eq!(rules_in(name, "bench"), n as usize);
    let start = Instant::now();
    run(in_ns(name, "nft", &["flush chain ip bench pre"]));
    let deleted = start.elapsed();
    run(in_ns(name, "nft", &["delete table ip bench"]));
    (added, deleted)
}

/// One `iptables-nft` process per rule.
fn iptables_each(name: &str, n: u16) -> (Duration, Duration) {
    let rule = |action: &str, i: u16| {
        let port = (10000 + i).to_string();
        in_ns(
            name,
            "iptables-nft",
            &[
                "-t",
                "nat",
                action,
                "PREROUTING",
                "-p",
                "tcp",
                "--dport",
                &port,
                "-m",
                "addrtype",
                "--dst-type",
                "LOCAL",
                "-j",
                "DNAT",
                "--to-destination",
                "10.0.0.2:22",
            ],
        )
    };
    let start = Instant::now();
    for i in 0..n {
        run(rule("-A", i));
    }
    let added = start.elapsed();
    let start = Instant::now();
    for i in 0..n {
        run(rule("-D", i));
    }
    let deleted = start.elapsed();
    (added, deleted)
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (n, rounds) = if full { (100, 5) } else { (5, 1) };
    let fixture = TestNs::new("bench-nat");
    let (ns, name) = (&fixture.netns, fixture.name.as_str());
    type Contender<'a> = (&'a str, Box<dyn Fn() -> (Duration, Duration) + 'a>);
    let contenders: Vec<Contender<'_>> = vec![
        (
            "vnet add_many / delete_many",
            Box::new(|| vnet_bulk(ns, name, n, forward)),
        ),
        (
            "vnet bulk, -i lo (no companions)",
            Box::new(|| vnet_bulk(ns, name, n, forward_in)),
        ),
        (
            "vnet library, one call per rule",
            Box::new(|| vnet_library(ns, name, n)),
        ),
        ("nft, one process per rule", Box::new(|| nft_each(name, n))),
        ("nft -f, one file", Box::new(|| nft_file(name, n))),
        (
            "iptables-nft, one process per rule",
            Box::new(|| iptables_each(name, n)),
        ),
    ];
    let mut results = Vec::new();
    for (label, contender) in &contenders {
        let mut adds = Vec::new();
        let mut deletes = Vec::new();
        for _ in 0..rounds {
            let (a, d) = contender();
            adds.push(a);
            deletes.push(d);
        }
        results.push((label, median(adds), median(deletes)));
    }
    println!("{n} TCP port forwards, median of {rounds} (add / delete):");
    let (base_add, base_delete) = (results[0].1.as_secs_f64(), results[0].2.as_secs_f64());
    for (label, add, delete) in results {
        println!(
            "  {label:<36} {:>9.2} ms / {:>9.2} ms  (x{:.2} / x{:.2} of vnet bulk)",
            add.as_secs_f64() * 1e3,
            delete.as_secs_f64() * 1e3,
            add.as_secs_f64() / base_add,
            delete.as_secs_f64() / base_delete
        );
    }
}
