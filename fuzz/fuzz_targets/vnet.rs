//! vnet's command line (its clap parser, with the parsers of its values), parsed without
//! acting: the input is the arguments after the program name, separated by NUL bytes.
#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use vnet_cli::cli::Cli;

fuzz_target!(|input: &[u8]| {
    let args = std::iter::once("vnet".into()).chain(vnet_fuzz::command_line(input));
    if let Err(e) = Cli::try_parse_from(args) {
        // The text a user would see (usage, help and version included).
        let _ = e.render().to_string();
    }
});
