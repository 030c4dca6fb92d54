//! CNI plugins: ADD and DEL of N containers, vnet-cni against the reference chain, side
//! by side in one run.
//!
//! The contenders get the same network configuration (a bridge with a gateway address,
//! masquerade, hairpin, host-local IPAM, a `portMappings` capability) and differ only
//! in the plugins that serve it:
//! - `vnet-cni` + `host-local`: one plugin, which calls host-local itself;
//! - the reference chain of containernetworking-plugins (Debian 12, `/usr/lib/cni`):
//!   `bridge` (which calls `host-local`), then `portmap` with the bridge's result.
//!
//! The bench is the container runtime: it runs each plugin of the list as the CNI spec
//! says (configuration on stdin, `CNI_*` variables, the previous plugin's result as
//! `prevResult`, `runtimeConfig.portMappings` for plugins that declare the capability;
//! DEL in reverse order with the ADD result), one container after the other, each
//! container a fresh named network namespace (made before the timing starts) that gets
//! one port mapping (host port 10000 + i to port 80). The "host" is a fresh network
//! namespace of its own for every contender and round (the bench's main thread
//! unshares one): nothing touches the machine's network.
//!
//! Each ADD and each DEL of a container is timed alone, from spawning the first plugin
//! to the last one's exit; the table gives medians per container over every round. The
//! processes per ADD and DEL are counted once per contender with `strace -f -e execve`
//! (successful execs: plugins, IPAM, and what they run, such as iptables).
//!
//! After the ADDs the bridge has N ports and every container's address is on its eth0
//! (`ip -j`), every mapped port has a rule matching it (`nft -j`); after the DELs the
//! bridge has no port and no rule names a container's address or port.
//!
//! ```text
//! scripts/private-netns.sh cargo bench --bench cni          # N = 100, 3 rounds
//! scripts/private-netns.sh cargo bench --bench cni -- 20    # another N
//! ```
//!
//! Under `cargo test` it runs once with 3 containers (the debug build of vnet-cni), as
//! a smoke test that checks both chains did their work. `VNET_BIN_DIR=DIR` measures
//! `DIR/vnet-cni` instead of the build `cargo bench` makes.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Plan, cli_binary, median, ms};
use nix::sched::{CloneFlags, unshare};
use serde_json::{Value, json};
use vnet::Netns;

/// Where Debian's containernetworking-plugins puts the reference plugins.
const REFERENCE_DIR: &str = "/usr/lib/cni";
/// The bridge of the network, its subnet (a /16: room for 1000 containers) and gateway.
const BRIDGE: &str = "cnibench0";
const SUBNET: &str = "10.77.0.0/16";
const GATEWAY: &str = "10.77.0.1";

/// One contender: a label, `CNI_PATH`, and the plugins of its list (their own fields).
struct Chain {
    label: &'static str,
    cni_path: String,
    plugins: Vec<Value>,
}

/// The fields every contender's network shares: those of the reference bridge plugin.
fn bridge_fields(kind: &str, ipam_dir: &Path) -> Value {
    json!({
        "type": kind,
        "bridge": BRIDGE,
        "isGateway": true,
        "ipMasq": true,
        "hairpinMode": true,
        "ipam": {
            "type": "host-local",
            "dataDir": ipam_dir,
            "ranges": [[{"subnet": SUBNET, "gateway": GATEWAY}]],
            "routes": [{"dst": "0.0.0.0/0"}],
        },
    })
}

fn chains(vnet_cni: &Path, ipam_dir: &Path) -> Vec<Chain> {
    let mut vnet = bridge_fields("vnet-cni", ipam_dir);
    vnet["capabilities"] = json!({"portMappings": true});
    let vnet_dir = vnet_cni.parent().unwrap().to_str().unwrap();
    vec![
        Chain {
            label: "vnet-cni + host-local",
            cni_path: format!("{vnet_dir}:{REFERENCE_DIR}"),
            plugins: vec![vnet],
        },
        Chain {
            label: "bridge + host-local + portmap (reference)",
            cni_path: REFERENCE_DIR.into(),
            plugins: vec![
                bridge_fields("bridge", ipam_dir),
                json!({"type": "portmap", "capabilities": {"portMappings": true}}),
            ],
        },
    ]
}

