//! Tun/tap devices through the library, each test in fresh namespaces, witnessed by
//! `ip -d -j link show`, `ip tuntap show`, `ip -j neigh` and real traffic (a tun
//! answering pings, a tap exchanging ARP with a namespace across a bridge), and by
//! unprivileged processes that may or may not attach.

use vnet_testkit::*;

use std::io::{ErrorKind, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vnet::{Bridge, Error, TunMode, TunStep, TunTap, Veth};

/// `info_data` of `ip -d -j link show DEV` in `ns`.
fn info_data(ns: &TestNs, dev: &str) -> serde_json::Value {
    let link = ns.link_json(dev).unwrap_or_else(|| panic!("{dev} missing"));
    assert_eq!(link["linkinfo"]["info_kind"], "tun", "{link}");
    link["linkinfo"]["info_data"].clone()
}

/// `ip -n NS tuntap show`, one line per device.
fn ip_tuntap_show(ns: &TestNs) -> String {
    let out = Command::new("ip")
        .args(["-n", &ns.name, "tuntap", "show"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn add_persistent_tap_with_owner_and_group() {
    let ns = TestNs::new("tapadd");
    let tap = TunTap::tap(ifname("tap0")).owner(1000).group(100);
    let name = ns.handle.tuntap().add(&tap).unwrap();
    assert_eq!(name, "tap0");
    let data = info_data(&ns, "tap0");
    assert_eq!(data["type"], "tap");
    assert_eq!(data["persist"], true);
    assert_eq!(data["pi"], false);
    assert_eq!(data["vnet_hdr"], false);
    assert_eq!(data["multi_queue"], false);
    assert_eq!(
        ip_tuntap_show(&ns),
        "tap0: tap persist user 1000 group 100\n"
    );
    // The device outlived the fd that made it, and is down like any new device.
    let link = ns.link_json("tap0").unwrap();
    assert_eq!(link["operstate"], "DOWN");
}

#[test]
fn tun_with_packet_info_multi_queue_and_vnet_hdr() {
    let ns = TestNs::new("tunflags");
    let tun = TunTap::tun(ifname("vpn0"))
        .packet_info(true)
        .multi_queue(true)
        .vnet_hdr(true);
    ns.handle.tuntap().add(&tun).unwrap();
    let data = info_data(&ns, "vpn0");
    assert_eq!(data["type"], "tun");
    assert_eq!(data["pi"], true);
    assert_eq!(data["multi_queue"], true);
    assert_eq!(data["vnet_hdr"], true);
    assert_eq!(data["persist"], true);
    assert!(data.get("user").is_none(), "{data}");
    // What vnet reads back prints exactly like `ip tuntap show`.
    let ours: String = ns
        .handle
        .tuntap()
        .list()
        .unwrap()
        .iter()
        .map(|info| format!("{info}\n"))
        .collect();
    assert_eq!(ours, ip_tuntap_show(&ns));
}

#[test]
fn get_and_list_match_iproute2() {
    let ns = TestNs::new("tuninfo");
    let h = ns.handle.tuntap();
    h.add(&TunTap::tap(ifname("t1")).owner(7)).unwrap();
    h.add(&TunTap::tun(ifname("t2")).group(8).packet_info(true))
        .unwrap();
    h.add(&TunTap::tap(ifname("t3")).multi_queue(true).vnet_hdr(true))
        .unwrap();
    // A veth is not a tun/tap device and is left out.
    ns.handle
        .link()
        .add(&Veth::new(ifname("v0"), ifname("v1")))
        .unwrap();
    let listed = h.list().unwrap();
    assert_eq!(listed.len(), 3);
    let ours: String = listed.iter().map(|i| format!("{i}\n")).collect();
    assert_eq!(ours, ip_tuntap_show(&ns));

    let t1 = h.get(&ifname("t1")).unwrap();
    assert_eq!(t1.mode, TunMode::Tap);
    assert_eq!(t1.owner, Some(7));
    assert_eq!(t1.group, None);
    assert!(t1.persistent);
    let t3 = h.get(&ifname("t3")).unwrap();
    assert!(t3.multi_queue && t3.vnet_hdr);
    assert_eq!(t3.queues, Some(0));
    let e = h.get(&ifname("v0")).unwrap_err().to_string();
    assert_eq!(
        e,
        "invalid tun/tap device 'v0': it is a veth device, not tun/tap"
    );
}

#[test]
fn templates_and_kernel_chosen_names() {
    let ns = TestNs::new("tuntmpl");
    let h = ns.handle.tuntap();
    let a = h.add(&TunTap::tap(ifname("vmtap%d"))).unwrap();
    let b = h.add(&TunTap::tap(ifname("vmtap%d"))).unwrap();
    let c = h.add(&TunTap::new(TunMode::Tun)).unwrap();
    assert_eq!(
        (a.to_str(), b.to_str(), c.to_str()),
        (Some("vmtap0"), Some("vmtap1"), Some("tun0"))
    );
    for dev in ["vmtap0", "vmtap1", "tun0"] {
        assert!(ns.link_json(dev).is_some(), "{dev} missing");
    }
}

#[test]
fn add_refuses_an_existing_name_and_changes_nothing() {
    let ns = TestNs::new("tunexist");
    let h = ns.handle.tuntap();
    h.add(&TunTap::tap(ifname("tap0")).owner(5)).unwrap();
    let e = h.add(&TunTap::tap(ifname("tap0")).owner(6)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "creating tap 'tap0': TUNSETIFF: Device or resource busy \
         (a device named 'tap0' already exists)"
    );
    assert!(matches!(
        e,
        Error::TunTap {
            step: TunStep::SetIff,
            ..
        }
    ));
    assert_eq!(ip_tuntap_show(&ns), "tap0: tap persist user 5\n");
    // Not a tun device at all: refused the same way, and lo is untouched.
    let e = h.add(&TunTap::tap(ifname("lo"))).unwrap_err().to_string();
    assert!(e.contains("a device named 'lo' already exists"), "{e}");
    assert!(ns.link_json("lo").unwrap().get("linkinfo").is_none());
}

#[test]
fn bad_input_is_refused_before_the_kernel_sees_it() {
    for bad in ["a/b", "a:b", "tap%s", "way-too-long-name", "a b"] {
        let e = vnet::IfName::new(bad).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("invalid interface name '{bad}'")),
            "{e}"
        );
    }
    let ns = TestNs::new("tunbad");
    let h = ns.handle.tuntap();
    let e = h
        .open_queues(&TunTap::tap(ifname("q0")), 2)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "invalid tun/tap spec 'tap 'q0'': several queues need multi_queue(true)"
    );
    let e = h
        .add(&TunTap::tap(ifname("tap0")).clone_device("/nonexistent/tun"))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "creating tap 'tap0': opening /nonexistent/tun: No such file or directory"
    );
    assert_eq!(e.errno(), 2, "ENOENT");
    assert_eq!(ip_tuntap_show(&ns), "");
}

