//! Differential tests of `vip` against Debian's `ip` (iproute2 6.1).
//!
//! Each case is a transcript of `ip` command lines, run twice, each time in a fresh
//! network and mount namespace with a private `/run/netns` (`unshare --net --mount`,
//! a tmpfs on /run/netns): once with Debian's `ip` (the file iproute2 installed, checked against its
//! package's MD5 sums), once with vip (the
//! binary cargo built), both by absolute path and both called `ip` (`exec -a ip`). The
//! stdout, stderr and exit code of every line are compared byte for byte, and then the
//! kernel state of every namespace as the real `ip` sees it (`ip -d -j link`, `ip -j
//! addr`, `ip -j route show table all`, `ip -j neigh`, `ip -j neigh show proxy`,
//! `ip netns list`), with only what the kernel picks at random masked (MAC addresses,
//! the IPv6 link-local addresses made from them, bridge timers).
//!
//! Run as root, under scripts/private-netns.sh.

mod common;

use std::process::Command;
use std::sync::OnceLock;

/// The real `ip`, by absolute path: never a drop-in found on `PATH`, and proven to be
/// the file Debian's iproute2 installed (`vnet_testkit::packaged_tool`). Scripts get it
/// as `$REAL_IP`.
fn real_ip() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = vnet_testkit::packaged_tool("ip");
        path.to_str().expect("a UTF-8 path").to_string()
    })
}

/// Runs `lines` (each the arguments of one `ip` invocation, as shell words) with the
/// tool at `tool`, in fresh namespaces, and returns the transcript: every line's
/// outputs and status, then the state.
fn transcript(tool: &str, setup: &str, lines: &[&str]) -> String {
    let mut script = String::from(
        "set -u\n\
         mkdir -p /run/netns && mount -t tmpfs vip-test /run/netns || exit 99\n\
         umount -l /sys && mount -t sysfs vip-sys /sys || exit 98\n\
         ip() { \"$REAL_IP\" \"$@\"; }\n\
         ip link set lo up\n\
         sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0\n\
         d=$(mktemp -d)\n",
    );
    script += setup;
    script += "\n";
    for (i, line) in lines.iter().enumerate() {
        // "sorted LINE": the kernel lists these entries in an order of its own
        // (hash tables seeded per namespace), so they are compared as a set.
        let (label, line) = match line.strip_prefix("sorted ") {
            Some(rest) => (format!("{}: [sorted] {rest}", i + 1), rest),
            None => (format!("{}: {line}", i + 1), *line),
        };
        script += &format!(
            "( exec -a ip \"$TOOL\" {line} ) >\"$d/out\" 2>\"$d/err\" <\"${{STDIN:-/dev/null}}\"; rc=$?\n\
             printf '== %s\\n-- rc %s\\n-- stdout\\n' {quoted} \"$rc\"; cat \"$d/out\"\n\
             printf -- '-- stderr\\n'; cat \"$d/err\"\n",
            quoted = shell_quote(&label),
        );
    }
    // A veth's operstate settles a moment after a change (UNKNOWN, then UP or
    // LOWERLAYERDOWN), later still under emulation in the stock-kernel lane: wait for every
    // namespace's veths to settle, so the two tools' states are read at rest.
    script += "printf '== state\\n'\n\
               for ns in '' $(ls /run/netns); do\n\
                 n=${ns:+-n $ns}\n\
                 for i in $(seq 100); do\n\
                   ip $n -d -j link show | jq -e '[.[] | select(.linkinfo.info_kind == \"veth\" \
                     and .operstate == \"UNKNOWN\")] | length == 0' >/dev/null && break\n\
                   sleep 0.1\n\
                 done\n\
                 printf -- '-- netns %s\\n' \"${ns:-(this)}\"\n\
                 ip $n -d -j link show; ip $n -j addr show; ip $n -j route show table all\n\
                 ip $n -j neigh show; ip $n -j neigh show proxy\n\
               done\n\
               printf -- '-- netns list\\n'; ip netns list\n\
               rm -rf \"$d\"\n";
    // (The batch cases read their lines from standard input: a file setup names in
    // STDIN.)
    let out = Command::new("unshare")
        .env("REAL_IP", real_ip())
        .args([
            "--net",
            "--mount",
            "--propagation",
            "private",
            "--",
            "bash",
            "-c",
        ])
        .arg(&script)
        .env("TOOL", tool)
        .output()
        .expect("running unshare");
    assert_eq!(
        out.status.code(),
        Some(0),
        "transcript script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let masked = sort_marked(&mask(&shown(&out.stdout)));
    // The state's tables hold entries the kernel makes at moments no test controls
    // (IPv6 link-local addresses and their routes): compare them as sets.
    match masked.split_once("== state\n") {
        Some((lines, state)) => {
            let state: Vec<String> = state.lines().map(sorted_json_array).collect();
            format!("{lines}== state\n{}\n", state.join("\n"))
        }
        None => masked,
    }
}

/// Output as text, with the bytes that are not UTF-8 (names such as `br\xfe`) shown as
/// `\xNN`: a raw byte and the U+FFFD a lossy reading would put in its place stay apart.
fn shown(bytes: &[u8]) -> String {
    bytes
        .utf8_chunks()
        .map(|chunk| {
            let mut text = chunk.valid().to_string();
            for b in chunk.invalid() {
                text += &format!("\\x{b:02x}");
            }
            text
        })
        .collect()
}

/// Sorts the output lines (and JSON arrays) of the sections marked `[sorted]`.
fn sort_marked(transcript: &str) -> String {
    let mut out = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut sorting = false;
    let mut in_stdout = false;
    for line in transcript.lines() {
        if line.starts_with("== ") || line == "-- stderr" {
            if in_stdout && sorting {
                pending.sort();
                out.append(&mut pending);
            }
            in_stdout = false;
            if line.starts_with("== ") {
                sorting = line.contains("[sorted]");
            }
            out.push(line.to_string());
            continue;
        }
        if line == "-- stdout" {
            in_stdout = true;
            out.push(line.to_string());
            continue;
        }
        if in_stdout && sorting {
            pending.push(sorted_json_array(line));
        } else {
            out.push(line.to_string());
        }
    }
    out.append(&mut pending);
    out.join("\n") + "\n"
}

/// A JSON array's elements in sorted order (anything else unchanged).
fn sorted_json_array(line: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(serde_json::Value::Array(items)) => {
            let mut items: Vec<String> = items.iter().map(|i| i.to_string()).collect();
            items.sort();
            format!("[{}]", items.join(","))
        }
        _ => line.to_string(),
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Masks what the kernel picks at random: MAC addresses (and bridge ids, which hold
/// one), IPv6 link-local addresses made from them, and running timers.
fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // xx:xx:xx:xx:xx:xx, or with one-digit groups as ip prints bridge ids.
        if (i == 0 || !bytes[i - 1].is_ascii_hexdigit())
            && let Some(len) = mac_at(&bytes[i..])
        {
            out.push_str("MAC");
            i += len;
            continue;
        }
        if text[i..].starts_with("fe80::") {
            out.push_str("fe80::LL");
            i += 6;
            while i < bytes.len() && (bytes[i].is_ascii_hexdigit() || bytes[i] == b':') {
                i += 1;
            }
            continue;
        }
        out.push(bytes[i] as char);
        i += 1;
    }
    mask_timers(&out)
}

/// Replaces the value of every running timer with `T`: `"hello_timer":1.23` and
/// `"gc_timer": 298.74` in JSON, `hello_timer    0.86` in text (`hello_timer T`).
fn mask_timers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("_timer") {
        let (head, tail) = rest.split_at(at + "_timer".len());
        out.push_str(head);
        let sep_len = tail
            .bytes()
            .take_while(|b| matches!(b, b'"' | b':' | b' '))
            .count();
        let number_len = tail[sep_len..]
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if sep_len > 0 && number_len > 0 {
            // Text pads the seconds to four columns: the padding goes with the value.
            let sep = &tail[..sep_len];
            out.push_str(if sep.contains(':') { sep } else { " " });
            out.push('T');
            rest = &tail[sep_len + number_len..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// The length of a MAC address (six groups of one or two hex digits, colons between)
/// at the start of `bytes`.
fn mac_at(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    for group in 0..6 {
        let digits = bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        if !(1..=2).contains(&digits) {
            return None;
        }
        at += digits;
        if group < 5 {
            if bytes.get(at) != Some(&b':') {
                return None;
            }
            at += 1;
        }
    }
    bytes
        .get(at)
        .is_none_or(|b| !b.is_ascii_hexdigit() && *b != b':')
        .then_some(at)
}

/// The vip under test: `$VNET_BIN_DIR/vip` when set, else the one cargo built.
fn vip() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = common::binary("vip", env!("CARGO_BIN_EXE_vip"));
        path.to_str().unwrap().to_string()
    })
}

/// Runs a case with both tools and compares the transcripts.
fn differential(setup: &str, lines: &[&str]) {
    let expected = transcript(real_ip(), setup, lines);
    let actual = transcript(vip(), setup, lines);
    if expected != actual {
        let dir = std::env::temp_dir();
        let _ = std::fs::write(dir.join("vip-expected.txt"), &expected);
        let _ = std::fs::write(dir.join("vip-actual.txt"), &actual);
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (e, a))| e != a)
            .take(5)
            .map(|(n, (e, a))| format!("line {}:\n  ip:  {e}\n  vip: {a}", n + 1))
            .collect();
        panic!(
            "vip differs from ip:\n{}\n\n--- ip transcript ---\n{expected}\n--- vip transcript ---\n{actual}",
            diff.join("\n")
        );
    }
}

