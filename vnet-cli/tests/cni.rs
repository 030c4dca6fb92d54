//! Conformance of `vnet-cni` to the CNI specification (1.0.0, and 0.4.0 configurations):
//! every command and error class, run as a runtime runs it (the built binary, the
//! `CNI_*` environment, the configuration on stdin) with the reference `host-local` as
//! IPAM, inside fresh namespaces (the "host" is a namespace too). Kernel state is
//! checked with `ip -j` and `nft -j`. Run under scripts/private-netns.sh.

mod cni_support;

use cni_support::*;
use serde_json::{Value, json};
use vnet_testkit::TestNs;

/// The spec's example bridge configuration (with its plugin-specific `keyA`, which a
/// plugin that does not know it ignores, as the reference does), typed for vnet-cni and
/// given a private lease directory.
fn spec_example(leases: &LeaseDir) -> Value {
    json!({
        "cniVersion": "1.0.0",
        "name": "dbnet",
        "type": "vnet-cni",
        "bridge": "cni0",
        "keyA": ["some more", "plugin specific", "configuration"],
        "ipam": {
            "type": "host-local",
            "subnet": "10.1.0.0/16",
            "gateway": "10.1.0.1",
            "dataDir": leases.path()
        },
        "dns": {"nameservers": ["10.1.0.1"]}
    })
}

/// A gateway configuration with masquerade and one port mapping.
fn gateway_config(leases: &LeaseDir, version: &str) -> Value {
    json!({
        "cniVersion": version,
        "name": "gwnet",
        "type": "vnet-cni",
        "bridge": "cni0",
        "isGateway": true,
        "isDefaultGateway": true,
        "ipMasq": true,
        "hairpinMode": true,
        "ipam": {"type": "host-local", "subnet": "10.33.0.0/24", "dataDir": leases.path()},
        "runtimeConfig": {"portMappings": [
            {"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}
        ]}
    })
}

fn call(host: &TestNs, command: &str, id: &str, netns: Option<&str>, conf: &Value) -> Outcome {
    exec(
        host,
        &vnet_cni(),
        &cni_env(command, id, netns, "eth0"),
        &conf.to_string(),
    )
}

/// The IPv4 addresses of `dev` in `ns` ("10.1.0.2/16").
fn ipv4(ns: &TestNs, dev: &str) -> Vec<String> {
    let v = ns.ip_json(&["-4", "addr", "show", "dev", dev]);
    v[0]["addr_info"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| format!("{}/{}", i["local"].as_str().unwrap(), i["prefixlen"]))
                .collect()
        })
        .unwrap_or_default()
}

