//! nfnetlink answers: one datagram as the kernel would send it, through the decoders of
//! nf_tables rule dumps (NAT rule expressions), conntrack entries and error answers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|datagram: &[u8]| {
    vnet_core::fuzzing::nfnl_datagram(datagram);
});
