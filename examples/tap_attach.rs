//! Attaches to an existing persistent tap the way an unprivileged VM monitor does.
//!
//! An administrator creates the tap once, owned by the user who runs the VM:
//!
//! ```text
//! vtunctl -u alice -t tap0          # or: ip tuntap add mode tap dev tap0 user alice
//! ```
//!
//! and the user's VM monitor (QEMU's `-netdev tap,ifname=tap0,script=no`) attaches to it
//! without root. This program does that attach through vnet, reports what it got, and
//! exits: 0 when the kernel let it attach, 1 (with the kernel's answer) when it did not.
//!
//! ```text
//! tap_attach tap0
//! attached to tap 'tap0' as uid 1000: flags 0x1802 (tap, no packet info, persistent)
//! ```

use std::process::ExitCode;

use vnet::{Handle, IfName, TunTap};

fn main() -> ExitCode {
    let Some(name) = std::env::args().nth(1) else {
        eprintln!("usage: tap_attach TAP");
        return ExitCode::from(2);
    };
    match attach(&name) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tap_attach: {e}");
            ExitCode::FAILURE
        }
    }
}

fn attach(name: &str) -> vnet::Result<String> {
    let host = Handle::current()?;
    let tap = host.tuntap().open(&TunTap::tap(IfName::new(name)?))?;
    let flags = tap.kernel_flags()?;
    let persistent = if tap.is_persistent()? {
        "persistent"
    } else {
        "not persistent"
    };
    let pi = if tap.packet_info() {
        "packet info"
    } else {
        "no packet info"
    };
    Ok(format!(
        "attached to {} '{}' as uid {}: flags {flags:#x} ({}, {pi}, {persistent})",
        tap.mode(),
        tap.name(),
        effective_uid(),
        tap.mode(),
    ))
}

/// The effective uid, read from `/proc/self/status` (no extra crate needed).
fn effective_uid() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(str::to_string))
        })
        .unwrap_or_else(|| "?".into())
}
