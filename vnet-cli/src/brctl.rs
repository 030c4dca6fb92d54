//! brctl's command line (bridge-utils 1.7.1), parsed without side effects: what `vbrctl`
//! runs, and what a fuzz target can call.
//!
//! Arguments are bytes (`OsString`): a bridge or port name reaches the kernel exactly as
//! it was given, as brctl passes `argv` through.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use crate::ccompat::{Getopt, LongOption, Opt};

/// brctl's command table: name, number of arguments, help text.
pub const COMMANDS: &[(&str, usize, &str)] = &[
    ("addbr", 1, "<bridge>\t\tadd bridge"),
    ("delbr", 1, "<bridge>\t\tdelete bridge"),
    ("addif", 2, "<bridge> <device>\tadd interface to bridge"),
    (
        "delif",
        2,
        "<bridge> <device>\tdelete interface from bridge",
    ),
    (
        "hairpin",
        3,
        "<bridge> <port> {on|off}\tturn hairpin on/off",
    ),
    ("setageing", 2, "<bridge> <time>\t\tset ageing time"),
    ("setbridgeprio", 2, "<bridge> <prio>\t\tset bridge priority"),
    ("setfd", 2, "<bridge> <time>\t\tset bridge forward delay"),
    ("sethello", 2, "<bridge> <time>\t\tset hello time"),
    ("setmaxage", 2, "<bridge> <time>\t\tset max message age"),
    ("setpathcost", 3, "<bridge> <port> <cost>\tset path cost"),
    (
        "setportprio",
        3,
        "<bridge> <port> <prio>\tset port priority",
    ),
    ("show", 0, "[ <bridge> ]\t\tshow a list of bridges"),
    ("showmacs", 1, "<bridge>\t\tshow a list of mac addrs"),
    ("showstp", 1, "<bridge>\t\tshow bridge stp info"),
    ("stp", 2, "<bridge> {on|off}\tturn stp on/off"),
];

/// brctl's long options: `getopt_long(argc, argv, "Vh", options, NULL)`.
pub(crate) const LONG_OPTIONS: &[LongOption] = &[
    LongOption {
        name: "help",
        takes_argument: false,
        val: b'h',
    },
    LongOption {
        name: "version",
        takes_argument: false,
        val: b'V',
    },
];

/// The bridge times brctl sets (seconds, as a C double).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Time {
    /// `setageing`.
    Ageing,
    /// `setfd`.
    ForwardDelay,
    /// `sethello`.
    Hello,
    /// `setmaxage`.
    MaxAge,
}

/// The numbers brctl sets on a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortNumber {
    /// `setpathcost`.
    PathCost,
    /// `setportprio`.
    Priority,
}

/// A command line brctl would act on. Names and values are the arguments as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `-h`, `--help`: the usage, exit status 0.
    Help,
    /// `-V`, `--version`.
    Version,
    /// `addbr BRIDGE`.
    AddBridge(OsString),
    /// `delbr BRIDGE`.
    DeleteBridge(OsString),
    /// `addif BRIDGE DEVICE...`.
    AddPorts(OsString, Vec<OsString>),
    /// `delif BRIDGE DEVICE...`.
    DeletePorts(OsString, Vec<OsString>),
    /// `hairpin BRIDGE PORT on|off`.
    Hairpin(OsString, OsString, OsString),
    /// `setageing`, `setfd`, `sethello`, `setmaxage BRIDGE SECONDS`.
    SetTime(OsString, OsString, Time),
    /// `setbridgeprio BRIDGE PRIO`.
    SetBridgePriority(OsString, OsString),
    /// `setpathcost`, `setportprio BRIDGE PORT VALUE`.
    SetPortNumber(OsString, OsString, OsString, PortNumber),
    /// `show [BRIDGE...]`.
    Show(Vec<OsString>),
    /// `showmacs BRIDGE`.
    ShowMacs(OsString),
    /// `showstp BRIDGE`.
    ShowStp(OsString),
    /// `stp BRIDGE on|off`.
    Stp(OsString, OsString),
}

/// A command line brctl refuses, in the order it finds out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageError {
    /// An unknown option (before brctl opens its control socket): getopt's message
    /// (without the program name and ": ", `None` when getopt printed none) and the
    /// letter brctl reports ("Unknown option '?'").
    Option {
        /// getopt's message after "PROGRAM: ", with its newline.
        getopt_message: Option<Vec<u8>>,
        /// The letter brctl names.
        letter: u8,
    },
    /// No command at all.
    NoCommand,
    /// A command brctl does not know (found after it opened its control socket).
    UnknownCommand(OsString),
    /// Too few arguments for the command `name` (whose help text is `text`).
    ArgumentCount {
        /// The command.
        name: &'static str,
        /// Its help text.
        text: &'static str,
    },
}

impl UsageError {
    /// True for the errors brctl finds before it opens its control socket (so a
    /// failure to open it is not reported for them).
    pub fn before_socket(&self) -> bool {
        matches!(self, UsageError::Option { .. } | UsageError::NoCommand)
    }
}

