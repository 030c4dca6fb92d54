//! `vip`: an `ip` drop-in for the lines of lab scripts (`ip netns`, `ip link`,
//! `ip address`, `ip route`), run through vnet-core in one process; install it as `ip`
//! (`ln -s vip ip`) and scripts keep working. See `vnet_cli::ip`. It starts as a C
//! program ([`vnet_cli::c_main!`]), as `ip` does.

#![cfg_attr(not(test), no_main)]

vnet_cli::c_main!(vip);

/// The program: ip's command line in, its exit status out.
///
/// vip reads its command line as text. An argument that is not UTF-8 (a device name such
/// as `br\xfe`, which `ip` passes on as bytes) is refused before anything is done: read
/// lossily it would name another device (`br` and U+FFFD).
fn vip() -> u8 {
    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(arg) => args.push(arg),
            Err(arg) => {
                let shown: String = arg
                    .as_encoded_bytes()
                    .utf8_chunks()
                    .map(|chunk| {
                        let bad: String = chunk
                            .invalid()
                            .iter()
                            .map(|b| format!("\\x{b:02x}"))
                            .collect();
                        format!("{}{bad}", chunk.valid())
                    })
                    .collect();
                vnet_cli::print_err(format!(
                    "vip: argument \"{shown}\", which is not UTF-8, is not supported\n"
                ));
                return 255;
            }
        }
    }
    vnet_cli::ip::run(&args)
}
