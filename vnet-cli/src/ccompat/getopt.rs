//! glibc's `getopt(3)` and `getopt_long(3)`.

/// A long option of `getopt_long`, like C's `struct option` with a null `flag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongOption {
    /// The name, without the leading `--`.
    pub name: &'static str,
    /// Whether it takes an argument (`required_argument`), given as `--name=VALUE` or as
    /// the next word; otherwise `no_argument`.
    pub takes_argument: bool,
    /// What getopt returns for it (`val`): usually the letter of the short option that
    /// means the same.
    pub val: u8,
}

/// One option found by [`Getopt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt<'a> {
    /// The option letter, or the `val` of a long option.
    pub letter: u8,
    /// Its argument (`optarg`), if it takes one: the rest of its word (`-ttap0`,
    /// `--name=VALUE`) or the next word.
    pub arg: Option<&'a [u8]>,
}

/// A bad option: getopt printed a message and returned `'?'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GetoptError<'a> {
    /// A short option letter that the option string does not have.
    InvalidOption(u8),
    /// A short option that takes an argument, last on the command line.
    MissingArgument(u8),
    /// A long option that matches no name, even as an abbreviation: the text after `--`.
    UnrecognizedOption(&'a [u8]),
    /// An abbreviation of several long options that differ: the text after `--`, and
    /// the names glibc lists as possibilities.
    Ambiguous(&'a [u8], Vec<&'static str>),
    /// `--name=VALUE` for a long option without an argument: its full name.
    ArgumentNotAllowed(&'static str),
    /// A long option that takes an argument, last on the command line: its full name.
    ArgumentRequired(&'static str),
}

impl GetoptError<'_> {
    /// The line glibc prints to standard error, starting with the program name
    /// `argv0`: "tunctl: invalid option -- 'x'\n".
    pub fn message(&self, argv0: &[u8]) -> Vec<u8> {
        let mut m = argv0.to_vec();
        m.extend_from_slice(b": ");
        match self {
            GetoptError::InvalidOption(c) => {
                m.extend_from_slice(b"invalid option -- '");
                m.push(*c);
                m.extend_from_slice(b"'");
            }
            GetoptError::MissingArgument(c) => {
                m.extend_from_slice(b"option requires an argument -- '");
                m.push(*c);
                m.extend_from_slice(b"'");
            }
            GetoptError::UnrecognizedOption(text) => {
                m.extend_from_slice(b"unrecognized option '--");
                m.extend_from_slice(text);
                m.extend_from_slice(b"'");
            }
            GetoptError::Ambiguous(text, names) => {
                m.extend_from_slice(b"option '--");
                m.extend_from_slice(text);
                m.extend_from_slice(b"' is ambiguous; possibilities:");
                for name in names {
                    m.extend_from_slice(format!(" '--{name}'").as_bytes());
                }
            }
            GetoptError::ArgumentNotAllowed(name) => {
                m.extend_from_slice(
                    format!("option '--{name}' doesn't allow an argument").as_bytes(),
                );
            }
            GetoptError::ArgumentRequired(name) => {
                m.extend_from_slice(format!("option '--{name}' requires an argument").as_bytes());
            }
        }
        m.push(b'\n');
        m
    }
}

/// glibc's `getopt` (no long options) and `getopt_long`, over the arguments after
/// `argv[0]`, as an iterator of the options in command-line order.
///
/// - The option string lists the short option letters, each followed by `:` when it
///   takes an argument (`"bd:f:t:"`). An argument is the rest of the word (`-ttap0`) or
///   the next word (`-t tap0`), whatever it looks like; letters without one cluster
///   (`-bt tap0`). `:` and `;` are never options. (glibc's other option-string
///   features, a leading `+`, `-` or `:`, `::` and `W;`, are not used by the tools
///   here and not implemented.)
/// - With long options (`getopt_long`), `--name` matches a name exactly or as an
///   unambiguous abbreviation; without them, `--name` is a cluster of short options
///   starting with `-`, as in C.
/// - A word that does not start with `-`, and `-` alone, is an operand. glibc permutes:
///   scanning goes on past operands, and they are collected in order ([`operands`]);
///   with `POSIXLY_CORRECT` in the environment the first operand ends the options. `--`
///   ends the options, and every word after it is an operand.
/// - A bad option is an [`GetoptError`] whose [`message`](GetoptError::message) is
///   glibc's, and scanning goes on after it, as with C's `'?'`.
///
/// [`operands`]: Getopt::operands
#[derive(Debug)]
pub struct Getopt<'a, S: AsRef<[u8]>> {
    args: &'a [S],
    shorts: &'a [u8],
    longs: &'a [LongOption],
    /// `optind`: the next word to look at.
    next: usize,
    /// The word and the position in it of the next letter of a cluster.
    cluster: Option<(usize, usize)>,
    require_order: bool,
    operands: Vec<&'a S>,
}

