//! What the CNI tests share: running a plugin as a runtime does (the `CNI_*`
//! environment, the configuration on stdin, inside the "host" namespace), a small
//! runtime for conflists (what libcni does: name and version injected, capabilities
//! turned into `runtimeConfig`, `prevResult` passed along, results cached for DEL and
//! CHECK), and a TCP service to prove port mappings with real connections.

#![allow(dead_code)] // each test binary uses its own part

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use vnet_testkit::TestNs;

/// The vnet-cni binary under test.
pub fn vnet_cni() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_vnet-cni"))
}

/// A reference plugin of containernetworking-plugins.
pub fn reference(name: &str) -> PathBuf {
    PathBuf::from("/usr/lib/cni").join(name)
}

/// The netns path of a test namespace, as a runtime passes it in `CNI_NETNS`.
pub fn netns_path(ns: &TestNs) -> String {
    format!("/run/netns/{}", ns.name)
}

/// One run of a plugin: its stdout parsed (or as text when not JSON) and whether it
/// exited 0.
#[derive(Debug)]
pub struct Outcome {
    /// stdout, parsed.
    pub out: Value,
    /// stdout as text.
    pub text: String,
    /// stderr as text.
    pub stderr: String,
    /// Exited 0.
    pub ok: bool,
}

impl Outcome {
    /// The error code of a failed run; fails the test if the run succeeded or printed no
    /// error object.
    pub fn code(&self) -> u64 {
        assert!(!self.ok, "expected a failure, got success: {}", self.text);
        self.out["code"]
            .as_u64()
            .unwrap_or_else(|| panic!("no error code in {:?} (stderr {})", self.text, self.stderr))
    }

    /// The result of a successful run; fails the test otherwise.
    pub fn result(&self) -> &Value {
        assert!(self.ok, "plugin failed: {} {}", self.text, self.stderr);
        &self.out
    }
}

/// Runs `plugin` inside `host` with `env` (name, value) and `stdin`, and only those
/// variables of the `CNI_*` family (plus PATH).
pub fn exec(host: &TestNs, plugin: &Path, env: &[(&str, &str)], stdin: &str) -> Outcome {
    let mut command = host.command("env");
    command.arg("-i").arg("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
    for (k, v) in env {
        command.arg(format!("{k}={v}"));
    }
    command.arg(plugin);
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running the plugin");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    Outcome {
        out: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        ok: output.status.success(),
    }
}

/// The environment of a call: command, container id, netns (when given), ifname and
/// `CNI_PATH=/usr/lib/cni`.
pub fn cni_env<'a>(
    command: &'a str,
    container_id: &'a str,
    netns: Option<&'a str>,
    ifname: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut env = vec![
        ("CNI_COMMAND", command),
        ("CNI_CONTAINERID", container_id),
        ("CNI_IFNAME", ifname),
        ("CNI_PATH", "/usr/lib/cni"),
    ];
    if let Some(ns) = netns {
        env.push(("CNI_NETNS", ns));
    }
    env
}

/// A private data directory for host-local (its leases), removed when dropped.
pub struct LeaseDir(pub PathBuf);

