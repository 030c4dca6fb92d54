//! The bridge lab of NOTES.md, built and torn down side by side in one run:
//! vnet (the library), one `vip -batch` file, the best `ip -batch` scripts, and two shell
//! loops of `ip`
//! commands: the best one (each peer created inside its namespace) and the recipe of
//! Linux courses (each peer moved into its namespace and renamed).
//!
//! A lab of N nodes: one bridge with an address; N named namespaces, each with a veth
//! whose peer is created inside it, enslaved to the bridge, an address on the peer, and
//! every link up. Teardown deletes the namespaces and the bridge.
//!
//! Everything happens inside throwaway namespaces; run it under the private
//! `/run/netns` wrapper, as root:
//!
//! ```text
//! scripts/private-netns.sh cargo bench --bench bridge_lab            # N = 10, 100, 1000
//! scripts/private-netns.sh cargo bench --bench bridge_lab -- 10 100  # chosen sizes
//! ```
//!
//! It prints a Markdown table of medians and ratios for BENCHMARKS.md.

mod common;

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Plan, ip_batch, median, ms};
use vnet::{Bridge, Handle, LinkSpec, Netns, Veth};
use vnet_testkit::{TestNs, ifname};

/// One way of building and tearing down the lab.
#[derive(Clone, Copy, PartialEq)]
enum Tool {
    Vnet,
    VipBatch,
    IpBatch,
    ShellLoop,
    CourseLoop,
}

impl Tool {
    fn label(self) -> &'static str {
        match self {
            Tool::Vnet => "vnet (library)",
            Tool::VipBatch => "vip -batch (one file, per-line -n)",
            Tool::IpBatch => "ip -batch",
            Tool::ShellLoop => "shell loop of ip (peer made in its netns)",
            Tool::CourseLoop => "shell loop of ip, course recipe (peer moved in)",
        }
    }
}

fn node_addr(i: usize) -> String {
    format!("10.{}.{}.{}/8", 1 + i / 62500, (i / 250) % 250, i % 250 + 1)
}