/// Parses brctl's command line (the words after `argv[0]`) as brctl 1.7.1 does.
pub fn parse(args: &[OsString]) -> Result<Command, UsageError> {
    let words: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    // brctl's option loop returns at the first option (getopt permutes: anywhere
    // before `--`), and an error ends it with getopt's message and its own.
    let mut getopt = Getopt::new(&words, b"Vh", LONG_OPTIONS);
    match getopt.next() {
        Some(Ok(Opt { letter: b'h', .. })) => return Ok(Command::Help),
        Some(Ok(Opt { letter: b'V', .. })) => return Ok(Command::Version),
        Some(Ok(opt)) => {
            return Err(UsageError::Option {
                getopt_message: None,
                letter: opt.letter,
            });
        }
        Some(Err(e)) => {
            return Err(UsageError::Option {
                getopt_message: Some(e.message(b"")[2..].to_vec()),
                letter: b'?',
            });
        }
        None => {}
    }
    let argv: Vec<OsString> = getopt
        .operands()
        .iter()
        .map(|w| OsStr::from_bytes(w).to_os_string())
        .collect();
    let Some(command) = argv.first() else {
        return Err(UsageError::NoCommand);
    };
    let Some(&(name, nargs, text)) = COMMANDS
        .iter()
        .find(|c| c.0.as_bytes() == command.as_bytes())
    else {
        return Err(UsageError::UnknownCommand(command.clone()));
    };
    if argv.len() < nargs + 1 {
        return Err(UsageError::ArgumentCount { name, text });
    }
    let a = |i: usize| argv[i].clone();
    Ok(match name {
        "addbr" => Command::AddBridge(a(1)),
        "delbr" => Command::DeleteBridge(a(1)),
        "addif" => Command::AddPorts(a(1), argv[2..].to_vec()),
        "delif" => Command::DeletePorts(a(1), argv[2..].to_vec()),
        "hairpin" => Command::Hairpin(a(1), a(2), a(3)),
        "setageing" => Command::SetTime(a(1), a(2), Time::Ageing),
        "setfd" => Command::SetTime(a(1), a(2), Time::ForwardDelay),
        "sethello" => Command::SetTime(a(1), a(2), Time::Hello),
        "setmaxage" => Command::SetTime(a(1), a(2), Time::MaxAge),
        "setbridgeprio" => Command::SetBridgePriority(a(1), a(2)),
        "setpathcost" => Command::SetPortNumber(a(1), a(2), a(3), PortNumber::PathCost),
        "setportprio" => Command::SetPortNumber(a(1), a(2), a(3), PortNumber::Priority),
        "show" => Command::Show(argv[1..].to_vec()),
        "showmacs" => Command::ShowMacs(a(1)),
        "showstp" => Command::ShowStp(a(1)),
        "stp" => Command::Stp(a(1), a(2)),
        _ => unreachable!("every command of the table is handled"),
    })
}

/// brctl's on/off words.
pub fn on_off(value: &OsStr) -> Option<bool> {
    match value.as_bytes() {
        b"on" | b"yes" | b"1" => Some(true),
        b"off" | b"no" | b"0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::ffi::OsStringExt;

    use super::*;

    fn args(words: &[&[u8]]) -> Vec<OsString> {
        words
            .iter()
            .map(|w| OsString::from_vec(w.to_vec()))
            .collect()
    }

    #[test]
    fn names_stay_bytes() {
        assert_eq!(
            parse(&args(&[b"addbr", b"br\xfe"])),
            Ok(Command::AddBridge(OsString::from_vec(b"br\xfe".to_vec())))
        );
        assert_eq!(
            parse(&args(&[b"addif", b"br0", b"a\xff", b"b"])),
            Ok(Command::AddPorts("br0".into(), args(&[b"a\xff", b"b"])))
        );
    }

    #[test]
    fn usage_errors_in_brctls_order() {
        assert_eq!(parse(&[]), Err(UsageError::NoCommand));
        assert_eq!(parse(&args(&[b"-h", b"addbr"])), Ok(Command::Help));
        assert_eq!(parse(&args(&[b"show", b"--version"])), Ok(Command::Version));
        assert_eq!(
            parse(&args(&[b"-x"])),
            Err(UsageError::Option {
                getopt_message: Some(b"invalid option -- 'x'\n".to_vec()),
                letter: b'?'
            })
        );
        assert_eq!(
            parse(&args(&[b"frob"])),
            Err(UsageError::UnknownCommand("frob".into()))
        );
        assert!(matches!(
            parse(&args(&[b"addif", b"br0"])),
            Err(UsageError::ArgumentCount { name: "addif", .. })
        ));
        assert_eq!(parse(&args(&[b"show"])), Ok(Command::Show(Vec::new())));
        assert_eq!(
            parse(&args(&[b"--", b"setageing", b"br0", b"-1"])),
            Ok(Command::SetTime("br0".into(), "-1".into(), Time::Ageing))
        );
    }
}
