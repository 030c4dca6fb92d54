//! The namespace fixture: one named network namespace per test.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;
use vnet_core::{Handle, Netns};

use crate::{ifname, invoke_as, witness};

/// A named network namespace for one test, deleted when dropped.
///
/// Its name, `vt<pid>-<n>-<tag>`, is unique per process (the pid) and per fixture in
/// the process (a counter), and says which test made it (the tag). `lo` is up, as on
/// a real machine, so local pings and sockets on 127.0.0.1 work.
pub struct TestNs {
    /// Its name under `/run/netns` (what `ip -n` and `ip netns exec` take).
    pub name: String,
    /// The open namespace.
    pub netns: Netns,
    /// An rtnetlink handle whose sockets were opened inside it.
    pub handle: Handle,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestNs {
    /// Creates a namespace with a unique name that contains `tag` (`ip netns add`), and
    /// brings its `lo` up; panics if either fails.
    pub fn new(tag: &str) -> TestNs {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("vt{}-{n}-{tag}", std::process::id());
        let netns = Netns::add(&name).unwrap_or_else(|e| panic!("creating netns {name}: {e}"));
        let handle = match Handle::new(&netns) {
            Ok(handle) => handle,
            Err(e) => {
                let _ = Netns::delete(&name);
                panic!("opening rtnetlink in netns {name}: {e}");
            }
        };
        // From here on Drop deletes the namespace, also when a panic unwinds.
        let ns = TestNs {
            name,
            netns,
            handle,
        };
        if let Err(e) = ns.handle.link().up(ifname("lo")) {
            panic!("bringing lo up in netns {}: {e}", ns.name);
        }
        ns
    }

    /// A command that runs `program` inside the namespace, the way
    /// `ip netns exec NAME PROGRAM` does (network namespace, `/sys` remounted for it);
    /// add arguments, environment, stdin as needed.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.name]).arg(program);
        command
    }

    /// A command that runs `program`, found by its path (never on `PATH`), inside the
    /// namespace with `argv0` as its `argv[0]`: how a differential test runs a reference
    /// tool and the drop-in under the same name (both print `argv[0]` in messages). See
    /// [`invoke_as`].
    pub fn command_as(&self, argv0: &str, program: &Path) -> Command {
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", &self.name])
            .args(invoke_as(argv0, program));
        command
    }

    /// Runs `program ARGS...` inside the namespace (`ip netns exec`) and returns what it
    /// did, whether it succeeded or not.
    pub fn exec(&self, program: &str, args: &[&str]) -> Output {
        self.command(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("running ip netns exec {} {program}: {e}", self.name))
    }

