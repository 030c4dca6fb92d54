//! Interface names are bytes: `vbrctl` against Debian's `brctl` (by absolute path, both
//! run as `brctl`) with names that are not UTF-8.
//!
//! brctl passes `argv` to the kernel unchanged, so `brctl addbr $'br\xfe'` creates a
//! bridge whose name is exactly those three bytes, and `delbr` deletes exactly it. Each
//! case runs the same steps in two fresh namespaces, one per tool, and compares stdout,
//! stderr and exit code byte for byte, and after each step the names of the links the
//! kernel has, read from `ip -o link show` as raw bytes (its JSON cannot carry them).

mod common;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use vnet_testkit::*;

fn tools() -> (&'static Path, PathBuf) {
    (
        Path::new("/usr/sbin/brctl"),
        common::binary("vbrctl", env!("CARGO_BIN_EXE_vbrctl")),
    )
}

/// The names of the links in `ns`, exactly as the kernel has them, and the name of
/// each one's master, from `ip -o link show` (which prints names as raw bytes).
fn links(ns: &TestNs) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    let out = ns.exec("ip", &["-o", "link", "show"]);
    assert!(out.status.success());
    let mut found = Vec::new();
    for line in out.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        // "N: NAME[@PEER]: <FLAGS> ... master NAME ..."
        let name = line.split(|&b| b == b':').nth(1).expect("a name")[1..].to_vec();
        let name = name.split(|&b| b == b'@').next().unwrap().to_vec();
        let words: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
        let master = words
            .iter()
            .position(|w| *w == b"master")
            .map(|i| words[i + 1].to_vec());
        found.push((name, master));
    }
    found.sort();
    found
}

/// One run of `steps` (each a brctl command line; a step starting with `ip` is setup)
/// with the tool at `program`: what each brctl step printed and returned, and the links
/// after it.
fn transcript(program: &Path, steps: &[Vec<&[u8]>]) -> Vec<String> {
    let ns = TestNs::new("brname");
    let mut records = Vec::new();
    for step in steps {
        let args: Vec<OsString> = step
            .iter()
            .map(|a| OsString::from_vec(a.to_vec()))
            .collect();
        if step[0] == b"ip" {
            let out = ns.command("ip").args(&args[1..]).output().unwrap();
            assert!(out.status.success(), "setup {step:?}: {out:?}");
            continue;
        }
        let out = ns
            .command_as("brctl", program)
            .args(&args)
            .output()
            .unwrap();
        records.push(format!(
            "brctl {:?}\n--stdout--\n{}\n--stderr--\n{}\n--exit {:?}\n--links {}",
            args,
            out.stdout.escape_ascii(),
            out.stderr.escape_ascii(),
            out.status.code(),
            links(&ns)
                .iter()
                .map(|(n, m)| format!(
                    "{} master {}",
                    n.escape_ascii(),
                    m.as_deref().unwrap_or(b"-").escape_ascii()
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    records
}

fn compare(steps: &[Vec<&[u8]>]) -> Vec<String> {
    let (real, ours) = tools();
    let theirs = transcript(real, steps);
    let mine = transcript(&ours, steps);
    for (n, (o, r)) in mine.iter().zip(&theirs).enumerate() {
        assert_eq!(o, r, "step {} differs (left vbrctl, right brctl)", n + 1);
    }
    assert_eq!(mine.len(), theirs.len());
    theirs
}

/// `addbr $'br\xfe'` makes exactly those bytes (not `br` + U+FFFD), ports with such
/// names join and leave it, `show` and `showstp` print the names as given, and `delbr`
/// deletes exactly it.
#[test]
fn bridges_and_ports_named_with_bytes_that_are_not_utf8() {
    let steps: Vec<Vec<&[u8]>> = vec![
        vec![b"addbr", b"br\xfe"],
        vec![
            b"ip",
            b"link",
            b"add",
            b"p\xff0",
            b"address",
            b"02:00:00:00:00:10",
            b"type",
            b"veth",
            b"peer",
            b"name",
            b"q0",
        ],
        vec![b"addif", b"br\xfe", b"p\xff0"],
        vec![b"show"],
        vec![b"show", b"br\xfe"],
        vec![b"showstp", b"br\xfe"],
        vec![b"setageing", b"br\xfe", b"42"],
        vec![b"delif", b"br\xfe", b"p\xff0"],
        vec![b"delif", b"br\xfe", b"p\xff0"],
        vec![b"addif", b"br\xfe", b"p\xfe0"],
        vec![b"delbr", b"br\xfe"],
        vec![b"delbr", b"br\xfe"],
        vec![b"show", b"br\xfe"],
    ];
    let records = compare(&steps);
    // Not only equal to brctl: right. The bridge had exactly the bytes given.
    assert!(records[0].contains(r#"br\xfe master -"#), "{}", records[0]);
    assert!(!records[0].contains(r"\xef\xbf\xbd"), "{}", records[0]);
    assert!(
        records[1].contains(r#"p\xff0 master br\xfe"#),
        "{}",
        records[1]
    );
    assert!(records[9].contains("--exit Some(0)"), "{}", records[9]);
    assert!(!records[9].contains(r"br\xfe master -"), "{}", records[9]);
}

/// A bridge named `br` + U+FFFD is not the bridge `br\xfe`: deleting one leaves the
/// other, and the messages name the argument exactly.
#[test]
fn a_lossy_twin_is_another_bridge() {
    let steps: Vec<Vec<&[u8]>> = vec![
        vec![b"addbr", "br\u{fffd}".as_bytes()],
        vec![b"delbr", b"br\xfe"],
        vec![b"addbr", b"br\xfe"],
        vec![b"addbr", b"br\xfe"],
        vec![b"delbr", "br\u{fffd}".as_bytes()],
        vec![b"show"],
    ];
    let records = compare(&steps);
    assert!(records[1].contains("--exit Some(1)"), "{}", records[1]);
    assert!(records[4].contains(r"br\xfe master -"), "{}", records[4]);
}
