//! `vip`: an `ip` drop-in for the lines of lab scripts (`ip netns`, `ip link`,
//! `ip address`, `ip route`), run through vnet-core in one process; install it as `ip`
//! (`ln -s vip ip`) and scripts keep working. See `vnet_cli::ip`. It starts as a C
//! program ([`vnet_cli::c_main!`]), as `ip` does.

#![cfg_attr(not(test), no_main)]

vnet_cli::c_main!(vip);

/// The program: ip's command line in (as bytes: an interface name such as `br\xfe` need
/// not be UTF-8), its exit status out.
fn vip() -> u8 {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    vnet_cli::ip::run(&args)
}