#[test]
fn netns_add_list_delete_and_their_errors() {
    differential(
        "",
        &[
            "netns add vm1",
            "netns add vm2",
            "netns add vm1",
            "netns list",
            "netns",
            "-j netns list",
            "-j -p netns list",
            "netns ls",
            "netns del vm2",
            "netns delete vm2",
            "netns add a/b",
            "netns add ..",
            "netns frob x",
            "netns add",
            "netn sh",
        ],
    );
}

#[test]
fn link_add_set_delete_veth_and_bridge() {
    differential(
        "",
        &[
            "link add v0 type veth peer name v1",
            "link add v0 type veth peer name v2",
            "link add dev v2 type veth peer name v3",
            "link set v0 up",
            "link set dev v1 mtu 1400 address 02:00:00:00:00:01",
            "link set v1 up",
            "link add br0 type bridge",
            "link add br1 type bridge stp_state 1 forward_delay 400 priority 4096",
            "link set v0 master br0",
            "link set dev v2 master br1 up",
            "link set v2 nomaster",
            "link set v3 name v33",
            "link set v33 group 5",
            "link set v1 down",
            "l a v4 type veth peer name v5",
            "li s v4 up",
            "link del v5",
            "link delete dev v4",
            "link del group 5",
        ],
    );
}

#[test]
fn link_errors_match_ip() {
    differential(
        "ip link add v0 type veth peer name v1",
        &[
            "link del nosuch",
            "link set nosuch up",
            "link add x",
            "link frob",
            "link set v0 mtu abc",
            "link set v0 mtu 10",
            "link set v0 mtu 70000",
            "link set v0 master nosuch",
            "link add name a dev b type veth peer name c",
            "link set up",
            "link set v0 address 01:00:00:00:00:01",
            "link set v0 address zz:00",
            "link set v0 name a/b",
            "link set v0 name v0 name v9",
            "link set v0 mtu 1400 mtu 1300",
            "link set v0 netns nosuch",
            "link add g0 group 3 type bridge",
            "link set v0 v1",
            "link set v0 up garbage",
            "link set",
            "link add v8 type veth peer name v9 peer",
        ],
    );
}