#[test]
fn attaching_with_the_wrong_mode_says_why() {
    let ns = TestNs::new("tunmode");
    let h = ns.handle.tuntap();
    h.add(&TunTap::tun(ifname("tun0"))).unwrap();
    let e = h
        .open(&TunTap::tap(ifname("tun0")))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "opening tap 'tun0': TUNSETIFF: Invalid argument ('tun0' exists as a tun device)"
    );
    let e = h
        .open(&TunTap::tun(ifname("tun0")).multi_queue(true))
        .unwrap_err()
        .to_string();
    assert!(e.ends_with("('tun0' exists without multi_queue)"), "{e}");
}

#[test]
fn open_makes_a_device_that_lives_as_long_as_its_fd() {
    let ns = TestNs::new("tunopen");
    let h = ns.handle.tuntap();
    let tap = h.open(&TunTap::tap(ifname("tap0"))).unwrap();
    assert_eq!(*tap.name(), "tap0");
    assert_eq!(info_data(&ns, "tap0")["persist"], false);
    assert!(!tap.is_persistent().unwrap());
    drop(tap);
    assert!(ns.link_json("tap0").is_none(), "tap0 outlived its fd");

    // A persistent device opened, closed, and opened again by another fd.
    let tap = h
        .open(&TunTap::tap(ifname("tap1")).persistent(true))
        .unwrap();
    assert!(tap.is_persistent().unwrap());
    drop(tap);
    assert_eq!(info_data(&ns, "tap1")["persist"], true);
    let again = h.open(&TunTap::tap(ifname("tap1"))).unwrap();
    assert_eq!(*again.name(), "tap1");
    // While it is held, it cannot be attached a second time, nor deleted.
    let e = h
        .open(&TunTap::tap(ifname("tap1")))
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("('tap1' is in use: a process has it open)"),
        "{e}"
    );
    let e = h.delete(&ifname("tap1")).unwrap_err().to_string();
    assert_eq!(
        e,
        "deleting tun/tap device 'tap1': TUNSETIFF: Device or resource busy \
         ('tap1' is in use: a process has it open)"
    );
    drop(again);
    h.delete(&ifname("tap1")).unwrap();
    assert!(ns.link_json("tap1").is_none());
}

