//! Independent witnesses: the kernel's state as iproute2 reports it.

use std::process::Command;

use serde_json::Value;

use crate::TestNs;

/// `ip -n NS -j ARGS...` for the namespace named `ns`, parsed; fails the test if `ip`
/// fails. (`Null` when `ip` prints nothing, as some commands do for an empty list.)
pub fn ip_json(ns: &str, args: &[&str]) -> Value {
    json_of("ip", ns, args)
}

/// `PROGRAM -n NS -j ARGS...` (`ip` or `bridge`), parsed.
pub(crate) fn json_of(program: &str, ns: &str, args: &[&str]) -> Value {
    let out = Command::new(program)
        .args(["-n", ns, "-j"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} -n {ns} -j {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if out.stdout.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{program} -n {ns} -j {args:?} gave no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The addresses (as `addr/prefix`) that `ip -j addr show dev DEV` lists in `ns`.
pub fn addresses(ns: &TestNs, dev: &str) -> Vec<String> {
    let v = ns.ip_json(&["addr", "show", "dev", dev]);
    v[0]["addr_info"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| format!("{}/{}", i["local"].as_str().unwrap(), i["prefixlen"]))
                .collect()
        })
        .unwrap_or_default()
}