#[test]
fn links_born_in_other_namespaces() {
    differential(
        "ip netns add vm1; ip netns add vm2",
        &[
            "link add h1 type veth peer name eth0 netns vm1",
            "link add h2 netns vm2 type veth peer name p2",
            "-n vm1 link set eth0 up",
            "-n vm2 link set h2 name eth0",
            "-n vm9 link show",
            "link set p2 netns vm1",
            "-n vm1 link set p2 up",
        ],
    );
}

#[test]
fn addresses_and_their_errors() {
    differential(
        "ip link add v0 type veth peer name v1; ip link set v0 up; ip link set v1 up",
        &[
            "addr add 10.0.0.1/24 dev v0",
            "addr add 10.0.0.1/24 dev v0",
            "address add 10.0.0.2/24 dev v0",
            "a add fd00::1/64 dev v0",
            "-6 addr add fd00::2/64 dev v0",
            "-4 addr add fd00::3/64 dev v0",
            "addr add 10.0.0.300/24 dev v0",
            "addr add 10.0.0.9/33 dev v0",
            "addr add 10.0.0.9/24 dev nosuch",
            "addr add 10.0.0.9/24",
            "addr add 10.0.0.9/24 10.0.0.10/24 dev v0",
            "addr add local 10.1 dev v1",
            "a d 10.0.0.2/24 dev v0",
            "addr del 10.0.0.99/24 dev v0",
            "addr frob",
        ],
    );
}

#[test]
fn routes_and_their_errors() {
    differential(
        "ip link add v0 type veth peer name v1; ip link set v0 up; ip link set v1 up; \
         ip addr add 10.0.0.1/24 dev v0; ip addr add fd00::1/64 dev v0 nodad",
        &[
            "route add 10.9.0.0/16 via 10.0.0.254",
            "route add 10.9.0.0/16 via 10.0.0.254",
            "route add default via 10.0.0.254",
            "ro add 10.8.0.0/16 dev v0 metric 5",
            "route add 10.7.0.0/16 via 10.0.0.254 table 100",
            "route add 10.6.0.0/16 via 10.0.0.253 table 1000",
            "route add fd00:9::/48 via fd00::fe",
            "-6 route add default via fd00::fe",
            "route add 10.1.2.3/8 dev v0",
            "route add 10.5.0.0/16 dev nosuch",
            "route add 10.5.0.0/16 via 10.0.0.254 via 10.0.0.253",
            "route add 10.5.0.0/16 via 10.0.0.x",
            "route add 10.5.0.0/16 10.4.0.0/16 dev v0",
            "route add 10.5.0.0/16 via 10.0.0.254 table x",
            "route add 10.5.0.0/16 via 10.0.0.254 metric -1",
            "route del 10.8.0.0/16 dev v0 metric 5",
            "route del 10.8.0.0/16 dev v0",
            "r d 10.9.0.0/16",
            "route frob",
        ],
    );
}

#[test]
fn global_options_and_objects() {
    differential(
        "",
        &[
            "-z link",
            "-n nosuch link add a type bridge",
            "frob",
            "-f inet addr add fd00::1/64 dev lo",
            "-f bogus link",
            "-4 -6 addr add 10.0.0.1/8 dev lo",
            "--force link add b0 type bridge",
            "-- link add b1 type bridge",
        ],
    );
}

/// `-s` and `-s -s`: the counters, in every layout (the links stay down, so no
/// traffic makes the two runs differ).
#[test]
fn statistics_in_every_layout() {
    differential(
        "link add v0 type veth peer name v1",
        &[
            "-s link",
            "-s -s link show v0",
            "-statistics addr show dev v1",
            "-s -s addr",
            "-j -s link",
            "-j -s -s link",
            "-j -s addr",
            "-o -s link",
            "-br -s link",
        ],
    );
}

#[test]
fn batch_files_stop_at_the_first_failure_or_go_on_with_force() {
    // One batch file per test process in /tmp (the two transcripts run one after the
    // other, and read it the same way).
    let file = format!("/tmp/vip-batch-{}", std::process::id());
    let setup = format!(
        "printf '%s\\n' 'link add b0 type bridge # a comment' '' \
         'link add b1 \\' '  type bridge' 'link add b0 type bridge' \
         'link add b2 type bridge' 'frob' 'netns add n1' 'netns add n2' 'netns add n1' \
         'netns add n3' 'netns add n4' 'link add b3 \\' > {file}; export STDIN={file}"
    );
    let force = format!("-force -batch {file}");
    differential(
        &setup,
        &["-batch -", force.as_str(), "-batch /nonexistent/file"],
    );
    let _ = std::fs::remove_file(&file);
}

#[test]
fn netns_exec_pids_identify() {
    let file = format!("/tmp/vip-exec-batch-{}", std::process::id());
    let setup = format!(
        "ip netns add vm1; ip -n vm1 link add d0 type dummy 2>/dev/null || ip -n vm1 link add d0 type bridge; \
         printf '%s\\n' \"netns exec vm1 sh -c 'exit 4'\" 'netns exec vm1 true' > {file}"
    );
    let batch = format!("-force -batch {file}");
    differential(
        &setup,
        &[
            "netns exec vm1 $REAL_IP -j link show d0",
            "netns exec vm1 sh -c 'echo hi; echo err >&2; exit 3'",
            "netns exec nosuch true",
            "netns exec",
            "netns exec vm1",
            "netns exec vm1 /nonexistent/program",
            "netns pids vm1",
            "netns pids",
            "netns pids nosuch",
            "netns pids vm1 extra",
            "netns identify",
            "netns identify abc",
            "netns identify 1 2",
            "netns identify 999999999",
            batch.as_str(),
        ],
    );
    let _ = std::fs::remove_file(&file);
}

