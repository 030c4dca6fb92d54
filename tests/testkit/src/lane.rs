//! The stock-kernel lane, seen from a test: a test that needs what this machine's kernel
//! lacks (802.1Q VLAN devices, bridge VLAN filtering) still runs, in Debian's stock
//! kernel under QEMU (`scripts/vm/run-in-vm.sh`), and passes only if it passed there.
//!
//! ```no_run
//! use vnet_testkit::lane::{self, Feature};
//!
//! #[test]
//! fn vlan_sub_interfaces() {
//!     if !lane::runs_here("vlan_sub_interfaces", &[Feature::Vlan]) {
//!         return; // it ran in the stock-kernel lane, and passed there
//!     }
//!     // ... the test itself ...
//! }
//! ```
//!
//! Where the kernel has the features (inside the lane's VM, or any kernel with 802.1Q),
//! the test runs right here. Where it lacks one, the whole test binary runs once in the
//! VM (the first test to ask starts it, the others wait), its output is shown as it
//! comes, prefixed with `[stock-kernel lane]`, and each test checks its own result line:
//! `ok` there passes here, anything else fails here. A VM that cannot be prepared, does
//! not boot, hangs or panics fails every such test with the runner's message: nothing
//! passes by being skipped.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::TestNs;

/// A kernel feature a test needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feature {
    /// 802.1Q and 802.1ad VLAN devices (`CONFIG_VLAN_8021Q`).
    Vlan,
    /// VLAN filtering on Linux bridges (`CONFIG_BRIDGE_VLAN_FILTERING`).
    BridgeVlanFiltering,
    /// Forwarding a connection that DNAT sends back to the machine it came from, through
    /// the interface it came in by (a VM reaching its own port forward through the
    /// host's address, masqueraded). Debian's 6.1 does; this machine's 6.18 drops the
    /// translated packet at its routing decision (`ip_rcv_finish_core`), with plain nft
    /// rules as with vnet's.
    NatBackToSender,
}

impl Feature {
    fn describe(self) -> &'static str {
        match self {
            Feature::Vlan => "802.1Q VLAN devices",
            Feature::BridgeVlanFiltering => "bridge VLAN filtering",
            Feature::NatBackToSender => "forwarding of a connection DNAT sends back to its sender",
        }
    }

    /// Asks the kernel, in a throwaway namespace: can it create the thing? (Asked with
    /// iproute2, not vnet: the question is the kernel's, whatever vnet's API looks like.)
    fn probe(self) -> bool {
        let ns = TestNs::new("probe");
        match self {
            Feature::Vlan => {
                ns.run_ok(
                    "ip",
                    &[
                        "link", "add", "probe0", "type", "veth", "peer", "name", "probe1",
                    ],
                );
                ns.exec(
                    "ip",
                    &[
                        "link", "add", "link", "probe0", "name", "probe0.7", "type", "vlan", "id",
                        "7",
                    ],
                )
                .status
                .success()
            }
            Feature::BridgeVlanFiltering => ns
                .exec(
                    "ip",
                    &[
                        "link",
                        "add",
                        "probebr0",
                        "type",
                        "bridge",
                        "vlan_filtering",
                        "1",
                    ],
                )
                .status
                .success(),
            Feature::NatBackToSender => probe_nat_back_to_sender(&ns),
        }
    }
}

/// Asks the kernel, with ip, nft and nc only: `host` (a bridge, 192.168.77.1/24,
/// forwarding) DNATs port 5555 to its VM 192.168.77.2:22 and masquerades what goes there;
/// can the VM connect to 192.168.77.1:5555, that is, to itself?
fn probe_nat_back_to_sender(host: &TestNs) -> bool {
    let vm = TestNs::new("probevm");
    host.sh(&format!(
        "ip link add br0 type bridge && ip link set br0 up && \
         ip addr add 192.168.77.1/24 dev br0 && \
         ip link add p0 type veth peer name eth0 netns {vm} && ip link set p0 master br0 up && \
         sysctl -qw net.ipv4.ip_forward=1 && nft add table ip probe && \
         nft 'add chain ip probe pre {{ type nat hook prerouting priority dstnat; }}' && \
         nft 'add chain ip probe post {{ type nat hook postrouting priority srcnat; }}' && \
         nft add rule ip probe pre tcp dport 5555 dnat to 192.168.77.2:22 && \
         nft add rule ip probe post ip daddr 192.168.77.2 tcp dport 22 masquerade",
        vm = vm.name
    ));
    vm.sh(
        "ip link set eth0 up && ip addr add 192.168.77.2/24 dev eth0 && \
         ip route add default via 192.168.77.1",
    );
    // Port 22 of the VM answers twice (the control, then the question), each listener
    // for a few seconds at most.
    vm.sh(
        "(for i in 1 2; do timeout 5 nc -l -p 22; done </dev/null >/dev/null 2>&1 &); \
         sleep 0.3",
    );
    // The control: the host reaches the VM's port directly.
    let control = host.exec("nc", &["-z", "-w", "2", "192.168.77.2", "22"]);
    assert!(
        control.status.success(),
        "probing {}: the host cannot reach its VM's port 22 at all (the probe is broken)",
        Feature::NatBackToSender.describe()
    );
    std::thread::sleep(std::time::Duration::from_millis(200)); // the second listener
    vm.exec("nc", &["-z", "-w", "2", "192.168.77.1", "5555"])
        .status
        .success()
}

