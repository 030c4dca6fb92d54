//! The overhead bench's Rust side: the bridge lab of N nodes built and torn down through
//! vnet-core, call for call the same as `vnet-ffi/bench/lab_c.c` does through
//! libvnet.so (names opened by name, one request per change, as the C API offers).
//! Prints the milliseconds it took. Run by `vnet-ffi/bench/overhead.sh`.
//!
//! ```text
//! lab_rust N
//! ```

use std::time::Instant;

use vnet_core::{Bridge, Handle, IfName, LinkChange, Netns, Result, Veth, parse_cidr};

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
    for i in 0..n {
        let ns = format!("bench{i}");
        let port = IfName::new(format!("v{i}"))?;
        let cidr = format!("10.{}.{}.{}/8", 1 + i / 62500, (i / 250) % 250, i % 250 + 1);
        Netns::add(&ns)?;
        let veth = Veth::new(port.clone(), IfName::new("eth0")?).peer_netns(&Netns::open(&ns)?);
        host.link().add(&veth)?;
        host.link()
            .set(&port, &LinkChange::new().master(br0.clone()))?;
        host.link().set(&port, &LinkChange::new().up())?;
        let vm = Handle::open(&ns)?;
        let eth0 = IfName::new("eth0")?;
        vm.link().set(&eth0, &LinkChange::new().up())?;
        vm.addr().add(&eth0, parse_cidr(&cidr)?)?;
    }
    for i in 0..n {
        Netns::delete(&format!("bench{i}"))?;
    }
    host.link().delete(&br0)?;
    drop(host);

    let elapsed = start.elapsed();
    Netns::delete("bench-host")?;
    println!("{:.3}", elapsed.as_secs_f64() * 1e3);
    Ok(())
}