#[test]
fn tuntap_add_delete_show() {
    differential(
        "",
        &[
            "tuntap add mode tap dev tap0",
            "tuntap add mode tap tap1 user 1000 group 100",
            "tuntap add dev tun0 mode tun pi vnet_hdr multi_queue",
            "tuntap add mode tap name tap2 user root group root",
            "tuntap add mode tap dev tap0",
            "tuntap add dev x",
            "tuntap add mode foo dev x",
            "tuntap add mode tun mode tap dev x",
            "tuntap add mode tap dev x user no-such-user",
            "tuntap add mode tap dev x dev y",
            "tuntap add mode tap dev a/b",
            "tuntap show",
            "tuntap",
            "tuntap list",
            "-j tuntap show",
            "-j -p tuntap show",
            "tuntap del mode tun dev tap1",
            "tuntap del mode tap dev tap1",
            "tap del mode tap tap0",
            "tuntap del mode tap dev nosuch",
            "tuntap frob",
            "tuntap show",
        ],
    );
}

#[test]
fn neighbours_and_proxy_entries() {
    differential(
        "ip link add v0 type veth peer name v1; ip link set v0 up; ip link set v1 up; \
         ip addr add 10.0.0.1/24 dev v0",
        &[
            "neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev v0",
            "neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev v0",
            "neigh replace 10.0.0.7 lladdr 02:00:00:00:00:77 dev v0 nud reachable",
            "neigh add 10.0.0.8 lladdr 02:00:00:00:00:08 dev v0 nud stale",
            "neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v0 nud noarp",
            "n a fd00::9 lladdr 02:00:00:00:00:09 dev v0 router",
            "neigh add proxy 10.0.0.100 dev v0",
            "neigh add proxy 10.0.0.100 dev v0",
            "neigh add proxy fd00::100 dev v0",
            "sorted neigh show",
            "sorted neigh",
            "sorted neighbour show dev v0",
            "sorted -4 neigh show",
            "sorted -6 neigh",
            // (IPv6 multicast entries come and go with MLD and DAD on their own
            // schedule: `nud all` lists IPv4 only.)
            "sorted -4 neigh show nud all",
            "sorted -6 neigh show nud permanent",
            "sorted neigh show nud stale nud reachable",
            "sorted neigh show proxy",
            "sorted -j neigh show",
            "sorted -j neigh show proxy",
            "-j -p neigh show proxy dev v0",
            "neigh change 10.0.0.8 lladdr 02:00:00:00:00:88 dev v0",
            "neigh change 10.0.0.99 lladdr 02:00:00:00:00:88 dev v0",
            "neigh del 10.0.0.9 dev v0",
            "neigh del proxy 10.0.0.100 dev v0",
            "neigh del proxy 10.0.0.100 dev v0",
            "neigh add 10.0.0.5 dev nosuch",
            "neigh add 10.0.0.5",
            "neigh add 10.0.0.5 lladdr zz dev v0",
            "neigh add 10.0.0.5 nud bogus dev v0",
            "neigh add 10.0.0.5 10.0.0.6 dev v0",
            "neigh show dev nosuch",
            "neigh flush",
            "neigh flush dev v0",
            "sorted -4 neigh show nud all",
            "neigh frob",
        ],
    );
}

#[test]
fn route_show_prints_as_ip_prints() {
    differential(
        "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0; \
         ip link add v0 type veth peer name v1; ip link set v0 up; ip link set v1 up; \
         ip link add d0 type veth peer name d1; ip link set d0 up; \
         ip addr add 10.0.0.1/24 dev v0; ip addr add 10.0.1.1/24 dev d0; \
         ip addr add fd00::1/64 dev v0; \
         ip route add default via 10.0.0.254; ip route add 10.9.0.0/16 via 10.0.0.253 metric 7; \
         ip route add 10.8.0.0/16 dev v0 proto static scope link; \
         ip route add 192.0.2.7 dev v0; ip route add blackhole 10.66.0.0/16; \
         ip route add 10.7.0.0/16 via 10.0.0.252 table 100; \
         ip route add fd00:9::/48 via fd00::fe; sleep 1.5",
        &[
            "route",
            "ro",
            "route show",
            "route list",
            "-4 route show",
            "-6 route",
            "route show table main",
            "route show table 100",
            "route show table local",
            "sorted route show table all",
            "sorted -6 route show table all",
            "route show dev v0",
            "route show dev nosuch",
            "route show table bogus",
            "-j route",
            "-j -6 route",
            "sorted -j route show table all",
            "-j -p route",
            "route get 10.0.0.1",
            "route get 10.0.0.2",
            "-j route get 10.0.0.2",
            "route get 8.8.8.8",
            "route get 10.0.0.0/24",
            "route get 127.0.0.1",
            "route get 10.0.1.7 oif v0",
            "-j route get 10.0.0.1",
            "-4 route get 192.0.2.7",
        ],
    );
}

#[test]
fn route_replace_append_change_flush() {
    differential(
        "ip link add v0 type veth peer name v1; ip link set v0 up; ip link set v1 up; \
         ip addr add 10.0.0.1/24 dev v0; ip addr add 10.0.1.1/24 dev v1",
        &[
            "route add 10.20.0.0/16 dev v0 src 10.0.0.1 proto static scope link",
            "route add 10.21.0.0/16 dev v0 proto 99",
            "route add 10.22.0.0/16 via 10.0.0.254 proto bird metric 3",
            "route add 10.23.0.0/16 dev v0 scope bogus",
            "route add 10.23.0.0/16 dev v0 proto bogus",
            "route add 10.23.0.0/16 dev v0 src 10.9.9.9",
            "route add 10.23.0.0/16 dev v0 src x",
            "route del 10.21.0.0/16 dev v0 proto static",
            "route del 10.21.0.0/16 dev v0 proto 99",
            "route replace 10.9.0.0/16 via 10.0.0.254",
            "route replace 10.9.0.0/16 via 10.0.0.253",
            "route append 10.9.0.0/16 via 10.0.1.254",
            "route prepend 10.8.0.0/16 dev v0",
            "route change 10.8.0.0/16 dev v1",
            "route change 10.99.0.0/16 dev v1",
            "route test 10.8.0.0/16 dev v0",
            "route chg 10.8.0.0/16 dev v0",
            "route add 10.7.0.0/16 via 10.0.0.250 table 100",
            "route show",
            "route show table 100",
            "route flush",
            "route flush table 100",
            "route flush dev v1",
            "sorted route show table all",
        ],
    );
}