#[test]
fn delete_one_device_and_refuse_others() {
    let ns = TestNs::new("tundel");
    let h = ns.handle.tuntap();
    h.add(&TunTap::tap(ifname("tap0"))).unwrap();
    h.add(
        &TunTap::tun(ifname("tun0"))
            .multi_queue(true)
            .packet_info(true),
    )
    .unwrap();
    h.delete(&ifname("tap0")).unwrap();
    // The mode and flags are read from the device: no need to repeat them.
    h.delete(&ifname("tun0")).unwrap();
    assert_eq!(ip_tuntap_show(&ns), "");
    let e = h.delete(&ifname("tap0")).unwrap_err().to_string();
    assert_eq!(e, "deleting tun/tap device 'tap0': link 'tap0' not found");
    let e = h.delete(&ifname("lo")).unwrap_err().to_string();
    assert!(e.contains("not tun/tap"), "{e}");
    assert!(ns.link_json("lo").is_some());
}

#[test]
fn bulk_teardown_by_link_group_in_one_request() {
    let ns = TestNs::new("tungroup");
    let h = ns.handle.tuntap();
    let specs: Vec<TunTap> = (0..20)
        .map(|i| TunTap::tap(ifname(&format!("tap{i}"))).link_group(42))
        .collect();
    let names = h.add_many(&specs).unwrap();
    assert_eq!(names.len(), 20);
    // iproute2's JSON has an empty object for each link the group filter drops.
    let links = ns.ip_json(&["link", "show", "group", "42"]);
    let in_group = links
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["ifname"].is_string());
    assert_eq!(in_group.count(), 20);
    ns.handle.link().delete_group(42).unwrap();
    assert_eq!(ip_tuntap_show(&ns), "");
}

#[test]
fn add_many_rolls_back_when_one_fails() {
    let ns = TestNs::new("tunmany");
    let h = ns.handle.tuntap();
    h.add(&TunTap::tap(ifname("taken"))).unwrap();
    let specs = [
        TunTap::tap(ifname("new0")),
        TunTap::tap(ifname("new1")),
        TunTap::tap(ifname("taken")),
    ];
    let e = h.add_many(&specs).unwrap_err().to_string();
    assert!(
        e.starts_with("creating tap 'taken' (device 3 of 3): TUNSETIFF: Device or resource busy"),
        "{e}"
    );
    // The devices made before the failure were never persistent: they go when their fd
    // closes. A process another test thread forks at that moment holds a copy of the fd
    // until it execs (close-on-exec), so give the kernel that long.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while ip_tuntap_show(&ns) != "taken: tap persist\n" && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(ip_tuntap_show(&ns), "taken: tap persist\n");
}

#[test]
fn multi_queue_queues_each_have_an_fd() {
    let ns = TestNs::new("tunmq");
    let h = ns.handle.tuntap();
    let spec = TunTap::tap(ifname("mq%d")).multi_queue(true);
    let queues = h.open_queues(&spec, 4).unwrap();
    assert_eq!(queues.len(), 4);
    assert!(queues.iter().all(|q| q.name() == "mq0" && q.multi_queue()));
    let info = h.get(&ifname("mq0")).unwrap();
    assert_eq!((info.queues, info.disabled_queues), (Some(4), Some(0)));
    queues[3].set_queue_enabled(false).unwrap();
    let data = info_data(&ns, "mq0");
    assert_eq!(
        (data["numqueues"].as_u64(), data["numdisabled"].as_u64()),
        (Some(3), Some(1))
    );
    drop(queues);
    assert!(ns.link_json("mq0").is_none());
}

