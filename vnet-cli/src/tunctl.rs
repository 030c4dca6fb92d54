//! tunctl's command line (Debian's uml-utilities 20070815.4, plus `-n`, `-p` and `-h`),
//! parsed without side effects: what `vtunctl` runs, and what a fuzz target can call.
//!
//! Options are parsed the way glibc's `getopt(3)` parses `bd:f:t:u:g:nph`: clustered,
//! permuted, ended by `--`. Arguments are bytes: a device name reaches the kernel exactly
//! as given. Owner and group stay as given too; [`resolve_id`] turns them into ids (the
//! user and group databases are looked up there, not here).

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use vnet_core::TunMode;

use crate::ccompat::{Getopt, Opt, strtol};

/// The options of Debian's tunctl, plus `n`, `p` and `h`.
const OPTSTRING: &[u8] = b"bd:f:t:u:g:nph";

/// Which database an owner or group argument names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// `-u`: a user name or a numeric uid.
    User,
    /// `-g`: a group name or a numeric gid.
    Group,
}

/// An owner or group as given (`-u ARG`, `-g ARG`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdArg {
    /// `-u` or `-g`.
    pub kind: IdKind,
    /// The argument's bytes.
    pub arg: Vec<u8>,
}

/// The parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `-b`: print only the device name.
    pub brief: bool,
    /// `-d NAME`: make the device non-persistent (delete it).
    pub delete: bool,
    /// `-t NAME` or `-d NAME`: the device name, as given (empty: the kernel picks one).
    pub name: Vec<u8>,
    /// `-f PATH`: the clone device (`/dev/net/tun` by default).
    pub clone_device: Vec<u8>,
    /// `-u`: the owner, as given (the last one wins).
    pub owner: Option<IdArg>,
    /// `-g`: the group, as given (the last one wins).
    pub group: Option<IdArg>,
    /// `-n` (tun) or `-p` (tap, the default).
    pub mode: TunMode,
    /// Every `-u` and `-g` in order: tunctl resolves each as it meets it, so the first
    /// one that names nobody is the error it reports.
    pub ids: Vec<IdArg>,
}

/// A command line tunctl refuses; it prints the message, then its usage, and exits 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// getopt's message after "PROGRAM: " (with its newline), if getopt printed one.
    pub getopt_message: Option<Vec<u8>>,
    /// The `-u` and `-g` arguments met before the error: tunctl would have resolved each
    /// (and stopped at the first that names nobody) before it got there.
    pub ids_before: Vec<IdArg>,
}

/// Parses tunctl's command line (the words after `argv[0]`).
pub fn parse(args: &[OsString]) -> Result<Options, UsageError> {
    let words: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    let mut options = Options {
        brief: false,
        delete: false,
        name: Vec::new(),
        clone_device: b"/dev/net/tun".to_vec(),
        owner: None,
        group: None,
        mode: TunMode::Tap,
        ids: Vec::new(),
    };
    let mut getopt = Getopt::new(&words, OPTSTRING, &[]);
    for item in getopt.by_ref() {
        let (option, arg) = match item {
            Ok(Opt { letter, arg }) => (letter, arg.map(<[u8]>::to_vec).unwrap_or_default()),
            Err(e) => {
                return Err(UsageError {
                    getopt_message: Some(e.message(b"")[2..].to_vec()),
                    ids_before: options.ids,
                });
            }
        };
        match option {
            b'b' => options.brief = true,
            b'd' => {
                options.delete = true;
                options.name = arg;
            }
            b'f' => options.clone_device = arg,
            b't' => options.name = arg,
            b'u' | b'g' => {
                let kind = if option == b'u' {
                    IdKind::User
                } else {
                    IdKind::Group
                };
                let id = IdArg { kind, arg };
                options.ids.push(id.clone());
                match kind {
                    IdKind::User => options.owner = Some(id),
                    IdKind::Group => options.group = Some(id),
                }
            }
            b'n' => options.mode = TunMode::Tun,
            b'p' => options.mode = TunMode::Tap,
            _ => {
                return Err(UsageError {
                    getopt_message: None,
                    ids_before: options.ids,
                });
            }
        }
    }
    if !getopt.operands().is_empty() {
        return Err(UsageError {
            getopt_message: None,
            ids_before: options.ids,
        });
    }
    Ok(options)
}

/// Resolves an owner or group as tunctl does: the name in the database (`by_name`, the
/// user or group database lookup), else a number read by [`numeric_id`]. `None` when
/// it is neither; [`IdArg::refusal`] is tunctl's message then.
pub fn resolve_id(id: &IdArg, by_name: impl FnOnce(&[u8]) -> Option<u32>) -> Option<u32> {
    by_name(&id.arg).or_else(|| numeric_id(&id.arg))
}

impl IdArg {
    /// tunctl's message for an owner or group that names nobody.
    pub fn refusal(&self) -> Vec<u8> {
        let mut message = b"'".to_vec();
        message.extend_from_slice(&self.arg);
        message.extend_from_slice(match self.kind {
            IdKind::User => b"' is neither a username nor a numeric uid.\n",
            IdKind::Group => b"' is neither a groupname nor a numeric group.\n",
        });
        message
    }
}

/// What tunctl makes of a numeric id: C's `strtol(arg, &end, 0)` (leading blanks, a
/// sign, `0x` for hex and a leading `0` for octal, clamped to the `long` range on
/// overflow), accepted when it reads the whole argument, and cut to 32 bits as it is
/// stored in an `int`. So "" is 0, and "-1" or a huge number mean "unset".
pub fn numeric_id(arg: &[u8]) -> Option<u32> {
    let parsed = strtol(arg, 0);
    (parsed.len == arg.len()).then_some(parsed.value as i32 as u32)
}

#[cfg(test)]
mod tests {
    use std::os::unix::ffi::OsStringExt;

    use super::*;

    /// tunctl's "no owner"/"no group" value: `(uid_t) -1`.
    const UNSET: u32 = u32::MAX;

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

    fn words(args: &[&[u8]]) -> Vec<OsString> {
        args.iter()
            .map(|a| OsString::from_vec(a.to_vec()))
            .collect()
    }

    #[test]
    fn usage_errors_carry_getopts_message_and_the_ids_before() {
        let e = parse(&words(&[b"-u", b"nobody-here", b"-x"])).unwrap_err();
        assert_eq!(
            e.getopt_message.as_deref(),
            Some(&b"invalid option -- 'x'\n"[..])
        );
        assert_eq!(e.ids_before.len(), 1);
        assert_eq!(
            e.ids_before[0].refusal(),
            b"'nobody-here' is neither a username nor a numeric uid.\n"
        );
        let e = parse(&words(&[b"-t", b"tap0", b"extra"])).unwrap_err();
        assert_eq!(e.getopt_message, None);
        let options = parse(&words(&[b"-bttap\xfe", b"-u", b"0x10", b"-n"])).unwrap();
        assert!(options.brief && !options.delete);
        assert_eq!(options.name, b"tap\xfe");
        assert_eq!(
            resolve_id(options.owner.as_ref().unwrap(), |_| None),
            Some(16)
        );
        assert!(matches!(options.mode, TunMode::Tun));
    }
}