#[test]
fn address_options_and_flush() {
    differential(
        "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0; \
         ip link add v0 type veth peer name v1; ip link set v0 up; ip link set v1 up",
        &[
            "addr add 10.0.2.1/24 brd + dev v0",
            "addr add 10.0.3.1/24 broadcast 10.0.3.255 label v0:1 dev v0",
            "addr add 10.0.4.1/24 brd - dev v0",
            "addr add 10.0.5.1/24 scope link dev v0",
            "addr add 10.0.6.1/24 scope bogus dev v0",
            "addr add fd00::5/64 nodad dev v0",
            "addr add nodad fd00::6/64 dev v0",
            "addr add 10.0.7.1/24 nodad dev v0",
            "addr add 10.0.8.1/24 metric 9 dev v0",
            "addr add 10.0.9.1 peer 10.0.9.2 dev v0",
            "addr add fd00::7/64 brd + dev v0",
            "addr add 10.1.0.1/24 secondary dev v0",
            "addr add 10.1.1.1/24 noprefixroute dev v0",
            "addr add 10.1.2.1/30 brd + dev v0",
            "addr add 10.1.3.1/31 brd + dev v0",
            "addr replace 10.0.2.1/24 dev v0 metric 5",
            "addr change 10.9.9.9/24 dev v0",
            "addr change 10.0.4.1/24 dev v0 metric 3",
            "addr show dev v0",
            "-j addr show dev v0",
            "route show",
            "-4 addr flush dev v0",
            "addr show dev v0",
            "addr flush dev v0",
            "addr flush",
            "addr flush dev nosuch",
        ],
    );
}

#[test]
fn vxlan_macvlan_vlan() {
    differential(
        "ip link add u0 type veth peer name u1; ip link set u0 up; ip addr add 192.0.2.1/24 dev u0",
        &[
            "link add vx0 type vxlan id 42 remote 192.0.2.2 local 192.0.2.1 dstport 4789",
            "link add vx1 type vxlan id 43 group 239.1.1.1 dev u0 dstport 4789 nolearning ttl 5",
            "link add vx2 type vxlan id 44",
            "link add vx3 type vxlan vni 45 dstport 0",
            "link add vx4 type vxlan dstport 4789",
            "link add vx5 type vxlan id 46 group 239.1.1.1 dstport 4789",
            "link add vx6 type vxlan id 47 remote 192.0.2.2 group 239.1.1.1",
            "link add vx7 type vxlan id 99999999",
            "link add vx8 type vxlan id 48 remote 239.1.1.1",
            "link add vx9 type vxlan id 49 dev nosuch",
            "link add vx10 type vxlan id 50 ttl 300",
            "link add vx11 type vxlan id 51 id 52",
            "link add link u0 name mv0 type macvlan mode bridge",
            "link add link u0 mv1 type macvlan mode private",
            "link add link u0 mv2 type macvlan mode vepa",
            "link add link u0 mv3 type macvlan",
            "link add link u0 mv4 type macvlan mode bogus",
            "link add link nosuch mv5 type macvlan",
            "link add link u0 name u0.100 type vlan id 100",
            "link add link u0 name u0.101 type vlan id 101 protocol 802.1ad",
            "link add link u0 name u0.103 type vlan id 103 protocol bogus",
        ],
    );
}

/// A little of everything the listings print: veth pairs up and down, a peer in
/// another namespace, a bridge with a port, a tap, a VXLAN, a link group, addresses of
/// both families (no duplicate address detection, so none is tentative), an alias.
const SHOW_SETUP: &str = "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0; \
    ip netns add vm1; \
    ip link add v0 type veth peer name v1; ip link set v0 up; \
    ip link add d0 type veth peer name d1; ip link set d0 up; \
    ip link add h1 type veth peer name eth0 netns vm1; ip link set h1 up group 5; \
    ip link add br0 type bridge; ip link set br0 up; ip link set v1 master br0 up; \
    ip tuntap add mode tap dev tap0; ip link add vx0 type vxlan id 42 dstport 4789; \
    ip link set v0 alias uplink; \
    ip addr add 10.0.0.1/24 dev v0; ip addr add 10.0.0.2/24 dev v0; \
    ip addr add 10.0.1.1/24 brd + dev br0 label br0:1; ip addr add fd00::1/64 dev v0; \
    ip addr add 192.0.2.1 peer 192.0.2.2 dev d0; \
    sleep 1.5";

#[test]
fn link_show_prints_as_ip_prints() {
    differential(
        SHOW_SETUP,
        &[
            "link",
            "l",
            "link show",
            "link show dev v0",
            "link show v1",
            "link ls h1",
            "link show up",
            "link show type veth",
            "link show type bridge",
            "link show master br0",
            "link show group 5",
            "-j link show",
            "-j link",
            "-j link show dev h1",
            "link show nosuch",
            "link show master nosuch",
            "link show dev v0 dev v1",
            "-n vm1 link",
            "-n vm1 -j link",
            "-br link",
            "-br -j link",
            "-p -j link",
            "-j -p link show dev h1",
            "-p link show dev v0",
            "-o link",
            "-oneline link show dev v0",
            "-o -br link",
            "-brief link show dev v0",
        ],
    );
}

#[test]
fn address_show_prints_as_ip_prints() {
    differential(
        SHOW_SETUP,
        &[
            "addr",
            "a",
            "address show",
            "addr show dev v0",
            "addr show d0",
            "a s br0",
            "-4 addr",
            "-6 addr",
            "-4 addr show dev v0",
            "addr show up",
            "addr show type bridge",
            "-j addr",
            "-j -4 addr show dev v0",
            "-j -6 addr",
            "addr show nosuch",
            "-n vm1 addr",
            "-br addr",
            "-br -4 a",
            "-br -6 a",
            "-br -j addr",
            "-j -p addr",
            "-o addr",
            "-o -4 addr show dev v0",
            "-o -6 a",
            "-br addr show dev d0",
        ],
    );
}

