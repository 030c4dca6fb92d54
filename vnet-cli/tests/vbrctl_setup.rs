//! `vbrctl` when it cannot open its control socket, against Debian's `brctl` 1.7.1.
//!
//! brctl opens an `AF_UNIX` socket for the bridge ioctls (`br_init()`) right after its
//! options, before it looks at the command, and when that fails prints
//! `can't setup bridge control: ` and `strerror(errno)`, exit status 1. vbrctl opens its
//! netlink socket at the same point. Here both run under a seccomp filter that makes
//! every `socket()` call fail with a chosen errno (the dynamic loader and everything
//! else still work), and their stdout, stderr and exit codes must be the same.
//!
//! Both run by absolute path with `brctl` as `argv[0]`, inside a namespace of the test's
//! own (`nsenter --net`, which opens no socket itself). Only commands that would change
//! nothing even if a socket did open are run, so a filter that did not take changes
//! nothing, and in that namespace only.

mod common;

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use vnet_testkit::{TestNs, invoke_as, packaged_tool};

/// `AUDIT_ARCH_*` of this target, as `seccomp_data.arch` reports it.
#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xC000_003E;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xC000_00B7;

/// Offsets in `struct seccomp_data`.
const SECCOMP_DATA_NR: u32 = 0;
const SECCOMP_DATA_ARCH: u32 = 4;

fn stmt(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jump(code: u32, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    }
}

/// Installs, in the calling process, a seccomp filter under which `socket()` fails with
/// `errno` and every other system call is allowed.
fn deny_socket(errno: i32) -> std::io::Result<()> {
    use libc::{BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W};
    let filter = [
        stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_ARCH),
        jump(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH, 1, 0),
        stmt(BPF_RET | BPF_K, libc::SECCOMP_RET_ALLOW),
        stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR),
        jump(BPF_JMP | BPF_JEQ | BPF_K, libc::SYS_socket as u32, 0, 1),
        stmt(
            BPF_RET | BPF_K,
            libc::SECCOMP_RET_ERRNO | (errno as u32 & libc::SECCOMP_RET_DATA),
        ),
        stmt(BPF_RET | BPF_K, libc::SECCOMP_RET_ALLOW),
    ];
    let program = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr() as *mut libc::sock_filter,
    };
    // SAFETY: prctl with PR_SET_NO_NEW_PRIVS takes integer arguments only.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `program` points at `filter`, both alive for the call; the kernel copies
    // the filter before returning.
    let rc = unsafe {
        libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &program as *const libc::sock_fprog,
        )
    };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Runs `program ARGS`, as `brctl`, inside `ns` with `socket()` failing with `errno`:
/// (exit code, stdout, stderr).
fn run_denied(
    ns: &TestNs,
    program: &Path,
    args: &[&str],
    errno: i32,
) -> (Option<i32>, String, String) {
    let mut command = Command::new("nsenter");
    command
        .arg(format!("--net=/run/netns/{}", ns.name))
        .args(invoke_as("brctl", program))
        .args(args);
    // SAFETY: the hook runs in the forked child before exec; it only builds a small
    // array on its stack and makes two prctl calls, nothing that allocates or locks.
    unsafe {
        command.pre_exec(move || deny_socket(errno));
    }
    let out = command.output().expect("running the tool");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn socket_failure_reports_strerror_like_brctl() {
    let ns = TestNs::new("nosocket");
    let brctl = packaged_tool("brctl");
    let brctl = brctl.as_path();
    let vbrctl = common::binary("vbrctl", env!("CARGO_BIN_EXE_vbrctl"));
    let vbrctl = vbrctl.as_path();
    let cases: &[&[&str]] = &[
        &["show"],
        &["show", "nobr"],
        &["showmacs", "nobr"],
        &["delbr", "nobr"],
        // brctl opens the socket before it looks at the command or counts arguments.
        &["frobnicate"],
        &["addbr"],
        &["stp", "nobr"],
        // Options and the bare help come before the socket: no failure at all.
        &["-V"],
        &[],
    ];
    for errno in [libc::EACCES, libc::EMFILE, libc::EAFNOSUPPORT] {
        for args in cases {
            let real = run_denied(&ns, brctl, args, errno);
            let ours = run_denied(&ns, vbrctl, args, errno);
            assert_eq!(ours, real, "brctl {args:?} with socket() failing ({errno})");
        }
        // The witness that the filter took and the message is brctl's format.
        let (code, out, err) = run_denied(&ns, brctl, &["show"], errno);
        let text = std::io::Error::from_raw_os_error(errno)
            .to_string()
            .replace(&format!(" (os error {errno})"), "");
        assert_eq!(
            (code, out.as_str(), err),
            (Some(1), "", format!("can't setup bridge control: {text}\n"))
        );
    }
}
