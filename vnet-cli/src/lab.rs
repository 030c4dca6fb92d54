//! `vnet lab`: the front end of `vnet_core::lab` (whole topologies from a TOML file).
//!
//! ```text
//! vnet [-n NETNS] lab up FILE [--host NAME]
//! vnet [-n NETNS] lab down NAME|FILE
//! vnet [-n NETNS] [-j] lab status [NAME]      exit 1 when something drifted
//! vnet [-j] lab list
//! vnet lab exec NAME NODE -- CMD...
//! vnet lab graph FILE [-o OUT] [--format dot|svg]
//! ```
//!
//! "The host" is the namespace `vnet` runs in, or `-n NETNS`. Records of labs that are
//! up are kept in `/run/vnet/labs` (`VNET_LAB_STATE_DIR` overrides it); `down` does not
//! need them: it finds the lab's objects by their marks.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Subcommand, ValueEnum};
use serde_json::{Value, json};
use vnet_core::Netns;
use vnet_core::lab::{
    DEFAULT_STATE_DIR, Lab, ObjectState, UpOptions, down_marked, list_records, load_record,
    node_netns_name,
};

use crate::{argv0, failure, print_err, print_out};

/// The `vnet lab` commands.
#[derive(Subcommand, Debug)]
pub enum LabCommand {
    /// Build the lab of FILE (all or nothing: a failed step removes what was built).
    Up {
        /// The lab file (TOML).
        file: PathBuf,
        /// For a lab that spans hosts: build the part of host NAME.
        #[arg(long, value_name = "NAME")]
        host: Option<String>,
    },
    /// Remove a lab: everything `up` made (found by its marks), nothing else.
    Down {
        /// The lab's name, or its file.
        lab: String,
        /// For a lab that spans hosts, when its record is lost: the host this is.
        #[arg(long, value_name = "NAME")]
        host: Option<String>,
    },
    /// Every object a lab owns: present, missing or changed. Exit status 1 on drift.
    Status {
        /// The lab (default: every lab that is up).
        name: Option<String>,
    },
    /// The labs that are up.
    List,
    /// Run a command in a node of a lab, as `ip netns exec LAB-NODE CMD...` does.
    Exec {
        /// The lab.
        name: String,
        /// The node.
        node: String,
        /// The command and its arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        command: Vec<String>,
    },
    /// Draw the lab's topology (Graphviz DOT, or SVG through Graphviz's `dot`).
    Graph {
        /// The lab file.
        file: PathBuf,
        /// Write to OUT instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: Option<PathBuf>,
        /// Output format (default: svg when OUT ends in .svg, else dot).
        #[arg(long, value_enum)]
        format: Option<GraphFormat>,
    },
}

/// Formats of `vnet lab graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT text.
    Dot,
    /// An SVG picture (rendered by Graphviz's `dot -Tsvg`).
    Svg,
}

