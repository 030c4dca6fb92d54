//! Lab files: the TOML parser and every check `Lab::from_toml` makes, then what a parsed
//! lab computes without acting (each host's part, its graph, its QEMU command lines).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vnet_core::lab::Lab;

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let Ok(lab) = Lab::from_toml(text, "fuzz.toml") else {
        return;
    };
    let _ = lab.to_dot();
    let _ = lab.qemu_commands();
    for host in lab.hosts().into_iter().map(str::to_string).collect::<Vec<_>>() {
        if let Ok(part) = lab.clone().on_host(&host) {
            let _ = part.to_dot();
            let _ = part.namespaces();
        }
    }
});
