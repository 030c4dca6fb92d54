//! The `vnet` command: its output (text and JSON) checked against independent witnesses
//! (`nft -j`, `sysctl`, `ip -j neigh`), errors that exit non-zero and change nothing,
//! and the committed man pages and completions kept in step with the parser.
//!
//! Kernel tests run inside their own named namespaces (run them under
//! scripts/private-netns.sh); the docs test needs no privileges.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;
use vnet_core::{Handle, IfName, Netns, Veth};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A named namespace with lo up and a veth pair eth0/eth1 (eth0 up, 10.0.0.1/24),
/// deleted on drop.
struct Ns {
    name: String,
}

impl Ns {
    fn new(tag: &str) -> Ns {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("vc{}-{n}-{tag}", std::process::id());
        let netns = Netns::add(&name).unwrap();
        let handle = Handle::new(&netns).unwrap();
        let name_of = |s: &str| IfName::new(s).unwrap();
        handle.link().up(name_of("lo")).unwrap();
        handle
            .link()
            .add(&Veth::new(name_of("eth0"), name_of("eth1")).up())
            .unwrap();
        handle
            .addr()
            .add(name_of("eth0"), "10.0.0.1/24".parse().unwrap())
            .unwrap();
        Ns { name }
    }

    /// `vnet -n NAME ARGS...`.
    fn vnet(&self, args: &[&str]) -> Output {
        vnet(&[&["-n", self.name.as_str()], args].concat())
    }