#[test]
fn nonblocking_read_reports_would_block() {
    let ns = TestNs::new("tunnb");
    let mut tun = ns
        .handle
        .tuntap()
        .open(&TunTap::tun(ifname("tun0")))
        .unwrap();
    tun.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 2048];
    let e = tun.read(&mut buf).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WouldBlock);
}

/// The tun responder example answers `ping -c 3` for 10.9.0.2 in a fresh namespace.
#[test]
fn tun_responder_example_answers_pings() {
    let ns = TestNs::new("tunping");
    let mut responder = Command::new("ip")
        .args(["netns", "exec", &ns.name])
        .arg(example("tun_responder"))
        .args(["--count", "3"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for "ready" so the pings do not race the device's creation.
    let mut stdout = responder.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"\n") && stdout.read(&mut byte).unwrap() == 1 {
        seen.push(byte[0]);
    }
    assert!(
        seen.starts_with(b"ready"),
        "{}",
        String::from_utf8_lossy(&seen)
    );
    let ping = ns.exec("ping", &["-c", "3", "-i", "0.2", "-W", "2", "10.9.0.2"]);
    let status = responder.wait().unwrap();
    assert!(
        ping.status.success(),
        "{}",
        String::from_utf8_lossy(&ping.stdout)
    );
    assert!(String::from_utf8_lossy(&ping.stdout).contains("3 received"));
    assert!(status.success());
    // Not persistent: the device left with the program.
    assert!(ns.link_json("tun0").is_none());
}

/// Builds an ARP request (who has `target`? tell `sender` at `mac`) as an Ethernet frame.
fn arp_request(mac: [u8; 6], sender: [u8; 4], target: [u8; 4]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(42);
    frame.extend_from_slice(&[0xff; 6]);
    frame.extend_from_slice(&mac);
    frame.extend_from_slice(&[0x08, 0x06]); // ARP
    frame.extend_from_slice(&[0, 1, 8, 0, 6, 4, 0, 1]); // Ethernet/IPv4, request
    frame.extend_from_slice(&mac);
    frame.extend_from_slice(&sender);
    frame.extend_from_slice(&[0; 6]);
    frame.extend_from_slice(&target);
    frame
}

/// A frame written to a tap in a bridge reaches a namespace behind a veth on that
/// bridge, and its answer comes back out of the tap's fd.
#[test]
fn tap_in_a_bridge_exchanges_arp_with_a_namespace() {
    let host = TestNs::new("taphost");
    let vm = TestNs::new("tapvm");
    let br0 = ifname("br0");
    host.handle
        .link()
        .add(&Bridge::new(br0.clone()).up())
        .unwrap();
    let mut tap = host
        .handle
        .tuntap()
        .open(&TunTap::tap(ifname("tap0")))
        .unwrap();
    host.handle
        .link()
        .set(tap.name(), &vnet::LinkChange::new().master(&br0).up())
        .unwrap();
    host.handle
        .link()
        .add(
            &Veth::new(ifname("vm-veth"), ifname("eth0"))
                .peer_netns(&vm.netns)
                .master(&br0)
                .up(),
        )
        .unwrap();
    vm.handle.link().up(ifname("eth0")).unwrap();
    vm.handle
        .addr()
        .add(ifname("eth0"), "10.0.0.2/24".parse().unwrap())
        .unwrap();

    let mac = [0x02, 0, 0, 0, 0, 0x01];
    tap.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut frame = vec![0u8; 2048];
    let reply = 'outer: loop {
        // The bridge port may still be settling: ask again every 200 ms.
        tap.write_all(&arp_request(mac, [10, 0, 0, 1], [10, 0, 0, 2]))
            .unwrap();
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_millis(200) {
            match tap.read(&mut frame) {
                Ok(n) => {
                    let f = &frame[..n];
                    // An ARP reply to us, from 10.0.0.2.
                    if n >= 42 && f[0..6] == mac && f[12..14] == [8, 6] && f[21] == 2 {
                        assert_eq!(&f[28..32], &[10, 0, 0, 2]);
                        break 'outer f.to_vec();
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                Err(e) => panic!("reading the tap: {e}"),
            }
        }
        assert!(
            Instant::now() < deadline,
            "no ARP reply came out of the tap"
        );
    };
    // The reply's sender MAC is the VM's eth0, as iproute2 sees it.
    let vm_mac = vm.link_json("eth0").unwrap()["address"]
        .as_str()
        .unwrap()
        .to_string();
    let sender: Vec<String> = reply[22..28].iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(sender.join(":"), vm_mac);
    // And the VM learned our address from the request that crossed the bridge.
    let neigh = vm.ip_json(&["neigh", "show", "dev", "eth0"]);
    let learned = neigh
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["dst"] == "10.0.0.1" && n["lladdr"] == "02:00:00:00:00:01");
    assert!(learned, "{neigh}");
}

/// Runs `program args` in `ns` as `uid`/`gid` (and extra `groups`), with a 0666
/// `/dev/net/tun` in a private mount namespace (it is 0600 on this machine).
fn run_unprivileged(
    ns: &TestNs,
    uid: u32,
    gid: u32,
    groups: &str,
    argv: &[&str],
) -> std::process::Output {
    let groups = if groups.is_empty() {
        "--clear-groups".to_string()
    } else {
        format!("--groups={groups}")
    };
    let script = format!(
        "mount -t tmpfs vnet-tun /dev/net && mknod -m 0666 /dev/net/tun c 10 200 && \
         exec setpriv --reuid={uid} --regid={gid} {groups} \"$@\""
    );
    Command::new("ip")
        .args([
            "netns", "exec", &ns.name, "unshare", "--mount", "sh", "-c", &script, "sh",
        ])
        .args(argv)
        .output()
        .unwrap()
}

#[test]
fn owner_may_attach_and_others_may_not() {
    let ns = TestNs::new("tunowner");
    ns.handle
        .tuntap()
        .add(&TunTap::tap(ifname("uml0")).owner(12345))
        .unwrap();
    let attach = example("tap_attach");
    let attach = attach.to_str().unwrap();
    let ok = run_unprivileged(&ns, 12345, 12345, "", &[attach, "uml0"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&ok.stdout),
        "attached to tap 'uml0' as uid 12345: flags 0x1802 (tap, no packet info, persistent)\n"
    );
    let refused = run_unprivileged(&ns, 12346, 12346, "", &[attach, "uml0"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .starts_with("tap_attach: opening tap 'uml0': TUNSETIFF: Operation not permitted"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    // Nobody unprivileged may create one.
    let create = run_unprivileged(&ns, 12345, 12345, "", &[attach, "other0"]);
    assert_eq!(create.status.code(), Some(1));
    assert!(ns.link_json("other0").is_none());
}

#[test]
fn group_members_may_attach_and_others_may_not() {
    let ns = TestNs::new("tungrp");
    ns.handle
        .tuntap()
        .add(&TunTap::tap(ifname("kvm0")).group(23456))
        .unwrap();
    let attach = example("tap_attach");
    let attach = attach.to_str().unwrap();
    // In the group as a supplementary group, and as the primary group.
    let member = run_unprivileged(&ns, 12347, 12347, "23456", &[attach, "kvm0"]);
    assert!(
        member.status.success(),
        "{}",
        String::from_utf8_lossy(&member.stderr)
    );
    let primary = run_unprivileged(&ns, 12348, 23456, "", &[attach, "kvm0"]);
    assert!(
        primary.status.success(),
        "{}",
        String::from_utf8_lossy(&primary.stderr)
    );
    let outsider = run_unprivileged(&ns, 12349, 12349, "", &[attach, "kvm0"]);
    assert_eq!(outsider.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&outsider.stderr).contains("Operation not permitted"));
}