/// Beyond `ip`: one batch builds a lab across namespaces, each line choosing its own
/// with `-n`, and the lab carries traffic.
#[test]
fn one_batch_builds_a_lab_across_namespaces() {
    let script = format!(
        "set -e\n\
         mkdir -p /run/netns && mount -t tmpfs vip-lab /run/netns\n\
         $REAL_IP netns add vm1; $REAL_IP netns add vm2\n\
         cat > /tmp/vip-lab.$$ <<'EOF'\n\
         link add br0 type bridge\n\
         link set br0 up\n\
         addr add 10.0.0.254/24 dev br0\n\
         link add vm1-p master br0 up type veth peer name eth0 netns vm1\n\
         link add vm2-p master br0 up type veth peer name eth0 netns vm2\n\
         -n vm1 link set lo up\n\
         -n vm1 link set eth0 up\n\
         -n vm1 addr add 10.0.0.1/24 dev eth0\n\
         -n vm1 route add default via 10.0.0.254\n\
         -n vm2 link set lo up\n\
         -n vm2 link set eth0 up\n\
         -n vm2 addr add 10.0.0.2/24 dev eth0\n\
         EOF\n\
         ( exec -a ip {vip} -batch /tmp/vip-lab.$$ )\n\
         rm /tmp/vip-lab.$$\n\
         $REAL_IP netns exec vm1 ping -c 1 -W 5 10.0.0.2 >/dev/null\n\
         $REAL_IP netns exec vm2 ping -c 1 -W 5 10.0.0.254 >/dev/null\n\
         $REAL_IP -n vm1 -j route show default\n",
        vip = vip()
    );
    let out = Command::new("unshare")
        .env("REAL_IP", real_ip())
        .args([
            "--net",
            "--mount",
            "--propagation",
            "private",
            "--",
            "bash",
            "-c",
        ])
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let routes: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(routes[0]["gateway"], "10.0.0.254", "{routes}");
}

/// The namespace recipe of Linux networking courses, typed with `vip` in place of `ip`
/// (installed as `ip` through a shell function), proven with real pings: two VMs on a
/// bridge with the host as their gateway, a routed VM behind a veth, a tap, proxy ARP.
#[test]
fn course_recipes_with_vip_in_place_of_ip() {
    let script = format!(
        r#"set -e
mkdir -p /run/netns && mount -t tmpfs vip-recipe /run/netns
ip() ( exec -a ip {vip} "$@" )
ip link set lo up
# Two VMs on a bridge; the host is their gateway.
ip netns add vm1; ip netns add vm2
ip link add br0 type bridge; ip link set br0 up
ip addr add 10.0.0.254/24 dev br0
for n in 1 2; do
  ip link add vm$n-p type veth peer name eth0 netns vm$n
  ip link set vm$n-p master br0; ip link set vm$n-p up
  ip -n vm$n link set lo up; ip -n vm$n link set eth0 up
  ip -n vm$n addr add 10.0.0.$n/24 dev eth0
  ip -n vm$n route add default via 10.0.0.254
done
# A routed VM: the course recipe, peer moved in and renamed.
ip netns add vm3
ip link add ext0 type veth peer name int0
ip link set int0 netns vm3
ip -n vm3 link set int0 name eth0
ip -n vm3 link set lo up; ip -n vm3 link set eth0 up
ip addr add 10.0.3.1/24 dev ext0; ip link set ext0 up
ip -n vm3 addr add 10.0.3.2/24 dev eth0
ip -n vm3 route add default via 10.0.3.1
sysctl -qw net.ipv4.ip_forward=1
# A tap for a real VM, and a proxy ARP entry for it on the bridge.
ip tuntap add mode tap dev tap0 user 1000
ip link set tap0 master br0
ip neigh add proxy 10.0.0.100 dev br0
ip netns exec vm1 ping -c 1 -W 5 10.0.0.2 >/dev/null
ip netns exec vm1 ping -c 1 -W 5 10.0.3.2 >/dev/null
ip netns exec vm3 ping -c 1 -W 5 10.0.0.1 >/dev/null
$REAL_IP -j neigh show proxy
"#,
        vip = vip()
    );
    let out = Command::new("unshare")
        .env("REAL_IP", real_ip())
        .args([
            "--net",
            "--mount",
            "--propagation",
            "private",
            "--",
            "bash",
            "-c",
        ])
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let proxies: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(proxies[0]["dst"], "10.0.0.100", "{proxies}");
    assert_eq!(proxies[0]["dev"], "br0", "{proxies}");
}

/// A namespace deleted and made again under the same name within one batch: later
/// lines act in the new one (vip's cached handle for the name is dropped).
#[test]
fn a_batch_follows_a_namespace_made_again() {
    let script = format!(
        "set -e\n\
         mkdir -p /run/netns && mount -t tmpfs vip-again /run/netns\n\
         printf '%s\\n' 'netns add vm1' '-n vm1 link add b0 type bridge' 'netns delete vm1' \
         'netns add vm1' '-n vm1 link add b1 type bridge' > /tmp/vip-again.$$\n\
         {vip} -batch /tmp/vip-again.$$\n\
         rm /tmp/vip-again.$$\n\
         $REAL_IP -n vm1 -j link show\n",
        vip = vip()
    );
    let out = Command::new("unshare")
        .env("REAL_IP", real_ip())
        .args([
            "--net",
            "--mount",
            "--propagation",
            "private",
            "--",
            "bash",
            "-c",
        ])
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let links: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ifname"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["lo", "b1"]);
}

/// What vip does not do, it says, with exit 255: never a silent success.
#[test]
fn unsupported_commands_fail_loudly() {
    for line in [
        "-d tuntap show",
        "addr add 10.0.0.1/24 valid_lft 60 dev lo",
        "route add 10.0.0.0/8 dev lo onlink",
        "route get ::1",
        "maddress show",
        "-s route",
        "-s neigh show",
        "-s addr flush dev lo",
    ] {
        let out = Command::new("unshare")
            .env("REAL_IP", real_ip())
            .args(["--net", "--", vip()])
            .args(line.split(' '))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(255), "{line}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("vip: ") && err.contains("not supported"),
            "{line}: {err}"
        );
    }
}

