//! rtnetlink answers: one datagram as the kernel would send it, through the decoders of
//! links (with tun, bridge and bridge-port attributes, bridge VLANs), addresses, routes,
//! neighbours, FDB entries and error answers with extended ACKs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|datagram: &[u8]| {
    vnet_core::fuzzing::rtnl_datagram(datagram);
});