    /// Runs `program ARGS...` inside the namespace and returns its stdout; fails the
    /// test, with the program's stderr, if it exits non-zero.
    pub fn run_ok(&self, program: &str, args: &[&str]) -> String {
        let out = self.exec(program, args);
        assert!(
            out.status.success(),
            "{program} {args:?} in netns {}: {}{}",
            self.name,
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    /// Runs the shell command `script` (`sh -c`) inside the namespace and returns its
    /// stdout; fails the test if it exits non-zero.
    pub fn sh(&self, script: &str) -> String {
        self.run_ok("sh", &["-c", script])
    }

    /// `ip -n NAME -j ARGS...`, parsed; fails the test if `ip` fails.
    pub fn ip_json(&self, args: &[&str]) -> Value {
        witness::json_of("ip", &self.name, args)
    }

    /// `bridge -n NAME -j ARGS...`, parsed; fails the test if `bridge` fails.
    pub fn bridge_json(&self, args: &[&str]) -> Value {
        witness::json_of("bridge", &self.name, args)
    }

    /// The link `name` as `ip -d -j link show dev NAME` describes it, or None when
    /// there is no such link.
    pub fn link_json(&self, name: &str) -> Option<Value> {
        let out = Command::new("ip")
            .args(["-n", &self.name, "-d", "-j", "link", "show", "dev", name])
            .output()
            .expect("running ip");
        if !out.status.success() {
            return None;
        }
        let v: Value = serde_json::from_slice(&out.stdout).expect("ip -j gave JSON");
        v.as_array().and_then(|a| a.first().cloned())
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

    /// True when `ping -c 1 -W 2 ADDR` from this namespace is answered.
    pub fn ping(&self, addr: &str) -> bool {
        self.exec("ping", &["-c", "1", "-W", "2", "-q", addr])
            .status
            .success()
    }

    /// True when a ping of `addr` is answered within about `seconds`: one ping a second,
    /// for a path that has just been opened (neighbour entries that failed a moment ago
    /// are retried by the kernel only as new packets come).
    pub fn pings_within(&self, addr: &str, seconds: u32) -> bool {
        (0..seconds.max(1)).any(|_| self.ping(addr))
    }

    /// What pinging `addr` from this namespace finds: three echo requests, a second
    /// apart, and a deadline of four seconds for the answers (`ping -c 3 -w 4`).
    pub fn probe(&self, addr: &str) -> Probe {
        let out = self.exec("ping", &["-n", "-q", "-c", "3", "-w", "4", addr]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let received = stdout
            .split(',')
            .find_map(|part| part.trim().strip_suffix(" received"))
            .and_then(|n| n.trim().parse::<u32>().ok());
        match (out.status.code(), received) {
            (Some(0 | 1), Some(n)) if n > 0 => Probe::Answered,
            // iputils: 1 is "no reply" (2 is any other error, such as no route).
            (Some(1), Some(0)) => Probe::NoReply,
            (code, _) => Probe::Failed(format!(
                "ping {addr} in netns {}: exit {code:?}: {}{}",
                self.name,
                String::from_utf8_lossy(&out.stderr).trim(),
                stdout.trim()
            )),
        }
    }

    /// Asserts that `addr` gets no answer from here, for the right reason: the same
    /// probe (the same ping binary, in the same namespace) is first answered by
    /// `control`, then echo requests to `addr` leave and none is answered within four
    /// seconds. A probe that cannot run (no ping binary, no namespace) or cannot even
    /// send (no route: `Network is unreachable`) fails the test, since that proves
    /// nothing about isolation.
    pub fn assert_no_reply(&self, addr: &str, control: &str) {
        assert!(
            self.pings_within(control, 5),
            "control probe: {control} does not answer from netns {} ({:?}), so a missing \
             answer from {addr} would prove nothing",
            self.name,
            self.probe(control)
        );
        match self.probe(addr) {
            Probe::NoReply => {}
            other => panic!(
                "{addr} from netns {}: expected no reply, got {other:?}",
                self.name
            ),
        }
    }

    /// True when `addr` does not answer pings from here ([`TestNs::probe`] finds
    /// [`Probe::NoReply`]), false when it answers. The control is `127.0.0.1` (the
    /// same binary, in the same namespace, must be answered there first); a probe that
    /// fails for another reason (no namespace, no binary, no route) fails the test.
    /// Prefer [`TestNs::assert_no_reply`] with a control on the same path.
    pub fn cannot_ping(&self, addr: &str) -> bool {
        assert!(
            self.ping("127.0.0.1"),
            "control probe: 127.0.0.1 does not answer in netns {}",
            self.name
        );
        match self.probe(addr) {
            Probe::NoReply => true,
            Probe::Answered => false,
            Probe::Failed(why) => panic!("{why}: not a test of reachability"),
        }
    }
}

/// What a ping probe found ([`TestNs::probe`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// At least one echo request was answered.
    Answered,
    /// Echo requests were sent, and none was answered before the deadline.
    NoReply,
    /// The probe did not run as a probe: no namespace, no ping binary, no route (the
    /// request was never sent). Holds what `ping` and `ip netns exec` said.
    Failed(String),
}

impl Drop for TestNs {
    fn drop(&mut self) {
        let _ = Netns::delete(&self.name);
    }
}