/// Interface names are bytes: a name that is not UTF-8 (`br\xfe`, which a lossy reading
/// would turn into `br` and U+FFFD, another device) is created, found, changed, listed
/// (text, one line, brief, JSON, pretty JSON: the raw bytes, as ip prints them) and
/// deleted exactly, from the command line and from a batch file, with ip's messages
/// where it does not exist.
#[test]
fn names_that_are_not_utf8_act_and_print_as_ip_does() {
    let file = format!("/tmp/vip-bytes-batch-{}", std::process::id());
    // The bridge comes up in the set-up (with its one port down), which then waits for
    // its state to settle (DOWN, no carrier), so that no state changes while the tools
    // list it; the devices the lines make stay down.
    let setup = format!(
        "ip link add $'br\\xfe' type bridge && \
         ip link add $'v\\xfe0' type veth peer name $'v\\xfe1' && \
         ip link set $'v\\xfe0' master $'br\\xfe' && ip link set $'br\\xfe' up && \
         for i in $(seq 100); do \
           ip -j link show $'br\\xfe' | grep -q '\"operstate\":\"DOWN\"' && break; sleep 0.1; \
         done; \
         printf 'link add b\\376 type bridge\\nlink show b\\376\\n\
         link del b\\376\\nlink del b\\376\\n' > {file}; export STDIN={file}"
    );
    differential(
        &setup,
        &[
            "link add $'d\\xfe' type bridge",
            "link add $'w\\xfe0' type veth peer name $'w\\xfe1'",
            "link set $'w\\xfe0' master $'d\\xfe'",
            "link show master $'d\\xfe'",
            "link show $'br\\xfe'",
            "link show master $'br\\xfe'",
            "-o link show dev $'v\\xfe0'",
            "-br link show",
            "-j link show dev $'v\\xfe0'",
            "-j -p link show $'br\\xfe'",
            "-d link show $'v\\xfe0'",
            "-d -j link show $'v\\xfe0'",
            "addr add 10.9.0.1/24 dev $'br\\xfe'",
            "addr show dev $'br\\xfe'",
            "-o addr show dev $'br\\xfe'",
            "-j addr show dev $'br\\xfe'",
            "route add 10.10.0.0/24 dev $'br\\xfe'",
            "route show dev $'br\\xfe'",
            "route show",
            "-j route show",
            "route get 10.10.0.5",
            "-j route get 10.10.0.5",
            "neigh add 10.9.0.2 lladdr 02:00:00:00:00:09 dev $'br\\xfe'",
            "neigh show",
            "-j neigh show",
            "neigh show dev $'br\\xfe'",
            "tuntap add $'tap\\xfe' mode tap",
            "tuntap show",
            "-j tuntap show",
            "tuntap del dev $'tap\\xfe' mode tap",
            "link show $'br\\xff'",
            "link set $'nope\\xfe' up",
            "addr add 10.9.9.9/24 dev $'nope\\xfe'",
            "route add 10.11.0.0/24 dev $'nope\\xfe'",
            "neigh show dev $'nope\\xfe'",
            "link set $'v\\xfe0' master $'nope\\xfe'",
            "link add $'br\\xfe' type bridge",
            "link add name $'a/\\xfe' type bridge",
            "link set $'v\\xfe1' name $'v\\xfe2'",
            "-batch -",
            "link del $'v\\xfe0'",
            "link del $'w\\xfe0'",
            "link del $'d\\xfe'",
            "link del $'br\\xfe'",
            "link del $'br\\xfe'",
        ],
    );
    let _ = std::fs::remove_file(&file);
}

/// Where `ip` reads text (a number, an address, a namespace's name), a word that is not
/// UTF-8 is refused before anything is done, naming the word and the reason (vip reads
/// bytes only where a name is an interface's). Witnessed by the real `ip` in namespaces
/// of its own.
#[test]
fn words_that_are_not_utf8_outside_names_are_refused_and_change_nothing() {
    use std::os::unix::ffi::OsStrExt;
    let script = format!(
        "mkdir -p /run/netns && mount -t tmpfs vip-test /run/netns || exit 99\n\
         \"$VIP\" link add br0 mtu \"$WORD\" type bridge; echo \"status $?\"\n\
         \"$VIP\" netns add \"$WORD\"; echo \"status $?\"\n\
         {ip} -o link show; ls /run/netns",
        ip = real_ip()
    );
    let out = Command::new("unshare")
        .env("VIP", vip())
        .env("WORD", std::ffi::OsStr::from_bytes(b"1\xfe"))
        .args(["--net", "--mount", "--propagation", "private", "--"])
        .args(["sh", "-c", &script])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let refusal =
        "vip: argument \"1\\xfe\" is not UTF-8, which vip takes only as an interface name\n";
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        refusal.repeat(2),
        "{stdout}"
    );
    // Both refused (255, as ip exits for a wrong argument); only the loopback is left,
    // and no namespace.
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert_eq!(lines[..2], ["status 255", "status 255"], "{stdout}");
    assert!(lines[2].starts_with("1: lo:"), "{stdout}");
}

#[test]
fn the_masker_masks_only_what_it_should() {
    assert_eq!(
        mask("\"address\":\"02:00:00:00:00:01\","),
        "\"address\":\"MAC\","
    );
    assert_eq!(mask("8000.aa:bb:cc:dd:ee:ff x"), "8000.MAC x");
    assert_eq!(mask("fe80::1234:56ff:fe78:9abc/64"), "fe80::LL/64");
    assert_eq!(
        mask("{\"hello_timer\":0.12,\"x\":1}"),
        "{\"hello_timer\":T,\"x\":1}"
    );
    assert_eq!(mask("\"gc_timer\": 298.74,"), "\"gc_timer\": T,");
    assert_eq!(
        mask("hello_timer    0.86 tcn_timer  10.00 x"),
        "hello_timer T tcn_timer T x"
    );
    assert_eq!(mask("hello_timer_x 5"), "hello_timer_x 5");
    assert_eq!(mask("10.0.0.1/24"), "10.0.0.1/24");
    assert_eq!(mask("1000.0:0:0:0:0:0,"), "1000.MAC,");
    assert_eq!(mask("fd00:9::/48 a:b:c"), "fd00:9::/48 a:b:c");
}

