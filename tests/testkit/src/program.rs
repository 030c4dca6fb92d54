//! Programs a test runs: reference tools under a chosen name, the root package's examples.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The start of a command line that runs `program`, by its path, with `argv0` as its
/// `argv[0]`; append the program's arguments.
///
/// It is `/bin/bash -c 'exec -a "$0" "$@"' ARGV0 PROGRAM`: bash replaces itself with
/// the program, so the program keeps bash's pid, file descriptors (a terminal stays a
/// terminal) and environment. Differential tests run Debian's tool (`/usr/sbin/brctl`)
/// and vnet's drop-in (`CARGO_BIN_EXE_vbrctl`) both as `brctl` this way, since both
/// print `argv[0]` in some messages, and neither is looked up on `PATH`, where another
/// drop-in could stand. `program` must be an absolute path.
pub fn invoke_as(argv0: &str, program: &Path) -> Vec<OsString> {
    assert!(
        program.is_absolute(),
        "{} is not an absolute path: a tool under test is never looked up on PATH",
        program.display()
    );
    vec![
        "/bin/bash".into(),
        "-c".into(),
        r#"exec -a "$0" "$@""#.into(),
        argv0.into(),
        program.into(),
    ]
}

/// The path of the root package's example program `name`, built first if needed (a
/// no-op when it is up to date: `cargo test --all-targets` has built it already).
///
/// For tests of the root package (examples are not binaries, so cargo gives tests no
/// `CARGO_BIN_EXE_` path for them).
pub fn example(name: &str) -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "vnet", "--example", name])
        .status()
        .expect("running cargo build for an example");
    assert!(status.success(), "building example {name} failed");
    // A test runs from target/<profile>/deps/; examples live in target/<profile>/examples/.
    let exe = std::env::current_exe().expect("the test's own path");
    let path = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>")
        .join("examples")
        .join(name);
    assert!(path.exists(), "{} missing", path.display());
    path
}

/// The path of Debian's own `name` (`brctl`, `tunctl`, `ip`), proven to be the packaged
/// binary: `dpkg -S` names the package that installed a `…/bin/NAME` or `…/sbin/NAME`,
/// and the file's MD5 matches what the package recorded for it
/// (`/var/lib/dpkg/info/PKG.md5sums`). A differential test compares vnet's drop-in with
/// this, never with whatever answers to the name: a drop-in installed under the name
/// (`install.sh` can install vtunctl as `tunctl`) would make it compare a tool with
/// itself. Panics, saying why, when there is no such packaged file or it was changed.
pub fn packaged_tool(name: &str) -> PathBuf {
    static FOUND: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let found = FOUND.get_or_init(Default::default);
    let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
    found
        .entry(name.to_string())
        .or_insert_with(|| find_packaged(name))
        .clone()
}

fn find_packaged(name: &str) -> PathBuf {
    let out = Command::new("dpkg")
        .args(["-S", &format!("*bin/{name}")])
        .output()
        .unwrap_or_else(|e| panic!("running dpkg -S for {name}: {e}"));
    assert!(
        out.status.success(),
        "dpkg -S '*bin/{name}': no package installs {name}: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let listing = String::from_utf8_lossy(&out.stdout);
    let mut tried = Vec::new();
    // Lines are "pkg[, pkg...]: /path"; a file the package lists in its md5sums is a
    // regular file it shipped (links, such as /sbin/ip to /bin/ip, are not listed).
    for line in listing.lines() {
        let Some((packages, path)) = line.split_once(": ") else {
            continue;
        };
        let path = Path::new(path.trim());
        let in_bin = path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == "bin" || d == "sbin");
        if path.file_name().is_none_or(|f| f != name) || !in_bin {
            continue;
        }
        for package in packages.split(", ") {
            if let Some(recorded) = recorded_md5(package, path) {
                let actual = md5_of(path);
                assert_eq!(
                    actual,
                    recorded,
                    "{} is not the file package {package} installed (its MD5 differs): \
                     a differential test would not compare against Debian's {name}",
                    path.display()
                );
                return path.to_path_buf();
            }
            tried.push(format!("{package}: {}", path.display()));
        }
    }
    panic!("no packaged regular file for {name} (dpkg -S found {tried:?} in:\n{listing})");
}

/// The MD5 that `package` recorded for `path`, if its md5sums list it.
fn recorded_md5(package: &str, path: &Path) -> Option<String> {
    let relative = path.strip_prefix("/").ok()?.to_str()?;
    let info = Path::new("/var/lib/dpkg/info");
    let arch = Command::new("dpkg")
        .arg("--print-architecture")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let bare = package.split(':').next().unwrap_or(package);
    [format!("{bare}.md5sums"), format!("{bare}:{arch}.md5sums")]
        .iter()
        .filter_map(|file| std::fs::read_to_string(info.join(file)).ok())
        .flat_map(|sums| {
            sums.lines()
                .filter_map(|l| l.split_once("  "))
                .filter(|(_, p)| *p == relative)
                .map(|(sum, _)| sum.to_string())
                .collect::<Vec<_>>()
        })
        .next()
}

/// The MD5 of the file at `path`, by coreutils' `md5sum`.
fn md5_of(path: &Path) -> String {
    let out = Command::new("md5sum")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("running md5sum {}: {e}", path.display()));
    assert!(out.status.success(), "md5sum {}: {out:?}", path.display());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}
