//! `vip`: the `ip` lines of lab scripts, run through vnet-core in one process.
//!
//! The command line is read the way iproute2's `ip` 6.1 reads it (global options, then
//! an object and a command, each abbreviable), and answers the way `ip` answers: the
//! same messages, the same exit codes (255 for a wrong command line, 2 when the kernel
//! refuses a change, 1 for most other failures). Beyond `ip`, a line of a batch file may
//! start with `-n NETNS` (and `-j`), so one file and one process can build a whole lab
//! across namespaces; vip keeps one rtnetlink handle per namespace for the whole batch.
//!
//! What vip does not support answers with a clear error and exit 255.

mod addr;
mod args;
mod details;
pub mod docs;
mod json;
mod link;
mod link_kinds;
mod neigh;
mod netns;
mod out;
mod route;
mod show;
mod stats;
mod tuntap;

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::io::BufRead;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use vnet_core::{Family, Handle, Netns};

use crate::print_err;
use args::{Line, Words, matches};
use out::Out;

/// The process must end now with this status: what `ip` does when it calls `exit()`
/// (after a wrong command line, for example), even in the middle of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop(pub u8);

/// What one command returns: its status (0 for success) or [`Stop`].
type Status = Result<u8, Stop>;

/// The global options (`ip -j -n NS ...`) and the handles opened so far.
#[derive(Debug, Default)]
pub struct Session {
    json: bool,
    /// `-br`: one line per link.
    brief: bool,
    /// `-p`: JSON laid out over lines.
    pretty: bool,
    /// `-o`: every record on one line.
    oneline: bool,
    /// Running a batch file: `netns exec` waits for its command instead of becoming it.
    batch: bool,
    family: Family,
    force: bool,
    /// `-s` given once (1) or twice (2): counters in link and address listings.
    stats: u8,
    /// `-d`: details in link and address listings (and routes' type, table, protocol
    /// and scope).
    details: bool,
    /// The namespace commands act in (`-n NETNS`), `None` for the caller's.
    netns: Option<String>,
    handles: HashMap<Option<String>, Handle>,
    /// In a batch: the namespace each line names with `-n`, and the current line; the
    /// handles of the namespaces the lines from there on name are opened together the
    /// first time one is needed.
    batch_targets: Vec<Option<String>>,
    upcoming_from: usize,
    /// Parse only (the fuzz targets, [`parse_only`]): every command stops where it would
    /// first act (open a namespace or a file, talk to the kernel, run a program).
    parse_only: bool,
}

impl Session {
    /// The rtnetlink handle of the current namespace, opened once per namespace.
    fn handle(&mut self) -> Result<&Handle, Stop> {
        if self.parse_only {
            return Err(Stop(0));
        }
        if self.netns.is_some() && !self.handles.contains_key(&self.netns) {
            self.open_upcoming();
        }
        if !self.handles.contains_key(&self.netns) {
            let handle = match &self.netns {
                None => Handle::current(),
                Some(name) => Netns::open(name).and_then(|ns| Handle::new(&ns)),
            }
            .map_err(|e| {
                print_err(format!("{e}\n"));
                Stop(1)
            })?;
            self.handles.insert(self.netns.clone(), handle);
        }
        Ok(&self.handles[&self.netns])
    }

    /// Opens, with one thread visiting each ([`Handle::new_many`]), the handles of the
    /// upcoming lines' namespaces that exist now and are not open yet. Cheaper than one
    /// thread per namespace; a namespace that cannot be opened is simply left for later.
    fn open_upcoming(&mut self) {
        let mut names: Vec<String> = self
            .batch_targets
            .get(self.upcoming_from..)
            .unwrap_or_default()
            .iter()
            .flatten()
            .cloned()
            .collect();
        names.sort();
        names.dedup();
        let (names, namespaces): (Vec<String>, Vec<Netns>) = names
            .into_iter()
            .filter(|n| !self.handles.contains_key(&Some(n.clone())))
            .filter_map(|n| Netns::open(&n).ok().map(|ns| (n, ns)))
            .unzip();
        if let Ok(handles) = Handle::new_many(&namespaces) {
            for (name, handle) in names.into_iter().zip(handles) {
                self.handles.insert(Some(name), handle);
            }
        }
    }

