//! Adding ports to a bridge, side by side in one run: the library (one batched call,
//! and one call per port), `vbrctl addif` once per port, Debian's `brctl addif` once per
//! port, and `ip -batch` (`link set X master br0` lines).
//!
//! Each run gets a fresh namespace with a bridge and N veth pairs (not timed); only the
//! enslaving is timed. The per-port tools run in one shell loop inside the namespace
//! (`ip netns exec NS sh -c 'for ...; do brctl addif br0 $p; done'`), which is how they
//! are used; the loop's own cost (one `ip netns exec`, one shell) is the same for both.
//!
//! Run it as root under the private `/run/netns` wrapper:
//!
//! ```text
//! scripts/private-netns.sh cargo bench --bench bridge_ports            # N = 100
//! scripts/private-netns.sh cargo bench --bench bridge_ports -- 10 100  # chosen sizes
//! ```
//!
//! It prints a Markdown table of medians and ratios for BENCHMARKS.md. Under
//! `cargo test` it adds 3 ports once per contender, as a smoke test.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Plan, cli_binary, ip_batch, median, shell_loop};
use vnet::{Bridge, LinkRef, LinkSpec, Veth};
use vnet_testkit::{TestNs, ifname};

#[derive(Clone, Copy, PartialEq)]
enum Tool {
    LibraryBatch,
    LibraryPerPort,
    Vbrctl,
    Brctl,
    IpBatch,
}

impl Tool {
    fn label(self) -> &'static str {
        match self {
            Tool::LibraryBatch => "vnet `add_ports` (one batch)",
            Tool::LibraryPerPort => "vnet `add_port` per port",
            Tool::Vbrctl => "`vbrctl addif` per port",
            Tool::Brctl => "`brctl addif` per port",
            Tool::IpBatch => "`ip -batch` (`link set X master br0`)",
        }
    }
}

/// A namespace (its name says `tag`) with `br0` and N veth pairs `pI`/`qI`, none
/// enslaved.
fn setup(tag: &str, n: usize) -> TestNs {
    let ns = TestNs::new(tag);
    let h = &ns.handle;
    h.link().add(&Bridge::new(ifname("br0"))).unwrap();
    let specs: Vec<Veth> = (0..n)
        .map(|i| Veth::new(ifname(&format!("p{i}")), ifname(&format!("q{i}"))))
        .collect();
    let refs: Vec<&dyn LinkSpec> = specs.iter().map(|s| s as &dyn LinkSpec).collect();
    h.link().add_many(&refs).unwrap();
    ns
}

/// Every pI is a port of br0, by iproute2.
fn verify(ns: &str, n: usize) {
    let out = Command::new("ip")
        .args(["-n", ns, "-o", "link", "show", "master", "br0"])
        .output()
        .unwrap();
    let ports = String::from_utf8_lossy(&out.stdout).lines().count();
    assert_eq!(ports, n, "ports of br0");
}

fn one_run(tool: Tool, n: usize, run: usize, vbrctl: &Path) -> Duration {
    let ns = setup(&format!("bp{run}"), n);
    let (name, h) = (ns.name.as_str(), &ns.handle);
    let t = Instant::now();
    match tool {
        Tool::LibraryBatch => {
            let ports: Vec<LinkRef> = (0..n).map(|i| ifname(&format!("p{i}")).into()).collect();
            h.bridge().add_ports(ifname("br0"), &ports).unwrap();
        }
        Tool::LibraryPerPort => {
            for i in 0..n {
                h.bridge()
                    .add_port(ifname("br0"), ifname(&format!("p{i}")))
                    .unwrap();
            }
        }
        Tool::Vbrctl => shell_loop(name, &format!("{} addif br0 p$i", vbrctl.display()), n),
        Tool::Brctl => shell_loop(name, "/usr/sbin/brctl addif br0 p$i", n),
        Tool::IpBatch => {
            let mut script = String::new();
            for i in 0..n {
                writeln!(script, "link set p{i} master br0").unwrap();
            }
            ip_batch(Some(name), &script)
        }
    }
    let took = t.elapsed();
    verify(name, n);
    drop(ns);
    std::thread::sleep(Duration::from_millis(200 + n as u64 * 2));
    took
}

fn main() {
    let Plan { bench, sizes } = Plan::from_args(&[100], 3);
    let reps = if bench { 7 } else { 1 };
    let vbrctl = cli_binary("vbrctl");
    let tools = [
        Tool::LibraryBatch,
        Tool::LibraryPerPort,
        Tool::Vbrctl,
        Tool::Brctl,
        Tool::IpBatch,
    ];
    println!("| N | how | median | per port | vs vnet batch |");
    println!("|---|---|---|---|---|");
    let mut run = 0;
    for &n in &sizes {
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); tools.len()];
        // Interleave the contenders so drift hits them all alike.
        for _ in 0..reps {
            for (k, &tool) in tools.iter().enumerate() {
                run += 1;
                times[k].push(one_run(tool, n, run, &vbrctl));
            }
        }
        let medians: Vec<Duration> = times.into_iter().map(median).collect();
        for (tool, m) in tools.iter().zip(&medians) {
            println!(
                "| {n} | {} | {:.2} ms | {:.3} ms | {:.1}x |",
                tool.label(),
                m.as_secs_f64() * 1e3,
                m.as_secs_f64() * 1e3 / n as f64,
                m.as_secs_f64() / medians[0].as_secs_f64()
            );
        }
    }
}