    /// Runs a witness inside the namespace and returns its stdout.
    fn exec(&self, program: &str, args: &[&str]) -> String {
        let out = Command::new("ip")
            .args(["netns", "exec", &self.name, program])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Everything the commands could change: the nftables ruleset, the forwarding and
    /// proxy ARP sysctls, the proxy neighbour entries.
    fn state(&self) -> String {
        let mut state = self.exec("nft", &["list", "ruleset"]);
        for key in [
            "net.ipv4.ip_forward",
            "net.ipv6.conf.all.forwarding",
            "net.ipv4.conf.eth0.forwarding",
            "net.ipv6.conf.eth0.forwarding",
            "net.ipv4.conf.eth0.proxy_arp",
        ] {
            state.push_str(&self.exec("sysctl", &[key]));
        }
        state.push_str(&self.exec("ip", &["neigh", "show", "proxy"]));
        state
    }
}

impl Drop for Ns {
    fn drop(&mut self) {
        let _ = Netns::delete(&self.name);
    }
}

fn vnet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vnet"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "vnet failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(out: Output) -> Value {
    let text = ok(out);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn errors_exit_non_zero_name_the_problem_and_change_nothing() {
    let ns = Ns::new("errors");
    ok(ns.vnet(&["nat", "masquerade", "add", "-o", "eth0"]));
    let before = ns.state();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["nat", "masquerade", "add", "-o", "a/b"], 2, "'a/b'"),
        (
            &[
                "nat",
                "masquerade",
                "add",
                "-o",
                "eth0",
                "-s",
                "10.0.0.0/33",
            ],
            2,
            "10.0.0.0/33",
        ),
        (
            &["nat", "masquerade", "add", "-o", "eth0", "-s", "fd00::/64"],
            2,
            "IPv4 only",
        ),
        (&["nat", "masquerade", "add"], 2, "--out"),
        (
            &[
                "nat", "forward", "add", "-p", "sctp", "--port", "1", "--to", "10.0.0.2",
            ],
            2,
            "'sctp'",
        ),
        (
            &[
                "nat", "forward", "add", "-p", "tcp", "--port", "0", "--to", "10.0.0.2",
            ],
            2,
            "'0'",
        ),
        (
            &[
                "nat",
                "forward",
                "add",
                "-p",
                "tcp",
                "--port",
                "1",
                "--to",
                "10.0.0.2:70000",
            ],
            2,
            "70000",
        ),
        (
            &[
                "nat", "forward", "add", "-p", "tcp", "--port", "1", "--to", "fd00::1",
            ],
            2,
            "fd00::1",
        ),
        (&["nat", "masquerade", "del", "-o", "eth1"], 1, "not found"),
        (
            &[
                "nat", "forward", "del", "-p", "udp", "--port", "53", "--to", "10.0.0.2",
            ],
            1,
            "not found",
        ),
        (
            &["forward", "on", "--dev", "nosuch0"],
            1,
            "link 'nosuch0' not found",
        ),
        (&["forward", "sideways"], 2, "sideways"),
        (&["proxy-arp", "on", "eth0"], 2, "eth0"),
        (&["proxy-arp", "on", "dev", "nosuch0"], 1, "nosuch0"),
        (
            &["proxy-arp", "add", "10.0.0.300", "dev", "eth0"],
            2,
            "10.0.0.300",
        ),
        (
            &["proxy-arp", "add", "10.0.0.9", "dev", "nosuch0"],
            1,
            "nosuch0",
        ),
        (&["conntrack", "list", "-s", "nowhere"], 2, "nowhere"),
    ];
    for (args, code, needle) in cases {
        let out = ns.vnet(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: '{needle}' not in: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(ns.state(), before, "failed commands must change nothing");

    let out = vnet(&["-n", "vnet-no-such-netns", "nat", "show"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'vnet-no-such-netns' not found"));
}

#[test]
fn nat_commands_match_nft_and_json_parses() {
    let ns = Ns::new("nat");
    ok(ns.vnet(&[
        "nat",
        "masquerade",
        "add",
        "-o",
        "eth0",
        "-s",
        "192.168.0.7/24",
    ]));
    ok(ns.vnet(&[
        "nat",
        "masquerade",
        "add",
        "-o",
        "eth0",
        "-s",
        "192.168.0.0/24",
    ]));
    ok(ns.vnet(&[
        "nat",
        "forward",
        "add",
        "-p",
        "tcp",
        "--port",
        "5555",
        "--to",
        "192.168.0.2:22",
        "-i",
        "eth0",
    ]));
    ok(ns.vnet(&[
        "nat",
        "forward",
        "add",
        "-p",
        "udp",
        "--port",
        "53",
        "--to",
        "192.168.0.3",
    ]));

    // Witness: nft sees exactly three rules in table ip vnet.
    let ruleset: Value = serde_json::from_str(&ns.exec("nft", &["-j", "list", "ruleset"])).unwrap();
    let nft_rules: Vec<&Value> = ruleset["nftables"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.get("rule"))
        .filter(|r| r["table"] == "vnet")
        .collect();
    assert_eq!(nft_rules.len(), 3, "{ruleset}");

    let shown = json(ns.vnet(&["-j", "nat", "show"]));
    let shown = shown.as_array().unwrap();
    assert_eq!(shown.len(), 3);
    assert_eq!(shown[0]["type"], "masquerade");
    assert_eq!(shown[0]["out"], "eth0");
    assert_eq!(shown[0]["source"], "192.168.0.0/24");
    assert_eq!(shown[1]["type"], "forward");
    assert_eq!(shown[1]["protocol"], "tcp");
    assert_eq!(shown[1]["port"], 5555);
    assert_eq!(shown[1]["to"], "192.168.0.2");
    assert_eq!(shown[1]["to_port"], 22);
    assert_eq!(shown[1]["in"], "eth0");
    assert_eq!(shown[2]["to_port"], Value::Null);
    for (ours, theirs) in shown.iter().zip(&nft_rules) {
        assert_eq!(ours["handle"], theirs["handle"], "handles agree with nft");
    }

    // The text form is the command line that deletes the rule.
    let text = ok(ns.vnet(&["nat", "show"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].starts_with("forward -p tcp --port 5555 --to 192.168.0.2:22 -i eth0"),
        "{text}"
    );
    let delete: Vec<&str> = lines[1]
        .split("  #")
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let mut args = vec!["nat", delete[0], "del"];
    args.extend(&delete[1..]);
    ok(ns.vnet(&args));
    assert_eq!(
        json(ns.vnet(&["-j", "nat", "show"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // conntrack: traffic to the namespace's own address is tracked now that NAT hooks
    // are registered.
    ns.exec("ping", &["-c", "1", "-W", "2", "10.0.0.1"]);
    let entries = json(ns.vnet(&["-j", "conntrack", "list", "-s", "10.0.0.1"]));
    let entries = entries.as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["protocol"] == "icmp" && e["original"]["src"] == "10.0.0.1"),
        "{entries:?}"
    );
    let witness = ns.exec("conntrack", &["-L", "-p", "icmp"]);
    assert!(witness.contains("src=10.0.0.1"), "{witness}");
    let deleted = json(ns.vnet(&["-j", "conntrack", "flush", "-s", "10.0.0.1"]));
    assert!(deleted["deleted"].as_u64().unwrap() >= 1);
    assert!(
        !ns.exec("conntrack", &["-L", "-p", "icmp"])
            .contains("src=10.0.0.1")
    );
}

#[test]
fn forward_and_proxy_arp_commands_match_sysctl_and_ip() {
    let ns = Ns::new("fwd");
    let shown = json(ns.vnet(&["-j", "forward", "show"]));
    assert_eq!(shown["ipv4"], false);
    ok(ns.vnet(&["forward", "on"]));
    assert_eq!(
        ns.exec("sysctl", &["-n", "net.ipv4.ip_forward"]).trim(),
        "1"
    );
    ok(ns.vnet(&["forward", "on", "--ipv6", "--dev", "eth0"]));
    assert_eq!(
        ns.exec("sysctl", &["-n", "net.ipv6.conf.eth0.forwarding"])
            .trim(),
        "1"
    );
    ok(ns.vnet(&["forward", "off", "--dev", "eth1"]));
    assert_eq!(
        ns.exec("sysctl", &["-n", "net.ipv4.conf.eth1.forwarding"])
            .trim(),
        "0"
    );
    let shown = json(ns.vnet(&["-j", "forward", "show"]));
    assert_eq!(shown["ipv4"], true);
    assert_eq!(shown["ipv6"], false);
    let dev = |name: &str| {
        shown["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["dev"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (dev("eth0")["ipv4"].clone(), dev("eth0")["ipv6"].clone()),
        (Value::Bool(true), Value::Bool(true))
    );
    assert_eq!(dev("eth1")["ipv4"], false);
    let text = ok(ns.vnet(&["forward", "show"]));
    assert!(
        text.contains("ipv4 forwarding on") && text.contains("dev eth0 ipv4 on ipv6 on"),
        "{text}"
    );

    ok(ns.vnet(&["proxy-arp", "on", "dev", "eth0"]));
    assert_eq!(
        ns.exec("sysctl", &["-n", "net.ipv4.conf.eth0.proxy_arp"])
            .trim(),
        "1"
    );
    ok(ns.vnet(&["proxy-arp", "add", "10.0.0.99", "dev", "eth0"]));
    let neigh: Value =
        serde_json::from_str(&ns.exec("ip", &["-j", "neigh", "show", "proxy"])).unwrap();
    assert_eq!(neigh[0]["dst"], "10.0.0.99");
    assert_eq!(neigh[0]["dev"], "eth0");
    let shown = json(ns.vnet(&["-j", "proxy-arp", "show"]));
    assert_eq!(shown["entries"][0]["address"], "10.0.0.99");
    assert_eq!(shown["entries"][0]["dev"], "eth0");
    let eth0 = shown["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dev"] == "eth0")
        .unwrap();
    assert_eq!(eth0["proxy_arp"], true);
    ok(ns.vnet(&["proxy-arp", "del", "10.0.0.99", "dev", "eth0"]));
    ok(ns.vnet(&["proxy-arp", "off", "dev", "eth0"]));
    assert_eq!(ns.exec("ip", &["neigh", "show", "proxy"]).trim(), "");
    assert_eq!(
        ns.exec("sysctl", &["-n", "net.ipv4.conf.eth0.proxy_arp"])
            .trim(),
        "0"
    );
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    out.sort();
    out
}

#[test]
fn committed_man_pages_and_completions_are_up_to_date() {
    let tmp = std::env::temp_dir().join(format!("vnet-docs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    ok(vnet(&["generate-docs", tmp.to_str().unwrap()]));
    let committed = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["man", "completions"] {
        let (fresh, kept) = (tmp.join(sub), committed.join(sub));
        assert_eq!(
            files(&fresh),
            files(&kept),
            "{sub}: regenerate with `vnet generate-docs vnet-cli`"
        );
        for file in files(&fresh) {
            let a = std::fs::read(fresh.join(&file)).unwrap();
            let b = std::fs::read(kept.join(&file)).unwrap();
            assert!(
                a == b,
                "{sub}/{} is stale: regenerate with `vnet generate-docs vnet-cli`",
                file.display()
            );
        }
    }
    let man = std::fs::read_to_string(tmp.join("man/vnet.8")).unwrap();
    assert!(man.contains("proxy\\-arp"), "vnet.8 lists the objects");
    let bash = std::fs::read_to_string(tmp.join("completions/vnet.bash")).unwrap();
    assert!(bash.contains("masquerade") && !bash.contains("generate-docs"));
    std::fs::remove_dir_all(&tmp).unwrap();
}
