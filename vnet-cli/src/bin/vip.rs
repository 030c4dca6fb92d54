//! `vip`: an `ip` drop-in for the lines of lab scripts (`ip netns`, `ip link`,
//! `ip address`, `ip route`), run through vnet-core in one process; install it as `ip`
//! (`ln -s vip ip`) and scripts keep working. See `vnet_cli::ip`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    ExitCode::from(vnet_cli::ip::run(&args))
}
