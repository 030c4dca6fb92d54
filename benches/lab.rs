//! `vnet lab up` / `down` of a bridge lab file, side by side in one run with the
//! library's own bulk-call build (the `bridge_lab` bench's vnet contender) and the best
//! `ip -batch` scripts.
//!
//! The lab: one bridge with an address; N nodes, each a namespace with a veth whose
//! peer is born inside it, on the bridge, with an address. The lab contender reads the
//! TOML file (parsing and checking are timed), then runs what `vnet lab up` runs
//! (`Lab::up_in`: the same bulk calls, plus marking each namespace's `lo`, the ownership
//! checks before and the NAT-free rest of the steps); `down` is `Lab::down_in` (one
//! dump of the host's links and one exchange of namespace ids to find the marked
//! namespaces, `Netns::delete_many` for them, then the lab's other host devices in one
//! request). The library's teardown is `Netns::delete_many` and the bridge's deletion.
//!
//! ```text
//! scripts/private-netns.sh cargo bench --bench lab            # N = 100, 1000
//! scripts/private-netns.sh cargo bench --bench lab -- 1000    # chosen sizes
//! ```

mod common;

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Plan, ip_batch, median, ms};
use vnet::lab::Lab;
use vnet::{Bridge, Handle, LinkSpec, Netns, Veth};
use vnet_testkit::{TestNs, ifname};

#[derive(Clone, Copy, PartialEq)]
enum Tool {
    Lab,
    Library,
    IpBatch,
}

impl Tool {
    fn label(self) -> &'static str {
        match self {
            Tool::Lab => "vnet lab up / down (file parsed and checked, then Lab::up_in)",
            Tool::Library => "vnet library, bulk calls (bridge_lab bench)",
            Tool::IpBatch => "ip -batch (best script)",
        }
    }
}

fn node_addr(i: usize) -> String {
    format!("10.{}.{}.{}/8", 1 + i / 62500, (i / 250) % 250, i % 250 + 1)
}

fn lab_file(lab: &str, n: usize) -> String {
    let mut s =
        format!("name = \"{lab}\"\n[[bridge]]\nname = \"br0\"\naddress = \"10.0.0.254/8\"\n");
    for i in 0..n {
        write!(
            s,
            "[[node]]\nname = \"n{i}\"\n[[node.interface]]\nname = \"eth0\"\nbridge = \"br0\"\naddresses = [\"{}\"]\n",
            node_addr(i)
        )
        .unwrap();
    }
    s
}

