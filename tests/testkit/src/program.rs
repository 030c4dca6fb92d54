//! Programs a test runs: reference tools under a chosen name, the root package's examples.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

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
