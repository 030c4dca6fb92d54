//! The drop-ins start as C programs start (`vnet_cli::c_main!`), and end as their
//! originals end where Rust's own start-up would have made them differ: with standard
//! output or error closed, and writing into a pipe whose reader has gone. Each case runs
//! Debian's tool (by its absolute path) and the drop-in the same way and compares exit
//! status, signal and what reached the other streams.
//!
//! No case touches the kernel's network state: `-V` and a usage error only.

mod common;

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};

const BRCTL: &str = "/usr/sbin/brctl";
const TUNCTL: &str = "/usr/bin/tunctl";

fn vbrctl() -> String {
    let path = common::binary("vbrctl", env!("CARGO_BIN_EXE_vbrctl"));
    path.to_str().unwrap().to_string()
}

fn vtunctl() -> String {
    let path = common::binary("vtunctl", env!("CARGO_BIN_EXE_vtunctl"));
    path.to_str().unwrap().to_string()
}

/// Held while a case starts processes. The SIGPIPE case holds a pipe's reader for a
/// moment before it drops it: a process another test thread forked meanwhile would
/// hold a copy until its exec, and a write arriving then would succeed (the stock-kernel
/// lane, under emulation, once saw brctl exit 0, which such a copy explains). So the
/// cases run one at a time.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static SPAWNING: Mutex<()> = Mutex::new(());
    SPAWNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `program ARGS` through `sh` with the redirections `redirect` (`>&-` closes
/// standard output): (exit code, signal, stdout, stderr) of the program, its name in
/// messages replaced by `PROG`.
fn run_redirected(
    program: &str,
    args: &[&str],
    redirect: &str,
) -> (Option<i32>, Option<i32>, String, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("\"$0\" \"$@\" {redirect}"))
        .arg(program)
        .args(args)
        .output()
        .unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(program, "PROG");
    (
        out.status.code(),
        out.status.signal(),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn closed_standard_streams_end_as_in_c() {
    let _serial = one_at_a_time();
    // With standard output closed, brctl's printf fails quietly, and so does the
    // drop-in's output.
    for args in [&["-V"][..], &["--help"]] {
        let real = run_redirected(BRCTL, args, ">&-");
        assert_eq!(real, (Some(0), None, String::new(), String::new()));
        assert_eq!(run_redirected(&vbrctl(), args, ">&-"), real, "{args:?}");
    }
    // Messages to a closed standard error vanish; the exit status stays.
    let real = run_redirected(BRCTL, &["-x"], "2>&-");
    assert_eq!(real.0, Some(1));
    assert_eq!(run_redirected(&vbrctl(), &["-x"], "2>&-"), real);
    let real = run_redirected(TUNCTL, &["extra"], "2>&-");
    assert_eq!(real, (Some(1), None, String::new(), String::new()));
    assert_eq!(run_redirected(&vtunctl(), &["extra"], "2>&-"), real);
    // Standard input closed changes nothing.
    let real = run_redirected(BRCTL, &["-V"], "<&-");
    assert_eq!(real.0, Some(0));
    assert_eq!(run_redirected(&vbrctl(), &["-V"], "<&-"), real);
}

/// Where the drop-ins knowingly differ: a closed standard stream is reopened on
/// `/dev/null` before anything else, so that a file or socket the program opens never
/// takes its number and receives its output (tunctl, whose printf would then write into
/// the tun device it just opened as descriptor 1, opens nothing on it). The witness: the
/// clone device `/proc/self/fd/1` is then `/dev/null`, which refuses TUNSETIFF, where
/// tunctl finds no such file. Nothing reaches the kernel's network state.
#[test]
fn closed_standard_streams_are_reopened_on_dev_null() {
    let _serial = one_at_a_time();
    let args = ["-f", "/proc/self/fd/1"];
    let (code, _, _, stderr) = run_redirected(&vtunctl(), &args, ">&-");
    assert_eq!(
        (code, stderr.as_str()),
        (Some(1), "TUNSETIFF: Inappropriate ioctl for device\n")
    );
    let (code, _, _, stderr) = run_redirected(TUNCTL, &args, ">&-");
    assert_eq!(
        (code, stderr.as_str()),
        (
            Some(1),
            "Failed to open '/proc/self/fd/1' : No such file or directory\n"
        )
    );
}

#[test]
fn a_closed_pipe_ends_the_program_with_sigpipe() {
    let _serial = one_at_a_time();
    // The pipe's reader is gone before the program writes: C's default action for
    // SIGPIPE ends brctl, and the drop-in, which leaves SIGPIPE alone as C does.
    let run = |program: &str| {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut child = Command::new(program)
            .arg("-V")
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = String::new();
        let mut pipe = child.stderr.take().unwrap();
        pipe.read_to_string(&mut stderr).unwrap();
        let status = child.wait().unwrap();
        (status.code(), status.signal(), stderr)
    };
    let real = run(BRCTL);
    assert_eq!(real, (None, Some(libc::SIGPIPE), String::new()));
    assert_eq!(run(&vbrctl()), real);
}