/// The program of a plugin: vnet-cni's build, or the reference plugin of that name.
fn program(plugin: &Value, vnet_cni: &Path) -> PathBuf {
    match plugin["type"].as_str().unwrap() {
        "vnet-cni" => vnet_cni.to_path_buf(),
        other => Path::new(REFERENCE_DIR).join(other),
    }
}

/// A container: its id, its namespace, its port mapping.
struct Container {
    id: String,
    netns: String,
    host_port: u16,
}

/// Runs one plugin, as a runtime does; returns its result (ADD) or `Null` (DEL).
fn invoke(
    chain: &Chain,
    plugin: &Value,
    command: &str,
    container: &Container,
    prev: &Value,
    vnet_cni: &Path,
    wrapper: Option<&[&str]>,
) -> Value {
    let mut config = plugin.clone();
    config["cniVersion"] = json!("1.0.0");
    config["name"] = json!("bench");
    if !prev.is_null() {
        config["prevResult"] = prev.clone();
    }
    if plugin["capabilities"]["portMappings"] == json!(true) {
        config["runtimeConfig"] = json!({"portMappings": [
            {"hostPort": container.host_port, "containerPort": 80, "protocol": "tcp"}
        ]});
    }
    let exe = program(plugin, vnet_cni);
    let mut cmd = match wrapper {
        Some(argv) => {
            let mut cmd = Command::new(argv[0]);
            cmd.args(&argv[1..]).arg(&exe);
            cmd
        }
        None => Command::new(&exe),
    };
    cmd.env("CNI_COMMAND", command)
        .env("CNI_CONTAINERID", &container.id)
        .env("CNI_NETNS", format!("/run/netns/{}", container.netns))
        .env("CNI_IFNAME", "eth0")
        .env("CNI_PATH", &chain.cni_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{exe:?}: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(config.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{} {command} of {}: {}{}",
        plugin["type"],
        container.id,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if command == "ADD" {
        serde_json::from_slice(&out.stdout).expect("an ADD result in JSON")
    } else {
        Value::Null
    }
}

/// ADD through the whole list; returns the last result.
fn add(chain: &Chain, c: &Container, vnet_cni: &Path, wrapper: Option<&[&str]>) -> Value {
    let mut result = Value::Null;
    for plugin in &chain.plugins {
        result = invoke(chain, plugin, "ADD", c, &result, vnet_cni, wrapper);
    }
    result
}

/// DEL through the list in reverse order, each plugin given the ADD result.
fn del(chain: &Chain, c: &Container, result: &Value, vnet_cni: &Path, wrapper: Option<&[&str]>) {
    for plugin in chain.plugins.iter().rev() {
        invoke(chain, plugin, "DEL", c, result, vnet_cni, wrapper);
    }
}

/// Moves the bench's main thread into a fresh network namespace: the "host" of the next
/// contender (plugins inherit it). The previous one goes when nothing holds it.
fn fresh_host() {
    unshare(CloneFlags::CLONE_NEWNET).expect("unshare(CLONE_NEWNET): run as root");
    run(Command::new("ip").args(["link", "set", "lo", "up"]));
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json_of(cmd: &mut Command) -> Value {
    serde_json::from_str(&run(cmd)).unwrap()
}

/// The bridge's ports, by `ip -j` (none when the bridge does not exist).
fn bridge_ports() -> usize {
    let out = Command::new("ip")
        .args(["-j", "link", "show", "master", BRIDGE])
        .output()
        .unwrap();
    if !out.status.success() {
        return 0;
    }
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .map_or(0, Vec::len)
}

/// The host's nf_tables rules, as JSON text, one per rule.
fn rules() -> Vec<String> {
    let ruleset = json_of(Command::new("nft").args(["-j", "list", "ruleset"]));
    ruleset["nftables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.get("rule"))
        .map(Value::to_string)
        .collect()
}

/// The IPv4 address of the ADD result (the container's).
fn address_of(result: &Value) -> String {
    let ip = result["ips"][0]["address"].as_str().expect("an address");
    ip.split('/').next().unwrap().to_string()
}

/// Checks the N containers are attached and mapped (after ADD).
fn check_added(chain: &Chain, containers: &[Container], results: &[Value]) {
    assert_eq!(
        bridge_ports(),
        containers.len(),
        "{}: bridge ports",
        chain.label
    );
    let rules = rules();
    for (c, result) in containers.iter().zip(results) {
        let addr = address_of(result);
        let inside =
            json_of(Command::new("ip").args(["-n", &c.netns, "-j", "addr", "show", "eth0"]));
        assert!(
            inside.to_string().contains(&format!("\"{addr}\"")),
            "{}: {addr} is not on eth0 of {}",
            chain.label,
            c.netns
        );
        // The reference portmap's DNAT target is an xtables one (iptables-nft), whose
        // address nft does not show: the rule is found by its port match.
        assert!(
            rules.iter().any(|r| r.contains(&port_match(c))),
            "{}: no rule matches port {} (for {addr})",
            chain.label,
            c.host_port
        );
    }
}

/// How a rule's match on the container's host port reads in `nft -j`.
fn port_match(c: &Container) -> String {
    format!("\"right\":{}}}", c.host_port)
}

/// Checks nothing of the containers is left (after DEL).
fn check_deleted(chain: &Chain, containers: &[Container], results: &[Value]) {
    assert_eq!(bridge_ports(), 0, "{}: bridge ports left", chain.label);
    let rules = rules();
    for (c, result) in containers.iter().zip(results) {
        let addr = format!("\"{}\"", address_of(result));
        assert!(
            !rules
                .iter()
                .any(|r| r.contains(&addr) || r.contains(&port_match(c))),
            "{}: a rule names {addr} or port {} after DEL",
            chain.label,
            c.host_port
        );
    }
}

/// One round of one contender: ADD then DEL of every container; the per-container times.
fn round(
    chain: &Chain,
    n: usize,
    tag: &str,
    vnet_cni: &Path,
    ipam_dir: &Path,
) -> (Vec<Duration>, Vec<Duration>) {
    fresh_host();
    let _ = std::fs::remove_dir_all(ipam_dir);
    let containers: Vec<Container> = (0..n)
        .map(|i| Container {
            id: format!("bench{tag}{i:04}"),
            netns: format!("cnib-{tag}-{i}"),
            host_port: 10000 + i as u16,
        })
        .collect();
    let names: Vec<&str> = containers.iter().map(|c| c.netns.as_str()).collect();
    let namespaces = Netns::add_many(&names).unwrap();

    let mut adds = Vec::with_capacity(n);
    let mut results = Vec::with_capacity(n);
    for c in &containers {
        let start = Instant::now();
        results.push(add(chain, c, vnet_cni, None));
        adds.push(start.elapsed());
    }
    check_added(chain, &containers, &results);
    let mut dels = Vec::with_capacity(n);
    for (c, result) in containers.iter().zip(&results) {
        let start = Instant::now();
        del(chain, c, result, vnet_cni, None);
        dels.push(start.elapsed());
    }
    check_deleted(chain, &containers, &results);
    drop(namespaces);
    for name in names {
        Netns::delete(name).unwrap();
    }
    (adds, dels)
}

/// Processes started by one ADD and one DEL (successful execve calls, strace -f).
fn processes(chain: &Chain, vnet_cni: &Path, ipam_dir: &Path) -> (usize, usize) {
    fresh_host();
    let _ = std::fs::remove_dir_all(ipam_dir);
    let trace = std::env::temp_dir().join(format!("vnet-cni-bench-{}.strace", std::process::id()));
    let trace_arg = trace.to_str().unwrap().to_string();
    let wrapper = [
        "strace",
        "-f",
        "-qq",
        "-e",
        "trace=execve",
        "-e",
        "signal=none",
        "-o",
        &trace_arg,
    ];
    let count = || {
        let text = std::fs::read_to_string(&trace).unwrap();
        text.lines()
            .filter(|l| l.contains("execve(") && l.trim_end().ends_with("= 0"))
            .count()
    };
    let c = Container {
        id: "benchstrace".into(),
        netns: "cnib-strace".into(),
        host_port: 9999,
    };
    let ns = Netns::add(&c.netns).unwrap();
    // Each plugin runs under its own strace, which counts its exec as the first.
    let mut added = 0;
    let mut result = Value::Null;
    for plugin in &chain.plugins {
        result = invoke(chain, plugin, "ADD", &c, &result, vnet_cni, Some(&wrapper));
        added += count();
    }
    let mut deleted = 0;
    for plugin in chain.plugins.iter().rev() {
        invoke(chain, plugin, "DEL", &c, &result, vnet_cni, Some(&wrapper));
        deleted += count();
    }
    drop(ns);
    Netns::delete(&c.netns).unwrap();
    let _ = std::fs::remove_file(&trace);
    (added, deleted)
}

fn main() {
    let Plan { bench, sizes } = Plan::from_args(&[100], 3);
    let rounds = if bench { 3 } else { 1 };
    // VNET_BIN_DIR names a directory holding vnet-cni to measure instead (as the
    // command-line tools' tests take it).
    let vnet_cni = match std::env::var_os("VNET_BIN_DIR") {
        Some(dir) => PathBuf::from(dir).join("vnet-cni"),
        None => cli_binary("vnet-cni"),
    };
    let ipam_dir = std::env::temp_dir().join(format!("vnet-cni-bench-{}", std::process::id()));
    let chains = chains(&vnet_cni, &ipam_dir);
    let traced = Command::new("strace").arg("-V").output().is_ok();

    for n in sizes {
        println!("## CNI ADD and DEL of {n} containers, {rounds} rounds ({vnet_cni:?})");
        let mut adds = vec![Vec::new(); chains.len()];
        let mut dels = vec![Vec::new(); chains.len()];
        for r in 0..rounds {
            // The order alternates, so that drift hits both alike.
            let mut order: Vec<usize> = (0..chains.len()).collect();
            if r % 2 == 1 {
                order.reverse();
            }
            for k in order {
                let (a, d) = round(&chains[k], n, &format!("{r}{k}"), &vnet_cni, &ipam_dir);
                adds[k].extend(a);
                dels[k].extend(d);
            }
        }
        let counts: Vec<Option<(usize, usize)>> = chains
            .iter()
            .map(|chain| traced.then(|| processes(chain, &vnet_cni, &ipam_dir)))
            .collect();
        let add_medians: Vec<Duration> = adds.iter().map(|a| median(a.clone())).collect();
        let del_medians: Vec<Duration> = dels.iter().map(|d| median(d.clone())).collect();
        println!(
            "| plugins | ADD per container | DEL per container | ADD vs vnet-cni | DEL vs vnet-cni | processes per ADD / DEL |"
        );
        println!("|---|---|---|---|---|---|");
        for (k, chain) in chains.iter().enumerate() {
            let procs = counts[k].map_or("(no strace)".to_string(), |(a, d)| format!("{a} / {d}"));
            println!(
                "| {} | {} | {} | {:.2}x | {:.2}x | {procs} |",
                chain.label,
                ms(add_medians[k]),
                ms(del_medians[k]),
                add_medians[k].as_secs_f64() / add_medians[0].as_secs_f64(),
                del_medians[k].as_secs_f64() / del_medians[0].as_secs_f64(),
            );
        }
        let total = |v: &Vec<Duration>| v.iter().sum::<Duration>().as_secs_f64() / rounds as f64;
        for (k, chain) in chains.iter().enumerate() {
            println!(
                "{}: {n} ADDs {:.3} s, {n} DELs {:.3} s (mean total per round)",
                chain.label,
                total(&adds[k]),
                total(&dels[k])
            );
        }
    }
    let _ = std::fs::remove_dir_all(&ipam_dir);
}
