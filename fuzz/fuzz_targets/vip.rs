//! vip's command line and batch files, parsed without acting: the input is a command
//! line (arguments separated by NUL bytes, as bytes: names need not be UTF-8) and, the
//! same bytes, a batch file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let args = vnet_fuzz::command_line(input);
    vnet_cli::ip::parse_only(&args);
    vnet_cli::ip::parse_batch_only(input);
});