fn build_library(host: &Netns, prefix: &str, n: usize) -> vnet::Result<()> {
    let h = Handle::new(host)?;
    h.link().add(&Bridge::new(ifname("br0")).up())?;
    h.addr()
        .add(ifname("br0"), "10.0.0.254/8".parse().expect("prefix"))?;
    let br = h.link().get(&ifname("br0"))?.index;
    let eth0 = ifname("eth0");
    let names: Vec<String> = (0..n).map(|i| format!("{prefix}{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let vms = Netns::add_many(&names)?;
    let veths: Vec<Veth> = vms
        .iter()
        .enumerate()
        .map(|(i, vm)| {
            Veth::new(ifname(&format!("v{i}")), eth0.clone())
                .peer_netns(vm)
                .master(br)
                .up()
        })
        .collect();
    let specs: Vec<&dyn LinkSpec> = veths.iter().map(|v| v as &dyn LinkSpec).collect();
    h.link().add_many(&specs)?;
    for (i, inside) in Handle::new_many(&vms)?.iter().enumerate() {
        inside.link().up(&eth0)?;
        inside
            .addr()
            .add(&eth0, node_addr(i).parse().expect("prefix"))?;
    }
    Ok(())
}

fn teardown_library(host: &Netns, prefix: &str, n: usize) -> vnet::Result<()> {
    let names: Vec<String> = (0..n).map(|i| format!("{prefix}{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    Netns::delete_many(&names)?;
    Handle::new(host)?.link().delete(ifname("br0"))
}

fn build_ip_batch(host: &str, prefix: &str, n: usize) {
    let mut s = String::new();
    for i in 0..n {
        writeln!(s, "netns add {prefix}{i}").unwrap();
    }
    ip_batch(None, &s);
    let mut s = String::from("link add br0 up type bridge\naddress add 10.0.0.254/8 dev br0\n");
    for i in 0..n {
        writeln!(
            s,
            "link add v{i} master br0 up type veth peer name eth0 netns {prefix}{i}"
        )
        .unwrap();
    }
    ip_batch(Some(host), &s);
    for i in 0..n {
        let ns = format!("{prefix}{i}");
        ip_batch(
            Some(&ns),
            &format!("link set eth0 up\naddress add {} dev eth0\n", node_addr(i)),
        );
    }
}

fn teardown_ip_batch(host: &str, prefix: &str, n: usize) {
    let mut s = String::new();
    for i in 0..n {
        writeln!(s, "netns delete {prefix}{i}").unwrap();
    }
    ip_batch(None, &s);
    ip_batch(Some(host), "link delete br0\n");
}

/// Checks with iproute2 that the last node has its address and every port is on br0.
fn verify(host: &str, prefix: &str, n: usize) {
    let out = Command::new("ip")
        .args(["-n", host, "-o", "link", "show", "master", "br0"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), n);
    let last = n - 1;
    let out = Command::new("ip")
        .args([
            "-n",
            &format!("{prefix}{last}"),
            "-o",
            "addr",
            "show",
            "eth0",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(node_addr(last).as_str()), "{text}");
}

fn one_run(tool: Tool, n: usize, run: usize) -> (Duration, Duration) {
    let host_ns = TestNs::new(&format!("lb{run}-host"));
    let host = host_ns.name.as_str();
    let lab_name = format!("lb{run}");
    let (prefix, text) = match tool {
        Tool::Lab => (format!("{lab_name}-n"), lab_file(&lab_name, n)),
        _ => (format!("lb{}-{run}-", std::process::id()), String::new()),
    };
    let mut lab = None;
    let t = Instant::now();
    match tool {
        Tool::Lab => {
            let l = Lab::from_toml(&text, "bench.toml").expect("the lab file");
            l.up_in(&host_ns.netns, &Default::default())
                .expect("lab up");
            lab = Some(l);
        }
        Tool::Library => build_library(&host_ns.netns, &prefix, n).expect("build"),
        Tool::IpBatch => build_ip_batch(host, &prefix, n),
    }
    let build = t.elapsed();
    verify(host, &prefix, n);
    let t = Instant::now();
    match tool {
        Tool::Lab => {
            let report = lab
                .unwrap()
                .down_in(&host_ns.netns, None)
                .expect("lab down");
            assert_eq!(report.namespaces.len(), n);
        }
        Tool::Library => teardown_library(&host_ns.netns, &prefix, n).expect("teardown"),
        Tool::IpBatch => teardown_ip_batch(host, &prefix, n),
    }
    let teardown = t.elapsed();
    drop(host_ns);
    std::thread::sleep(Duration::from_millis(300 + n as u64 * 2));
    (build, teardown)
}

fn main() {
    let Plan { bench, sizes } = Plan::from_args(&[100, 1000], 3);
    let tools = [Tool::Lab, Tool::Library, Tool::IpBatch];
    println!("| N | how | build (median) | teardown (median) | build vs lab | teardown vs lab |");
    println!("|---|---|---|---|---|---|");
    let mut run = 0;
    for &n in &sizes {
        let reps = match n {
            _ if !bench => 1,
            0..=100 => 5,
            _ => 3,
        };
        // Interleaved: one run of each contender per round.
        let mut samples = vec![(Vec::new(), Vec::new()); tools.len()];
        for _ in 0..reps {
            for (k, tool) in tools.iter().enumerate() {
                run += 1;
                let (b, t) = one_run(*tool, n, run);
                samples[k].0.push(b);
                samples[k].1.push(t);
            }
        }
        let results: Vec<(Tool, Duration, Duration)> = tools
            .iter()
            .zip(samples)
            .map(|(t, (b, d))| (*t, median(b), median(d)))
            .collect();
        let (_, lb, lt) = results[0];
        for (tool, b, t) in results {
            println!(
                "| {n} | {} | {} | {} | {:.2}x | {:.2}x |",
                tool.label(),
                ms(b),
                ms(t),
                b.as_secs_f64() / lb.as_secs_f64(),
                t.as_secs_f64() / lt.as_secs_f64()
            );
        }
    }
}
