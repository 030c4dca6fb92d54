//! Start-up of the drop-ins against their C originals, side by side in one run: how long
//! one run of a command that does no work takes, whole process, from spawning it to its
//! exit status.
//!
//! - `vbrctl -V` against Debian's `brctl -V`;
//! - `vtunctl extra` against Debian's `tunctl extra`: a usage error (tunctl has no `-V`),
//!   the cheapest run that both answer identically (the usage on stderr, status 1);
//! - `vip xyz` against Debian's `ip xyz`: an unknown object, answered identically (`ip
//!   -V` names the program);
//! - `true`: the floor, the smallest C program;
//! - under `cargo bench` the drop-ins twice: as they ship (scripts/build-release.sh)
//!   and as `cargo build --release` makes them (dynamically linked, release profile).
//!
//! Every contender runs N times, one run of each in turn (the order rotating), so that
//! other work on the machine and drift hit them alike; each run is timed alone, from
//! spawning the process (output to /dev/null) to collecting its exit status. The table
//! gives the median of the N times, the middle half of them, and the ratio of the
//! median to the C original's. Before timing, each drop-in's output, error output and
//! exit status are checked to be its original's (the program's path, which tunctl
//! prints, set aside).
//!
//! Every program, the originals included, is first copied into one fresh directory and
//! runs from there: how a file came into the page cache changes how many page faults
//! executing it costs, and an identical binary measured up to 50 µs apart from its copy.
//!
//! ```text
//! cargo bench --bench startup            # N = 1000
//! cargo bench --bench startup -- 5000    # another N
//! ```
//!
//! Under `cargo test` it checks the outputs and times 20 runs of the debug builds.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Plan, cargo_cli_binary, cli_binary};

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

/// Runs the contender once, output to /dev/null: how long it took.
fn one_run(contender: &Contender) -> Duration {
    let t = Instant::now();
    let status = Command::new(&contender.program)
        .args(contender.args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let took = t.elapsed();
    assert!(status.code().is_some(), "{} was killed", contender.label);
    took
}

/// The `q`-quantile (0 to 1) of sorted samples.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let Plan { bench, sizes } = Plan::from_args(&[1000], 20);
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

    // One file system and one page-cache history for all: fresh copies.
    let dir = std::env::temp_dir().join(format!("vnet-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (k, contender) in contenders.iter_mut().enumerate() {
        let name = contender.program.file_name().unwrap().to_str().unwrap();
        let copy = dir.join(format!("{k}-{name}"));
        std::fs::copy(&contender.program, &copy).unwrap();
        contender.program = copy;
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
    println!("| N | program | one run (median) | middle half | vs original |");
    println!("|---|---|---|---|---|");
    let ms = |d: Duration| format!("{:.3}", d.as_secs_f64() * 1e3);
    for &n in &sizes {
        let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(n); contenders.len()];
        for i in 0..n {
            for k in 0..contenders.len() {
                let k = (i + k) % contenders.len();
                times[k].push(one_run(&contenders[k]));
            }
        }
        for t in &mut times {
            t.sort();
        }
        let medians: Vec<Duration> = times.iter().map(|t| quantile(t, 0.5)).collect();
        for (k, contender) in contenders.iter().enumerate() {
            println!(
                "| {n} | {} | {} ms | {}-{} ms | {:.2}x |",
                contender.label,
                ms(medians[k]),
                ms(quantile(&times[k], 0.25)),
                ms(quantile(&times[k], 0.75)),
                medians[k].as_secs_f64() / medians[contender.original].as_secs_f64()
            );
        }
    }
    println!("\nLoad average after: {}", load());
    std::fs::remove_dir_all(&dir).unwrap();
}
