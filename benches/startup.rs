//! Start-up of the drop-ins against their C originals, side by side in one run: how long
//! one run of a command that does no work takes, whole process, from the shell's fork
//! to its wait.
//!
//! - `vbrctl -V` against Debian's `brctl -V`;
//! - `vtunctl extra` against Debian's `tunctl extra`: a usage error (tunctl has no `-V`),
//!   the cheapest run that both answer identically (the usage on stderr, status 1);
//! - `vip xyz` against Debian's `ip xyz`: an unknown object, answered identically (`ip
//!   -V` names the program);
//! - `true`: the floor, a shell starting the smallest C program;
//! - under `cargo bench` the drop-ins twice: as they ship (scripts/build-release.sh)
//!   and as `cargo build --release` makes them (dynamically linked, release profile).
//!
//! Each contender runs N times in one shell loop (`sh -c 'i=0; while ...'`, output to
//! /dev/null); the loops of all contenders alternate, round after round, so that drift
//! hits them alike. The table gives the median time of one run over the rounds and the
//! ratio to the C original. Before timing, each drop-in's output, error output and exit
//! status are checked to be its original's (the program's path, which tunctl prints,
//! set aside).
//!
//! ```text
//! cargo bench --bench startup            # N = 1000, 11 rounds
//! cargo bench --bench startup -- 200     # another N
//! ```
//!
//! Under `cargo test` it checks the outputs and runs one round of 20 of the debug builds.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Plan, cargo_cli_binary, cli_binary, median};

/// One contender: a label for the table, the program and its arguments, and the row of
/// the C original it is compared with.
struct Contender {
    label: String,
    program: PathBuf,
    args: &'static [&'static str],
    original: usize,
}

/// A build of the drop-ins: how it was made, and the function that makes it and returns
/// the path of a binary of it.
type Build = (&'static str, fn(&str) -> PathBuf);

/// What a run prints and returns, the program's path replaced by `PROG`.
fn answer(program: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    let out = Command::new(program).args(args).output().unwrap();
    let path = program.to_str().unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(path, "PROG");
    (text(&out.stdout), text(&out.stderr), out.status.code())
}

/// Runs `program ARGS` `n` times in one shell loop; the time of one run.
fn one_run(contender: &Contender, n: usize) -> Duration {
    let command: Vec<String> = std::iter::once(contender.program.to_str().unwrap())
        .chain(contender.args.iter().copied())
        .map(|word| format!("'{word}'"))
        .collect();
    let script = format!(
        "i=0; while [ $i -lt {n} ]; do {} >/dev/null 2>&1; i=$((i + 1)); done",
        command.join(" ")
    );
    let t = Instant::now();
    let status = Command::new("sh").args(["-c", &script]).status().unwrap();
    let took = t.elapsed();
    assert!(status.success(), "the loop of {} failed", contender.label);
    took / n as u32
}

fn main() {
    let Plan { bench, sizes } = Plan::from_args(&[1000], 20);
    let rounds = if bench { 11 } else { 1 };
    let builds: Vec<Build> = if bench {
        vec![
            ("as shipped", cli_binary),
            ("`cargo build --release`", cargo_cli_binary),
        ]
    } else {
        vec![("debug build", cargo_cli_binary)]
    };
    let mut contenders = vec![Contender {
        label: "`true` (the floor)".into(),
        program: "/bin/true".into(),
        args: &[],
        original: 0,
    }];
    for (original, drop_in, args) in [
        ("/usr/sbin/brctl", "vbrctl", &["-V"][..]),
        ("/usr/bin/tunctl", "vtunctl", &["extra"][..]),
        ("/usr/sbin/ip", "vip", &["xyz"][..]),
    ] {
        let row = contenders.len();
        let name = Path::new(original).file_name().unwrap().to_str().unwrap();
        contenders.push(Contender {
            label: format!("`{name} {}`", args.join(" ")),
            program: original.into(),
            args,
            original: row,
        });
        for (how, build) in &builds {
            let program = build(drop_in);
            assert_eq!(
                answer(&program, args),
                answer(Path::new(original), args),
                "{drop_in} {args:?} does not answer as {original} does"
            );
            contenders.push(Contender {
                label: format!("`{drop_in} {}` ({how})", args.join(" ")),
                program,
                args,
                original: row,
            });
        }
    }

    // Other work on the machine shows in every contender's time: say how busy it was.
    let load = || {
        let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!("Load average before: {}\n", load());
    println!("| N | program | one run (median) | vs original |");
    println!("|---|---|---|---|");
    for &n in &sizes {
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); contenders.len()];
        for _ in 0..rounds {
            for (k, contender) in contenders.iter().enumerate() {
                times[k].push(one_run(contender, n));
            }
        }
        let medians: Vec<Duration> = times.into_iter().map(median).collect();
        for (contender, m) in contenders.iter().zip(&medians) {
            println!(
                "| {n} | {} | {:.3} ms | {:.2}x |",
                contender.label,
                m.as_secs_f64() * 1e3,
                m.as_secs_f64() / medians[contender.original].as_secs_f64()
            );
        }
    }
    println!("\nLoad average after: {}", load());
}
