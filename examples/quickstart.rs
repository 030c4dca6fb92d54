//! The main job: a bridge lab in throwaway namespaces, proven with real pings.
//!
//! ```text
//!                 netns "<run>-host"
//!            br0 10.0.0.254/24 (bridge, up)
//!          /          |           \
//!       vm1-veth   vm2-veth    vm3-veth      (veths, enslaved and up at creation)
//!          |          |           |
//!        eth0       eth0        eth0         (peers, created directly inside each VM)
//!     10.0.0.1    10.0.0.2    10.0.0.3       netns "<run>-vm1" .. "<run>-vm3"
//!
//!     outsider: 10.0.0.99/24 on a veth that is not on the bridge
//! ```
//!
//! Each VM pings the bridge and the other VMs; the outsider must reach nobody. The report
//! says what answered, then everything is torn down (the namespaces take their devices
//! with them). Nothing outside the throwaway namespaces is touched.
//!
//! Run as root: `cargo run --example quickstart [-- VMS]` (3 VMs by default, at most 250).

use std::process::ExitCode;
use std::time::Instant;

use vnet::{Bridge, Handle, IfName, Netns, Veth};

/// Named namespaces created by this run, deleted on drop even if a step fails.
struct Lab {
    names: Vec<String>,
}

impl Lab {
    fn netns(&mut self, name: String) -> vnet::Result<Netns> {
        let ns = Netns::add(&name)?;
        self.names.push(name);
        Ok(ns)
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for name in self.names.drain(..).rev() {
            if let Err(e) = Netns::delete(&name) {
                eprintln!("teardown: {e}");
            }
        }
    }
}

fn name(s: &str) -> vnet::Result<IfName> {
    IfName::new(s)
}

/// One ping from inside `netns` (through `ip netns exec`-style entry), true if answered.
fn ping(netns: &str, addr: &str) -> bool {
    match Netns::command(netns, "ping") {
        Ok(mut cmd) => cmd
            .args(["-c", "1", "-W", "1", "-q", addr])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false),
        Err(_) => false,
    }
}

fn run(vms: usize) -> vnet::Result<bool> {
    let run = format!("qs{}", std::process::id());
    let mut lab = Lab { names: Vec::new() };
    let started = Instant::now();

    // The "host" of the lab is itself a throwaway namespace.
    let host_ns = lab.netns(format!("{run}-host"))?;
    let host = Handle::new(&host_ns)?;
    host.link().add(&Bridge::new(name("br0")?).up())?;
    host.addr().add(
        &name("br0")?,
        "10.0.0.254/24".parse().expect("valid prefix"),
    )?;

    let mut vm_names = Vec::new();
    for i in 1..=vms {
        let vm_name = format!("{run}-vm{i}");
        let vm_ns = lab.netns(vm_name.clone())?;
        let veth = Veth::new(name(&format!("vm{i}-veth"))?, name("eth0")?)
            .peer_netns(&vm_ns)
            .master(&name("br0")?)
            .up();
        host.link().add(&veth)?;
        let vm = Handle::new(&vm_ns)?;
        vm.link().up(&name("lo")?)?;
        vm.link().up(&name("eth0")?)?;
        vm.addr().add(
            &name("eth0")?,
            format!("10.0.0.{i}/24").parse().expect("valid prefix"),
        )?;
        vm_names.push(vm_name);
    }

    let outsider_name = format!("{run}-outsider");
    let outsider_ns = lab.netns(outsider_name.clone())?;
    let outsider = Handle::new(&outsider_ns)?;
    outsider
        .link()
        .add(&Veth::new(name("eth0")?, name("nowhere0")?).up())?;
    outsider.addr().add(
        &name("eth0")?,
        "10.0.0.99/24".parse().expect("valid prefix"),
    )?;
    let built = started.elapsed();

    println!("vnet quickstart: bridge br0 10.0.0.254/24 with {vms} VMs and one outsider");
    println!(
        "built in {:.1} ms (namespaces, veths, bridge, addresses)",
        built.as_secs_f64() * 1e3
    );
    let mut ok = true;
    for (i, vm) in vm_names.iter().enumerate() {
        let mut row = format!("vm{:<3} ->", i + 1);
        let mut targets: Vec<(String, String)> = vec![("br0".into(), "10.0.0.254".into())];
        for j in 1..=vms {
            if j != i + 1 {
                targets.push((format!("vm{j}"), format!("10.0.0.{j}")));
            }
        }
        for (label, addr) in targets {
            let answered = ping(vm, &addr);
            ok &= answered;
            row += &format!("  {label} {}", if answered { "ok" } else { "FAILED" });
        }
        println!("{row}");
    }
    let mut row = "outsider ->".to_string();
    for j in 1..=vms {
        let answered = ping(&outsider_name, &format!("10.0.0.{j}"));
        ok &= !answered;
        row += &format!(
            "  vm{j} {}",
            if answered {
                "REACHABLE (wrong)"
            } else {
                "unreachable (right)"
            }
        );
    }
    println!("{row}");

    drop(lab);
    let left: Vec<String> = Netns::list()?
        .into_iter()
        .filter(|n| n.starts_with(&run))
        .collect();
    println!(
        "torn down: {}",
        if left.is_empty() {
            "nothing left behind"
        } else {
            "LEFTOVERS"
        }
    );
    Ok(ok && left.is_empty())
}

fn main() -> ExitCode {
    let vms = match std::env::args().nth(1).map(|a| a.parse::<usize>()) {
        None => 3,
        Some(Ok(n)) if (1..=250).contains(&n) => n,
        Some(_) => {
            eprintln!("quickstart: the number of VMs must be between 1 and 250");
            return ExitCode::from(2);
        }
    };
    match run(vms) {
        Ok(true) => {
            println!("result: all checks passed");
            ExitCode::SUCCESS
        }
        Ok(false) => {
            println!("result: some checks FAILED");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("quickstart: {e}");
            ExitCode::FAILURE
        }
    }
}
