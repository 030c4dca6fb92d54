//! vip's command line and batch files, parsed without acting: the input is a command
//! line (arguments separated by NUL bytes, as bytes: names need not be UTF-8) and, the
//! same bytes, a batch file.
#![no_main]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let args: Vec<OsString> = input
        .split(|&b| b == 0)
        .map(|a| OsString::from_vec(a.to_vec()))
        .collect();
    vnet_cli::ip::parse_only(&args);
    vnet_cli::ip::parse_batch_only(input);
});
