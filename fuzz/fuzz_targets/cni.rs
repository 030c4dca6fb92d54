//! CNI network configurations as vnet-cni reads them from stdin: the JSON decoding and
//! version check (`vnet_cli::cni::config::parse`), then every check of the values.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if let Ok(conf) = vnet_cli::cni::config::parse(input) {
        let _ = conf.check();
        let _ = conf.legacy_result();
        let _ = conf.gateway();
    }
});
