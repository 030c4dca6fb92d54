//! vtunctl's command line (`vnet_cli::tunctl::parse`, tunctl's getopt, names as bytes,
//! numeric ids): the input is the arguments after the program name, separated by NUL
//! bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let args = vnet_fuzz::command_line(input);
    match vnet_cli::tunctl::parse(&args) {
        Ok(options) => {
            for id in &options.ids {
                let _ = vnet_cli::tunctl::resolve_id(id, |_| None);
                let _ = id.refusal();
            }
        }
        Err(e) => {
            for id in &e.ids_before {
                let _ = vnet_cli::tunctl::resolve_id(id, |_| None);
            }
        }
    }
});