    /// `-n NAME`: commands act inside the named namespace from now on. A namespace that
    /// cannot be opened ends vip, as it ends `ip`.
    fn switch_netns(&mut self, name: &str) -> Result<(), Stop> {
        if self.parse_only {
            self.netns = Some(name.to_string());
            return Ok(());
        }
        if let Err(e) = Netns::open(name) {
            let errno = e.errno();
            print_err(format!(
                "Cannot open network namespace \"{name}\": {}\n",
                vnet_core::error::strerror(errno)
            ));
            return Err(Stop(255));
        }
        self.netns = Some(name.to_string());
        Ok(())
    }
}

/// Runs vip with `args` (the command line without the program name, as given: an
/// interface name need not be UTF-8) and returns the exit status.
pub fn run(args: &[OsString]) -> u8 {
    let mut session = Session::default();
    match run_session(&mut session, &Line::new(args.to_vec())) {
        Ok(status) | Err(Stop(status)) => status,
    }
}

/// Parses `args` as [`run`] does, without acting: each command stops where it would
/// first open a namespace or a file, talk to the kernel or run a program, and a batch
/// file named with `-batch` is not read. For the fuzz targets; not part of the API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub fn parse_only(args: &[OsString]) -> u8 {
    let mut session = Session {
        parse_only: true,
        ..Session::default()
    };
    match run_session(&mut session, &Line::new(args.to_vec())) {
        Ok(status) | Err(Stop(status)) => status,
    }
}

/// Parses `text` as the batch file of `vip -batch FILE` without acting (see
/// [`parse_only`]): every line is parsed, whatever the lines before it gave. For the
/// fuzz targets; not part of the API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub fn parse_batch_only(text: &[u8]) -> u8 {
    let mut session = Session {
        parse_only: true,
        batch: true,
        ..Session::default()
    };
    match batch_lines(&mut session, b"fuzz", text) {
        Ok(status) | Err(Stop(status)) => status,
    }
}

fn run_session(session: &mut Session, args: &Line) -> Status {
    let mut words = args.words();
    let mut batch: Option<OsString> = None;
    while let Some(word) = words.peek() {
        if word == "--" {
            words.take();
            break;
        }
        if !word.starts_with('-') {
            break;
        }
        words.take();
        // `--json` and `-json` are the same option.
        let option = if word.starts_with("--") {
            &word[1..]
        } else {
            word
        };
        // In iproute2's order: the first option a word abbreviates wins (`-b` is
        // `-batch`, `-br` is `-brief`, `-h` is `-human`).
        let unsupported = || args::unsupported(&format!("option \"{word}\""));
        if matches(option, "-loops") {
            return Err(unsupported());
        } else if matches(option, "-family") {
            words.take().ok_or_else(usage)?;
            let value = words
                .taken_raw()
                .to_str()
                .ok_or_else(|| args::not_utf8(words.taken_raw()))?;
            session.family = match value {
                "inet" => Family::Ipv4,
                "inet6" => Family::Ipv6,
                "help" => return Err(usage()),
                other => return Err(args::invarg("invalid protocol family", other)),
            };
        } else if option == "-4" {
            session.family = Family::Ipv4;
        } else if option == "-6" {
            session.family = Family::Ipv6;
        } else if ["-0", "-M", "-B"].contains(&option)
            || matches(option, "-human")
            || matches(option, "-human-readable")
            || matches(option, "-iec")
        {
            return Err(unsupported());
        } else if matches(option, "-details") {
            session.details = true;
        } else if matches(option, "-resolve") {
            return Err(unsupported());
        } else if matches(option, "-stats") || matches(option, "-statistics") {
            session.stats = session.stats.saturating_add(1);
        } else if matches(option, "-oneline") {
            session.oneline = true;
        } else if matches(option, "-timestamp") || matches(option, "-tshort") {
            return Err(unsupported());
        } else if matches(option, "-Version") {
            crate::print_out(&format!(
                "ip utility, vip (vnet {})\n",
                env!("CARGO_PKG_VERSION")
            ));
            return Ok(0);
        } else if matches(option, "-force") {
            session.force = true;
        } else if matches(option, "-batch") {
            words.take().ok_or_else(usage)?;
            batch = Some(words.taken_raw().to_os_string());
        } else if matches(option, "-brief") {
            session.brief = true;
        } else if matches(option, "-json") {
            session.json = true;
        } else if matches(option, "-pretty") {
            session.pretty = true;
        } else if matches(option, "-rcvbuf")
            || matches(option, "-color")
            || option.starts_with("-color=")
        {
            return Err(unsupported());
        } else if matches(option, "-help") {
            return Err(usage());
        } else if matches(option, "-netns") {
            let name = words.value()?;
            session.switch_netns(name)?;
        } else if matches(option, "-Numeric") || matches(option, "-all") || option == "-echo" {
            return Err(unsupported());
        } else {
            print_err(format!("Option \"{word}\" is unknown, try \"ip -help\".\n"));
            return Err(Stop(255));
        }
    }
    if let Some(file) = batch {
        session.batch = true;
        if session.parse_only {
            return Ok(0);
        }
        return run_batch(session, &file);
    }
    match words.take() {
        None => Err(usage()),
        Some(object) => command(session, object, words.rest()),
    }
}

