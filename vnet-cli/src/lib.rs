//! What the vnet command-line tools share, so that each binary of `src/bin/` holds only
//! its command table and its output formatting:
//!
//! - the program name as invoked (drop-ins print `argv[0]` where the originals do),
//!   output that treats a closed pipe as a normal end, one mapping from errors to exit
//!   codes (here);
//! - [`cli`]: the command line of `vnet`;
//! - [`ccompat`]: what the drop-ins for C tools must do as C does (glibc's `getopt`,
//!   `strtol` and friends, `stdout` buffering);
//! - [`docs`]: the man pages and shell completions generated from a clap parser;
//! - [`cni`]: the CNI plugin `vnet-cni`;
//! - [`ip`]: the `ip` command line of `vip`;
//! - [`lab`]: `vnet lab`, labs from files.

use std::io::{self, Write};
use std::process::ExitCode;

pub mod brctl;
pub mod ccompat;
pub mod cli;
pub mod cni;
pub mod docs;
pub mod ip;
pub mod lab;
pub mod tunctl;

/// The program name exactly as invoked (`argv[0]`), the way C tools print it in usage
/// and error messages ("/usr/sbin/brctl", "./vtunctl").
pub fn argv0() -> String {
    std::env::args_os()
        .next()
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes `text` to standard output and flushes it.
///
/// A closed pipe (`vnet nat show | head -1`) ends the program quietly with status 0,
/// as it would for a C tool killed by `SIGPIPE` in a shell pipeline, instead of
/// panicking. (The drop-ins, which start as C programs with [`c_main!`], are killed by
/// `SIGPIPE` before they see the error, as their originals are.)
pub fn print_out(text: &str) {
    write_or_exit(&mut io::stdout().lock(), text.as_bytes());
}

/// Writes `bytes` (names as the kernel has them need not be UTF-8) to standard output
/// and flushes it, like [`print_out`].
pub fn print_out_bytes(bytes: &[u8]) {
    write_or_exit(&mut io::stdout().lock(), bytes);
}

/// Writes `bytes` to `sink` and flushes it; a closed pipe ends the program with status
/// 0, any other error with a message and status 1.
pub(crate) fn write_or_exit(sink: &mut impl Write, bytes: &[u8]) {
    if let Err(e) = sink.write_all(bytes).and_then(|()| sink.flush()) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("{}: writing output: {e}", argv0());
        std::process::exit(1);
    }
}

/// Writes `text` (any bytes: C tools print arguments as they got them) to standard
/// error; errors writing it are ignored, as there is nowhere left to report them.
pub fn print_err(text: impl AsRef<[u8]>) {
    let _ = io::stderr().lock().write_all(text.as_ref());
}

/// The exit status for a failed command: 1, as iproute2, brctl and tunctl use for any
/// failure. (Usage errors use 2 where clap reports them.)
pub fn failure() -> ExitCode {
    ExitCode::from(1)
}