/// Where labs' records are kept: `VNET_LAB_STATE_DIR`, or `/run/vnet/labs`.
pub fn state_dir() -> PathBuf {
    std::env::var_os("VNET_LAB_STATE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_STATE_DIR))
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    print_err(format!("{}: {message}\n", argv0()));
    failure()
}

fn read_lab(file: &Path) -> Result<Lab, String> {
    let text = fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    Lab::from_toml(&text, &file.display().to_string()).map_err(|e| e.to_string())
}

/// Runs a `vnet lab` command with `netns` (`-n`) as the host and `json` (`-j`).
pub fn run(command: &LabCommand, netns: Option<&str>, json: bool) -> ExitCode {
    let host = match netns {
        Some(name) => Netns::open(name),
        None => Netns::current(),
    };
    let host = match host {
        Ok(h) => h,
        Err(e) => return fail(e),
    };
    match command {
        LabCommand::Up { file, host: on } => up(&host, file, on.as_deref()),
        LabCommand::Down { lab, host: on } => down(&host, lab, on.as_deref()),
        LabCommand::Status { name } => status(&host, name.as_deref(), json),
        LabCommand::List => list(&host, json),
        LabCommand::Exec {
            name,
            node,
            command,
        } => exec(name, node, command),
        LabCommand::Graph {
            file,
            output,
            format,
        } => graph(file, output.as_deref(), *format),
    }
}

/// Sets the returned flag on SIGINT or SIGTERM: both are blocked in every thread, and
/// one thread waits for them (no signal handler, no unsafe code).
fn cancel_on_signals() -> Arc<AtomicBool> {
    use nix::sys::signal::{SigSet, Signal};
    let flag = Arc::new(AtomicBool::new(false));
    let mut set = SigSet::empty();
    set.add(Signal::SIGINT);
    set.add(Signal::SIGTERM);
    if set.thread_block().is_ok() {
        let seen = flag.clone();
        std::thread::spawn(move || {
            if set.wait().is_ok() {
                seen.store(true, Ordering::SeqCst);
            }
        });
    }
    flag
}

fn up(host: &Netns, file: &Path, on: Option<&str>) -> ExitCode {
    let lab = match read_lab(file) {
        Ok(lab) => lab,
        Err(e) => return fail(e),
    };
    let lab = match on {
        Some(h) => match lab.on_host(h) {
            Ok(lab) => lab,
            Err(e) => return fail(e),
        },
        None => lab,
    };
    let cancel = cancel_on_signals();
    let options = UpOptions {
        cancel: Some(&cancel),
        state_dir: Some(state_dir()),
        ..UpOptions::default()
    };
    match lab.up_in(host, &options) {
        Ok(report) => {
            for (node, command, out) in &report.exec_output {
                print_out(&format!("[{node}] $ {command}\n{out}"));
            }
            print_out(&format!(
                "lab '{}' is up: {} nodes, {} steps\n",
                lab.name(),
                lab.namespaces().len(),
                report.steps.len()
            ));
            for (tap, qemu) in lab.qemu_commands() {
                print_out(&format!("guest on tap {tap}: {qemu}\n"));
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn down(host: &Netns, lab: &str, on: Option<&str>) -> ExitCode {
    let dir = state_dir();
    let path = Path::new(lab);
    let name = if lab.ends_with(".toml") || path.is_file() {
        match read_lab(path) {
            Ok(l) => l.name().to_string(),
            Err(e) => return fail(e),
        }
    } else {
        lab.to_string()
    };
    // The record adds the proxy-ARP entries; the marks find everything else.
    let report = match load_record(&dir, &name) {
        Ok(recorded) => recorded.down_in(host, Some(&dir)),
        Err(_) => down_marked(&name, on, host, Some(&dir)),
    };
    match report {
        Ok(r) if r.is_empty() => fail(format!("lab '{name}' is not up: nothing of it was found")),
        Ok(r) => {
            print_out(&format!(
                "lab '{name}' is down: {} namespaces, {} host links, {} NAT rules, {} proxy-ARP entries removed\n",
                r.namespaces.len(),
                r.links.len(),
                r.nat_rules,
                r.proxy_arp
            ));
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn status(host: &Netns, name: Option<&str>, json: bool) -> ExitCode {
    let dir = state_dir();
    let names: Vec<String> = match name {
        Some(n) => vec![n.to_string()],
        None => match list_records(&dir) {
            Ok(records) => records.into_iter().map(|r| r.name).collect(),
            Err(e) => return fail(e),
        },
    };
    let mut drift = false;
    let mut labs = Vec::new();
    let mut text = String::new();
    for name in &names {
        let lab = match load_record(&dir, name) {
            Ok(l) => l,
            Err(e) => return fail(e),
        };
        let objects = match lab.status_in(host) {
            Ok(o) => o,
            Err(e) => return fail(e),
        };
        let bad = objects
            .iter()
            .filter(|o| o.state != ObjectState::Present)
            .count();
        drift |= bad > 0;
        text.push_str(&format!(
            "lab {}{}: {} objects, {}\n",
            lab.name(),
            lab.host()
                .map(|h| format!(" (host {h})"))
                .unwrap_or_default(),
            objects.len(),
            if bad == 0 {
                "all present".to_string()
            } else {
                format!("{bad} missing or changed")
            }
        ));
        for o in &objects {
            let detail = match &o.state {
                ObjectState::Changed(d) => format!(" ({d})"),
                _ => String::new(),
            };
            text.push_str(&format!(
                "  {:<8} {:<10} {:<20} {}{detail}\n",
                o.state.as_str(),
                o.kind,
                o.place,
                o.name
            ));
        }
        let qemu = lab.qemu_commands();
        for (tap, command) in &qemu {
            text.push_str(&format!("  guest on tap {tap}: {command}\n"));
        }
        labs.push(json!({
            "name": lab.name(),
            "host": lab.host(),
            "drift": bad > 0,
            "objects": objects.iter().map(|o| {
                let mut v = json!({
                    "kind": o.kind,
                    "name": o.name,
                    "place": o.place,
                    "state": o.state.as_str(),
                });
                if let ObjectState::Changed(d) = &o.state {
                    v["detail"] = Value::from(d.clone());
                }
                v
            }).collect::<Vec<_>>(),
            "qemu": qemu.iter().map(|(t, c)| json!({"tap": t, "command": c})).collect::<Vec<_>>(),
        }));
    }
    if json {
        print_out(&format!("{}\n", Value::Array(labs)));
    } else {
        print_out(&text);
    }
    if drift { failure() } else { ExitCode::SUCCESS }
}

fn list(host: &Netns, json: bool) -> ExitCode {
    let records = match list_records(&state_dir()) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let mut rows = Vec::new();
    for r in &records {
        let (nodes, state) = match load_record(&state_dir(), &r.name) {
            Ok(lab) => {
                let drift = lab
                    .status_in(host)
                    .map(|o| o.iter().any(|o| o.state != ObjectState::Present))
                    .unwrap_or(true);
                (lab.namespaces().len(), if drift { "drift" } else { "up" })
            }
            Err(_) => (0, "unreadable"),
        };
        rows.push((r.name.clone(), r.host.clone(), nodes, state));
    }
    if json {
        let v: Vec<Value> = rows
            .iter()
            .map(|(n, h, nodes, s)| json!({"name": n, "host": h, "nodes": nodes, "state": s}))
            .collect();
        print_out(&format!("{}\n", Value::Array(v)));
    } else {
        for (n, h, nodes, s) in rows {
            let host = h.map(|h| format!(" host {h}")).unwrap_or_default();
            print_out(&format!("{n}{host}: {nodes} nodes, {s}\n"));
        }
    }
    ExitCode::SUCCESS
}

fn exec(name: &str, node: &str, command: &[String]) -> ExitCode {
    let netns = node_netns_name(name, node);
    let mut cmd = match Netns::command(&netns, &command[0]) {
        Ok(c) => c,
        Err(e) => return fail(format!("lab '{name}' has no node '{node}' here: {e}")),
    };
    match cmd.args(&command[1..]).status() {
        Ok(status) => match status.code() {
            Some(code) => ExitCode::from(code.clamp(0, 255) as u8),
            None => failure(),
        },
        Err(e) => fail(format!("running {}: {e}", command[0])),
    }
}

fn graph(file: &Path, output: Option<&Path>, format: Option<GraphFormat>) -> ExitCode {
    let lab = match read_lab(file) {
        Ok(lab) => lab,
        Err(e) => return fail(e),
    };
    let format = format.unwrap_or(match output {
        Some(o) if o.extension().is_some_and(|e| e == "svg") => GraphFormat::Svg,
        _ => GraphFormat::Dot,
    });
    let dot = lab.to_dot();
    let bytes = match format {
        GraphFormat::Dot => dot.into_bytes(),
        GraphFormat::Svg => match render_svg(&dot) {
            Ok(svg) => svg,
            Err(e) => return fail(e),
        },
    };
    match output {
        Some(path) => match fs::write(path, &bytes) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(format!("{}: {e}", path.display())),
        },
        None => {
            print_out(&String::from_utf8_lossy(&bytes));
            ExitCode::SUCCESS
        }
    }
}

/// Renders DOT text to SVG with Graphviz's `dot -Tsvg`.
fn render_svg(dot: &str) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("running Graphviz's dot (apt-get install graphviz) for SVG: {e}; --format dot writes the DOT text"))?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(dot.as_bytes())
        .map_err(|e| format!("writing to dot: {e}"))?;
    let out = child
        .wait_with_output()
        .map_err(|e| format!("running dot: {e}"))?;
    if !out.status.success() {
        return Err(format!("dot failed: {}", out.status));
    }
    Ok(out.stdout)
}
