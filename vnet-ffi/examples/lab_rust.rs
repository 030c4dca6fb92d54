//! The overhead bench's Rust side: the bridge lab of N nodes built and torn down through
//! vnet-core, call for call the same as `vnet-ffi/bench/lab_c.c` does through
//! libvnet.so (names opened by name, one request per change, as the C API offers).
//! Prints the milliseconds the build and the teardown took. Run by `vnet-ffi/bench/overhead.sh`.
//!
//! ```text
//! lab_rust N          one call per step, as the C API's simple calls do
//! lab_rust N bulk     the bulk calls, as the C API's batch calls use them
//! ```

use std::time::Instant;

use vnet_core::{Bridge, Handle, IfName, LinkChange, LinkSpec, Netns, Result, Veth, parse_cidr};

fn main() -> Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(100, |s| s.parse().expect("N is a number"));
    Netns::add("bench-host")?;
    let start = Instant::now();

    let host = Handle::open("bench-host")?;
    let br0 = IfName::new("br0")?;
    host.link().add(&Bridge::new(br0.clone()))?;
    host.addr().add(&br0, parse_cidr("10.0.0.254/8")?)?;
    host.link().up(&br0)?;
    let bulk = std::env::args().nth(2).as_deref() == Some("bulk");
    if bulk {
        let names: Vec<String> = (0..n).map(|i| format!("bench{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let vms = Netns::add_many(&names)?;
        let eth0 = IfName::new("eth0")?;
        let veths = vms
            .iter()
            .enumerate()
            .map(|(i, vm)| {
                Ok(Veth::new(IfName::new(format!("v{i}"))?, eth0.clone())
                    .peer_netns(vm)
                    .master(br0.clone())
                    .up())
            })
            .collect::<Result<Vec<Veth>>>()?;
        let specs: Vec<&dyn LinkSpec> = veths.iter().map(|v| v as &dyn LinkSpec).collect();
        host.link().add_many(&specs)?;
        for (i, vm) in Handle::new_many(&vms)?.iter().enumerate() {
            vm.link().set(&eth0, &LinkChange::new().up())?;
            vm.addr().add(&eth0, parse_cidr(&cidr(i))?)?;
        }
    }
    for i in (0..n).filter(|_| !bulk) {
        let ns = format!("bench{i}");
        let port = IfName::new(format!("v{i}"))?;
        Netns::add(&ns)?;
        let veth = Veth::new(port.clone(), IfName::new("eth0")?).peer_netns(&Netns::open(&ns)?);
        host.link().add(&veth)?;
        host.link()
            .set(&port, &LinkChange::new().master(br0.clone()))?;
        host.link().set(&port, &LinkChange::new().up())?;
        let vm = Handle::open(&ns)?;
        let eth0 = IfName::new("eth0")?;
        vm.link().set(&eth0, &LinkChange::new().up())?;
        vm.addr().add(&eth0, parse_cidr(&cidr(i))?)?;
    }
    let built = start.elapsed();
    for i in 0..n {
        Netns::delete(&format!("bench{i}"))?;
    }
    host.link().delete(&br0)?;
    drop(host);

    let elapsed = start.elapsed();
    Netns::delete("bench-host")?;
    println!(
        "{:.3} {:.3}",
        built.as_secs_f64() * 1e3,
        (elapsed - built).as_secs_f64() * 1e3
    );
    Ok(())
}

/// The address of node `i` (10.1.0.1/8 onwards).
fn cidr(i: usize) -> String {
    format!("10.{}.{}.{}/8", 1 + i / 62500, (i / 250) % 250, i % 250 + 1)
}