/// Builds the lab with vnet; `host` is the lab's host namespace.
///
/// The library's bulk calls: the namespaces in one call (one thread creates them all),
/// the veths in one datagram (each peer born inside its namespace, the host end enslaved
/// and up), the namespaces' sockets opened by one thread, then per node the peer up and
/// its address.
fn build_vnet(host: &Netns, prefix: &str, n: usize) -> vnet::Result<()> {
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

fn teardown_vnet(host: &Netns, prefix: &str, n: usize) -> vnet::Result<()> {
    for i in 0..n {
        Netns::delete(&format!("{prefix}{i}"))?;
    }
    Handle::new(host)?.link().delete(ifname("br0"))
}

/// The best `ip -batch` build: one batch creates the namespaces (it cannot run under
/// `-n`, whose private mount namespace would hide the new bind mounts); one batch in the
/// host namespace creates the bridge and the veths (peers straight into their
/// namespace); one batch per namespace brings the peer up and adds its address (a batch
/// line cannot name another namespace).
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

/// The whole lab as one `vip -batch` file in one process: the lines that act inside a
/// node's namespace start with `-n NODE`, which `ip -batch` cannot do.
fn build_vip_batch(host: &str, prefix: &str, n: usize) {
    let mut s = String::new();
    for i in 0..n {
        writeln!(s, "netns add {prefix}{i}").unwrap();
    }
    s += "link add br0 up type bridge\naddress add 10.0.0.254/8 dev br0\n";
    for i in 0..n {
        writeln!(
            s,
            "link add v{i} master br0 up type veth peer name eth0 netns {prefix}{i}"
        )
        .unwrap();
    }
    for i in 0..n {
        writeln!(s, "-n {prefix}{i} link set eth0 up").unwrap();
        writeln!(s, "-n {prefix}{i} address add {} dev eth0", node_addr(i)).unwrap();
    }
    vip_batch(host, &s);
}

fn teardown_vip_batch(host: &str, prefix: &str, n: usize) {
    let mut s = String::new();
    for i in 0..n {
        writeln!(s, "netns delete {prefix}{i}").unwrap();
    }
    s += "link delete br0\n";
    vip_batch(host, &s);
}

/// The vip binary, built once before anything is timed.
static VIP: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// Runs `vip -n HOST -batch -` with `script` on its standard input.
fn vip_batch(host: &str, script: &str) {
    use std::io::Write as _;
    let vip = VIP.get().expect("vip is built in main");
    let mut child = Command::new(vip)
        .args(["-n", host, "-batch", "-"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("running vip");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("writing the batch");
    assert!(child.wait().expect("vip").success(), "vip -batch failed");
}

fn teardown_ip_batch(host: &str, prefix: &str, n: usize) {
    let mut s = String::new();
    for i in 0..n {
        writeln!(s, "netns delete {prefix}{i}").unwrap();
    }
    ip_batch(None, &s);
    ip_batch(Some(host), "link delete br0\n");
}

fn sh(script: &str) {
    assert!(
        Command::new("sh")
            .args(["-ec", script])
            .status()
            .unwrap()
            .success(),
        "shell loop failed"
    );
}

fn build_shell_loop(host: &str, prefix: &str, n: usize) {
    sh(&format!(
        "ip -n {host} link add br0 type bridge; ip -n {host} link set br0 up; \
         ip -n {host} address add 10.0.0.254/8 dev br0; \
         i=0; while [ $i -lt {n} ]; do \
           ip netns add {prefix}$i; \
           ip -n {host} link add v$i type veth peer name eth0 netns {prefix}$i; \
           ip -n {host} link set v$i master br0 up; \
           ip -n {prefix}$i link set eth0 up; \
           ip -n {prefix}$i address add 10.$((1 + i / 62500)).$(((i / 250) % 250)).$((i % 250 + 1))/8 dev eth0; \
           i=$((i + 1)); done"
    ));
}

/// The recipe of Linux networking courses, node by node: a veth pair made in the host
/// namespace, one end moved into the node's namespace and renamed there (the move is
/// what costs: the kernel unregisters the device and waits for RCU).
fn build_course_loop(host: &str, prefix: &str, n: usize) {
    sh(&format!(
        "ip -n {host} link add br0 type bridge; ip -n {host} link set br0 up; \
         ip -n {host} address add 10.0.0.254/8 dev br0; \
         i=0; while [ $i -lt {n} ]; do \
           ip netns add {prefix}$i; \
           ip -n {host} link add v$i type veth peer name int$i; \
           ip -n {host} link set int$i netns {prefix}$i; \
           ip -n {prefix}$i link set int$i name eth0; \
           ip -n {host} link set v$i master br0 up; \
           ip -n {prefix}$i link set eth0 up; \
           ip -n {prefix}$i address add 10.$((1 + i / 62500)).$(((i / 250) % 250)).$((i % 250 + 1))/8 dev eth0; \
           i=$((i + 1)); done"
    ));
}

fn teardown_shell_loop(host: &str, prefix: &str, n: usize) {
    sh(&format!(
        "i=0; while [ $i -lt {n} ]; do ip netns delete {prefix}$i; i=$((i + 1)); done; \
         ip -n {host} link delete br0"
    ));
}

/// Checks, with iproute2 as the witness, that the lab is really there. The kernel sets
/// operational states asynchronously (link watch), so the ports get a few seconds to
/// show UP; the build has been timed already.
fn verify(host: &str, prefix: &str, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = Command::new("ip")
            .args(["-n", host, "-o", "link", "show", "master", "br0"])
            .output()
            .unwrap();
        let ports = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("state UP"))
            .count();
        if ports == n {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "every veth is an UP port of br0: {ports} of {n}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
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
    assert!(
        text.contains(node_addr(last).as_str()),
        "address on the last node: {text}"
    );
}

/// Runs one build + teardown and returns their durations.
fn one_run(tool: Tool, n: usize, run: usize) -> (Duration, Duration) {
    let host_ns = TestNs::new(&format!("bl{run}-host"));
    let host = host_ns.name.as_str();
    let prefix = format!("bl{}-{run}-", std::process::id());
    let t = Instant::now();
    match tool {
        Tool::Vnet => build_vnet(&host_ns.netns, &prefix, n).expect("vnet build"),
        Tool::VipBatch => build_vip_batch(host, &prefix, n),
        Tool::IpBatch => build_ip_batch(host, &prefix, n),
        Tool::ShellLoop => build_shell_loop(host, &prefix, n),
        Tool::CourseLoop => build_course_loop(host, &prefix, n),
    }
    let build = t.elapsed();
    verify(host, &prefix, n);
    let t = Instant::now();
    match tool {
        Tool::Vnet => teardown_vnet(&host_ns.netns, &prefix, n).expect("vnet teardown"),
        Tool::VipBatch => teardown_vip_batch(host, &prefix, n),
        Tool::IpBatch => teardown_ip_batch(host, &prefix, n),
        Tool::ShellLoop | Tool::CourseLoop => teardown_shell_loop(host, &prefix, n),
    }
    let teardown = t.elapsed();
    drop(host_ns);
    // Let the kernel finish destroying the namespaces (asynchronous) before the next run.
    std::thread::sleep(Duration::from_millis(300 + n as u64 * 2));
    (build, teardown)
}

fn main() {
    // Under `cargo test`, a tiny lab (N = 3, once) checks that every contender works.
    let Plan {
        bench: bench_mode,
        sizes,
    } = Plan::from_args(&[10, 100, 1000], 3);
    VIP.get_or_init(|| common::cli_binary("vip"));
    let tools = [
        Tool::Vnet,
        Tool::VipBatch,
        Tool::IpBatch,
        Tool::ShellLoop,
        Tool::CourseLoop,
    ];
    println!(
        "| N | tool | build (median) | teardown (median) | build: x faster than this | teardown: vs vnet |"
    );
    println!("|---|---|---|---|---|---|");
    let mut run = 0;
    for &n in &sizes {
        let reps = match n {
            _ if !bench_mode => 1,
            0..=10 => 7,
            11..=100 => 5,
            _ => 1,
        };
        let mut results = Vec::new();
        for tool in tools {
            let (mut builds, mut teardowns) = (Vec::new(), Vec::new());
            for _ in 0..reps {
                run += 1;
                let (b, t) = one_run(tool, n, run);
                builds.push(b);
                teardowns.push(t);
            }
            results.push((tool, median(builds), median(teardowns)));
        }
        let (_, vb, vt) = results[0];
        for (tool, b, t) in results {
            let ratio = if tool == Tool::Vnet {
                "1.0x (reference)".to_string()
            } else {
                format!("vnet {:.1}x faster", b.as_secs_f64() / vb.as_secs_f64())
            };
            let tratio = format!("{:.2}x of vnet", t.as_secs_f64() / vt.as_secs_f64());
            println!(
                "| {n} | {} | {} | {} | {ratio} | {tratio} |",
                tool.label(),
                ms(b),
                ms(t)
            );
        }
    }
}