impl<'a, S: AsRef<[u8]>> Getopt<'a, S> {
    /// getopt over `args` (the words after `argv[0]`) with the short options of
    /// `optstring` and the long options `longs` (none: plain `getopt`). Reads
    /// `POSIXLY_CORRECT` from the environment, as glibc does on its first call.
    pub fn new(args: &'a [S], optstring: &'a [u8], longs: &'a [LongOption]) -> Self {
        Getopt {
            args,
            shorts: optstring,
            longs,
            next: 0,
            cluster: None,
            require_order: std::env::var_os("POSIXLY_CORRECT").is_some(),
            operands: Vec::new(),
        }
    }

    /// Stops at the first operand (`true`, as with `POSIXLY_CORRECT` set) or permutes
    /// (`false`, glibc's default), whatever the environment says.
    pub fn require_order(mut self, yes: bool) -> Self {
        self.require_order = yes;
        self
    }

    /// The operands in their order: what C finds in `argv[optind..]` once getopt has
    /// returned -1. Complete only after the iterator has ended.
    pub fn operands(&self) -> &[&'a S] {
        &self.operands
    }

    /// Everything from the word at `from` on is an operand; the options end.
    fn end(&mut self, from: usize) {
        self.operands.extend(&self.args[from..]);
        self.next = self.args.len();
    }

    /// One letter of a short-option word (`word[pos]`).
    fn short(&mut self, index: usize, pos: usize) -> Result<Opt<'a>, GetoptError<'a>> {
        let word = self.args[index].as_ref();
        let letter = word[pos];
        let rest = &word[pos + 1..];
        if !rest.is_empty() {
            self.cluster = Some((index, pos + 1));
        }
        let spec = match letter {
            b':' | b';' => None,
            _ => self.shorts.iter().position(|&c| c == letter),
        };
        let Some(spec) = spec else {
            return Err(GetoptError::InvalidOption(letter));
        };
        if self.shorts.get(spec + 1) != Some(&b':') {
            return Ok(Opt { letter, arg: None });
        }
        self.cluster = None;
        if !rest.is_empty() {
            return Ok(Opt {
                letter,
                arg: Some(rest),
            });
        }
        match self.args.get(self.next) {
            Some(value) => {
                self.next += 1;
                Ok(Opt {
                    letter,
                    arg: Some(value.as_ref()),
                })
            }
            None => Err(GetoptError::MissingArgument(letter)),
        }
    }

