//! `vnet lab` and `vnet_core::lab`: lab files checked with line:column errors, the
//! shipped labs built and proven with real traffic, status and its drift, rollback at
//! every step of `up`, ownership (down removes what up made and nothing else, without
//! its record), two labs side by side, and a lab across three hosts stitched by VXLAN.
//!
//! Every test's "host" is a namespace of its own (`vnet -n HOST lab ...`); kernel state
//! is checked with `ip -j`, `nft -j`, `/run/netns`, ping and TCP. Run them under
//! scripts/private-netns.sh.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use vnet_core::Veth;
use vnet_core::lab::{Lab, LabError, UpOptions};
use vnet_testkit::{Probe, TestNs, addresses, ifname};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/labs")
}

fn example(name: &str) -> PathBuf {
    examples().join(name)
}

/// `vnet ARGS...` with its lab records in `state` (not the machine's /run/vnet).
fn vnet(state: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vnet"))
        .args(args)
        .env("VNET_LAB_STATE_DIR", state)
        .output()
        .expect("running vnet")
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A host namespace for one test, with a private state directory for lab records.
struct Host {
    ns: TestNs,
    state: PathBuf,
}

impl Host {
    fn new(tag: &str) -> Host {
        let ns = TestNs::new(tag);
        let state = std::env::temp_dir().join(format!("vnet-lab-state-{}", ns.name));
        let _ = std::fs::remove_dir_all(&state);
        Host { ns, state }
    }

    /// `vnet -n HOST ARGS...`.
    fn vnet(&self, args: &[&str]) -> Output {
        vnet(
            &self.state,
            &[&["-n", self.ns.name.as_str()], args].concat(),
        )
    }

    /// `vnet -n HOST ARGS...`, which must succeed; its stdout.
    fn vnet_ok(&self, args: &[&str]) -> String {
        let out = self.vnet(args);
        assert!(out.status.success(), "vnet {args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn up(&self, file: &str) -> String {
        self.vnet_ok(&["lab", "up", example(file).to_str().unwrap()])
    }

    /// Brings the lab down and checks, with witnesses, that nothing of it is left.
    fn down_and_check(&self, lab: &str, host_links_before: &BTreeSet<String>) {
        self.vnet_ok(&["lab", "down", lab]);
        self.assert_links_settle(host_links_before);
        assert!(
            lab_namespaces(lab).is_empty(),
            "namespaces left: {:?}",
            lab_namespaces(lab)
        );
        assert!(
            !self.nft_tables().iter().any(|t| t.contains(lab)),
            "{:?}",
            self.nft_tables()
        );
    }

    /// Waits (up to 10 s) until the host's links are `expected`, and fails otherwise:
    /// the veths whose peers were in deleted namespaces go when the kernel destroys
    /// those namespaces, asynchronously.
    fn assert_links_settle(&self, expected: &BTreeSet<String>) {
        let settled = (0..200).any(|_| {
            if &self.links() == expected {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            false
        });
        assert!(
            settled,
            "host links after down: {:?}, expected {expected:?}",
            self.links()
        );
    }

    /// The host's links, by name (`ip -j link`).
    fn links(&self) -> BTreeSet<String> {
        self.ns
            .ip_json(&["link", "show"])
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["ifname"].as_str().unwrap().to_string())
            .collect()
    }

    /// The host's nf_tables tables (`nft -j list tables`).
    fn nft_tables(&self) -> Vec<String> {
        let out = self.ns.run_ok("nft", &["-j", "list", "tables"]);
        let v: Value = serde_json::from_str(&out).unwrap();
        v["nftables"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["table"]["name"].as_str().map(str::to_string))
            .collect()
    }

    /// An uplink `uplink0` (192.0.2.1/24) to a new "outside" namespace (192.0.2.2/24).
    fn with_outside(&self, tag: &str, host_address: Option<&str>) -> TestNs {
        let outside = TestNs::new(tag);
        self.ns
            .handle
            .link()
            .add(
                &Veth::new(ifname("uplink0"), ifname("o0"))
                    .peer_netns(&outside.netns)
                    .up(),
            )
            .unwrap();
        if let Some(a) = host_address {
            self.ns
                .handle
                .addr()
                .add(ifname("uplink0"), a.parse().unwrap())
                .unwrap();
        }
        outside.handle.link().up(ifname("o0")).unwrap();
        outside
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

/// The namespaces under /run/netns whose names start with `LAB-`, sorted.
fn lab_namespaces(lab: &str) -> Vec<String> {
    let prefix = format!("{lab}-");
    let mut names: Vec<String> = std::fs::read_dir("/run/netns")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(&prefix))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Runs `program ARGS` in node NODE of LAB (`ip netns exec LAB-NODE`, the witness).
fn in_node(lab: &str, node: &str, program: &str, args: &[&str]) -> Output {
    Command::new("ip")
        .args(["netns", "exec", &format!("{lab}-{node}"), program])
        .args(args)
        .output()
        .unwrap()
}

fn node_pings(lab: &str, node: &str, addr: &str) -> bool {
    (0..3).any(|_| {
        in_node(lab, node, "ping", &["-c", "1", "-W", "2", "-q", addr])
            .status
            .success()
    })
}

// ---- the file ------------------------------------------------------------------------

#[test]
fn file_errors_give_line_column_and_name_the_problem() {
    let file = r#"name = "bad"

[[bridge]]
name = "br0"

[[node]]
name = "vm1"
[[node.interface]]
name = "eth0"
bridge = "br0"

[[node]]
name = "vm4"
[[node.interface]]
name = "eth0"
bridge = "br9"
"#;
    let e = Lab::from_toml(file, "lab.toml").unwrap_err();
    assert_eq!(
        e.to_string(),
        "lab.toml:16:10: node \"vm4\" is on bridge \"br9\", which the lab does not define"
    );
    let cases: &[(&str, &str)] = &[
        (
            "name = \"x\"\n[[node]]\nname = \"a\"\ncolour = 3\n",
            "lab.toml:4:1: unknown field `colour`, expected one of `name`, `forwarding`, `proxy_arp`, `gateway`, `interface`, `route`, `exec`",
        ),
        (
            "name = \"x\"\n[[bridge]]\nname = \"br0\"\naddress = \"10.0.0.300/24\"\n",
            "lab.toml:4:11: bridge address \"10.0.0.300/24\" is not an address with a prefix length: invalid address prefix '10.0.0.300/24': '10.0.0.300' is not an IPv4 or IPv6 address",
        ),
        (
            "name = \"x\"\n[[bridge]]\nname = \"a-name-too-long-for-linux\"\n",
            "lab.toml:3:8: bridge \"a-name-too-long-for-linux\": invalid interface name 'a-name-too-long-for-linux': longer than 15 bytes",
        ),
        (
            "name = \"x y\"\n",
            "lab.toml:1:8: lab name \"x y\" must be 1 to 24 letters, digits, '_', '-' or '.' (not starting with '-' or '.')",
        ),
        (
            "name = \"x\"\n[[node]]\nname = \"a\"\n[[node]]\nname = \"a\"\n",
            "lab.toml:5:8: node \"a\" is defined twice",
        ),
        (
            "name = \"x\"\n[[nat.forward]]\nprotocol = \"tcp\"\nport = 80\nnode = \"web\"\n",
            "lab.toml:5:8: a port forward names node \"web\", which the lab does not define",
        ),
        (
            "name = \"x\"\n[[bridge]]\nname = \"b\"\n[[node]]\nname = \"a\"\n[[node.interface]]\nname = \"eth0\"\nbridge = \"b\"\npvid = 10\n",
            "lab.toml:9:8: VLANs are given for a port of bridge \"b\", which does not have vlan_filtering = true",
        ),
        (
            "name = \"x\"\n[[node]\n",
            "lab.toml:2:8: unclosed array table, expected `]`",
        ),
    ];
    for (file, want) in cases {
        let got = Lab::from_toml(file, "lab.toml").unwrap_err().to_string();
        assert_eq!(got, *want, "{file:?}");
    }
}

#[test]
fn a_bad_file_changes_nothing_and_exits_1() {
    let host = Host::new("labbad");
    let file = host.state.with_extension("toml");
    std::fs::write(&file, "name = \"bad1\"\n[[node]]\nname = \"vm1\"\n[[node.interface]]\nname = \"eth0\"\nbridge = \"br9\"\n").unwrap();
    let before = host.links();
    let out = host.vnet(&["lab", "up", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "{}: {}:6:10: node \"vm1\" is on bridge \"br9\", which the lab does not define\n",
            env!("CARGO_BIN_EXE_vnet"),
            file.display()
        )
    );
    assert!(out.stdout.is_empty());
    assert_eq!(host.links(), before);
    assert!(lab_namespaces("bad1").is_empty());
    std::fs::remove_file(file).unwrap();
}

// ---- shipped labs, proven with traffic ----------------------------------------------

#[test]
fn shipped_isolated_switch() {
    let host = Host::new("labsw");
    let before = host.links();
    host.up("isolated-switch.toml");
    assert!(node_pings("switch", "vm1", "10.10.0.2"));
    assert!(node_pings("switch", "vm1", "10.10.0.3"));
    // The host has no address on the switch, so no route to the VMs: ping cannot even
    // send (what the lab promises: the switch is not the host's network).
    assert!(
        addresses(&host.ns, "sw0")
            .iter()
            .all(|a| a.starts_with("fe80:")),
        "{:?}",
        addresses(&host.ns, "sw0")
    );
    match host.ns.probe("10.10.0.1") {
        Probe::Failed(why) => assert!(why.contains("Network is unreachable"), "{why}"),
        other => panic!("the host probed 10.10.0.1: {other:?}"),
    }
    // The bridge carries the lab's link group (witness: ip -j -d link).
    let br = host.ns.link_json("sw0").expect("sw0 exists");
    assert_eq!(br["linkinfo"]["info_kind"], "bridge");
    assert_ne!(br["group"], "default");
    host.vnet_ok(&["lab", "status", "switch"]);
    host.down_and_check("switch", &before);
}

#[test]
fn shipped_bridge_with_an_address() {
    let host = Host::new("labgw");
    let before = host.links();
    host.up("bridge-address.toml");
    assert!(host.ns.pings_within("10.30.0.1", 3));
    assert!(node_pings("gw", "vm2", "10.30.0.254"));
    assert!(node_pings("gw", "vm2", "10.30.0.1"));
    host.vnet_ok(&["lab", "status", "gw"]);
    host.down_and_check("gw", &before);
}

#[test]
fn shipped_uplink_in_the_bridge() {
    let host = Host::new("labup");
    let outside = host.with_outside("labupout", None);
    outside
        .handle
        .addr()
        .add(ifname("o0"), "198.51.100.2/24".parse().unwrap())
        .unwrap();
    let before = host.links();
    host.up("uplink.toml");
    // STP with a 2 s forward delay: the port forwards after listening and learning.
    assert!((0..10).any(|_| node_pings("uplink", "vm1", "198.51.100.2")));
    assert!(outside.pings_within("198.51.100.12", 5));
    let up = host.ns.link_json("uplink0").unwrap();
    assert_eq!(up["master"], "upbr0");
    host.vnet_ok(&["lab", "status", "uplink"]);
    host.down_and_check("uplink", &before);
    // The uplink is the user's: it stays, released from the deleted bridge.
    assert!(
        host.ns
            .link_json("uplink0")
            .unwrap()
            .get("master")
            .is_none()
    );
}

#[test]
fn shipped_routed_vm() {
    let host = Host::new("labrt");
    let before = host.links();
    host.up("routed-vm.toml");
    assert!(host.ns.pings_within("10.40.0.2", 3));
    // vm1 reaches vm2 through the host's routing.
    assert!(node_pings("routed", "vm1", "10.40.0.6"));
    assert_eq!(host.ns.sh("cat /proc/sys/net/ipv4/ip_forward").trim(), "1");
    host.vnet_ok(&["lab", "status", "routed"]);
    host.down_and_check("routed", &before);
}

#[test]
fn shipped_proxy_arp_vm() {
    let host = Host::new("labparp");
    let outside = host.with_outside("labparpout", Some("192.0.2.1/24"));
    outside
        .handle
        .addr()
        .add(ifname("o0"), "192.0.2.2/24".parse().unwrap())
        .unwrap();
    let before = host.links();
    host.up("proxy-arp.toml");
    let proxies = host.ns.ip_json(&["neigh", "show", "proxy"]);
    assert!(proxies.to_string().contains("192.0.2.50"), "{proxies}");
    // The outside reaches the VM as if it were on its own network, and back.
    assert!(outside.pings_within("192.0.2.50", 3));
    assert!(node_pings("parp", "vm1", "192.0.2.2"));
    host.vnet_ok(&["lab", "status", "parp"]);
    host.down_and_check("parp", &before);
    assert!(
        !host
            .ns
            .ip_json(&["neigh", "show", "proxy"])
            .to_string()
            .contains("192.0.2.50")
    );
}

#[test]
fn shipped_nat_with_a_port_forward_status_drift_and_ownership() {
    let host = Host::new("labnat");
    let outside = host.with_outside("labnatout", Some("192.0.2.1/24"));
    outside
        .handle
        .addr()
        .add(ifname("o0"), "192.0.2.2/24".parse().unwrap())
        .unwrap();
    let before = host.links();
    host.up("nat.toml");

    // Masquerade: vm2 reaches the outside, which sees the host's address.
    assert!(node_pings("nat", "vm2", "192.0.2.2"));
    // The port forward: TCP to the host's 8080 reaches vm1's port 80.
    let server = Command::new("ip")
        .args([
            "netns",
            "exec",
            "nat-vm1",
            "sh",
            "-c",
            "echo through-the-forward | timeout 10 nc -l -p 80 -q 1",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let got = (0..20)
        .find_map(|_| {
            let out = outside.exec("sh", &["-c", "timeout 3 nc -q 1 192.0.2.1 8080 </dev/null"]);
            let s = String::from_utf8_lossy(&out.stdout).into_owned();
            if s.contains("through-the-forward") {
                Some(s)
            } else {
                std::thread::sleep(std::time::Duration::from_millis(100));
                None
            }
        })
        .expect("the port forward answered");
    assert!(got.contains("through-the-forward"));
    let _ = server.wait_with_output();
    // The rules live in the lab's own table (witness: nft -j).
    assert!(host.nft_tables().contains(&"vnet-lab-nat".to_string()));

    // exec: inside the node, as ip netns exec, with the command's exit status.
    let out = host.vnet(&[
        "lab", "exec", "nat", "vm1", "--", "ip", "-j", "addr", "show", "eth0",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("10.20.0.1"),
        "{}",
        text(&out)
    );
    let out = host.vnet(&["lab", "exec", "nat", "vm1", "--", "sh", "-c", "exit 3"]);
    assert_eq!(out.status.code(), Some(3));
    let out = host.vnet(&["lab", "exec", "nat", "nosuchnode", "--", "true"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "{}: lab 'nat' has no node 'nosuchnode' here: opening network namespace \
             'nat-nosuchnode': network namespace 'nat-nosuchnode' not found\n",
            env!("CARGO_BIN_EXE_vnet")
        )
    );

    // up again: refused, nothing changed.
    let links = host.links();
    let out = host.vnet(&["lab", "up", example("nat.toml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "{}: lab 'nat' is already up (link 'natbr0', link 'nat-vm1-eth0', link \
             'nat-vm2-eth0', netns 'nat-vm1', netns 'nat-vm2', 2 NAT rules in table ip \
             vnet-lab-nat); nothing was changed\n",
            env!("CARGO_BIN_EXE_vnet")
        )
    );
    assert_eq!(host.links(), links);

    // status: all present, exit 0; JSON too.
    let status: Value =
        serde_json::from_str(&host.vnet_ok(&["-j", "lab", "status", "nat"])).unwrap();
    assert_eq!(status[0]["drift"], false);
    assert!(
        status[0]["objects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["state"] == "present")
    );
    let list = host.vnet_ok(&["lab", "list"]);
    assert!(list.starts_with("nat: 2 nodes, up"), "{list}");

    // Drift: a veth deleted and an address removed by hand.
    host.ns.run_ok("ip", &["link", "del", "nat-vm2-eth0"]);
    in_node(
        "nat",
        "vm1",
        "ip",
        &["addr", "del", "10.20.0.1/24", "dev", "eth0"],
    );
    let out = host.vnet(&["-j", "lab", "status", "nat"]);
    assert_eq!(out.status.code(), Some(1), "status exits 1 on drift");
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    let state_of = |name: &str| {
        status[0]["objects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == name)
            .map(|o| o["state"].as_str().unwrap().to_string())
    };
    assert_eq!(state_of("nat-vm2-eth0").as_deref(), Some("missing"));
    assert_eq!(state_of("10.20.0.1/24 on eth0").as_deref(), Some("missing"));
    assert_eq!(state_of("natbr0").as_deref(), Some("present"));

    // Something the user made by hand, on the lab's bridge: down leaves it.
    host.ns.run_ok(
        "ip",
        &[
            "link", "add", "mine0", "type", "veth", "peer", "name", "mine1",
        ],
    );
    host.ns
        .run_ok("ip", &["link", "set", "mine0", "master", "natbr0"]);
    // The record is lost: down works from the marks alone.
    std::fs::remove_dir_all(&host.state).unwrap();
    let mut expected = before.clone();
    expected.insert("mine0".into());
    expected.insert("mine1".into());
    host.down_and_check("nat", &expected);
}

#[test]
fn shipped_kvm_taps_with_nat() {
    let host = Host::new("labkvm");
    let _outside = host.with_outside("labkvmout", Some("192.0.2.1/24"));
    let before = host.links();
    let out = host.up("kvm-taps.toml");
    assert!(
        out.contains("ifname=kvm-tap1") && out.contains("queues=4"),
        "{out}"
    );
    let tap = host.ns.link_json("kvm-tap1").unwrap();
    assert_eq!(tap["master"], "kvmbr0");
    assert_eq!(tap["linkinfo"]["info_data"]["type"], "tap");
    let data = &tap["linkinfo"]["info_data"];
    assert_eq!(data["multi_queue"], true);
    assert_eq!(data["persist"], true);
    // ip prints the owner's user name when uid 1000 has one.
    let user = Command::new("getent")
        .args(["passwd", "1000"])
        .output()
        .unwrap();
    let user = String::from_utf8_lossy(&user.stdout);
    let name = user
        .split(':')
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or("1000");
    assert_eq!(data["user"], name);
    assert_eq!(host.ns.link_json("kvm-tap2").unwrap()["master"], "kvmbr0");
    let status = host.vnet_ok(&["lab", "status", "kvm"]);
    assert!(status.contains("qemu-system-x86_64"), "{status}");
    assert!(host.nft_tables().contains(&"vnet-lab-kvm".to_string()));
    host.down_and_check("kvm", &before);
}

#[test]
fn shipped_quickstart_and_two_labs_side_by_side() {
    let host = Host::new("labqs");
    let before = host.links();
    let out = host.up("quickstart.toml");
    assert!(out.contains("10.0.0.2/24"), "vm2's exec output: {out}");
    host.up("isolated-switch.toml");
    assert!(node_pings("qs", "vm2", "10.0.0.3"));
    assert!(
        node_pings("qs", "router", "10.0.0.254"),
        "router -> vm1 -> bridge"
    );
    assert!(node_pings("switch", "vm1", "10.10.0.3"));
    // Down one: the other keeps working.
    host.vnet_ok(&["lab", "down", "switch"]);
    assert!(lab_namespaces("switch").is_empty());
    assert!(node_pings("qs", "vm2", "10.0.0.1"));
    host.vnet_ok(&["lab", "status", "qs"]);
    host.down_and_check("qs", &before);
}

// ---- rollback -------------------------------------------------------------------------

const ROLLBACK_LAB: &str = r#"
name = "rb"
[[bridge]]
name = "rb-br"
address = "10.80.0.254/24"
[[node]]
name = "a"
gateway = "10.80.0.254"
exec = ["true"]
[[node.interface]]
name = "eth0"
bridge = "rb-br"
addresses = ["10.80.0.1/24"]
[[node]]
name = "b"
forwarding = true
[[node.interface]]
name = "eth0"
host_name = "rb-b"
addresses = ["10.81.0.2/24"]
host_addresses = ["10.81.0.1/24"]
host_proxy_arp = true
[[link]]
a = { node = "a", interface = "eth1", addresses = ["10.82.0.1/30"] }
b = { node = "b", interface = "eth1", addresses = ["10.82.0.2/30"] }
[[tap]]
name = "rb-tap"
bridge = "rb-br"
[[route]]
to = "10.83.0.0/24"
via = "10.81.0.2"
[[proxy_arp]]
interface = "uplink0"
address = "192.0.2.77"
[[nat.masquerade]]
source = "10.80.0.0/24"
out = "uplink0"
[[nat.forward]]
protocol = "udp"
port = 5353
node = "a"
"#;

#[test]
fn a_failure_at_every_step_of_up_leaves_nothing() {
    let host = Host::new("labrb");
    let _outside = host.with_outside("labrbout", Some("192.0.2.1/24"));
    let lab = Lab::from_toml(ROLLBACK_LAB, "rollback.toml").unwrap();
    let before = host.links();
    let forwarding = || host.ns.sh("cat /proc/sys/net/ipv4/ip_forward");
    let forwarding_before = forwarding();
    let check_nothing_left = |when: &str| {
        host.assert_links_settle(&before);
        assert!(
            lab_namespaces("rb").is_empty(),
            "{when}: {:?}",
            lab_namespaces("rb")
        );
        assert!(
            host.nft_tables().is_empty(),
            "{when}: {:?}",
            host.nft_tables()
        );
        assert!(
            !host
                .ns
                .ip_json(&["neigh", "show", "proxy"])
                .to_string()
                .contains("192.0.2.77"),
            "{when}"
        );
        assert_eq!(forwarding(), forwarding_before, "{when}: ip_forward");
    };
    // A full run counts the steps.
    let report = lab.up_in(&host.ns.netns, &UpOptions::default()).unwrap();
    let steps = report.steps.len();
    assert!(steps >= 12, "{:?}", report.steps);
    lab.down_in(&host.ns.netns, None).unwrap();
    // down leaves the host's forwarding as it is (other work may rely on it); a
    // rollback restores it, since the run itself turned it on.
    assert_eq!(forwarding(), "1\n");
    host.ns
        .run_ok("sysctl", &["-q", "-w", "net.ipv4.ip_forward=0"]);
    check_nothing_left("after a full up and down");
    for n in 1..=steps {
        let options = UpOptions {
            fail_at_step: Some(n),
            ..UpOptions::default()
        };
        match lab.up_in(&host.ns.netns, &options) {
            Err(LabError::Step {
                step,
                rollback_failures,
                ..
            }) => {
                assert!(step.starts_with(&format!("step {n} (")), "{step}");
                assert_eq!(rollback_failures, Vec::<String>::new());
            }
            other => panic!("step {n}: {other:?}"),
        }
        check_nothing_left(&format!("failure at step {n} ({})", report.steps[n - 1]));
    }
    // A real refusal: a name already taken by the user's own device.
    host.ns.run_ok(
        "ip",
        &[
            "link", "add", "rb-tap", "type", "veth", "peer", "name", "rb-tap-p",
        ],
    );
    let before_taken = host.links();
    let e = lab
        .up_in(&host.ns.netns, &UpOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("taps") && e.contains("rb-tap"), "{e}");
    assert_eq!(
        host.links(),
        before_taken,
        "the user's rb-tap stays, the lab's objects go"
    );
    assert!(lab_namespaces("rb").is_empty());
}

// ---- graphs ---------------------------------------------------------------------------

#[test]
fn graph_renders_every_shipped_lab_and_the_committed_pictures_match() {
    let mut count = 0;
    for entry in std::fs::read_dir(examples()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        count += 1;
        let out = vnet(
            Path::new("/nonexistent"),
            &["lab", "graph", "--format", "dot", path.to_str().unwrap()],
        );
        assert!(out.status.success(), "{}: {}", path.display(), text(&out));
        let dot = String::from_utf8(out.stdout).unwrap();
        assert!(
            dot.starts_with("graph ") && dot.trim_end().ends_with('}'),
            "{dot}"
        );
        let committed = std::fs::read_to_string(path.with_extension("dot"))
            .unwrap_or_else(|e| panic!("{}: the committed picture: {e}", path.display()));
        assert_eq!(
            dot,
            committed,
            "{}: regenerate with scripts/lab-graphs.sh",
            path.display()
        );
    }
    assert!(count >= 9, "{count} shipped labs");
    // The SVG pictures, through Graphviz's dot (scripts/install-deps.sh installs it).
    for entry in std::fs::read_dir(examples()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let out = vnet(
            Path::new("/nonexistent"),
            &["lab", "graph", "--format", "svg", path.to_str().unwrap()],
        );
        assert!(out.status.success(), "{}: {}", path.display(), text(&out));
        let svg = String::from_utf8(out.stdout).unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"), "{svg}");
        assert!(
            path.with_extension("svg").exists(),
            "{}: its committed SVG",
            path.display()
        );
    }
}

// ---- a lab across three hosts -----------------------------------------------------------

const THREE_HOSTS: &str = r#"
name = "vx3"
description = "one LAN across three hosts"
[[bridge]]
name = "lan"
vni = 4243
[[node]]
name = "a"
[[node.interface]]
name = "eth0"
bridge = "lan"
addresses = ["10.70.0.1/24"]
[[node]]
name = "b"
[[node.interface]]
name = "eth0"
bridge = "lan"
addresses = ["10.70.0.2/24"]
[[node]]
name = "c"
[[node.interface]]
name = "eth0"
bridge = "lan"
addresses = ["10.70.0.3/24"]
[[host]]
name = "h1"
underlay = "192.168.100.1"
nodes = ["a"]
bridges = ["lan"]
[[host]]
name = "h2"
underlay = "192.168.100.2"
nodes = ["b"]
bridges = ["lan"]
[[host]]
name = "h3"
underlay = "192.168.100.3"
nodes = ["c"]
bridges = ["lan"]
"#;

#[test]
fn a_lab_across_three_hosts_is_stitched_with_vxlan() {
    // Three "hosts", each a namespace, joined by an underlay bridge in a fourth.
    let underlay = TestNs::new("vxul");
    underlay.sh("ip link add ulbr type bridge && ip link set ulbr up");
    let hosts: Vec<Host> = (1..=3).map(|i| Host::new(&format!("vxh{i}"))).collect();
    for (i, host) in hosts.iter().enumerate() {
        host.ns
            .handle
            .link()
            .add(
                &Veth::new(ifname("ul0"), ifname(&format!("ul-h{}", i + 1)))
                    .peer_netns(&underlay.netns)
                    .up(),
            )
            .unwrap();
        host.ns
            .handle
            .addr()
            .add(
                ifname("ul0"),
                format!("192.168.100.{}/24", i + 1).parse().unwrap(),
            )
            .unwrap();
        underlay.sh(&format!("ip link set ul-h{} master ulbr up", i + 1));
    }
    let file = hosts[0].state.with_extension("toml");
    std::fs::write(&file, THREE_HOSTS).unwrap();
    let before: Vec<BTreeSet<String>> = hosts.iter().map(Host::links).collect();
    for (i, host) in hosts.iter().enumerate() {
        host.vnet_ok(&[
            "lab",
            "up",
            file.to_str().unwrap(),
            "--host",
            &format!("h{}", i + 1),
        ]);
    }
    // One VXLAN device per host, its MTU 50 bytes under the underlay's, and head-end
    // replication entries towards both other hosts (witness: bridge -j fdb).
    let h1 = &hosts[0].ns;
    let vx = h1
        .ip_json(&["-d", "link", "show", "type", "vxlan"])
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(vx.len(), 1, "{vx:?}");
    assert_eq!(vx[0]["master"], "lan");
    assert_eq!(vx[0]["mtu"], 1450);
    assert_eq!(vx[0]["linkinfo"]["info_data"]["id"], 4243);
    let vx_name = vx[0]["ifname"].as_str().unwrap();
    let fdb = h1.bridge_json(&["fdb", "show", "dev", vx_name]).to_string();
    assert!(
        fdb.contains("192.168.100.2") && fdb.contains("192.168.100.3"),
        "{fdb}"
    );
    let eth0 = Command::new("ip")
        .args(["-n", "vx3-a", "-j", "link", "show", "eth0"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&eth0.stdout).contains("\"mtu\":1450"));
    // Nodes on the same lab bridge on different hosts reach each other, full-size
    // frames included (1422 bytes of ICMP payload fill the 1450-byte MTU).
    assert!(node_pings("vx3", "a", "10.70.0.2"));
    assert!(node_pings("vx3", "a", "10.70.0.3"));
    assert!(node_pings("vx3", "c", "10.70.0.2"));
    assert!(
        in_node(
            "vx3",
            "b",
            "ping",
            &["-c", "1", "-W", "2", "-s", "1422", "-M", "do", "10.70.0.3"]
        )
        .status
        .success()
    );
    for host in &hosts {
        host.vnet_ok(&["lab", "status", "vx3"]);
    }
    // down on h2 removes h2's part only; h1 and h3 keep working.
    hosts[1].vnet_ok(&["lab", "down", "vx3"]);
    hosts[1].assert_links_settle(&before[1]);
    assert_eq!(lab_namespaces("vx3"), ["vx3-a", "vx3-c"]);
    assert!(node_pings("vx3", "a", "10.70.0.3"));
    assert!(
        !in_node(
            "vx3",
            "a",
            "ping",
            &["-c", "1", "-W", "1", "-q", "10.70.0.2"]
        )
        .status
        .success()
    );
    hosts[0].vnet_ok(&["lab", "down", "vx3"]);
    hosts[2].vnet_ok(&["lab", "down", "vx3"]);
    for (host, before) in hosts.iter().zip(&before) {
        host.assert_links_settle(before);
    }
    assert!(lab_namespaces("vx3").is_empty());
    std::fs::remove_file(file).unwrap();
}

#[test]
fn ctrl_c_during_up_rolls_back() {
    let host = Host::new("labint");
    let before = host.links();
    let file = host.state.with_extension("toml");
    std::fs::write(
        &file,
        "name = \"int1\"\n[[bridge]]\nname = \"int-br\"\n[[node]]\nname = \"vm1\"\nexec = [\"sleep 2\"]\n[[node.interface]]\nname = \"eth0\"\nbridge = \"int-br\"\naddresses = [\"10.90.0.1/24\"]\n",
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_vnet"))
        .args(["-n", &host.ns.name, "lab", "up", file.to_str().unwrap()])
        .env("VNET_LAB_STATE_DIR", &host.state)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the node's command runs (its namespace exists), then Ctrl-C.
    let started = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        lab_namespaces("int1").len() == 1 && host.links().contains("int-br")
    });
    assert!(started, "the lab started building");
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("interrupted"), "{}", text(&out));
    assert_eq!(host.links(), before);
    assert!(lab_namespaces("int1").is_empty());
    std::fs::remove_file(file).unwrap();
}
