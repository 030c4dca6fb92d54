//! End-to-end topologies from Linux networking courses, proven with real pings.

use vnet::{Bridge, Handle, LinkChange, Veth};
use vnet_testkit::*;

/// `ip netns add vm1`; a veth pair ext0/int0; int0 moved into vm1 and renamed eth0
/// there; lo up; addresses on both ends; ping both ways.
#[test]
fn course_recipe_veth_into_a_namespace_renamed_eth0() {
    let host = TestNs::new("chost"); // stands in for the host: tests never touch the real one
    let vm1 = TestNs::new("cvm1");
    let links = host.handle.link();
    links
        .add(&Veth::new(ifname("ext0"), ifname("int0")))
        .unwrap();
    links
        .set(
            ifname("int0"),
            &LinkChange::new().netns(&vm1.netns).name(ifname("eth0")),
        )
        .unwrap();
    links.up(ifname("ext0")).unwrap();
    host.handle
        .addr()
        .add(ifname("ext0"), "10.0.0.1/24".parse().unwrap())
        .unwrap();
    let vm = Handle::new(&vm1.netns).unwrap();
    vm.link().up(ifname("lo")).unwrap();
    vm.link().up(ifname("eth0")).unwrap();
    vm.addr()
        .add(ifname("eth0"), "10.0.0.2/24".parse().unwrap())
        .unwrap();

    assert_eq!(
        addresses(&vm1, "eth0").first().map(String::as_str),
        Some("10.0.0.2/24")
    );
    assert!(host.ping("10.0.0.2"), "host -> vm1");
    assert!(vm1.ping("10.0.0.1"), "vm1 -> host");
    assert!(vm1.ping("127.0.0.1"), "lo is up in vm1");
}

/// A bridge with an address and three "VM" namespaces on it: they ping each other and
/// the bridge; a fourth namespace on a second bridge of the same host, with an address
/// in their subnet, cannot reach them until its port moves into their bridge.
#[test]
fn bridge_with_three_vms_and_an_outsider() {
    let host = TestNs::new("bhost");
    host.handle
        .link()
        .add(&Bridge::new(ifname("br0")).up())
        .unwrap();
    host.handle
        .addr()
        .add(ifname("br0"), "10.1.0.254/24".parse().unwrap())
        .unwrap();

    let vms: Vec<TestNs> = (1..=3).map(|i| TestNs::new(&format!("bvm{i}"))).collect();
    for (i, vm) in vms.iter().enumerate() {
        let veth = Veth::new(ifname(&format!("tap{}", i + 1)), ifname("eth0"))
            .peer_netns(&vm.netns)
            .master(ifname("br0"))
            .up();
        host.handle.link().add(&veth).unwrap();
        vm.handle.link().up(ifname("eth0")).unwrap();
        vm.handle
            .addr()
            .add(
                ifname("eth0"),
                format!("10.1.0.{}/24", i + 1).parse().unwrap(),
            )
            .unwrap();
    }
    // The outsider has an address in the same subnet, on a second bridge of the same
    // host, which it shares with a control machine: only the bridges keep it apart.
    host.handle
        .link()
        .add(&Bridge::new(ifname("br1")).up())
        .unwrap();
    let outsider = TestNs::new("bout");
    let control = TestNs::new("bctl");
    for (ns, port, addr) in [
        (&outsider, "out1", "10.1.0.99/24"),
        (&control, "ctl1", "10.1.0.98/24"),
    ] {
        let veth = Veth::new(ifname(port), ifname("eth0"))
            .peer_netns(&ns.netns)
            .master(ifname("br1"))
            .up();
        host.handle.link().add(&veth).unwrap();
        ns.handle.link().up(ifname("eth0")).unwrap();
        ns.handle
            .addr()
            .add(ifname("eth0"), addr.parse().unwrap())
            .unwrap();
    }

    // Witness: the bridge has exactly the three ports.
    let ports = host.ip_json(&["link", "show", "master", "br0"]);
    let mut names: Vec<&str> = ports
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ifname"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["tap1", "tap2", "tap3"]);

    for (i, vm) in vms.iter().enumerate() {
        assert!(vm.ping("10.1.0.254"), "vm{} -> bridge", i + 1);
        for j in 1..=3 {
            if j != i + 1 {
                assert!(vm.ping(&format!("10.1.0.{j}")), "vm{} -> vm{j}", i + 1);
            }
        }
    }
    assert!(host.ping("10.1.0.3"), "bridge -> vm3");
    // The outsider's pings leave on br1 (the control there answers) and never reach
    // br0's segment.
    for j in 1..=3 {
        outsider.assert_no_reply(&format!("10.1.0.{j}"), "10.1.0.98");
    }
    // Its port moved into br0, the same outsider reaches the VMs.
    host.handle
        .link()
        .set(ifname("out1"), &LinkChange::new().master(ifname("br0")))
        .unwrap();
    assert!(
        outsider.pings_within("10.1.0.1", 5),
        "outsider on br0 -> vm1"
    );
}