    /// A long option: `text` is its word after `--`.
    fn long(&mut self, text: &'a [u8]) -> Result<Opt<'a>, GetoptError<'a>> {
        let (name, value) = match text.iter().position(|&c| c == b'=') {
            Some(eq) => (&text[..eq], Some(&text[eq + 1..])),
            None => (text, None),
        };
        let found = match self.longs.iter().find(|o| o.name.as_bytes() == name) {
            Some(exact) => exact,
            None => {
                let mut prefixed = self
                    .longs
                    .iter()
                    .filter(|o| o.name.as_bytes().starts_with(name));
                let Some(first) = prefixed.next() else {
                    return Err(GetoptError::UnrecognizedOption(text));
                };
                // glibc lists the first match and every later one that differs from it;
                // matches that would mean the same are no ambiguity.
                let differing: Vec<&'static str> = prefixed
                    .filter(|o| o.takes_argument != first.takes_argument || o.val != first.val)
                    .map(|o| o.name)
                    .collect();
                if !differing.is_empty() {
                    let names = std::iter::once(first.name).chain(differing).collect();
                    return Err(GetoptError::Ambiguous(text, names));
                }
                first
            }
        };
        let letter = found.val;
        match (value, found.takes_argument) {
            (Some(_), false) => Err(GetoptError::ArgumentNotAllowed(found.name)),
            (Some(value), true) => Ok(Opt {
                letter,
                arg: Some(value),
            }),
            (None, false) => Ok(Opt { letter, arg: None }),
            (None, true) => match self.args.get(self.next) {
                Some(value) => {
                    self.next += 1;
                    Ok(Opt {
                        letter,
                        arg: Some(value.as_ref()),
                    })
                }
                None => Err(GetoptError::ArgumentRequired(found.name)),
            },
        }
    }
}