/// More kinds for `-d`: a bridge with its options set, a port with its options set, a
/// macvlan, a macvtap, a tun device with owner and group, a VXLAN with options, and
/// routes in a second table. It ends by waiting for p0 (up, its peer down) to settle
/// (LOWERLAYERDOWN, port disabled), which takes a while under emulation in the
/// stock-kernel lane; otherwise the two tools' runs can catch it at different moments.
fn details_setup() -> String {
    SHOW_SETUP.to_string()
        + "; ip link add br1 type bridge stp_state 1 priority 100 forward_delay 400 \
           group_fwd_mask 0x4000 mcast_snooping 0 nf_call_iptables 1; \
           ip link add p0 type veth peer name p1; ip link set p0 master br1; \
           ip link set br1 up; ip link set p0 up; \
           bridge link set dev p0 hairpin on cost 7 priority 9 learning off guard on; \
           ip link set p0 type bridge_slave group_fwd_mask 0x4001 proxy_arp on isolated on; \
           ip link add link v0 name mv0 type macvlan mode private; \
           ip link add link v0 name mt0 type macvtap mode vepa; \
           ip tuntap add mode tun dev tun0 multi_queue user 1000 group 100 pi vnet_hdr; \
           ip link add vx1 type vxlan id 43 group 239.1.1.1 dev v0 dstport 4789 nolearning \
           ttl 5 tos inherit ageing 0 maxaddr 10 srcport 1000 2000 l2miss proxy; \
           ip link add vx2 type vxlan id 44 remote fd00::2 local fd00::1 dstport 4789 \
           udp6zerocsumtx df set flowlabel 0x12; \
           ip route add 10.9.0.0/16 via 10.0.0.3 table 100; \
           ip route add blackhole 10.8.0.0/16; \
           for i in $(seq 100); do \
             ip -o link show p0 | grep -q 'state LOWERLAYERDOWN' && \
             bridge link show dev p0 | grep -q 'state disabled' && break; sleep 0.1; \
           done"
}

/// `-d` in every layout ip has for links and addresses, and on routes and neighbours.
#[test]
fn details_in_every_layout() {
    differential(
        &details_setup(),
        &[
            "-d link",
            "-details link show",
            "-d -j link",
            "-d -j -p link",
            "-d -o link",
            "-d -br link",
            "-d -br -j link",
            "-d link show dev v1",
            "-d link show type bridge",
            "-d -j link show dev p0",
            "-d -s link show dev d1",
            "-d -s -j link show dev d1",
            "-n vm1 -d link",
            "-n vm1 -d -j link",
            "-d addr",
            "-d -j addr",
            "-d -j -p addr show dev v0",
            "-d -o addr",
            "-d -br addr",
            "-d -br -j addr",
            "-4 -d addr",
            "-6 -d addr",
            "-6 -d -j addr",
            "-d -s addr show dev d1",
            "-d route",
            "sorted -d route show table all",
            "sorted -d -j route show table all",
            "-d route show table 100",
            "-d route show dev v0",
            "sorted -d -6 route show table all",
            "-d route get 10.0.0.5",
            "-d -j route get 10.9.1.1",
            "-d neigh",
            "-d -j neigh show",
            "-d netns list",
        ],
    );
}

/// Whether this kernel has 802.1Q (Debian's stock kernel in the lane has; the kernel of
/// the development machines has not).
fn kernel_has_vlan() -> bool {
    Command::new("unshare")
        .args(["--net", "--", "sh", "-c"])
        .arg(format!(
            "{ip} link add v type veth peer name w && \
             {ip} link add link v name v.1 type vlan id 1",
            ip = real_ip()
        ))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `-d` on VLAN sub-interfaces (flags, QoS maps, 802.1ad) and on a VLAN-filtering
/// bridge: compared in the stock-kernel lane. Where the kernel has no 802.1Q, both
/// tools answer that the devices do not exist, which is compared too.
#[test]
fn details_of_vlans_and_vlan_filtering_bridges() {
    let setup = "ip link add u0 type veth peer name u1; ip link set u0 up; \
        ip link add link u0 name u0.100 type vlan id 100; \
        ip link add link u0 name u0.101 type vlan id 101 protocol 802.1ad; \
        ip link add link u0 name u0.102 type vlan id 102 reorder_hdr off gvrp on \
        ingress-qos-map 1:2 2:3 egress-qos-map 3:4; \
        ip link add brv type bridge vlan_filtering 1 vlan_default_pvid 7 2>/dev/null";
    let lines = [
        "-d link show dev u0.100",
        "-d -j link show dev u0.101",
        "-d link show dev u0.102",
        "-d -j link show dev u0.102",
        "-d -j -p link show dev u0.102",
        "-d -o link show dev u0.102",
        "-d -br link show dev u0.100",
        "-d addr show dev u0.101",
        "-d -j addr show dev u0.102",
        "-d link show dev brv",
        "-d -j link show dev brv",
    ];
    differential(setup, &lines);
    if kernel_has_vlan() {
        let ip = transcript(real_ip(), setup, &lines);
        for shown in [
            "vlan protocol 802.1Q id 100 <REORDER_HDR>",
            "\"protocol\":\"802.1ad\",\"id\":101",
            "vlan protocol 802.1Q id 102 <GVRP>",
            "ingress-qos-map { 1:2 2:3 }",
            "vlan_protocol 802.1Q",
            "\"vlan_default_pvid\":7",
        ] {
            assert!(ip.contains(shown), "ip shows no {shown:?}:\n{ip}");
        }
    }
}
