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
mod route;
mod show;
mod stats;
mod tuntap;

use std::collections::HashMap;
use std::io::BufRead;

use vnet_core::{Family, Handle, Netns};

use crate::print_err;
use args::{Words, matches};

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
}

impl Session {
    /// The rtnetlink handle of the current namespace, opened once per namespace.
    fn handle(&mut self) -> Result<&Handle, Stop> {
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

/// Runs vip with `args` (the command line without the program name) and returns the
/// exit status.
pub fn run(args: &[String]) -> u8 {
    let mut session = Session::default();
    match run_session(&mut session, args) {
        Ok(status) | Err(Stop(status)) => status,
    }
}

fn run_session(session: &mut Session, args: &[String]) -> Status {
    let mut words = Words::new(args);
    let mut batch: Option<String> = None;
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
            let value = words.take().ok_or_else(usage)?;
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
            batch = Some(words.take().ok_or_else(usage)?.to_string());
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
        return run_batch(session, &file);
    }
    match words.rest() {
        [] => Err(usage()),
        [object, rest @ ..] => command(session, object, rest),
    }
}

/// Runs one command: OBJECT and its words. An unknown object is a failure (status 1).
fn command(session: &mut Session, object: &str, words: &[String]) -> Status {
    let mut words = Words::new(words);
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
fn run_batch(session: &mut Session, file: &str) -> Status {
    let input: Box<dyn BufRead> = if file == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(file) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(libc::EIO);
                print_err(format!(
                    "Cannot open file \"{file}\" for reading: {}\n",
                    vnet_core::error::strerror(errno)
                ));
                return Ok(1);
            }
        }
    };
    // The lines are read first (each split into words only when it runs, as `ip` does),
    // so that vip can look ahead: open the namespaces' handles together, and create
    // runs of `netns add` in one go.
    let mut lines = input.split(b'\n');
    let mut number = 0usize;
    let mut entries: Vec<(usize, Option<String>)> = Vec::new();
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
        let words = split_words(line)?;
        if words.is_empty() {
            i += 1;
            continue;
        }
        if let Some(done) = netns_add_run(&entries[i..]) {
            i += done;
            continue;
        }
        session.upcoming_from = i;
        let result = batch_line(session, &words);
        session.netns = netns.clone();
        session.json = json;
        if result? != 0 {
            print_err(format!("Command failed {file}:{number}\n"));
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
fn line_netns(line: &str) -> Option<String> {
    let words = split_words(line).ok()?;
    match words.as_slice() {
        [flag, name, ..] if matches!(flag.as_str(), "-n" | "-netns" | "--netns") => {
            Some(name.clone())
        }
        _ => None,
    }
}

/// Creates a run of two or more `netns add NAME` lines at the start of `entries` in one
/// call (one thread, one lock), and returns how many lines it did. `None` when there is
/// no such run, or when the call failed (it then created nothing, and the lines run one
/// by one, so that each gets its own answer).
fn netns_add_run(entries: &[(usize, Option<String>)]) -> Option<usize> {
    let names: Vec<String> = entries
        .iter()
        .map_while(|(_, line)| {
            let words = split_words(line.as_deref()?).ok()?;
            match words.as_slice() {
                [object, verb, name]
                    if matches(object, "netns")
                        && !OBJECTS_BEFORE_NETNS.iter().any(|o| matches(object, o))
                        && matches(verb, "add") =>
                {
                    Some(name.clone())
                }
                _ => None,
            }
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
fn batch_line(session: &mut Session, words: &[String]) -> Status {
    let mut at = 0;
    loop {
        match words.get(at).map(String::as_str) {
            Some("-n" | "-netns" | "--netns") => {
                let name = words.get(at + 1).ok_or_else(args::incomplete_command)?;
                session.switch_netns(name)?;
                at += 2;
            }
            Some("-j" | "-json" | "--json") => {
                session.json = true;
                at += 1;
            }
            Some(object) => return command(session, object, &words[at + 1..]),
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
) -> Result<Option<String>, Stop> {
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
    Ok(Some(String::from_utf8_lossy(&line).into_owned()))
}

/// Splits a batch line into words at blanks; a word that starts with a quote runs to
/// the same quote (`makeargs` of iproute2).
fn split_words(line: &str) -> Result<Vec<String>, Stop> {
    let blank = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let mut words = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches(blank);
        let Some(first) = rest.chars().next() else {
            return Ok(words);
        };
        if first == '\'' || first == '"' {
            let inner = &rest[1..];
            let Some(end) = inner.find(first) else {
                print_err("Unterminated quoted string\n");
                return Err(Stop(1));
            };
            words.push(inner[..end].to_string());
            rest = &inner[end + 1..];
        } else {
            let end = rest.find(blank).unwrap_or(rest.len());
            words.push(rest[..end].to_string());
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
fn print_json(pretty: bool, compact: &str) {
    if pretty {
        crate::print_out(&json::pretty(compact));
    } else {
        crate::print_out(compact);
    }
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
            split_words("  link add  'a b' \"c\"d x\t").unwrap(),
            ["link", "add", "a b", "c", "d", "x"]
        );
        assert!(split_words("   ").unwrap().is_empty());
        assert_eq!(split_words("link 'open"), Err(Stop(1)));
    }

    #[test]
    fn comments_and_continuations() {
        let text = b"link add \\\n  a # comment\nnext\n".to_vec();
        let mut lines = text.split(|&b| b == b'\n').map(|l| Ok(l.to_vec()));
        let mut n = 0;
        assert_eq!(
            read_command_line(&mut lines, &mut n).unwrap().as_deref(),
            Some("link add   a ")
        );
        assert_eq!(n, 2);
        assert_eq!(
            read_command_line(&mut lines, &mut n).unwrap().as_deref(),
            Some("next")
        );
        assert_eq!(n, 3);
    }
}
