//! `vbrctl setageing` against Debian's `brctl setageing` (both by absolute path, run as
//! `brctl`) for doubles of every kind: brctl converts seconds to hundredths with C's
//! conversions (`(long)` of a NaN or of a value outside `long` is `LONG_MIN` on x86-64)
//! in wrapping 64-bit arithmetic and writes an `unsigned long` to sysfs, which the kernel
//! converts to jiffies and back, again wrapping. vbrctl must leave the same ageing time,
//! which `ip -d -j link show` reads back, and print and return the same.

mod common;

use std::path::Path;

use vnet_testkit::*;

/// The ageing time of `br0` in `ns`, as `ip -d -j link show` reports it.
fn ageing(ns: &TestNs) -> u64 {
    ns.link_json("br0").expect("br0")["linkinfo"]["info_data"]["ageing_time"]
        .as_u64()
        .expect("ageing_time")
}

/// For each value: `brctl setageing br0 -- VALUE`'s output and exit code, and the ageing
/// time after it.
fn transcript(program: &Path, values: &[&str]) -> Vec<String> {
    let ns = TestNs::new("ageing");
    ns.run_ok("ip", &["link", "add", "br0", "type", "bridge"]);
    values
        .iter()
        .map(|value| {
            let out = ns
                .command_as("brctl", program)
                // `--`, so that negative values are not options.
                .args(["--", "setageing", "br0", value])
                .output()
                .unwrap();
            format!(
                "setageing {value}: stdout {:?} stderr {:?} exit {:?} ageing_time {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                out.status.code(),
                ageing(&ns)
            )
        })
        .collect()
}

#[test]
fn every_kind_of_double_is_stored_as_brctl_stores_it() {
    let mut values: Vec<String> = [
        "1e30",
        "inf",
        "-inf",
        "nan",
        "0x1p70",
        "-1e30",
        "1e300",
        "9.3e18",
        "1e9",
        "1e12",
        "1e15",
        "1e18",
        "1e19",
        "-1",
        "-0.5",
        "1.5",
        "0.03",
        "2.3",
        "4294967296",
        "42949672.96",
        "184468000000",
        "92233720368547758",
        "1e-300",
        "-1e-300",
        "-0",
        "0x1.fffffffffffffp1023",
        "4.9e-324",
        "300",
        "0",
    ]
    .iter()
    .map(|v| v.to_string())
    .collect();
    // And doubles spread over every binary exponent (a fixed sequence, so a failure
    // reproduces): 2^e times a mantissa, both signs.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for e in (-20..=80).step_by(3) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mantissa = 1.0 + (x >> 12) as f64 / (1u64 << 52) as f64;
        let sign = if e % 2 == 0 { 1.0 } else { -1.0 };
        values.push(format!("{:e}", sign * mantissa * 2f64.powi(e)));
    }
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    let real = transcript(Path::new("/usr/sbin/brctl"), &values);
    let ours = transcript(
        &common::binary("vbrctl", env!("CARGO_BIN_EXE_vbrctl")),
        &values,
    );
    for (o, r) in ours.iter().zip(&real) {
        assert_eq!(o, r, "left vbrctl, right brctl");
    }
    // The case of the issue: brctl stores 2133437386 for 1e30 (with HZ 250, this
    // kernel's and Debian's).
    assert!(
        real[0].ends_with("exit Some(0) ageing_time 2133437386"),
        "{}",
        real[0]
    );
}
