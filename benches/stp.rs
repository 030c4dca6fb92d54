//! How long a bridge port with STP on stays listening and learning before it forwards,
//! for a given forward delay, as `bridge -j link` reports the port's state (polled
//! every 20 ms, so each figure is blurred by up to one poll and by `bridge`'s own
//! start-up). The test `stp_port_listens_and_learns_before_forwarding` checks the order
//! of the states; this measures their durations.
//!
//! Each run gets a fresh namespace with an STP bridge (`forward_delay` D) and one veth
//! whose end is enslaved and brought up at the start of the timing.
//!
//! ```text
//! scripts/private-netns.sh cargo bench --bench stp            # D = 2 s and 4 s, 3 runs each
//! scripts/private-netns.sh cargo bench --bench stp -- 2 6     # chosen delays (seconds)
//! ```
//!
//! It prints a Markdown table for BENCHMARKS.md. Under `cargo test` it runs once with
//! D = 2 s as a smoke test.

mod common;

use std::time::{Duration, Instant};

use common::{Plan, median};
use vnet::{Bridge, BridgeOptions, Veth};
use vnet_testkit::{TestNs, ifname};

/// The port's state as `bridge -j link show dev PORT` reports it.
fn state(ns: &TestNs, port: &str) -> String {
    let v = ns.bridge_json(&["link", "show", "dev", port]);
    v[0]["state"].as_str().unwrap_or_default().to_string()
}

/// One run with a forward delay of `delay` seconds: how long the port was read
/// listening, and learning.
fn one_run(delay: usize, run: usize) -> (Duration, Duration) {
    let ns = TestNs::new(&format!("stp{run}"));
    let options = BridgeOptions {
        stp: Some(true),
        forward_delay: Some(delay as u32 * 100),
        ..Default::default()
    };
    ns.handle
        .link()
        .add(&Bridge::new(ifname("br0")).options(options).up())
        .unwrap();
    ns.handle
        .link()
        .add(&Veth::new(ifname("tap1"), ifname("peer1")).master(ifname("br0")))
        .unwrap();
    // The far end up first: the port has a carrier as soon as it is up.
    ns.handle.link().up(ifname("peer1")).unwrap();
    let mut seen: Vec<(String, Instant)> = Vec::new();
    ns.handle.link().up(ifname("tap1")).unwrap();
    let begin = Instant::now();
    loop {
        let now = Instant::now();
        let s = state(&ns, "tap1");
        if seen.last().map(|(last, _)| last) != Some(&s) {
            seen.push((s.clone(), now));
        }
        if s == "forwarding" {
            break;
        }
        assert!(
            begin.elapsed() < Duration::from_secs(10 * delay as u64 + 10),
            "no forwarding: {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let at = |name: &str| {
        seen.iter()
            .find(|(s, _)| s == name)
            .unwrap_or_else(|| panic!("{name} never read: {seen:?}"))
            .1
    };
    (
        at("learning") - at("listening"),
        at("forwarding") - at("learning"),
    )
}

fn main() {
    let Plan { bench, sizes } = Plan::from_args(&[2, 4], 2);
    let reps = if bench { 3 } else { 1 };
    println!("| forward delay | listening (median) | learning (median) | runs |");
    println!("|---|---|---|---|");
    let mut run = 0;
    for &delay in &sizes {
        let (mut listening, mut learning) = (Vec::new(), Vec::new());
        for _ in 0..reps {
            run += 1;
            let (l, r) = one_run(delay, run);
            listening.push(l);
            learning.push(r);
        }
        println!(
            "| {delay} s | {:.2} s | {:.2} s | {reps} |",
            median(listening).as_secs_f64(),
            median(learning).as_secs_f64()
        );
    }
}
