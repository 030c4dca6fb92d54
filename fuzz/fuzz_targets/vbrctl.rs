//! vbrctl's command line (`vnet_cli::brctl::parse`, brctl's getopt and commands, names as
//! bytes): the input is the arguments after the program name, separated by NUL bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let args = vnet_fuzz::command_line(input);
    if let Err(e) = vnet_cli::brctl::parse(&args) {
        let _ = e.before_socket();
    }
});