fn links(ns: &TestNs) -> Vec<String> {
    let v = ns.ip_json(&["link", "show"]);
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| l["ifname"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn version_lists_the_supported_versions() {
    let host = TestNs::new("cniver");
    let out = exec(&host, &vnet_cni(), &[("CNI_COMMAND", "VERSION")], "");
    let v = out.result();
    let supported: Vec<&str> = v["supportedVersions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        supported.contains(&"1.0.0") && supported.contains(&"0.4.0"),
        "{v}"
    );
    assert_eq!(v["cniVersion"], "1.0.0");
}

#[test]
fn add_then_del_of_the_spec_example() {
    let (host, c1) = (TestNs::new("cnih"), TestNs::new("cnic"));
    let leases = LeaseDir::new("spec");
    let conf = spec_example(&leases);
    let netns = netns_path(&c1);
    let result = call(&host, "ADD", "ctr1", Some(&netns), &conf)
        .result()
        .clone();

    // The result: bridge, host end, container end (with its sandbox); the IP on the
    // container end, with the IPAM's gateway.
    assert_eq!(result["cniVersion"], "1.0.0");
    let interfaces = result["interfaces"].as_array().unwrap();
    assert_eq!(interfaces.len(), 3, "{result}");
    assert_eq!(interfaces[0]["name"], "cni0");
    let host_end = interfaces[1]["name"].as_str().unwrap().to_string();
    assert!(
        host_end.starts_with("veth") && host_end.len() == 12,
        "{host_end}"
    );
    assert_eq!(interfaces[2]["name"], "eth0");
    assert_eq!(interfaces[2]["sandbox"], netns.as_str());
    assert_eq!(
        result["ips"],
        json!([{"interface": 2, "address": "10.1.0.2/16", "gateway": "10.1.0.1"}])
    );

    // The kernel agrees: the address in the container, the MAC as reported, the host
    // end enslaved to cni0; no gateway address on the bridge (isGateway is false).
    assert_eq!(ipv4(&c1, "eth0"), ["10.1.0.2/16"]);
    let inner = c1.link_json("eth0").unwrap();
    assert_eq!(inner["address"], interfaces[2]["mac"]);
    assert_eq!(inner["operstate"], "UP");
    let port = host.link_json(&host_end).unwrap();
    assert_eq!(port["master"], "cni0");
    assert!(ipv4(&host, "cni0").is_empty());
    assert_eq!(leases.leases(), ["10.1.0.2"]);

    // CHECK agrees (no NAT was asked for, and none is there).
    let mut with_prev = conf.clone();
    with_prev["prevResult"] = result.clone();
    let check = call(&host, "CHECK", "ctr1", Some(&netns), &with_prev);
    assert!(check.ok, "{} {}", check.text, check.stderr);
    assert!(nft_tables(&host).is_empty());

    // DEL removes the pair and the lease; a second DEL, and one without a netns,
    // succeed and change nothing.
    assert!(call(&host, "DEL", "ctr1", Some(&netns), &conf).ok);
    assert!(!links(&host).contains(&host_end));
    assert!(!links(&c1).contains(&"eth0".to_string()));
    assert!(leases.leases().is_empty());
    let again = call(&host, "DEL", "ctr1", Some(&netns), &conf);
    assert!(again.ok, "{}", again.text);
    let without_netns = call(&host, "DEL", "ctr1", None, &conf);
    assert!(without_netns.ok, "{}", without_netns.text);
    let gone_netns = call(&host, "DEL", "ctr1", Some("/run/netns/absent-ns"), &conf);
    assert!(gone_netns.ok, "{}", gone_netns.text);
    assert_eq!(links(&host), ["lo", "cni0"]);
}

#[test]
fn del_without_netns_releases_and_removes_the_rules() {
    let (host, c1) = (TestNs::new("cninons"), TestNs::new("cninonc"));
    let leases = LeaseDir::new("nonetns");
    let conf = gateway_config(&leases, "1.0.0");
    let netns = netns_path(&c1);
    let result = call(&host, "ADD", "ctr2", Some(&netns), &conf)
        .result()
        .clone();
    assert_eq!(nft_tables(&host).len(), 1);
    // The runtime lost the namespace: DEL without CNI_NETNS still frees the lease and
    // removes the rules.
    let mut with_prev = conf.clone();
    with_prev["prevResult"] = result;
    assert!(call(&host, "DEL", "ctr2", None, &with_prev).ok);
    assert!(leases.leases().is_empty());
    assert!(nft_tables(&host).is_empty(), "{:?}", nft_tables(&host));
}

#[test]
fn errors_are_the_specs_objects() {
    let (host, c1) = (TestNs::new("cnierr"), TestNs::new("cnierrc"));
    let leases = LeaseDir::new("errors");
    let conf = spec_example(&leases);
    let netns = netns_path(&c1);
    let plugin = vnet_cni();

    // 1: a version this plugin does not speak.
    let mut bad_version = conf.clone();
    bad_version["cniVersion"] = json!("9.9.9");
    let out = call(&host, "ADD", "c", Some(&netns), &bad_version);
    assert_eq!(out.code(), 1, "{}", out.text);
    assert!(out.out["msg"].as_str().unwrap().contains("9.9.9"));

    // 6: malformed JSON, and a field of the wrong type.
    let out = exec(
        &host,
        &plugin,
        &cni_env("ADD", "c", Some(&netns), "eth0"),
        "{\"cniVersion\":",
    );
    assert_eq!(out.code(), 6, "{}", out.text);
    let mut wrong_type = conf.clone();
    wrong_type["isGateway"] = json!("yes");
    assert_eq!(call(&host, "ADD", "c", Some(&netns), &wrong_type).code(), 6);

    // 4: missing CNI_* variables, each named; an unknown command; a bad container id.
    let out = exec(&host, &plugin, &[], &conf.to_string());
    assert_eq!(out.code(), 4);
    assert!(out.out["msg"].as_str().unwrap().contains("CNI_COMMAND"));
    let out = exec(
        &host,
        &plugin,
        &[
            ("CNI_COMMAND", "ADD"),
            ("CNI_CONTAINERID", "c"),
            ("CNI_PATH", "/usr/lib/cni"),
        ],
        &conf.to_string(),
    );
    assert_eq!(out.code(), 4);
    let msg = out.out["msg"].as_str().unwrap();
    assert!(
        msg.contains("CNI_NETNS") && msg.contains("CNI_IFNAME"),
        "{msg}"
    );
    assert_eq!(call(&host, "FROB", "c", Some(&netns), &conf).code(), 4);
    assert_eq!(call(&host, "ADD", "-bad id", Some(&netns), &conf).code(), 4);

    // 3: ADD into a namespace that does not exist; nothing was allocated.
    assert_eq!(
        call(&host, "ADD", "c", Some("/run/netns/absent-ns"), &conf).code(),
        3
    );
    assert!(leases.leases().is_empty());

    // 7: an invalid value, a missing IPAM plugin.
    let mut bad_bridge = conf.clone();
    bad_bridge["bridge"] = json!("a-bridge-name-too-long");
    let out = call(&host, "ADD", "c", Some(&netns), &bad_bridge);
    assert_eq!(out.code(), 7);
    assert!(
        out.out["msg"]
            .as_str()
            .unwrap()
            .contains("a-bridge-name-too-long")
    );
    let mut no_ipam = conf.clone();
    no_ipam["ipam"]["type"] = json!("no-such-ipam");
    assert_eq!(call(&host, "ADD", "c", Some(&netns), &no_ipam).code(), 7);

    // None of it changed the host or the container.
    assert_eq!(links(&host), ["lo"]);
    assert_eq!(links(&c1), ["lo"]);
    assert!(nft_tables(&host).is_empty());
}

#[test]
fn a_failed_add_rolls_back_and_del_after_it_succeeds() {
    let (host, c1) = (TestNs::new("cnifail"), TestNs::new("cnifailc"));
    let leases = LeaseDir::new("failed");
    let conf = gateway_config(&leases, "1.0.0");
    let netns = netns_path(&c1);
    // "cni0" exists and is not a bridge: ADD fails after IPAM allocated an address.
    host.run_ok(
        "ip",
        &[
            "link", "add", "cni0", "type", "veth", "peer", "name", "other0",
        ],
    );
    let out = call(&host, "ADD", "ctr3", Some(&netns), &conf);
    assert_eq!(out.code(), 7, "{}", out.text);
    assert!(out.out["msg"].as_str().unwrap().contains("not a bridge"));
    assert!(leases.leases().is_empty(), "the lease was released");
    assert_eq!(links(&c1), ["lo"]);
    assert!(nft_tables(&host).is_empty());
    // The runtime cleans up with DEL after a failed ADD: it succeeds.
    let del = call(&host, "DEL", "ctr3", Some(&netns), &conf);
    assert!(del.ok, "{}", del.text);
}

#[test]
fn check_passes_then_detects_drift() {
    let (host, c1) = (TestNs::new("cnichk"), TestNs::new("cnichkc"));
    let leases = LeaseDir::new("check");
    let conf = gateway_config(&leases, "1.0.0");
    let netns = netns_path(&c1);
    let result = call(&host, "ADD", "ctr4", Some(&netns), &conf)
        .result()
        .clone();
    let mut with_prev = conf.clone();
    with_prev["prevResult"] = result.clone();

    let ok = call(&host, "CHECK", "ctr4", Some(&netns), &with_prev);
    assert!(ok.ok, "{} {}", ok.text, ok.stderr);
    // CHECK without prevResult is an invalid configuration.
    assert_eq!(call(&host, "CHECK", "ctr4", Some(&netns), &conf).code(), 7);

    // A rule deleted by hand: the NAT differs.
    let table = nft_tables(&host)[0].split(' ').nth(1).unwrap().to_string();
    host.run_ok("nft", &["flush", "chain", "ip", &table, "output"]);
    let out = call(&host, "CHECK", "ctr4", Some(&netns), &with_prev);
    assert_eq!(out.code(), 100, "{}", out.text);
    assert!(out.out["msg"].as_str().unwrap().contains(&table));

    // The default route deleted in the container.
    c1.run_ok("ip", &["route", "del", "default"]);
    let out = call(&host, "CHECK", "ctr4", Some(&netns), &with_prev);
    assert_eq!(out.code(), 100);
    assert!(
        out.out["msg"].as_str().unwrap().contains("0.0.0.0/0"),
        "{}",
        out.text
    );

    // The address gone.
    c1.run_ok("ip", &["addr", "flush", "dev", "eth0"]);
    let out = call(&host, "CHECK", "ctr4", Some(&netns), &with_prev);
    assert_eq!(out.code(), 100);
    assert!(
        out.out["msg"].as_str().unwrap().contains("10.33.0.2/24"),
        "{}",
        out.text
    );
}

/// `macspoofchk`: what the container sends from another source MAC address than its
/// interface's is dropped at its bridge port, before the bridge learns that address;
/// its own address passes (the control, before and after). CHECK notices the check
/// gone; DEL removes it with the NAT.
#[test]
fn macspoofchk_drops_frames_from_another_mac() {
    let (host, c1) = (TestNs::new("cnimac"), TestNs::new("cnimacc"));
    let leases = LeaseDir::new("mac");
    let mut conf = gateway_config(&leases, "1.0.0");
    conf["macspoofchk"] = json!(true);
    let netns = netns_path(&c1);
    let result = call(&host, "ADD", "ctr9", Some(&netns), &conf)
        .result()
        .clone();
    let mac = c1.ip_json(&["link", "show", "dev", "eth0"])[0]["address"]
        .as_str()
        .unwrap()
        .to_string();
    let port = result["interfaces"][1]["name"]
        .as_str()
        .unwrap()
        .to_string();

    // nft shows the check: a bridge table of the attachment beside its NAT table, named
    // alike, whose one rule drops the port's frames from any other source address.
    let tables = nft_tables(&host);
    assert_eq!(tables.len(), 2, "{tables:?}");
    let name = tables[0].split(' ').nth(1).unwrap().to_string();
    assert!(tables.contains(&format!("bridge {name}")), "{tables:?}");
    let listed = host.run_ok("nft", &["list", "table", "bridge", &name]);
    assert!(
        // -300, which nft names dstnat in the bridge family.
        listed.contains("type filter hook prerouting priority dstnat;")
            && listed.contains(&format!("iifname \"{port}\" ether saddr != {mac} drop")),
        "{listed}"
    );

    // Its own address passes; another is dropped: the gateway answers no more, and the
    // bridge never learns the other address on the port.
    assert!(c1.pings_within("10.33.0.1", 3));
    let spoofed = "02:00:00:00:00:99";
    c1.run_ok("ip", &["link", "set", "eth0", "address", spoofed]);
    c1.run_ok("ip", &["neigh", "flush", "dev", "eth0"]);
    match c1.probe("10.33.0.1") {
        vnet_testkit::Probe::NoReply => {}
        other => panic!("from a spoofed MAC: expected no reply, got {other:?}"),
    }
    let fdb = host.run_ok("bridge", &["fdb", "show", "br", "cni0"]);
    assert!(!fdb.contains(spoofed), "{fdb}");
    c1.run_ok("ip", &["link", "set", "eth0", "address", &mac]);
    assert!(c1.pings_within("10.33.0.1", 5));

    // CHECK passes, then fails once the check is gone.
    let mut with_prev = conf.clone();
    with_prev["prevResult"] = result.clone();
    let ok = call(&host, "CHECK", "ctr9", Some(&netns), &with_prev);
    assert!(ok.ok, "{} {}", ok.text, ok.stderr);
    host.run_ok("nft", &["delete", "table", "bridge", &name]);
    let out = call(&host, "CHECK", "ctr9", Some(&netns), &with_prev);
    assert_eq!(out.code(), 100, "{}", out.text);
    assert!(
        out.out["msg"]
            .as_str()
            .unwrap()
            .contains(&format!("table bridge {name}")),
        "{}",
        out.text
    );

    // DEL removes the attachment's tables, this one too when it is there.
    let c2 = TestNs::new("cnimacd");
    let again = call(&host, "ADD", "ctr10", Some(&netns_path(&c2)), &conf);
    assert!(again.ok, "{} {}", again.text, again.stderr);
    assert!(call(&host, "DEL", "ctr9", Some(&netns), &with_prev).ok);
    let left = nft_tables(&host);
    assert_eq!(left.len(), 2, "only ctr10's tables are left: {left:?}");
    assert!(!left.iter().any(|t| t.ends_with(&name)), "{left:?}");
}

#[test]
fn chained_add_appends_to_prev_result() {
    let (host, c1) = (TestNs::new("cnichain"), TestNs::new("cnichainc"));
    let leases = LeaseDir::new("chain");
    let mut conf = spec_example(&leases);
    // A previous plugin made "lo" in the sandbox, with an address.
    conf["prevResult"] = json!({
        "cniVersion": "1.0.0",
        "interfaces": [{"name": "lo", "sandbox": netns_path(&c1)}],
        "ips": [{"interface": 0, "address": "127.0.0.1/8"}],
        "dns": {"nameservers": ["192.0.2.53"]}
    });
    let result = call(&host, "ADD", "ctr6", Some(&netns_path(&c1)), &conf)
        .result()
        .clone();
    let names: Vec<&str> = result["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "lo");
    assert_eq!(names[1..], ["cni0", names[2], "eth0"]);
    assert_eq!(result["ips"][0]["address"], "127.0.0.1/8");
    assert_eq!(
        result["ips"][1],
        json!({"interface": 3, "address": "10.1.0.2/16", "gateway": "10.1.0.1"})
    );
    assert_eq!(result["dns"]["nameservers"], json!(["192.0.2.53"]));
}

#[test]
fn a_0_4_0_configuration_gets_a_0_4_0_result() {
    let (host, c1) = (TestNs::new("cni040"), TestNs::new("cni040c"));
    let leases = LeaseDir::new("v040");
    let conf = gateway_config(&leases, "0.4.0");
    let result = call(&host, "ADD", "ctr7", Some(&netns_path(&c1)), &conf)
        .result()
        .clone();
    assert_eq!(result["cniVersion"], "0.4.0");
    assert_eq!(result["ips"][0]["version"], "4");
    assert_eq!(result["ips"][0]["gateway"], "10.33.0.1");
    assert_eq!(
        result["routes"],
        json!([{"dst": "0.0.0.0/0", "gw": "10.33.0.1"}])
    );
    // The bridge is the gateway and the container reaches it.
    assert_eq!(ipv4(&host, "cni0"), ["10.33.0.1/24"]);
    assert!(c1.pings_within("10.33.0.1", 3));
}

#[test]
fn two_containers_del_removes_only_its_own_rules() {
    let host = TestNs::new("cnitwo");
    let (c1, c2) = (TestNs::new("cnitwo1"), TestNs::new("cnitwo2"));
    let leases = LeaseDir::new("two");
    let mut conf1 = gateway_config(&leases, "1.0.0");
    let mut conf2 = conf1.clone();
    conf2["runtimeConfig"]["portMappings"] =
        json!([{"hostPort": 9090, "containerPort": 90, "protocol": "udp"}]);
    let r1 = call(&host, "ADD", "ctr-a", Some(&netns_path(&c1)), &conf1)
        .result()
        .clone();
    let r2 = call(&host, "ADD", "ctr-b", Some(&netns_path(&c2)), &conf2)
        .result()
        .clone();
    let tables = nft_tables(&host);
    assert_eq!(tables.len(), 2, "{tables:?}");
    assert!(
        tables.iter().any(|t| t.contains("ctr-a")) && tables.iter().any(|t| t.contains("ctr-b"))
    );
    let rules_of = |id: &str| {
        nft_rules(&host)
            .into_iter()
            .filter(|(t, _)| t.contains(id))
            .map(|(_, r)| r)
            .collect::<Vec<_>>()
    };
    let rules_b = rules_of("ctr-b");
    assert!(rules_b.iter().any(|r| r.contains("9090")), "{rules_b:?}");
    // Both containers reach each other over the bridge.
    assert!(c1.pings_within("10.33.0.3", 3));

    conf1["prevResult"] = r1;
    assert!(call(&host, "DEL", "ctr-a", Some(&netns_path(&c1)), &conf1).ok);
    let tables = nft_tables(&host);
    assert_eq!(tables.len(), 1, "{tables:?}");
    assert!(tables[0].contains("ctr-b"));
    assert_eq!(
        rules_of("ctr-b"),
        rules_b,
        "the other container's rules are untouched"
    );
    assert!(rules_of("ctr-a").is_empty());
    assert_eq!(leases.leases(), ["10.33.0.3"]);

    conf2["prevResult"] = r2;
    assert!(call(&host, "DEL", "ctr-b", Some(&netns_path(&c2)), &conf2).ok);
    assert!(nft_tables(&host).is_empty());
    assert!(leases.leases().is_empty());
}

#[test]
fn a_repeated_add_fails_and_leaves_the_attachment_alone() {
    let (host, c1) = (TestNs::new("cnirep"), TestNs::new("cnirepc"));
    let leases = LeaseDir::new("repeat");
    let conf = gateway_config(&leases, "1.0.0");
    let netns = netns_path(&c1);
    call(&host, "ADD", "ctr8", Some(&netns), &conf).result();
    let tables = nft_tables(&host);
    let out = call(&host, "ADD", "ctr8", Some(&netns), &conf);
    assert_eq!(out.code(), 7, "{}", out.text);
    assert!(out.out["msg"].as_str().unwrap().contains("already exists"));
    assert_eq!(ipv4(&c1, "eth0"), ["10.33.0.2/24"]);
    assert_eq!(leases.leases(), ["10.33.0.2"]);
    assert_eq!(nft_tables(&host), tables);
    assert!(c1.pings_within("10.33.0.1", 3));
}

/// Lines of `conntrack -L -p PROTO` in `ns` that contain every one of `words`.
fn flows(ns: &TestNs, proto: &str, words: &[&str]) -> usize {
    let out = ns.exec("conntrack", &["-L", "-p", proto]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| words.iter().all(|w| l.contains(w)))
        .count()
}

#[test]
fn del_flushes_exactly_the_flows_of_its_mappings() {
    let host = TestNs::new("cnict");
    let (c1, c2) = (TestNs::new("cnict1"), TestNs::new("cnict2"));
    let leases = LeaseDir::new("conntrack");
    let mut conf1 = gateway_config(&leases, "1.0.0");
    let mut conf2 = conf1.clone();
    conf2["runtimeConfig"]["portMappings"] = json!([]);
    let r1 = call(&host, "ADD", "ctr-c", Some(&netns_path(&c1)), &conf1)
        .result()
        .clone();
    call(&host, "ADD", "ctr-d", Some(&netns_path(&c2)), &conf2).result();
    serve(&c1, 80, "c1");
    // The host opens a connection to its own bridge address's mapped port (output
    // DNAT to the first container), and pings the second container.
    let answer = connect(&host, "10.33.0.1:8080");
    assert_eq!(answer.as_deref(), Some("hello from c1, you are 10.33.0.1"));
    assert!(host.ping("10.33.0.3"));
    assert_eq!(flows(&host, "tcp", &["dport=8080", "src=10.33.0.2"]), 1);
    assert_eq!(flows(&host, "icmp", &["dst=10.33.0.3"]), 1);

    conf1["prevResult"] = r1;
    assert!(call(&host, "DEL", "ctr-c", Some(&netns_path(&c1)), &conf1).ok);
    assert_eq!(
        flows(&host, "tcp", &["dport=8080"]),
        0,
        "the mapped flow is gone"
    );
    assert_eq!(
        flows(&host, "icmp", &["dst=10.33.0.3"]),
        1,
        "the other flow stays"
    );
}

#[test]
fn force_address_replaces_another_bridge_address() {
    let (host, c1) = (TestNs::new("cniforce"), TestNs::new("cniforcec"));
    let leases = LeaseDir::new("force");
    let mut conf = gateway_config(&leases, "1.0.0");
    host.run_ok("ip", &["link", "add", "cni0", "type", "bridge"]);
    host.run_ok("ip", &["addr", "add", "10.99.0.1/24", "dev", "cni0"]);
    let out = call(&host, "ADD", "ctr9", Some(&netns_path(&c1)), &conf);
    assert_eq!(out.code(), 7, "{}", out.text);
    assert!(
        out.out["msg"]
            .as_str()
            .unwrap()
            .contains("already has an IP address")
    );
    assert_eq!(ipv4(&host, "cni0"), ["10.99.0.1/24"]);
    assert!(leases.leases().is_empty());
    assert_eq!(links(&c1), ["lo"]);

    conf["forceAddress"] = json!(true);
    call(&host, "ADD", "ctr9", Some(&netns_path(&c1)), &conf).result();
    assert_eq!(ipv4(&host, "cni0"), ["10.33.0.1/24"]);
    assert!(c1.pings_within("10.33.0.1", 3));
}

#[test]
fn gc_removes_the_rules_of_attachments_no_longer_valid() {
    let host = TestNs::new("cnigc");
    let (c1, c2) = (TestNs::new("cnigc1"), TestNs::new("cnigc2"));
    let leases = LeaseDir::new("gc");
    // The attachments are made at 1.0.0 (host-local 1.1.1 speaks no 1.1.0); the
    // runtime collects at 1.1.0.
    let add = gateway_config(&leases, "1.0.0");
    call(&host, "ADD", "ctr-keep", Some(&netns_path(&c1)), &add).result();
    call(&host, "ADD", "ctr-gone", Some(&netns_path(&c2)), &add).result();
    let mut conf = gateway_config(&leases, "1.1.0");
    // A table of another owner with the same prefix is left alone.
    host.run_ok("nft", &["add", "table", "ip", "vnet-cni-someone-else"]);
    assert_eq!(nft_tables(&host).len(), 3);

    conf["cni.dev/valid-attachments"] = json!([{"containerID": "ctr-keep", "ifname": "eth0"}]);
    let out = exec(
        &host,
        &vnet_cni(),
        &[("CNI_COMMAND", "GC"), ("CNI_PATH", "/usr/lib/cni")],
        &conf.to_string(),
    );
    assert!(out.ok, "{} {}", out.text, out.stderr);
    let tables = nft_tables(&host);
    assert_eq!(tables.len(), 2, "{tables:?}");
    assert!(tables.iter().any(|t| t.contains("ctr-keep")), "{tables:?}");
    assert!(
        tables.iter().any(|t| t.contains("someone-else")),
        "{tables:?}"
    );
    // The kept container's mapping still works.
    serve(&c1, 80, "c1");
    assert_eq!(
        connect(&host, "10.33.0.1:8080").as_deref(),
        Some("hello from c1, you are 10.33.0.1")
    );
}

#[test]
fn status_reports_readiness() {
    let host = TestNs::new("cnistatus");
    let leases = LeaseDir::new("status");
    let mut conf = gateway_config(&leases, "1.1.0");
    let status = |conf: &Value| {
        exec(
            &host,
            &vnet_cni(),
            &[("CNI_COMMAND", "STATUS"), ("CNI_PATH", "/usr/lib/cni")],
            &conf.to_string(),
        )
    };
    let out = status(&conf);
    assert!(out.ok, "{} {}", out.text, out.stderr);
    assert_eq!(out.text, "");
    conf["ipam"]["type"] = json!("no-such-ipam");
    let out = status(&conf);
    assert_eq!(out.code(), 50, "{}", out.text);
    assert!(
        out.out["details"]
            .as_str()
            .unwrap()
            .contains("no-such-ipam")
    );
}

#[test]
fn vlan_is_the_ports_pvid_or_the_kernels_refusal() {
    let (host, c1) = (TestNs::new("cnivlan"), TestNs::new("cnivlanc"));
    let leases = LeaseDir::new("vlan");
    let mut conf = spec_example(&leases);
    conf["vlan"] = json!(100);
    // Does this kernel filter VLANs on bridges? (Not the Firecracker kernel of the
    // development machines; Debian's stock kernel does.)
    let probe = host.exec(
        "ip",
        &[
            "link",
            "add",
            "probe0",
            "type",
            "bridge",
            "vlan_filtering",
            "1",
        ],
    );
    let filtering = probe.status.success();
    if filtering {
        host.run_ok("ip", &["link", "del", "probe0"]);
    }
    let out = call(&host, "ADD", "ctr10", Some(&netns_path(&c1)), &conf);
    if filtering {
        let result = out.result();
        let port = result["interfaces"][1]["name"].as_str().unwrap();
        let vlans = host.bridge_json(&["vlan", "show", "dev", port]).to_string();
        assert!(vlans.contains(r#""vlan":100"#), "{vlans}");
        assert!(
            vlans.contains("PVID") && vlans.contains("Egress Untagged"),
            "{vlans}"
        );
    } else {
        assert_eq!(out.code(), 5, "{}", out.text);
        assert!(
            out.out["msg"].as_str().unwrap().contains("cni0"),
            "{}",
            out.text
        );
        assert_eq!(links(&host), ["lo"]);
        assert_eq!(links(&c1), ["lo"]);
        assert!(leases.leases().is_empty());
    }
}
