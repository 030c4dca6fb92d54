//! Interface names are bytes: `vtunctl` against Debian's `tunctl` (by absolute path, both
//! run as `tunctl`) with device names that are not UTF-8. tunctl copies `argv` into the
//! `TUNSETIFF` request unchanged and prints the name the kernel gives back; each case
//! runs in two fresh namespaces, one per tool, and compares stdout, stderr and exit code
//! byte for byte, and the names of the links after each step, read from `ip -o link
//! show` as raw bytes.

mod common;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use vnet_testkit::*;

/// What each step printed and returned, and the link names (raw, escaped) after it.
fn transcript(program: &Path, steps: &[&[&[u8]]]) -> Vec<String> {
    let ns = TestNs::new("tunname");
    steps
        .iter()
        .map(|step| {
            let args: Vec<OsString> = step
                .iter()
                .map(|a| OsString::from_vec(a.to_vec()))
                .collect();
            let out = ns
                .command_as("tunctl", program)
                .args(&args)
                .output()
                .unwrap();
            let links = ns.exec("ip", &["-o", "link", "show"]).stdout;
            let names: Vec<String> = links
                .split(|&b| b == b'\n')
                .filter_map(|l| l.split(|&b| b == b':').nth(1))
                .map(|n| n[1..].escape_ascii().to_string())
                .collect();
            format!(
                "tunctl {args:?}\n--stdout--\n{}\n--stderr--\n{}\n--exit {:?}\n--links {}",
                out.stdout.escape_ascii(),
                out.stderr.escape_ascii(),
                out.status.code(),
                names.join(", ")
            )
        })
        .collect()
}

/// `-t $'tap\xfe'` creates exactly those bytes and prints them back; `-d` with the same
/// bytes deletes it, and with the U+FFFD twin does not.
#[test]
fn tap_names_that_are_not_utf8() {
    let steps: &[&[&[u8]]] = &[
        &[b"-t", b"tap\xfe"],
        &[b"-b", b"-t", b"tap\xfe"],
        &[b"-d", "tap\u{fffd}".as_bytes()],
        &[b"-d", b"tap\xfe"],
        &[b"-bt", b"t\xff%d"],
    ];
    let real = transcript(Path::new("/usr/bin/tunctl"), steps);
    let ours = transcript(
        &common::binary("vtunctl", env!("CARGO_BIN_EXE_vtunctl")),
        steps,
    );
    for (n, (o, r)) in ours.iter().zip(&real).enumerate() {
        assert_eq!(o, r, "step {} differs (left vtunctl, right tunctl)", n + 1);
    }
    assert!(
        real[0].contains(r"Set \'tap\xfe\' persistent"),
        "{}",
        real[0]
    );
    assert!(real[0].contains(r"--links lo, tap\xfe"), "{}", real[0]);
    assert!(real[2].contains(r"--links lo, tap\xfe"), "{}", real[2]);
    assert!(real[3].ends_with("--links lo"), "{}", real[3]);
    assert!(real[4].contains(r"t\xff0"), "{}", real[4]);
}
