//! The shipped VLAN lab (`examples/labs/vlans.toml`): access ports (PVID, untagged) and
//! a trunk (tagged) on a VLAN-filtering bridge, a router on a stick. It needs 802.1Q and
//! bridge VLAN filtering: where this kernel lacks them, the test binary runs itself in
//! the stock-kernel lane (see vnet_testkit::lane) and passes only if it passed there.
//! A binary of its own, so that only this test boots the lane's VM.

use std::path::Path;
use std::process::{Command, Output};

use vnet_testkit::TestNs;
use vnet_testkit::lane::{self, Feature};

fn vnet(ns: &TestNs, state: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vnet"))
        .args(["-n", &ns.name])
        .args(args)
        .env("VNET_LAB_STATE_DIR", state)
        .output()
        .expect("running vnet")
}

fn in_node(node: &str, args: &[&str]) -> bool {
    Command::new("ip")
        .args(["netns", "exec", &format!("vlans-{node}")])
        .args(args)
        .status()
        .unwrap()
        .success()
}

#[test]
fn shipped_vlans_lab_access_and_trunk_ports() {
    if !lane::runs_here(
        "shipped_vlans_lab_access_and_trunk_ports",
        &[Feature::Vlan, Feature::BridgeVlanFiltering],
    ) {
        return;
    }
    let host = TestNs::new("labvlan");
    let state = std::env::temp_dir().join(format!("vnet-lab-state-{}", host.name));
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/labs/vlans.toml");
    let out = vnet(&host, &state, &["lab", "up", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Witness: bridge -j vlan show. vm1's port: VLAN 10, PVID and untagged; vm2's: 20;
    // the router's trunk: 10 and 20, tagged (no PVID).
    let vlans = host.bridge_json(&["vlan", "show"]).to_string();
    let port = |name: &str| {
        let v = host.bridge_json(&["vlan", "show", "dev", name]);
        v[0]["vlans"].clone()
    };
    let vm1 = port("vlans-vm1-eth0");
    assert_eq!(vm1.as_array().unwrap().len(), 1, "{vlans}");
    assert_eq!(vm1[0]["vlan"], 10, "{vlans}");
    assert!(
        vm1[0]["flags"].to_string().contains("PVID")
            && vm1[0]["flags"].to_string().contains("Egress Untagged"),
        "{vlans}"
    );
    assert_eq!(port("vlans-vm2-eth0")[0]["vlan"], 20, "{vlans}");
    let trunk = port("vlans-rtr");
    let ids: Vec<u64> = trunk
        .as_array()
        .map(|a| a.iter().filter_map(|v| v["vlan"].as_u64()).collect())
        .unwrap_or_default();
    assert!(ids.contains(&10) && ids.contains(&20), "{vlans}");

    // Traffic: each VM reaches its gateway on the trunk, and the other VM only through
    // the router.
    let ping = |node: &str, addr: &str| {
        (0..3).any(|_| in_node(node, &["ping", "-c", "1", "-W", "2", "-q", addr]))
    };
    assert!(ping("vm1", "10.61.0.1"));
    assert!(ping("vm2", "10.62.0.1"));
    assert!(ping("vm1", "10.62.0.20"), "routed between the VLANs");
    // Isolation: with an address of vm2's subnet, vm1 asks for vm2 directly (ARP on
    // its own VLAN), and nobody answers: they share no VLAN.
    assert!(in_node(
        "vm1",
        &["ip", "addr", "add", "10.62.0.99/24", "dev", "eth0"]
    ));
    assert!(!in_node(
        "vm1",
        &["ping", "-c", "1", "-W", "1", "-q", "10.62.0.20"]
    ));

    let out = vnet(&host, &state, &["lab", "status", "vlans"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = vnet(&host, &state, &["lab", "down", "vlans"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Nothing left: the host has its lo again, and no lab namespace remains (witnesses:
    // ip -j link, /run/netns). The veths go with their namespaces, asynchronously.
    let only_lo = (0..200).any(|_| {
        let links = host.ip_json(&["link", "show"]);
        if links.as_array().is_some_and(|a| a.len() == 1) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        false
    });
    assert!(only_lo, "{}", host.ip_json(&["link", "show"]));
    let left: Vec<_> = std::fs::read_dir("/run/netns")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("vlans-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let _ = std::fs::remove_dir_all(&state);
}
