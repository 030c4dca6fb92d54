//! Creating and deleting N persistent taps, side by side in one run: the library,
//! `vtunctl` once per device, Debian's `tunctl` once per device, and `ip -batch`
//! (`tuntap add` / `tuntap del` lines).
//!
//! Each run gets a fresh namespace. Creation and deletion are timed separately. The
//! library creates all taps with one `add_many` (one visit to the namespace opens every
//! clone device; the link groups go in one netlink datagram) and deletes the whole
//! group in one request (one unregister for all, instead of one RCU wait per device);
//! it is also timed with one `add` and one `delete` per tap, like the others. The per-device tools
//! run in one shell loop inside the namespace (`ip netns exec NS sh -c 'for ...'`), how
//! they are used; the loop's own cost is the same for both.
//!
//! Run it as root under the private `/run/netns` wrapper:
//!
//! ```text
//! scripts/private-netns.sh cargo bench --bench taps            # N = 100
//! scripts/private-netns.sh cargo bench --bench taps -- 10 100  # chosen sizes
//! ```
//!
//! It prints a Markdown table of medians and ratios for BENCHMARKS.md. Under
//! `cargo test` it runs every contender once with 3 taps, as a smoke test that checks
//! each really created and deleted its devices.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Plan, cli_binary, ip_batch, median, ms, shell_loop};
use vnet::TunTap;
use vnet_testkit::{TestNs, ifname};

/// The link group the library puts its taps in.
const GROUP: u32 = 77;

#[derive(Clone, Copy, PartialEq)]
enum Tool {
    LibraryGroup,
    LibraryEach,
    Vtunctl,
    Tunctl,
    IpBatch,
}

impl Tool {
    fn label(self) -> &'static str {
        match self {
            Tool::LibraryGroup => "vnet: `add_many`, `delete_group` once",
            Tool::LibraryEach => "vnet: `add` per tap, `delete` per tap",
            Tool::Vtunctl => "`vtunctl -t` / `vtunctl -d` per tap",
            Tool::Tunctl => "`tunctl -t` / `tunctl -d` per tap",
            Tool::IpBatch => "`ip -batch` (`tuntap add` / `tuntap del`)",
        }
    }
}

/// `tuntap VERB mode tap dev tapI` for every I, for `ip -batch`.
fn tuntap_lines(verb: &str, n: usize) -> String {
    let mut script = String::new();
    for i in 0..n {
        writeln!(script, "tuntap {verb} mode tap dev tap{i}").unwrap();
    }
    script
}

/// How many tun/tap devices iproute2 sees in `ns`.
fn taps(ns: &str) -> usize {
    let out = Command::new("ip")
        .args(["-n", ns, "tuntap", "show"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).lines().count()
}

/// Times creating then deleting `n` taps with `tool` in a fresh namespace.
fn one_run(tool: Tool, n: usize, run: usize, vtunctl: &Path) -> (Duration, Duration) {
    let ns = TestNs::new(&format!("tp{run}"));
    let (name, h) = (ns.name.as_str(), &ns.handle);
    let vtunctl = vtunctl.to_str().unwrap();

    let t = Instant::now();
    match tool {
        Tool::LibraryGroup => {
            let taps: Vec<TunTap> = (0..n)
                .map(|i| TunTap::tap(ifname(&format!("tap{i}"))).link_group(GROUP))
                .collect();
            h.tuntap().add_many(&taps).unwrap();
        }
        Tool::LibraryEach => {
            for i in 0..n {
                h.tuntap()
                    .add(&TunTap::tap(ifname(&format!("tap{i}"))))
                    .unwrap();
            }
        }
        Tool::Vtunctl => shell_loop(name, &format!("{vtunctl} -t tap$i >/dev/null"), n),
        Tool::Tunctl => shell_loop(name, "/usr/bin/tunctl -t tap$i >/dev/null", n),
        Tool::IpBatch => ip_batch(Some(name), &tuntap_lines("add", n)),
    }
    let create = t.elapsed();
    assert_eq!(taps(name), n, "{}: taps after creation", tool.label());

    let t = Instant::now();
    match tool {
        Tool::LibraryGroup => h.link().delete_group(GROUP).unwrap(),
        Tool::LibraryEach => {
            for i in 0..n {
                h.tuntap().delete(&ifname(&format!("tap{i}"))).unwrap();
            }
        }
        Tool::Vtunctl => shell_loop(name, &format!("{vtunctl} -d tap$i >/dev/null"), n),
        Tool::Tunctl => shell_loop(name, "/usr/bin/tunctl -d tap$i >/dev/null", n),
        Tool::IpBatch => ip_batch(Some(name), &tuntap_lines("del", n)),
    }
    let delete = t.elapsed();
    assert_eq!(taps(name), 0, "{}: taps after deletion", tool.label());

    drop(ns);
    (create, delete)
}

fn main() {
    let Plan { bench, sizes } = Plan::from_args(&[100], 3);
    let reps = if bench { 7 } else { 1 };
    let vtunctl = cli_binary("vtunctl");
    let tools = [
        Tool::LibraryGroup,
        Tool::LibraryEach,
        Tool::Vtunctl,
        Tool::Tunctl,
        Tool::IpBatch,
    ];
    println!("| N | how | create | delete | create vs vnet | delete vs vnet |");
    println!("|---|---|---|---|---|---|");
    let mut run = 0;
    for &n in &sizes {
        let mut creates: Vec<Vec<Duration>> = vec![Vec::new(); tools.len()];
        let mut deletes: Vec<Vec<Duration>> = vec![Vec::new(); tools.len()];
        // Interleave the contenders so drift hits them all alike.
        for _ in 0..reps {
            for (k, &tool) in tools.iter().enumerate() {
                run += 1;
                let (c, d) = one_run(tool, n, run, &vtunctl);
                creates[k].push(c);
                deletes[k].push(d);
            }
        }
        let creates: Vec<Duration> = creates.into_iter().map(median).collect();
        let deletes: Vec<Duration> = deletes.into_iter().map(median).collect();
        for (k, tool) in tools.iter().enumerate() {
            println!(
                "| {n} | {} | {} | {} | {:.1}x | {:.1}x |",
                tool.label(),
                ms(creates[k]),
                ms(deletes[k]),
                creates[k].as_secs_f64() / creates[0].as_secs_f64(),
                deletes[k].as_secs_f64() / deletes[0].as_secs_f64(),
            );
        }
    }
}
