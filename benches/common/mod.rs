//! What the side-by-side benchmarks share: the command line (`cargo bench` passes
//! `--bench`; under `cargo test` a bench runs once, small, as a smoke test), medians,
//! the contenders that are other programs (`ip -batch`, a shell loop inside a
//! namespace, vnet's own binaries built with the bench's profile).

#![allow(dead_code)]

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// What to run: the sizes, and whether this is a real measurement or a smoke test.
pub struct Plan {
    /// True under `cargo bench`, false under `cargo test`.
    pub bench: bool,
    /// The sizes to measure: those given on the command line, else `default` under
    /// `cargo bench`, else `smoke` alone.
    pub sizes: Vec<usize>,
}

impl Plan {
    /// Reads the command line.
    pub fn from_args(default: &[usize], smoke: usize) -> Plan {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let bench = args.iter().any(|a| a == "--bench");
        let given: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
        let sizes = match (bench, given.is_empty()) {
            (false, _) => vec![smoke],
            (true, true) => default.to_vec(),
            (true, false) => given,
        };
        Plan { bench, sizes }
    }
}

/// The median of some samples.
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// A duration in milliseconds, for the tables.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Runs `ip [-n NETNS] -batch -` with `script` on its standard input.
pub fn ip_batch(netns: Option<&str>, script: &str) {
    let mut command = Command::new("ip");
    if let Some(ns) = netns {
        command.args(["-n", ns]);
    }
    let mut child = command
        .args(["-batch", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("ip");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "ip -batch failed");
}

/// Runs `body` N times in one shell loop inside the namespace `ns` (`$i` counts from
/// 0), how a per-device tool is used; the loop's own cost is the same for every tool.
pub fn shell_loop(ns: &str, body: &str, n: usize) {
    let script = format!("i=0; while [ $i -lt {n} ]; do {body}; i=$((i + 1)); done");
    let status = Command::new("ip")
        .args(["netns", "exec", ns, "sh", "-ec", &script])
        .status()
        .unwrap();
    assert!(status.success(), "loop of '{body}' failed");
}

/// Builds vnet-cli's binary `name` with the profile of this bench and returns its path.
pub fn cli_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
    let mut args = vec!["build", "--quiet", "-p", "vnet-cli", "--bin", name];
    if dir.ends_with("release") {
        args.push("--release");
    }
    let status = Command::new(env!("CARGO")).args(args).status().unwrap();
    assert!(status.success(), "building {name} failed");
    dir.join(name)
}