/// True when this process runs inside the lane's VM (its guest sets `VNET_LANE` to the
/// kernel release).
pub fn in_lane() -> bool {
    std::env::var_os("VNET_LANE").is_some()
}

/// Whether the calling test `test` (its name, as libtest prints it) runs its body here.
///
/// True inside the lane, and on a kernel with every feature in `needs`. Otherwise this
/// runs the test binary in the lane (once per process), reports, and returns false if
/// `test` passed there; it panics if it did not.
pub fn runs_here(test: &str, needs: &[Feature]) -> bool {
    if in_lane() {
        return true;
    }
    let missing: Vec<&str> = needs
        .iter()
        .filter(|f| !has(**f))
        .map(|f| f.describe())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let missing = missing.join(", ");
    let run = match lane_run() {
        Ok(run) => run,
        Err(e) => panic!(
            "{test}: this kernel has no {missing}; the stock-kernel lane was needed and failed: {e}"
        ),
    };
    match run.results.get(test).map(String::as_str) {
        Some("ok") => {
            report(&format!(
                "{test}: this kernel has no {missing}: ran in the stock-kernel lane (Linux {}): ok",
                run.kernel
            ));
            false
        }
        Some(result) => panic!(
            "{test}: {result} in the stock-kernel lane (Linux {}); its output is above, \
             prefixed with [stock-kernel lane]",
            run.kernel
        ),
        None => panic!(
            "{test}: no result for it in the stock-kernel lane run (Linux {}; output above)",
            run.kernel
        ),
    }
}

/// Whether this kernel has `feature` (asked once per process).
fn has(feature: Feature) -> bool {
    static PROBES: OnceLock<std::sync::Mutex<HashMap<Feature, bool>>> = OnceLock::new();
    let probes = PROBES.get_or_init(Default::default);
    let mut probes = probes.lock().unwrap_or_else(|e| e.into_inner());
    *probes.entry(feature).or_insert_with(|| feature.probe())
}

/// What one run of this test binary in the lane said.
#[derive(Debug)]
struct LaneRun {
    /// The guest's kernel release.
    kernel: String,
    /// Each test's result word ("ok", "FAILED", "ignored"), by name.
    results: HashMap<String, String>,
}

/// Runs this test binary, every test of it, in the lane's VM, once per process.
fn lane_run() -> &'static Result<LaneRun, String> {
    static RUN: OnceLock<Result<LaneRun, String>> = OnceLock::new();
    RUN.get_or_init(|| {
        let runner = workspace_root().join("scripts/vm/run-in-vm.sh");
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        report(&format!(
            "this kernel lacks what some tests need: running {} in the stock-kernel lane",
            exe.display()
        ));
        let mut child = Command::new(&runner)
            .arg(&exe)
            .args(["--color", "never"])
            .env_remove("VNET_VM_QUEUE") // run it now, do not queue it
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", runner.display()))?;
        // The runner's own messages (stderr) and the guest's console (stdout), shown
        // as they come; the console is also parsed.
        let stderr = child.stderr.take().unwrap();
        let relay = std::thread::spawn(move || {
            let mut last = String::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                report(&format!("[stock-kernel lane] {line}"));
                last = line;
            }
            last
        });
        let mut kernel = String::from("?");
        let mut results = HashMap::new();
        let mut summary = false;
        for line in BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map_while(Result::ok)
        {
            report(&format!("[stock-kernel lane] {line}"));
            if let Some(rest) = line.strip_prefix("vnet-lane: Linux ") {
                kernel = rest.split_whitespace().next().unwrap_or("?").to_string();
            } else if let Some(rest) = line.strip_prefix("test ")
                && let Some((name, result)) = rest.rsplit_once(" ... ")
            {
                results.insert(name.to_string(), result.trim().to_string());
            } else if line.starts_with("test result: ") {
                summary = true;
            }
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        let last = relay.join().unwrap_or_default();
        if !summary {
            return Err(format!(
                "the test binary gave no result in the VM ({status}; the runner said: {last})"
            ));
        }
        Ok(LaneRun { kernel, results })
    })
}

/// The workspace's root directory (this crate is `tests/testkit/` in it).
fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("tests/testkit inside the workspace")
}

/// Writes a line to the test process's real stderr, past libtest's output capture, so
/// that it shows in `cargo test`'s output whatever the test's outcome.
fn report(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}
