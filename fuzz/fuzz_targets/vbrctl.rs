//! vbrctl's command line (`vnet_cli::brctl::parse`, brctl's getopt and commands, names as
//! bytes): the input is the arguments after the program name, separated by NUL bytes.
#![no_main]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let args: Vec<OsString> = input
        .split(|&b| b == 0)
        .map(|a| OsString::from_vec(a.to_vec()))
        .collect();
    if let Err(e) = vnet_cli::brctl::parse(&args) {
        let _ = e.before_socket();
    }
});
