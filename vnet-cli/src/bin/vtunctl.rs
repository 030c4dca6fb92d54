//! `vtunctl`: a drop-in replacement for `tunctl` (Debian's uml-utilities 20070815.4),
//! through vnet-core.
//!
//! Same options, same output byte for byte, same messages and exit codes, and the same
//! resulting device as the original, step for step: it opens the clone device, binds a
//! tap to the name (`TUNSETIFF`, which creates it), then makes it persistent and sets
//! its owner and group, in that order, printing what tunctl prints at each failure
//! (Debian's build says "TUNSETPERSIST" for a failed owner or group too). Options are
//! parsed the way glibc's `getopt(3)` parses `bd:f:t:u:g:`: clustered, permuted,
//! ended by `--`, with its messages.
//!
//! Added: `-n` makes a tun device (IP packets) and `-p` a tap (the default), as some
//! builds of tunctl offer; `-h` prints the usage (which Debian's build reaches only
//! through its "invalid option" message).
//!
//! Names are bytes: `vtunctl -t $'tap\xfe'` names exactly that device, as tunctl does.
//! The parser is [`vnet_cli::tunctl`].
//!
//! Known differences, for inputs the kernel itself refuses: an invalid name given by an
//! unprivileged user is reported as "Invalid argument" where the kernel would first
//! have answered "Operation not permitted". And it starts as a C program
//! ([`vnet_cli::c_main!`]) except that closed standard streams are first reopened on
//! `/dev/null`, so the clone device never becomes descriptor 1 (tunctl's output would
//! go into it).

#![cfg_attr(not(test), no_main)]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

use nix::unistd::{Group, User, geteuid};
use vnet_cli::tunctl::{IdArg, IdKind, parse, resolve_id};
use vnet_cli::{argv0, print_err};
use vnet_core::error::strerror;
use vnet_core::{CloneDevice, Error, IfName, Netns, TunTap};

vnet_cli::c_main!(vtunctl);

/// The program: tunctl's command line in, its exit status out (1 for any failure).
fn vtunctl() -> u8 {
    // Arguments are bytes: a name reaches the kernel exactly as given.
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let argv0 = argv0();
    match run(&argv0, &args) {
        Ok(out) => {
            vnet_cli::print_out_bytes(&out);
            0
        }
        Err(stderr) => {
            print_err(stderr);
            1
        }
    }
}

/// What tunctl prints (to stderr) before exiting 1 on a usage error.
fn usage(argv0: &str) -> String {
    format!(
        "Create: {argv0} [-b] [-u owner] [-g group] [-t device-name] [-f tun-clone-device]\n\
         Delete: {argv0} -d device-name [-f tun-clone-device]\n\n\
         The default tun clone device is /dev/net/tun - some systems use\n\
         /dev/misc/net/tun instead\n\n\
         -b will result in brief output (just the device name)\n"
    )
}

/// tunctl's "no owner"/"no group" value: `(uid_t) -1`.
const UNSET: u32 = u32::MAX;

/// Runs tunctl's program: `Ok(stdout)` on success, `Err(stderr)` on failure.
fn run(argv0: &str, args: &[OsString]) -> Result<Vec<u8>, Vec<u8>> {
    let usage_error = |mut text: Vec<u8>| {
        text.extend_from_slice(usage(argv0).as_bytes());
        text
    };
    let options = match parse(args) {
        Ok(options) => options,
        Err(e) => {
            // tunctl resolves each -u and -g as it meets it: one that names nobody
            // before the bad option is the error it reports.
            if let Err(bad) = resolve_all(&e.ids_before) {
                return Err(usage_error(bad.refusal()));
            }
            let message = e
                .getopt_message
                .map_or_else(Vec::new, |m| [argv0.as_bytes(), b": ", &m].concat());
            return Err(usage_error(message));
        }
    };
    if let Err(bad) = resolve_all(&options.ids) {
        return Err(usage_error(bad.refusal()));
    }
    // The last -u and the last -g count ("-1" means none, as in tunctl).
    let id = |arg: &Option<IdArg>| match arg {
        Some(arg) => resolve_all(std::slice::from_ref(arg)).map_or(UNSET, |ids| ids[0]),
        None => UNSET,
    };
    let (mut owner, group) = (id(&options.owner), id(&options.group));
    let fail = |text: String| Err(text.into_bytes());
    let step_error = |step: &str, e: &Error| fail(format!("{step}: {}\n", strerror(e.errno())));

    let path = PathBuf::from(OsString::from_vec(options.clone_device.clone()));
    let clone = Netns::current().and_then(|ns| CloneDevice::open(&ns, &path));
    let clone = match clone {
        Ok(clone) => clone,
        Err(e) => {
            return fail(format!(
                "Failed to open '{}' : {}\n",
                String::from_utf8_lossy(&options.clone_device),
                strerror(e.errno())
            ));
        }
    };

    // tunctl copies the name into the 16-byte ifr_name with strncpy: at most 15 bytes.
    let name = &options.name[..options.name.len().min(IfName::MAX_LEN)];
    let mut spec = TunTap::new(options.mode);
    if !name.is_empty() {
        // A name the kernel would refuse gets the kernel's answer, without asking it.
        match IfName::from_bytes(name) {
            Ok(name) => spec = spec.name(name),
            Err(_) => return fail(format!("TUNSETIFF: {}\n", strerror(libc::EINVAL))),
        }
    }
    let device = match clone.attach(&spec) {
        Ok(device) => device,
        Err(e) => return step_error("TUNSETIFF", &e),
    };

    if options.delete {
        if let Err(e) = device.set_persistent(false) {
            return step_error("TUNSETPERSIST", &e);
        }
        return Ok([b"Set '", device.name().as_bytes(), b"' nonpersistent\n"].concat());
    }

    if let Err(e) = device.set_persistent(true) {
        return step_error("TUNSETPERSIST", &e);
    }

    // tunctl's emulation of the days before TUNSETGROUP: no owner and no group given
    // means the caller owns the device.
    if owner == UNSET && group == UNSET {
        owner = geteuid().as_raw();
    }
    if owner != UNSET {
        if let Err(e) = device.set_owner(owner) {
            return step_error("TUNSETPERSIST", &e);
        }
    }
    if group != UNSET {
        if let Err(e) = device.set_group(group) {
            return step_error("TUNSETPERSIST", &e);
        }
    }

    if options.brief {
        return Ok([device.name().as_bytes(), b"\n"].concat());
    }
    // tunctl prints the ids with %d: as signed numbers.
    let mut out = [
        b"Set '",
        device.name().as_bytes(),
        b"' persistent and owned by",
    ]
    .concat();
    if owner != UNSET {
        out.extend_from_slice(format!(" uid {}", owner as i32).as_bytes());
    }
    if group != UNSET {
        out.extend_from_slice(format!(" gid {}", group as i32).as_bytes());
    }
    out.push(b'\n');
    Ok(out)
}

/// Resolves every owner and group in order, as tunctl meets them: their ids, or the
/// first that names nobody.
fn resolve_all(ids: &[IdArg]) -> Result<Vec<u32>, IdArg> {
    ids.iter()
        .map(|id| {
            let by_name = |arg: &[u8]| {
                let text = String::from_utf8_lossy(arg);
                match id.kind {
                    IdKind::User => User::from_name(&text)
                        .ok()
                        .flatten()
                        .map(|u| u.uid.as_raw()),
                    IdKind::Group => Group::from_name(&text)
                        .ok()
                        .flatten()
                        .map(|g| g.gid.as_raw()),
                }
            };
            resolve_id(id, by_name).ok_or_else(|| id.clone())
        })
        .collect()
}
