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
//! Known differences, for inputs the kernel itself refuses: a name that is not valid
//! UTF-8 is refused before the kernel sees it, and an invalid name given by an
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
use vnet_cli::ccompat::{Getopt, Opt, strtol};
use vnet_cli::{argv0, print_err, print_out};
use vnet_core::error::strerror;
use vnet_core::{CloneDevice, Error, IfName, Netns, TunMode, TunTap};

/// The options of Debian's tunctl, plus `n`, `p` and `h`.
const OPTSTRING: &[u8] = b"bd:f:t:u:g:nph";

vnet_cli::c_main!(vtunctl);

/// The program: tunctl's command line in, its exit status out (1 for any failure).
fn vtunctl() -> u8 {
    let args: Vec<Vec<u8>> = std::env::args_os()
        .skip(1)
        .map(OsString::into_vec)
        .collect();
    let argv0 = argv0();
    match run(&argv0, &args) {
        Ok(out) => {
            print_out(&out);
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

/// The parsed command line.
struct Options {
    brief: bool,
    delete: bool,
    name: Vec<u8>,
    clone_device: Vec<u8>,
    owner: u32,
    group: u32,
    mode: TunMode,
}

/// tunctl's "no owner"/"no group" value: `(uid_t) -1`.
const UNSET: u32 = u32::MAX;

/// Runs tunctl's program: `Ok(stdout)` on success, `Err(stderr)` on failure.
fn run(argv0: &str, args: &[Vec<u8>]) -> Result<String, Vec<u8>> {
    let options = parse(argv0, args)?;
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
        match String::from_utf8(name.to_vec()).map(IfName::new) {
            Ok(Ok(name)) => spec = spec.name(name),
            _ => return fail(format!("TUNSETIFF: {}\n", strerror(libc::EINVAL))),
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
        return Ok(format!("Set '{}' nonpersistent\n", device.name()));
    }

    if let Err(e) = device.set_persistent(true) {
        return step_error("TUNSETPERSIST", &e);
    }
    let mut owner = options.owner;
    // tunctl's emulation of the days before TUNSETGROUP: no owner and no group given
    // means the caller owns the device.
    if owner == UNSET && options.group == UNSET {
        owner = geteuid().as_raw();
    }
    if owner != UNSET {
        if let Err(e) = device.set_owner(owner) {
            return step_error("TUNSETPERSIST", &e);
        }
    }
    if options.group != UNSET {
        if let Err(e) = device.set_group(options.group) {
            return step_error("TUNSETPERSIST", &e);
        }
    }

    if options.brief {
        return Ok(format!("{}\n", device.name()));
    }
    // tunctl prints the ids with %d: as signed numbers.
    let mut out = format!("Set '{}' persistent and owned by", device.name());
    if owner != UNSET {
        out += &format!(" uid {}", owner as i32);
    }
    if options.group != UNSET {
        out += &format!(" gid {}", options.group as i32);
    }
    out.push('\n');
    Ok(out)
}

/// Parses the options as tunctl does, returning stderr's text on a usage error.
fn parse(argv0: &str, args: &[Vec<u8>]) -> Result<Options, Vec<u8>> {
    let mut options = Options {
        brief: false,
        delete: false,
        name: Vec::new(),
        clone_device: b"/dev/net/tun".to_vec(),
        owner: UNSET,
        group: UNSET,
        mode: TunMode::Tap,
    };
    let usage_error = |mut text: Vec<u8>| {
        text.extend_from_slice(usage(argv0).as_bytes());
        Err(text)
    };
    let mut getopt = Getopt::new(args, OPTSTRING, &[]);
    for item in getopt.by_ref() {
        let (option, arg) = match item {
            Ok(Opt { letter, arg }) => (letter, arg.map(<[u8]>::to_vec)),
            Err(e) => return usage_error(e.message(argv0.as_bytes())),
        };
        match option {
            b'b' => options.brief = true,
            b'd' => {
                options.delete = true;
                options.name = arg.unwrap_or_default();
            }
            b'f' => options.clone_device = arg.unwrap_or_default(),
            b't' => options.name = arg.unwrap_or_default(),
            b'u' | b'g' => {
                let arg = arg.unwrap_or_default();
                let text = String::from_utf8_lossy(&arg).into_owned();
                let by_name = if option == b'u' {
                    User::from_name(&text)
                        .ok()
                        .flatten()
                        .map(|u| u.uid.as_raw())
                } else {
                    Group::from_name(&text)
                        .ok()
                        .flatten()
                        .map(|g| g.gid.as_raw())
                };
                let id = match by_name {
                    Some(id) => id,
                    None => match numeric_id(&arg) {
                        Some(id) => id,
                        None => {
                            let mut message = b"'".to_vec();
                            message.extend_from_slice(&arg);
                            message.extend_from_slice(if option == b'u' {
                                b"' is neither a username nor a numeric uid.\n"
                            } else {
                                b"' is neither a groupname nor a numeric group.\n"
                            });
                            return usage_error(message);
                        }
                    },
                };
                if option == b'u' {
                    options.owner = id;
                } else {
                    options.group = id;
                }
            }
            b'n' => options.mode = TunMode::Tun,
            b'p' => options.mode = TunMode::Tap,
            _ => return usage_error(Vec::new()),
        }
    }
    if !getopt.operands().is_empty() {
        return usage_error(Vec::new());
    }
    Ok(options)
}

/// What tunctl makes of a numeric id: C's `strtol(arg, &end, 0)` (leading blanks, a
/// sign, `0x` for hex and a leading `0` for octal, clamped to the `long` range on
/// overflow), accepted when it reads the whole argument, and cut to 32 bits as it is
/// stored in an `int`. So "" is 0, and "-1" or a huge number mean "unset".
fn numeric_id(arg: &[u8]) -> Option<u32> {
    let parsed = strtol(arg, 0);
    (parsed.len == arg.len()).then_some(parsed.value as i32 as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_like_strtol_into_an_int() {
        assert_eq!(numeric_id(b"1000"), Some(1000));
        assert_eq!(numeric_id(b""), Some(0));
        assert_eq!(numeric_id(b"0x10"), Some(16));
        assert_eq!(numeric_id(b"010"), Some(8));
        assert_eq!(numeric_id(b"  +7"), Some(7));
        assert_eq!(numeric_id(b"-1"), Some(UNSET));
        assert_eq!(numeric_id(b"-2"), Some(u32::MAX - 1));
        assert_eq!(numeric_id(b"4294967296"), Some(0));
        assert_eq!(numeric_id(b"99999999999999999999"), Some(UNSET));
        assert_eq!(numeric_id(b"-99999999999999999999"), Some(0));
        assert_eq!(numeric_id(b"0x"), None);
        assert_eq!(numeric_id(b"08"), None);
        assert_eq!(numeric_id(b"12ab"), None);
        assert_eq!(numeric_id(b" "), None);
        assert_eq!(numeric_id(b"nobody-here"), None);
    }

    fn words(args: &[&str]) -> Vec<Vec<u8>> {
        args.iter().map(|a| a.as_bytes().to_vec()).collect()
    }

    #[test]
    fn usage_errors_carry_getopts_message_then_the_usage() {
        let Err(text) = parse("tunctl", &words(&["-x"])) else {
            panic!("-x parsed");
        };
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.starts_with("tunctl: invalid option -- 'x'\nCreate: tunctl [-b]"),
            "{text}"
        );
        let Err(text) = parse("tunctl", &words(&["-t", "tap0", "extra"])) else {
            panic!("an operand parsed");
        };
        assert!(text.starts_with(b"Create: tunctl"));
        let options = parse("tunctl", &words(&["-bttap0", "-u", "0x10", "-n"])).unwrap();
        assert!(options.brief && !options.delete);
        assert_eq!((options.name.as_slice(), options.owner), (&b"tap0"[..], 16));
        assert!(matches!(options.mode, TunMode::Tun));
    }
}
