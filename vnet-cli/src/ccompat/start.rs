//! A program that starts as a C program starts.

use std::ffi::c_int;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::os::fd::{AsFd, IntoRawFd};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

/// Declares the C `main` of a drop-in for a C tool, so that it starts the way its C
/// original starts: `c_main!(run)` with `fn run() -> u8` (the exit status), and
/// `#![cfg_attr(not(test), no_main)]` at the top of the binary. In the binary's unit
/// tests it declares nothing, and the test harness's `main` runs.
///
/// Rust's own start-up, before `fn main`, costs a short-lived tool more than its work:
/// it reads `/proc/self/maps` to find the main thread's stack (`pthread_getattr_np`),
/// maps an alternate signal stack with a guard page and installs a stack overflow
/// handler for SIGSEGV and SIGBUS, ignores SIGPIPE and polls file descriptors 0 to 2:
/// 19 system calls and a third to a half of the instructions of `vbrctl -V` (numbers in
/// BENCHMARKS.md, "Start-up of the drop-ins"). This `main` skips it, and so the drop-in
/// behaves as the C original where that start-up would have changed behaviour: SIGPIPE
/// keeps its default action (writing to a closed pipe ends the program with SIGPIPE, as
/// it ends brctl), and a stack overflow is a plain SIGSEGV. It keeps what matters for
/// safety, at the cost of one `poll`: standard input, output and error are opened on
/// `/dev/null` if they are closed ([`run_main`]).
#[macro_export]
macro_rules! c_main {
    ($run:path) => {
        /// The program's entry point, called by the C library's start-up code.
        // `no_mangle` is unsafe because two symbols of one name would clash: this is the
        // only `main` of a crate that declares `#![no_main]`.
        #[cfg(not(test))]
        #[unsafe(no_mangle)]
        extern "C" fn main(
            _argc: ::std::ffi::c_int,
            _argv: *const *const ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            $crate::ccompat::run_main($run)
        }
        // In a test build, the program is not run but still used.
        #[cfg(test)]
        const _: fn() -> u8 = $run;
    };
}

/// The body of the C `main` that [`c_main!`] declares: opens the closed ones of file
/// descriptors 0, 1 and 2 on `/dev/null` (as Rust's start-up does, so that a socket the
/// program opens can never take the place of its standard output), runs `run`, flushes
/// Rust's standard output (which Rust's start-up would flush at the end), and returns
/// `run`'s exit status. Arguments come from `std::env::args_os()`, which the standard
/// library fills on glibc whatever the entry point.
pub fn run_main(run: fn() -> u8) -> c_int {
    open_standard_fds();
    let status = run();
    let _ = io::stdout().flush();
    c_int::from(status)
}

/// Opens `/dev/null` on each of file descriptors 0, 1 and 2 that is closed (in that
/// order: `open` takes the lowest free descriptor).
fn open_standard_fds() {
    let (stdin, stdout, stderr) = (io::stdin(), io::stdout(), io::stderr());
    let mut fds = [
        PollFd::new(stdin.as_fd(), PollFlags::empty()),
        PollFd::new(stdout.as_fd(), PollFlags::empty()),
        PollFd::new(stderr.as_fd(), PollFlags::empty()),
    ];
    if poll(&mut fds, PollTimeout::ZERO).is_err() {
        return;
    }
    for fd in fds {
        if fd
            .revents()
            .is_some_and(|r| r.contains(PollFlags::POLLNVAL))
        {
            let null = OpenOptions::new().read(true).write(true).open("/dev/null");
            // Kept open for the rest of the program, as the descriptor it stands for.
            let _ = null.map(IntoRawFd::into_raw_fd);
        }
    }
}
