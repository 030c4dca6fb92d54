//! What the side-by-side benchmarks share: the command line (`cargo bench` passes
//! `--bench`; under `cargo test` a bench runs once, small, as a smoke test), medians,
//! the contenders that are other programs (`ip -batch`, a shell loop inside a
//! namespace, vnet's own binaries as they ship or built with the bench's profile).

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

/// Whether this bench was built with the release profile (`cargo bench`), not the
/// debug one (`cargo test`).
fn release_build() -> bool {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().ends_with("release")
}

/// Builds vnet-cli's binary `name` with the profile of this bench (a no-op when it is up
/// to date) and returns its path: under `cargo bench`, what `cargo build --release`
/// makes (dynamically linked).
pub fn cargo_cli_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
    let mut args = vec!["build", "--quiet", "-p", "vnet-cli", "--bin", name];
    if release_build() {
        args.push("--release");
    }
    let status = Command::new(env!("CARGO")).args(args).status().unwrap();
    assert!(status.success(), "building {name} failed");
    dir.join(name)
}

/// The directory of vnet's command-line tools as they ship, built by
/// scripts/build-release.sh (a no-op when they are up to date).
pub fn shipped_binaries() -> PathBuf {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/build-release.sh");
    let out = Command::new(script)
        .stderr(Stdio::inherit())
        .output()
        .expect("running scripts/build-release.sh");
    assert!(out.status.success(), "scripts/build-release.sh failed");
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// vnet-cli's binary `name` as the benches measure it: as it ships under `cargo bench`
/// ([`shipped_binaries`]), the debug build under `cargo test` (where a bench is a smoke
/// test of itself, and the shipped build would cost minutes).
pub fn cli_binary(name: &str) -> PathBuf {
    if release_build() {
        shipped_binaries().join(name)
    } else {
        cargo_cli_binary(name)
    }
}
