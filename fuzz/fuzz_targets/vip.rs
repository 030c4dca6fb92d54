//! vip's command line and batch files, parsed without acting: the input is a command
//! line (arguments separated by NUL bytes) and, the same bytes, a batch file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let args: Vec<String> = input
        .split(|&b| b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    vnet_cli::ip::parse_only(&args);
    vnet_cli::ip::parse_batch_only(input);
});