impl<'a, S: AsRef<[u8]>> Iterator for Getopt<'a, S> {
    type Item = Result<Opt<'a>, GetoptError<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some((index, pos)) = self.cluster.take() {
            return Some(self.short(index, pos));
        }
        loop {
            let args: &'a [S] = self.args;
            let arg = args.get(self.next)?;
            let word = arg.as_ref();
            self.next += 1;
            if word == b"--" {
                self.end(self.next);
                return None;
            }
            if word.len() > 1 && word[0] == b'-' {
                if word[1] == b'-' && !self.longs.is_empty() {
                    return Some(self.long(&word[2..]));
                }
                return Some(self.short(self.next - 1, 1));
            }
            if self.require_order {
                self.end(self.next - 1);
                return None;
            }
            self.operands.push(arg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TUNCTL: &[u8] = b"bd:f:t:u:g:";
    /// brctl's own table, so these tests exercise what vbrctl parses with.
    const BRCTL_LONG: &[LongOption] = crate::brctl::LONG_OPTIONS;

    /// Every result as text, then the operands: `b -t=tap0 ! x` (`!` for an error,
    /// followed by its message without the program name).
    fn run(args: &[&str], optstring: &[u8], longs: &[LongOption], posix: bool) -> String {
        let mut getopt = Getopt::new(args, optstring, longs).require_order(posix);
        let mut seen = Vec::new();
        for item in getopt.by_ref() {
            seen.push(match item {
                Ok(Opt { letter, arg: None }) => (letter as char).to_string(),
                Ok(Opt {
                    letter,
                    arg: Some(arg),
                }) => format!("{}={}", letter as char, String::from_utf8_lossy(arg)),
                Err(e) => {
                    let m = String::from_utf8(e.message(b"p")).unwrap();
                    format!("!{}", m.trim_end().trim_start_matches("p: "))
                }
            });
        }
        let operands: Vec<&str> = getopt.operands().iter().map(|s| **s).collect();
        format!("{} | {}", seen.join(" "), operands.join(" "))
    }

    #[test]
    fn short_options_cluster_and_take_arguments() {
        let t = |args: &[&str]| run(args, TUNCTL, &[], false);
        assert_eq!(t(&["-bttap0", "-u", "5"]), "b t=tap0 u=5 | ");
        assert_eq!(t(&["-b", "-t", "-d"]), "b t=-d | ");
        assert_eq!(t(&["-t", "--"]), "t=-- | ");
        assert_eq!(t(&["-dtap0", "-b"]), "d=tap0 b | ");
        assert_eq!(t(&["-t"]), "!option requires an argument -- 't' | ");
        // A bad letter is reported and the cluster goes on.
        assert_eq!(t(&["-xb"]), "!invalid option -- 'x' b | ");
        assert_eq!(t(&["-:"]), "!invalid option -- ':' | ");
        // Without long options, "--help" is the letters '-', 'h', 'e', 'l', 'p'.
        assert_eq!(t(&["--bb"]), "!invalid option -- '-' b b | ");
    }

    #[test]
    fn operands_are_permuted_and_double_dash_ends_options() {
        let t = |args: &[&str], posix| run(args, TUNCTL, &[], posix);
        assert_eq!(t(&["x", "-b", "y", "--", "-d", "z"], false), "b | x y -d z");
        assert_eq!(t(&["-", "-b"], false), "b | -");
        assert_eq!(t(&["--"], false), " | ");
        assert_eq!(t(&[], false), " | ");
        // POSIXLY_CORRECT: the first operand ends the options; a later "--" is kept.
        assert_eq!(
            t(&["-b", "x", "-t", "tap0", "--"], true),
            "b | x -t tap0 --"
        );
    }

    #[test]
    fn long_options_match_exactly_or_by_unambiguous_prefix() {
        let t = |args: &[&str]| run(args, b"Vh", BRCTL_LONG, false);
        assert_eq!(t(&["--help", "--he", "--v", "--version"]), "h h V V | ");
        assert_eq!(t(&["--foo=bar"]), "!unrecognized option '--foo=bar' | ");
        assert_eq!(
            t(&["--he=1"]),
            "!option '--help' doesn't allow an argument | "
        );
        assert_eq!(
            t(&["--help="]),
            "!option '--help' doesn't allow an argument | "
        );
        // An empty name is a prefix of every option.
        assert_eq!(
            t(&["--=x"]),
            "!option '--=x' is ambiguous; possibilities: '--help' '--version' | "
        );
        assert_eq!(t(&["show", "--", "-V"]), " | show -V");
    }

    #[test]
    fn long_option_arguments_and_ambiguity() {
        const LONGS: &[LongOption] = &[
            LongOption {
                name: "device",
                takes_argument: true,
                val: b'd',
            },
            LongOption {
                name: "delete",
                takes_argument: true,
                val: b'd',
            },
            LongOption {
                name: "debug",
                takes_argument: false,
                val: b'g',
            },
        ];
        let t = |args: &[&str]| run(args, b"d:g", LONGS, false);
        assert_eq!(
            t(&["--device=tap0", "--delete", "tap1"]),
            "d=tap0 d=tap1 | "
        );
        // "--de" fits all three; "--debug" differs from the first, so it is listed
        // with it, "--delete" means the same as "--device" and is not.
        assert_eq!(
            t(&["--de", "x"]),
            "!option '--de' is ambiguous; possibilities: '--device' '--debug' | x"
        );
        // Two that mean the same are no ambiguity.
        assert_eq!(t(&["--dev", "x", "--del=y"]), "d=x d=y | ");
        assert_eq!(
            t(&["--device"]),
            "!option '--device' requires an argument | "
        );
        assert_eq!(
            t(&["--debug=1"]),
            "!option '--debug' doesn't allow an argument | "
        );
    }

    #[test]
    fn arguments_are_bytes() {
        let args: [&[u8]; 2] = [b"-t", b"br\xff"];
        let mut getopt = Getopt::new(&args, TUNCTL, &[]);
        assert_eq!(
            getopt.next(),
            Some(Ok(Opt {
                letter: b't',
                arg: Some(&b"br\xff"[..])
            }))
        );
        let bad: [&[u8]; 1] = [b"-\xff"];
        let error = Getopt::new(&bad, TUNCTL, &[]).next().unwrap().unwrap_err();
        assert_eq!(
            error.message(b"tunctl"),
            b"tunctl: invalid option -- '\xff'\n"
        );
    }
}
