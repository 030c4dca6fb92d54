//! `ip netns`: named network namespaces.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use vnet_core::{Error, Netns};

use super::args::{Words, matches, unknown_command, unsupported};
use super::{Session, Status, Stop};
use crate::print_err;

/// `ip netns [list | add NAME | delete NAME]`.
pub(super) fn run(session: &mut Session, words: &mut Words<'_>) -> Status {
    let Some(verb) = words.take() else {
        return list(session);
    };

    // `ip` checks the name (the word after the verb) before it looks at the verb.
    if let Some(name) = words.peek()
        && invalid_name(name)
    {
        print_err(format!("Invalid netns name \"{name}\"\n"));
        return Err(Stop(255));
    }
    // Parsing only: past this point each verb acts (on /run/netns, /proc or a program).
    let parse_only = session.parse_only;
    let act = |verb: fn(&mut Words<'_>) -> Status, words: &mut Words<'_>| {
        if parse_only { Ok(0) } else { verb(words) }
    };
    if matches(verb, "list") || matches(verb, "show") || matches(verb, "lst") {
        list(session)
    } else if matches(verb, "list-id") || matches(verb, "help") || matches(verb, "set") {
        Err(unsupported(&format!("\"ip netns {verb}\"")))
    } else if matches(verb, "add") {
        forget(session, words.peek());
        act(add, words)
    } else if matches(verb, "delete") {
        forget(session, words.peek());
        act(delete, words)
    } else if matches(verb, "identify") {
        act(identify, words)
    } else if matches(verb, "pids") {
        act(pids, words)
    } else if matches(verb, "exec") {
        if parse_only {
            return Ok(0);
        }
        exec(session, words)
    } else if matches(verb, "monitor") || matches(verb, "attach") {
        Err(unsupported(&format!("\"ip netns {verb}\"")))
    } else {
        Err(unknown_command(verb, "netns"))
    }
}

/// Drops the handle vip keeps for namespace `name`: after `netns delete` or `netns add`
/// the name means another namespace (or none), and later lines must act there.
fn forget(session: &mut Session, name: Option<&str>) {
    if let Some(name) = name {
        session.handles.remove(&Some(name.to_string()));
    }
}

/// `ip`'s test of a namespace name: empty, longer than `NAME_MAX`, with a `/`, or `.`
/// or `..`.
fn invalid_name(name: &str) -> bool {
    name.is_empty() || name.len() > 255 || name.contains('/') || name == "." || name == ".."
}

/// `ip netns list`: every named namespace in directory order, with the id this
/// namespace gave it, if any (`NAME (id: N)`).
fn list(session: &mut Session) -> Status {
    if session.parse_only {
        return Ok(0);
    }
    // `ip` lists nothing, not even an empty JSON array, without /run/netns.
    let names = match Netns::list_unsorted() {
        Ok(names) if std::path::Path::new(vnet_core::netns::NETNS_RUN_DIR).is_dir() => names,
        _ => return Ok(0),
    };
    let handle = session.handle()?;
    let mut text = String::new();
    let mut json = Vec::new();
    for name in names {
        let id = Netns::open(&name)
            .ok()
            .and_then(|ns| handle.nsid().get(&ns).ok().flatten());
        // Keys in ip's order: name, then id.
        let quoted = serde_json::Value::from(name.as_str()).to_string();
        match id {
            Some(id) => {
                text += &format!("{name} (id: {id})\n");
                json.push(format!("{{\"name\":{quoted},\"id\":{id}}}"));
            }
            None => {
                text += &format!("{name}\n");
                json.push(format!("{{\"name\":{quoted}}}"));
            }
        }
    }
    if session.json {
        super::print_json(session.pretty, &format!("[{}]\n", json.join(",")).into());
    } else {
        crate::print_out(&text);
    }
    Ok(0)
}

/// `ip netns add NAME`.
fn add(words: &mut Words<'_>) -> Status {
    let Some(name) = words.take_text()? else {
        print_err("No netns name specified\n");
        return Ok(1);
    };
    match Netns::add(name) {
        Ok(_) => Ok(0),
        Err(e) => {
            // The step `ip` names: the file under /run/netns exists, or the rest.
            if e.errno() == libc::EEXIST {
                print_err(format!(
                    "Cannot create namespace file \"/run/netns/{name}\": File exists\n"
                ));
            } else if e.to_string().contains("mount --make-shared /run/netns: ") {
                // Without CAP_SYS_ADMIN, the first step that fails.
                print_err(format!(
                    "mount --make-shared /run/netns failed: {}\n",
                    vnet_core::error::strerror(e.errno())
                ));
            } else {
                print_err(format!("{e}\n"));
            }
            Ok(1)
        }
    }
}

/// `ip netns delete NAME`.
fn delete(words: &mut Words<'_>) -> Status {
    let Some(name) = words.take_text()? else {
        print_err("No netns name specified\n");
        return Ok(1);
    };
    match Netns::delete(name) {
        Ok(()) => Ok(0),
        Err(e) => {
            let why = match e {
                Error::NotFound { .. } => "No such file or directory".to_string(),
                other => vnet_core::error::strerror(other.errno()),
            };
            print_err(format!(
                "Cannot remove namespace file \"/run/netns/{name}\": {why}\n"
            ));
            Ok(1)
        }
    }
}

/// The text of an error opening a namespace file, as `strerror` gives it.
fn open_error(e: &Error) -> String {
    match e {
        Error::NotFound { .. } => "No such file or directory".to_string(),
        other => vnet_core::error::strerror(other.errno()),
    }
}

/// `ip netns exec NAME COMMAND...`: runs the command inside the namespace, as `ip
/// netns exec` does (its own mount namespace, /sys remounted, /etc/netns/NAME files
/// bound over /etc). vip becomes the command; in a batch, it waits for it and the
/// line's status is the command's.
fn exec(session: &Session, words: &mut Words<'_>) -> Status {
    let Some(name) = words.take_text()? else {
        print_err("No netns name specified\n");
        return Ok(1);
    };
    let Some((program, args)) = words.rest_raw().split_first() else {
        print_err("No command specified\n");
        return Ok(1);
    };
    let mut command = match Netns::command(name, program) {
        Ok(command) => command,
        Err(e) => {
            print_err(format!(
                "Cannot open network namespace \"{name}\": {}\n",
                open_error(&e)
            ));
            return Err(Stop(255));
        }
    };
    command.args(args);
    if session.batch {
        return match command.status() {
            Ok(status) => match status.code() {
                Some(code) => Ok(code as u8),
                None => Err(Stop(1)),
            },
            Err(e) => {
                exec_failed(program, &e);
                Ok(1)
            }
        };
    }
    use std::os::unix::process::CommandExt;
    let e = command.exec();
    exec_failed(program, &e);
    Err(Stop(1))
}

/// `exec of "PROGRAM" failed: WHY` (the program's name as given).
fn exec_failed(program: &OsStr, e: &std::io::Error) {
    let why = strerror_of(e);
    print_err(
        [
            b"exec of \"",
            program.as_bytes(),
            b"\" failed: ",
            why.as_bytes(),
            b"\n",
        ]
        .concat(),
    );
}

fn strerror_of(e: &std::io::Error) -> String {
    vnet_core::error::strerror(e.raw_os_error().unwrap_or(libc::EIO))
}

/// `ip netns pids NAME`: the processes inside the namespace.
fn pids(words: &mut Words<'_>) -> Status {
    let Some(name) = words.take_text()? else {
        print_err("No netns name specified\n");
        return Ok(1);
    };
    if !words.is_empty() {
        print_err("extra arguments specified\n");
        return Ok(1);
    }
    let listed = Netns::open(name).and_then(|ns| ns.pids());
    match listed {
        Ok(pids) => {
            let text: String = pids.iter().map(|p| format!("{p}\n")).collect();
            crate::print_out(&text);
            Ok(0)
        }
        Err(e) => {
            print_err(format!(
                "Cannot open network namespace: {}\n",
                open_error(&e)
            ));
            Ok(1)
        }
    }
}

/// `ip netns identify [PID]`: the name of the namespace process PID (vip itself by
/// default) is in, or an empty line.
fn identify(words: &mut Words<'_>) -> Status {
    let pid = words.take_text()?.unwrap_or("self");
    if !words.is_empty() {
        print_err("extra arguments specified\n");
        return Ok(1);
    }
    if pid != "self" && (pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit())) {
        print_err(format!("Specified string '{pid}' is not a pid\n"));
        return Ok(1);
    }
    let found = Netns::from_path(format!("/proc/{pid}/ns/net")).and_then(|ns| ns.identify());
    match found {
        Ok(name) => {
            crate::print_out(&format!("{}\n", name.unwrap_or_default()));
            Ok(0)
        }
        Err(e) => {
            print_err(format!(
                "Cannot open network namespace: {}\n",
                open_error(&e)
            ));
            Ok(1)
        }
    }
}
