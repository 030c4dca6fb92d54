//! What the vnet command-line tools share: the program name as invoked (drop-ins print
//! `argv[0]` where the originals do), output that treats a closed pipe as a normal end,
//! and one mapping from errors to exit codes.

use std::io::{self, Write};
use std::process::ExitCode;

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
/// A closed pipe (`vbrctl show | head -1`) ends the program quietly with status 0, as it
/// would for a C tool killed by `SIGPIPE` in a shell pipeline, instead of panicking.
pub fn print_out(text: &str) {
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("{}: writing output: {e}", argv0());
        std::process::exit(1);
    }
}

/// Writes `text` to standard error (errors writing it are ignored: there is nowhere
/// left to report them).
pub fn print_err(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// The exit status for a failed command: 1, as iproute2, brctl and tunctl use for any
/// failure. (Usage errors use 2 where clap reports them.)
pub fn failure() -> ExitCode {
    ExitCode::from(1)
}
