//! A user-space IP stack in miniature: a program owns a tun device and answers pings.
//!
//! ```text
//!     kernel: tun0 10.9.0.1/24  ── route 10.9.0.0/24 ──▶  this program (reads tun0's fd)
//!     ping 10.9.0.2  ──▶ ICMP echo request  ──▶  echo reply written back into tun0
//! ```
//!
//! It creates `tun0` (not persistent: it vanishes when the program exits), gives it
//! 10.9.0.1/24, brings it up, prints `ready`, then answers every ICMP echo request sent
//! to 10.9.0.2 and ignores everything else. This is the skeleton of a VPN end point or
//! of a user-space network stack.
//!
//! Run as root in a throwaway namespace:
//!
//! ```text
//! ip netns add demo
//! ip netns exec demo target/debug/examples/tun_responder --count 3 &
//! ip netns exec demo ping -c 3 10.9.0.2
//! ip netns del demo
//! ```
//!
//! `--count N` exits after answering N requests (it runs until killed otherwise);
//! `--name NAME` picks another device name.

use std::io::{Read, Write};
use std::process::ExitCode;

use vnet::{Handle, IfName, TunTap};

/// The address the program answers for.
const RESPONDER: [u8; 4] = [10, 9, 0, 2];

fn main() -> ExitCode {
    let mut name = "tun0".to_string();
    let mut count: Option<u64> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--name", Some(v)) => name = v,
            ("--count", Some(v)) => match v.parse() {
                Ok(n) => count = Some(n),
                Err(_) => return usage(&format!("bad count '{v}'")),
            },
            _ => return usage(&format!("unexpected argument '{arg}'")),
        }
    }
    match run(&name, count) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tun_responder: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("tun_responder: {problem}\nusage: tun_responder [--name NAME] [--count N]");
    ExitCode::from(2)
}

fn run(name: &str, count: Option<u64>) -> Result<(), Box<dyn std::error::Error>> {
    let host = Handle::current()?;
    let name = IfName::new(name)?;
    // ip tuntap add mode tun dev tun0; the fd stays with us.
    let mut tun = host.tuntap().open(&TunTap::tun(name.clone()))?;
    host.addr().add(&name, "10.9.0.1/24".parse()?)?; // ip addr add 10.9.0.1/24 dev tun0
    host.link().up(&name)?; // ip link set tun0 up
    println!("ready: {} answers ICMP echo for 10.9.0.2", tun.name());

    let mut answered = 0;
    let mut packet = vec![0u8; 65536];
    while count.is_none_or(|n| answered < n) {
        let len = tun.read(&mut packet)?;
        if let Some(reply) = echo_reply(&packet[..len]) {
            tun.write_all(&reply)?;
            answered += 1;
            println!("answered echo request {answered}");
        }
    }
    Ok(())
}

/// The ICMP echo reply to `packet` if it is an IPv4 echo request for [`RESPONDER`].
fn echo_reply(packet: &[u8]) -> Option<Vec<u8>> {
    let header_len = usize::from(packet.first()? & 0x0f) * 4;
    let version = packet[0] >> 4;
    let protocol = *packet.get(9)?;
    let total_len = usize::from(u16::from_be_bytes([*packet.get(2)?, *packet.get(3)?]));
    if version != 4 || protocol != 1 || header_len < 20 || total_len > packet.len() {
        return None;
    }
    if packet[16..20] != RESPONDER || packet.get(header_len) != Some(&8) {
        return None;
    }
    let mut reply = packet[..total_len].to_vec();
    // Swap the addresses, keep the rest of the IP header, and refresh its checksum.
    reply.copy_within(12..16, 16);
    reply[12..16].copy_from_slice(&packet[16..20]);
    reply[10..12].fill(0);
    let sum = checksum(&reply[..header_len]);
    reply[10..12].copy_from_slice(&sum.to_be_bytes());
    // ICMP type 0 (echo reply), same id, sequence and payload, new checksum.
    let icmp = &mut reply[header_len..];
    icmp[0] = 0;
    icmp[2..4].fill(0);
    let sum = checksum(icmp);
    icmp[2..4].copy_from_slice(&sum.to_be_bytes());
    Some(reply)
}

/// The Internet checksum (RFC 1071).
fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}
