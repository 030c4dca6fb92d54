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
//! have answered "Operation not permitted".

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::process::ExitCode;

use nix::unistd::{Group, User, geteuid};
use vnet_cli::{argv0, failure, print_err, print_out};
use vnet_core::error::strerror;
use vnet_core::{CloneDevice, Error, IfName, Netns, TunMode, TunTap};

/// The options of Debian's tunctl, plus `n`, `p` and `h`.
const OPTSTRING: &[u8] = b"bd:f:t:u:g:nph";

fn main() -> ExitCode {
    let args: Vec<Vec<u8>> = std::env::args_os()
        .skip(1)
        .map(OsString::into_vec)
        .collect();
    let argv0 = argv0();
    match run(&argv0, &args) {
        Ok(out) => {
            print_out(&out);
            ExitCode::SUCCESS
        }
        Err(stderr) => {
            print_err(stderr);
            failure()
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
    let mut getopt = Getopt::new(args, OPTSTRING);
    while let Some(item) = getopt.next() {
        let (option, arg) = match item {
            Opt::Option(option, arg) => (option, arg),
            Opt::Error(message) => {
                return usage_error([argv0.as_bytes(), b": ", &message].concat());
            }
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
                    None => match strtol_int(&arg) {
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
    if !getopt.operands.is_empty() {
        return usage_error(Vec::new());
    }
    Ok(options)
}

/// What tunctl makes of a numeric id: C's `strtol(arg, &end, 0)` (leading blanks, a
/// sign, `0x` for hex and a leading `0` for octal, clamped to the `long` range on
/// overflow), accepted when it ends the string, and cut to 32 bits as it is stored in
/// an `int`. So "" is 0, and "-1" or a huge number mean "unset".
fn strtol_int(arg: &[u8]) -> Option<u32> {
    let mut i = 0;
    while i < arg.len() && matches!(arg[i], b' ' | b'\t'..=b'\r') {
        i += 1;
    }
    let negative = match arg.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let hex_digit = |b: Option<&u8>| b.is_some_and(u8::is_ascii_hexdigit);
    let radix = if arg.get(i) == Some(&b'0')
        && matches!(arg.get(i + 1), Some(b'x' | b'X'))
        && hex_digit(arg.get(i + 2))
    {
        i += 2;
        16
    } else if arg.get(i) == Some(&b'0') {
        8
    } else {
        10
    };
    let digits_start = i;
    let mut value: i128 = 0;
    while let Some(digit) = arg.get(i).and_then(|&b| (b as char).to_digit(radix)) {
        value = (value * i128::from(radix) + i128::from(digit)).min(i128::from(u64::MAX) + 1);
        i += 1;
    }
    let end = if i == digits_start { 0 } else { i };
    if end != arg.len() {
        return None;
    }
    let value = if negative { -value } else { value };
    let long = value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    Some(long as i32 as u32)
}

/// One result of [`Getopt`].
enum Opt {
    /// An option letter, with its argument if it takes one.
    Option(u8, Option<Vec<u8>>),
    /// getopt's message for a bad option (without the leading "argv0: "), as bytes:
    /// the option letter is one byte of the argument, whatever it is.
    Error(Vec<u8>),
}

/// glibc's `getopt(3)` for a short-options string: options may be clustered (`-bt
/// tap0`), an argument may be attached (`-ttap0`) or the next word, non-options are
/// collected and scanning goes on past them (unless `POSIXLY_CORRECT` is set), and
/// `--` ends the options.
struct Getopt<'a> {
    args: &'a [Vec<u8>],
    optstring: &'a [u8],
    index: usize,
    cluster: Option<(usize, usize)>,
    posix: bool,
    operands: Vec<Vec<u8>>,
}

impl<'a> Getopt<'a> {
    fn new(args: &'a [Vec<u8>], optstring: &'a [u8]) -> Self {
        Getopt {
            args,
            optstring,
            index: 0,
            cluster: None,
            posix: std::env::var_os("POSIXLY_CORRECT").is_some(),
            operands: Vec::new(),
        }
    }

    fn next(&mut self) -> Option<Opt> {
        let (arg, pos) = match self.cluster {
            Some(at) => at,
            None => loop {
                let arg = self.args.get(self.index)?;
                self.index += 1;
                if arg == b"--" {
                    self.operands
                        .extend(self.args[self.index..].iter().cloned());
                    self.index = self.args.len();
                    return None;
                }
                if arg.len() > 1 && arg[0] == b'-' {
                    break (self.index - 1, 1);
                }
                self.operands.push(arg.clone());
                if self.posix {
                    self.operands
                        .extend(self.args[self.index..].iter().cloned());
                    self.index = self.args.len();
                    return None;
                }
            },
        };
        let word = &self.args[arg];
        let letter = word[pos];
        let rest = &word[pos + 1..];
        self.cluster = if rest.is_empty() {
            None
        } else {
            Some((arg, pos + 1))
        };
        let spec = self
            .optstring
            .iter()
            .position(|&c| c == letter && c != b':');
        let Some(spec) = spec else {
            return Some(Opt::Error(
                [b"invalid option -- '", &[letter][..], b"'\n"].concat(),
            ));
        };
        if self.optstring.get(spec + 1) != Some(&b':') {
            return Some(Opt::Option(letter, None));
        }
        if !rest.is_empty() {
            self.cluster = None;
            return Some(Opt::Option(letter, Some(rest.to_vec())));
        }
        match self.args.get(self.index) {
            Some(value) => {
                self.index += 1;
                Some(Opt::Option(letter, Some(value.clone())))
            }
            None => Some(Opt::Error(
                [b"option requires an argument -- '", &[letter][..], b"'\n"].concat(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(args: &[&str]) -> Vec<Vec<u8>> {
        args.iter().map(|a| a.as_bytes().to_vec()).collect()
    }

    #[test]
    fn ids_parse_like_strtol_into_an_int() {
        assert_eq!(strtol_int(b"1000"), Some(1000));
        assert_eq!(strtol_int(b""), Some(0));
        assert_eq!(strtol_int(b"0x10"), Some(16));
        assert_eq!(strtol_int(b"010"), Some(8));
        assert_eq!(strtol_int(b"  +7"), Some(7));
        assert_eq!(strtol_int(b"-1"), Some(UNSET));
        assert_eq!(strtol_int(b"-2"), Some(u32::MAX - 1));
        assert_eq!(strtol_int(b"4294967296"), Some(0));
        assert_eq!(strtol_int(b"99999999999999999999"), Some(UNSET));
        assert_eq!(strtol_int(b"-99999999999999999999"), Some(0));
        assert_eq!(strtol_int(b"0x"), None);
        assert_eq!(strtol_int(b"08"), None);
        assert_eq!(strtol_int(b"12ab"), None);
        assert_eq!(strtol_int(b" "), None);
        assert_eq!(strtol_int(b"nobody-here"), None);
    }

    #[test]
    fn getopt_clusters_permutes_and_stops_at_double_dash() {
        let args = words(&["x", "-bttap0", "-u", "5", "--", "-d"]);
        let mut g = Getopt::new(&args, OPTSTRING);
        let mut seen = Vec::new();
        while let Some(Opt::Option(c, a)) = g.next() {
            seen.push((c, a));
        }
        assert_eq!(
            seen,
            vec![
                (b'b', None),
                (b't', Some(b"tap0".to_vec())),
                (b'u', Some(b"5".to_vec()))
            ]
        );
        assert_eq!(g.operands, words(&["x", "-d"]));
    }

    #[test]
    fn getopt_messages() {
        let args = words(&["-x"]);
        match Getopt::new(&args, OPTSTRING).next() {
            Some(Opt::Error(m)) => assert_eq!(m, b"invalid option -- 'x'\n"),
            _ => panic!("expected an error"),
        }
        let args = words(&["-t"]);
        match Getopt::new(&args, OPTSTRING).next() {
            Some(Opt::Error(m)) => assert_eq!(m, b"option requires an argument -- 't'\n"),
            _ => panic!("expected an error"),
        }
    }
}