/// Runs one command: OBJECT and its words. An unknown object is a failure (status 1).
fn command(session: &mut Session, object: &str, mut words: Words<'_>) -> Status {
    // iproute2's table, in its order: the first object a word abbreviates wins (`ne`
    // and `n` are `neighbor`, `l` is `link`, `a` is `address`).
    const OBJECTS: [&str; 34] = [
        "address",
        "addrlabel",
        "maddress",
        "route",
        "rule",
        "neighbor",
        "neighbour",
        "ntable",
        "ntbl",
        "link",
        "l2tp",
        "fou",
        "ila",
        "macsec",
        "tunnel",
        "tunl",
        "tuntap",
        "tap",
        "token",
        "tcpmetrics",
        "tcp_metrics",
        "monitor",
        "xfrm",
        "mroute",
        "mrule",
        "netns",
        "netconf",
        "vrf",
        "sr",
        "nexthop",
        "mptcp",
        "ioam",
        "help",
        "stats",
    ];
    let found = OBJECTS.iter().find(|known| matches(object, known));
    // `-s` adds counters to link and address listings (vip prints them) and cache
    // details to routes and neighbours (vip does not).
    if session.stats > 0
        && let Some(other @ (&"route" | &"neighbor" | &"neighbour")) = found
    {
        return Err(args::unsupported(&format!("\"-s\" with ip {other}")));
    }
    match found {
        Some(&"address") => addr::run(session, &mut words),
        Some(&"route") => route::run(session, &mut words),
        Some(&"link") => link::run(session, &mut words),
        Some(&"netns") => netns::run(session, &mut words),
        Some(&"neighbor" | &"neighbour") => neigh::run(session, &mut words),
        Some(&"tuntap" | &"tap") => tuntap::run(session, &mut words),
        Some(&"help") => Err(usage()),
        Some(other) => Err(args::unsupported(&format!("object \"{other}\""))),
        None => {
            print_err(format!(
                "Object \"{object}\" is unknown, try \"ip help\".\n"
            ));
            Ok(1)
        }
    }
}

/// `-batch FILE` (`-` for standard input): one command per line, as `ip -batch` reads
/// them (`#` comments, `\` continuation lines, words split at blanks, quotes keep
/// blanks). A failed line ends the batch with "Command failed FILE:LINE", unless
/// `-force`; then the batch goes on and exits 1 at the end. A line may start with
/// `-n NETNS` and `-j`, which apply to that line only.
fn run_batch(session: &mut Session, file: &OsString) -> Status {
    let input: Box<dyn BufRead> = if file == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(file) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(libc::EIO);
                let why = vnet_core::error::strerror(errno);
                print_err(
                    [
                        b"Cannot open file \"",
                        file.as_bytes(),
                        b"\" for reading: ",
                        why.as_bytes(),
                        b"\n",
                    ]
                    .concat(),
                );
                return Ok(1);
            }
        }
    };
    batch_lines(session, file.as_bytes(), input)
}

/// Runs the lines of batch file `file`, read from `input`.
fn batch_lines(session: &mut Session, file: &[u8], input: impl BufRead) -> Status {
    // The lines are read first (each split into words only when it runs, as `ip` does),
    // so that vip can look ahead: open the namespaces' handles together, and create
    // runs of `netns add` in one go.
    let mut lines = input.split(b'\n');
    let mut number = 0usize;
    let mut entries: Vec<(usize, Option<Vec<u8>>)> = Vec::new();
    loop {
        match read_command_line(&mut lines, &mut number) {
            Ok(Some(line)) => entries.push((number, Some(line))),
            // "Missing continuation line": printed when the batch gets there.
            Ok(None) if number > entries.last().map_or(0, |e| e.0) => {
                entries.push((number, None));
                break;
            }
            Ok(None) => break,
            Err(stop) => return Err(stop),
        }
    }
    // The namespace each line names with -n, for opening handles ahead.
    session.batch_targets = entries
        .iter()
        .map(|(_, l)| l.as_deref().and_then(line_netns))
        .collect();
    let mut status = 0;
    let (netns, json) = (session.netns.clone(), session.json);
    let mut i = 0;
    while i < entries.len() {
        let (number, line) = &entries[i];
        let Some(line) = line else {
            print_err("Missing continuation line\n");
            break;
        };
        let line = split_words(line)?;
        if line.is_empty() {
            i += 1;
            continue;
        }
        if !session.parse_only
            && let Some(done) = netns_add_run(&entries[i..])
        {
            i += done;
            continue;
        }
        session.upcoming_from = i;
        let result = batch_line(session, line.words());
        session.netns = netns.clone();
        session.json = json;
        if session.parse_only {
            i += 1;
            continue;
        }
        if result? != 0 {
            print_err([b"Command failed ", file, format!(":{number}\n").as_bytes()].concat());
            status = 1;
            if !session.force {
                break;
            }
        }
        i += 1;
    }
    Ok(status)
}

