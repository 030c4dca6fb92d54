//! `vnet-cni`: a CNI plugin. The runtime runs it with `CNI_*` environment variables and
//! the network configuration on stdin; it prints the result (or the spec's error
//! object) on stdout and exits non-zero on error. The work is in `vnet_cli::cni`.

use std::io::Read;
use std::process::ExitCode;

use vnet_cli::cni::{Env, run};

fn main() -> ExitCode {
    let env = Env::from_process();
    let mut stdin = Vec::new();
    // VERSION reads no configuration; the others get an empty one when stdin fails,
    // which decodes to the spec's decoding error.
    if env.command.as_deref() != Some("VERSION") {
        let _ = std::io::stdin().read_to_end(&mut stdin);
    }
    let (out, ok) = run(&env, &stdin);
    vnet_cli::print_out(&out);
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
