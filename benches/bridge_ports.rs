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

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vnet::{Bridge, Handle, IfName, LinkRef, LinkSpec, Netns, Veth};

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

fn ifname(s: &str) -> IfName {
    IfName::new(s).expect("valid name")
}

/// Builds vbrctl with the profile of this bench and returns its path.
fn vbrctl() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
    let release = dir.ends_with("release");
    let mut args = vec!["build", "--quiet", "-p", "vnet-cli", "--bin", "vbrctl"];
    if release {
        args.push("--release");
    }
    let status = Command::new(env!("CARGO")).args(args).status().unwrap();
    assert!(status.success(), "building vbrctl failed");
    dir.join("vbrctl")
}

/// A namespace with `br0` and N veth pairs `pI`/`qI`, none enslaved.
fn setup(name: &str, n: usize) -> (Netns, Handle) {
    let ns = Netns::add(name).expect("netns");
    let h = Handle::new(&ns).expect("handle");
    h.link().add(&Bridge::new(ifname("br0"))).unwrap();
    let specs: Vec<Veth> = (0..n)
        .map(|i| Veth::new(ifname(&format!("p{i}")), ifname(&format!("q{i}"))))
        .collect();
    let refs: Vec<&dyn LinkSpec> = specs.iter().map(|s| s as &dyn LinkSpec).collect();
    h.link().add_many(&refs).unwrap();
    (ns, h)
}

fn shell_loop(ns: &str, program: &str, n: usize) {
    let script =
        format!("i=0; while [ $i -lt {n} ]; do {program} addif br0 p$i; i=$((i + 1)); done");
    let status = Command::new("ip")
        .args(["netns", "exec", ns, "sh", "-ec", &script])
        .status()
        .unwrap();
    assert!(status.success(), "{program} loop failed");
}

fn ip_batch(ns: &str, n: usize) {
    let mut script = String::new();
    for i in 0..n {
        writeln!(script, "link set p{i} master br0").unwrap();
    }
    let mut child = Command::new("ip")
        .args(["-n", ns, "-batch", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "ip -batch failed");
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
    let name = format!("bp{}-{run}", std::process::id());
    let (ns, h) = setup(&name, n);
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
        Tool::Vbrctl => shell_loop(&name, vbrctl.to_str().unwrap(), n),
        Tool::Brctl => shell_loop(&name, "/usr/sbin/brctl", n),
        Tool::IpBatch => ip_batch(&name, n),
    }
    let took = t.elapsed();
    verify(&name, n);
    drop((h, ns));
    Netns::delete(&name).unwrap();
    std::thread::sleep(Duration::from_millis(200 + n as u64 * 2));
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_mode = args.iter().any(|a| a == "--bench");
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = match (bench_mode, sizes.is_empty()) {
        (false, _) => vec![3],
        (true, true) => vec![100],
        (true, false) => sizes,
    };
    let reps = if bench_mode { 7 } else { 1 };
    let vbrctl = vbrctl();
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