impl LeaseDir {
    /// A fresh directory named after `tag`.
    pub fn new(tag: &str) -> LeaseDir {
        let dir = std::env::temp_dir().join(format!("vnet-cni-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        LeaseDir(dir)
    }

    /// The path, for `ipam.dataDir`.
    pub fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }

    /// The addresses leased now (host-local keeps one file per address).
    pub fn leases(&self) -> Vec<String> {
        let mut out: Vec<String> = walk(&self.0)
            .into_iter()
            .filter_map(|p| p.file_name()?.to_str().map(String::from))
            .filter(|n| n.parse::<std::net::IpAddr>().is_ok())
            .collect();
        out.sort();
        out
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

impl Drop for LeaseDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A runtime for one conflist, the way libcni runs it.
pub struct Runtime<'a> {
    /// The "host" namespace the plugins run in.
    pub host: &'a TestNs,
    /// The conflist.
    pub conflist: Value,
    /// Where each plugin type is found.
    pub plugin_path: Box<dyn Fn(&str) -> PathBuf>,
    /// The port mappings the runtime passes to plugins with that capability.
    pub port_mappings: Value,
}

impl Runtime<'_> {
    /// The configuration of plugin `i` as the runtime passes it.
    fn plugin_config(&self, i: usize, prev: Option<&Value>) -> Value {
        let mut conf = self.conflist["plugins"][i].clone();
        conf["name"] = self.conflist["name"].clone();
        conf["cniVersion"] = self.conflist["cniVersion"].clone();
        if conf["capabilities"]["portMappings"] == json!(true) {
            conf["runtimeConfig"] = json!({"portMappings": self.port_mappings});
        }
        if let Some(prev) = prev {
            conf["prevResult"] = prev.clone();
        }
        conf
    }

    fn count(&self) -> usize {
        self.conflist["plugins"].as_array().unwrap().len()
    }

    fn run(
        &self,
        i: usize,
        command: &str,
        id: &str,
        netns: Option<&str>,
        prev: Option<&Value>,
    ) -> Outcome {
        let conf = self.plugin_config(i, prev);
        let plugin = (self.plugin_path)(conf["type"].as_str().unwrap());
        exec(
            self.host,
            &plugin,
            &cni_env(command, id, netns, "eth0"),
            &conf.to_string(),
        )
    }

    /// ADD through every plugin in order; the last result.
    pub fn add(&self, id: &str, netns: &str) -> Value {
        let mut prev: Option<Value> = None;
        for i in 0..self.count() {
            let out = self.run(i, "ADD", id, Some(netns), prev.as_ref());
            prev = Some(out.result().clone());
        }
        prev.unwrap()
    }

    /// CHECK through every plugin, with the cached result; all must pass.
    pub fn check(&self, id: &str, netns: &str, result: &Value) -> Vec<Outcome> {
        (0..self.count())
            .map(|i| self.run(i, "CHECK", id, Some(netns), Some(result)))
            .collect()
    }

    /// DEL through every plugin in reverse order, with the cached result.
    pub fn del(&self, id: &str, netns: Option<&str>, result: &Value) {
        for i in (0..self.count()).rev() {
            let out = self.run(i, "DEL", id, netns, Some(result));
            assert!(
                out.ok,
                "DEL of plugin {i} failed: {} {}",
                out.text, out.stderr
            );
        }
    }
}

/// A TCP service inside `ns` on `port`: every connection gets "hello from NAME, you
/// are PEER_IP\n", so a client sees whose address the server saw (masquerade shows).
pub fn serve(ns: &TestNs, port: u16, name: &'static str) {
    let listener = ns
        .netns
        .run(move || TcpListener::bind(("0.0.0.0", port)))
        .unwrap()
        .expect("binding the test service");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let peer = stream
                .peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default();
            let _ = writeln!(stream, "hello from {name}, you are {peer}");
        }
    });
}

/// Connects from `ns` to `addr` and returns what the service said, or None when the
/// connection failed (3 s timeout).
pub fn connect(ns: &TestNs, addr: &str) -> Option<String> {
    let addr: SocketAddr = addr.parse().unwrap();
    let stream = ns
        .netns
        .run(move || TcpStream::connect_timeout(&addr, Duration::from_secs(3)))
        .unwrap()
        .ok()?;
    let mut stream = stream;
    stream.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    Some(text.trim_end().to_string())
}

/// Every table of `nft -j list ruleset` in `ns`, as "family name".
pub fn nft_tables(ns: &TestNs) -> Vec<String> {
    let out = ns.run_ok("nft", &["-j", "list", "ruleset"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    v["nftables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| {
            let t = o.get("table")?;
            Some(format!("{} {}", t["family"].as_str()?, t["name"].as_str()?))
        })
        .collect()
}

/// The rules of `nft -j list ruleset` in `ns`, each as (table, its JSON text).
pub fn nft_rules(ns: &TestNs) -> Vec<(String, String)> {
    let out = ns.run_ok("nft", &["-j", "list", "ruleset"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    v["nftables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| {
            let r = o.get("rule")?;
            Some((r["table"].as_str()?.to_string(), r["expr"].to_string()))
        })
        .collect()
}