/// The namespace a batch line names with `-n NETNS`, if any.
fn line_netns(line: &[u8]) -> Option<String> {
    let line = split_words(line).ok()?;
    let mut words = line.words();
    match (words.take(), words.take()) {
        (Some("-n" | "-netns" | "--netns"), Some(_)) => {
            words.taken_raw().to_str().map(str::to_string)
        }
        _ => None,
    }
}

/// Creates a run of two or more `netns add NAME` lines at the start of `entries` in one
/// call (one thread, one lock), and returns how many lines it did. `None` when there is
/// no such run, or when the call failed (it then created nothing, and the lines run one
/// by one, so that each gets its own answer).
fn netns_add_run(entries: &[(usize, Option<Vec<u8>>)]) -> Option<usize> {
    let names: Vec<String> = entries
        .iter()
        .map_while(|(_, line)| {
            let line = split_words(line.as_deref()?).ok()?;
            let mut words = line.words();
            let (object, verb, _) = (words.take()?, words.take()?, words.take()?);
            let name = words.taken_raw().to_str()?;
            (words.is_empty()
                && matches(object, "netns")
                && !OBJECTS_BEFORE_NETNS.iter().any(|o| matches(object, o))
                && matches(verb, "add"))
            .then(|| name.to_string())
        })
        .collect();
    if names.len() < 2 {
        return None;
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    Netns::add_many(&refs).ok().map(|_| names.len())
}

/// The objects iproute2 matches before `netns`: a word that abbreviates one of them is
/// not `netns` (`n` is `neighbor`).
const OBJECTS_BEFORE_NETNS: [&str; 4] = ["neighbor", "neighbour", "ntable", "ntbl"];

/// One line of a batch: vip's per-line `-n NETNS` and `-j`, then a command.
fn batch_line(session: &mut Session, mut words: Words<'_>) -> Status {
    loop {
        match words.take() {
            Some("-n" | "-netns" | "--netns") => {
                let name = words.value()?;
                session.switch_netns(name)?;
            }
            Some("-j" | "-json" | "--json") => session.json = true,
            Some(object) => return command(session, object, words.rest()),
            None => return Err(args::incomplete_command()),
        }
    }
}

/// Reads one command line: up to a newline, without a `#` comment, joined with the next
/// line where it ends in `\`. `None` at the end of the input, and where a continuation
/// line is missing (`number` then counts the unfinished line).
fn read_command_line(
    lines: &mut impl Iterator<Item = std::io::Result<Vec<u8>>>,
    number: &mut usize,
) -> Result<Option<Vec<u8>>, Stop> {
    let strip_comment = |mut line: Vec<u8>| {
        if let Some(hash) = line.iter().position(|&b| b == b'#') {
            line.truncate(hash);
        }
        line
    };
    let Some(first) = lines.next() else {
        return Ok(None);
    };
    let mut line = strip_comment(first.map_err(|_| Stop(1))?);
    *number += 1;
    while line.ends_with(b"\\") {
        line.pop();
        match lines.next() {
            Some(next) => {
                *number += 1;
                line.extend(strip_comment(next.map_err(|_| Stop(1))?));
            }
            // "Missing continuation line": the caller says so when the batch gets there.
            None => return Ok(None),
        }
    }
    Ok(Some(line))
}

/// Splits a batch line into words at blanks; a word that starts with a quote runs to
/// the same quote (`makeargs` of iproute2). Words are bytes, as `ip` reads them.
fn split_words(line: &[u8]) -> Result<Line, Stop> {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut words = Vec::new();
    let mut rest = line;
    loop {
        let start = rest.iter().position(|b| !blank(b)).unwrap_or(rest.len());
        rest = &rest[start..];
        let Some(&first) = rest.first() else {
            return Ok(Line::new(words));
        };
        if first == b'\'' || first == b'"' {
            let inner = &rest[1..];
            let Some(end) = inner.iter().position(|&b| b == first) else {
                print_err("Unterminated quoted string\n");
                return Err(Stop(1));
            };
            words.push(OsString::from_vec(inner[..end].to_vec()));
            rest = &inner[end + 1..];
        } else {
            let end = rest.iter().position(blank).unwrap_or(rest.len());
            words.push(OsString::from_vec(rest[..end].to_vec()));
            rest = &rest[end..];
        }
    }
}

/// vip's usage text (its own words; `ip` prints its own), and exit 255 as `ip` does.
fn usage() -> Stop {
    print_err(
        "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       \
         ip [ -force ] -batch filename\n\
         where  OBJECT := { address | link | netns | route }   (vip: the objects it runs)\n       \
         OPTIONS := { -V[ersion] | -j[son] | -f[amily] { inet | inet6 } | -4 | -6 |\n                    \
         -b[atch] [filename] | -force | -n[etns] name }\n",
    );
    Stop(255)
}

/// Prints JSON output: as it is, or laid out over lines for `-p`.
fn print_json(pretty: bool, compact: &Out) {
    if pretty {
        crate::print_out_bytes(&json::pretty(compact.as_bytes()));
    } else {
        crate::print_out_bytes(compact.as_bytes());
    }
}

/// The names of the namespace's links by index, as the kernel has them (bytes).
fn link_names(handle: &Handle) -> HashMap<u32, Vec<u8>> {
    handle
        .link()
        .list()
        .unwrap_or_default()
        .into_iter()
        .map(|l| (l.index, l.name.as_bytes().to_vec()))
        .collect()
}

/// The name of interface `index` among `names`, or `ifINDEX` as `ip` prints an unknown
/// one.
fn name_of(names: &HashMap<u32, Vec<u8>>, index: u32) -> Vec<u8> {
    names
        .get(&index)
        .cloned()
        .unwrap_or_else(|| format!("if{index}").into_bytes())
}

/// The index of the device named `name` (as given, bytes), or `ip`'s `Cannot find
/// device "NAME"` and status 1.
fn find_device(handle: &Handle, name: &OsStr) -> Result<u32, u8> {
    vnet_core::IfName::new(name)
        .ok()
        .and_then(|n| handle.link().get(&n).ok())
        .map(|link| link.index)
        .ok_or_else(|| {
            args::cannot_find_device(name);
            1
        })
}

/// Prints a failed kernel request the way `ip` does: the kernel's extended-ACK text as
/// `Error: TEXT.`, or `RTNETLINK answers: STRERROR`.
fn kernel_error(e: &vnet_core::Error) {
    match e.kernel_message() {
        Some(text) if !text.is_empty() => {
            let dot = if text.ends_with('.') { "" } else { "." };
            print_err(format!("Error: {text}{dot}\n"));
        }
        _ => print_err(format!(
            "RTNETLINK answers: {}\n",
            vnet_core::error::strerror(e.errno())
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_lines_split_as_ip_splits_them() {
        assert_eq!(
            split_words(b"  link add  'a b' \"c\"d x\t").unwrap(),
            Line::from_iter(["link", "add", "a b", "c", "d", "x"])
        );
        assert_eq!(
            split_words(b"link del br\xfe").unwrap(),
            Line::new(vec![
                "link".into(),
                "del".into(),
                OsString::from_vec(b"br\xfe".to_vec())
            ])
        );
        assert!(split_words(b"   ").unwrap().is_empty());
        assert_eq!(split_words(b"link 'open"), Err(Stop(1)));
    }

    #[test]
    fn comments_and_continuations() {
        let text = b"link add \\\n  a # comment\nnext\n".to_vec();
        let mut lines = text.split(|&b| b == b'\n').map(|l| Ok(l.to_vec()));
        let mut n = 0;
        assert_eq!(
            read_command_line(&mut lines, &mut n).unwrap().as_deref(),
            Some(&b"link add   a "[..])
        );
        assert_eq!(n, 2);
        assert_eq!(
            read_command_line(&mut lines, &mut n).unwrap().as_deref(),
            Some(&b"next"[..])
        );
        assert_eq!(n, 3);
    }
}
