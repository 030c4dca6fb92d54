//! `ip tuntap add | delete | show`: persistent tun and tap devices.

use std::ffi::OsStr;
use std::fmt::Write as _;

use vnet_core::{Error, IfName, TunInfo, TunMode, TunStep, TunTap};

use super::args::{Words, duparg2, invarg, matches, unknown_command, valid_ifname};
use super::out::Out;
use super::show::json_str;
use super::{Session, Status, Stop, usage};
use crate::print_err;

/// `ip tuntap [add | delete | show] ...`.
pub(super) fn run(session: &mut Session, words: &mut Words<'_>) -> Status {
    let Some(verb) = words.take() else {
        return show(session);
    };
    if matches(verb, "add") {
        let spec = parse(words, true)?;
        match spec {
            Ok(spec) => add(session, &spec),
            Err(status) => Ok(status),
        }
    } else if matches(verb, "delete") {
        match parse(words, false)? {
            Ok(spec) => delete(session, &spec),
            Err(status) => Ok(status),
        }
    } else if matches(verb, "show") || matches(verb, "lst") || matches(verb, "list") {
        show(session)
    } else if matches(verb, "help") {
        Err(usage())
    } else {
        Err(unknown_command(verb, "tuntap"))
    }
}

/// The words of `ip tuntap add|del` as iproute2 reads them. The inner error is the
/// status of a command `ip` refuses without exiting ("You failed to specify a tunnel
/// mode").
fn parse(words: &mut Words<'_>, add: bool) -> Result<Result<TunTap, u8>, Stop> {
    let mut mode: Option<TunMode> = None;
    let mut name: Option<&OsStr> = None;
    let (mut owner, mut group) = (None, None);
    let (mut pi, mut vnet_hdr, mut multi_queue) = (false, false, false);
    while let Some(word) = words.take() {
        if matches(word, "mode") {
            let value = words.value()?;
            let wanted = if matches(value, "tun") {
                TunMode::Tun
            } else if matches(value, "tap") {
                TunMode::Tap
            } else {
                print_err(format!("Unknown tunnel mode \"{value}\"\n"));
                return Err(Stop(255));
            };
            if mode.is_some_and(|m| m != wanted) {
                print_err("You managed to ask for more than one tunnel mode.\n");
                return Err(Stop(255));
            }
            mode = Some(wanted);
        } else if add && matches(word, "user") {
            let value = words.value()?;
            owner = Some(id_of(value, "user")?);
        } else if add && matches(word, "group") {
            let value = words.value()?;
            group = Some(id_of(value, "group")?);
        } else if matches(word, "pi") {
            pi = true;
        } else if matches(word, "one_queue") {
            // Obsolete: the kernel ignores IFF_ONE_QUEUE, and so does vip.
        } else if matches(word, "vnet_hdr") {
            vnet_hdr = true;
        } else if matches(word, "multi_queue") {
            multi_queue = true;
        } else if matches(word, "dev") {
            let value = words.name()?;
            if !valid_ifname(value) {
                return Err(invarg("\"dev\" not a valid ifname", value));
            }
            name = Some(value);
        } else {
            let value = if matches(word, "name") {
                words.name()?
            } else {
                if matches(word, "help") {
                    return Err(usage());
                }
                words.taken_raw()
            };
            if name.is_some() {
                return Err(duparg2("name", value));
            }
            if !valid_ifname(value) {
                return Err(invarg("\"name\" not a valid ifname", value));
            }
            name = Some(value);
        }
    }
    let Some(mode) = mode else {
        print_err("You failed to specify a tunnel mode\n");
        return Ok(Err(1));
    };
    let mut spec = TunTap::new(mode)
        .packet_info(pi)
        .vnet_hdr(vnet_hdr)
        .multi_queue(multi_queue);
    if let Some(name) = name {
        let name = IfName::new(name).map_err(|e| {
            let name = name.to_string_lossy();
            super::args::unsupported(&format!("the name \"{name}\" ({e})"))
        })?;
        spec = spec.name(name);
    }
    if let Some(uid) = owner {
        spec = spec.owner(uid);
    }
    if let Some(gid) = group {
        spec = spec.group(gid);
    }
    Ok(Ok(spec))
}

/// A user or group as `ip tuntap` takes it: a decimal number, or a name looked up in
/// the system's databases.
fn id_of(value: &str, what: &str) -> Result<u32, Stop> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(value.parse::<u64>().map(|v| v as u32).unwrap_or(u32::MAX));
    }
    let found = match what {
        "user" => nix::unistd::User::from_name(value)
            .ok()
            .flatten()
            .map(|u| u.uid.as_raw()),
        _ => nix::unistd::Group::from_name(value)
            .ok()
            .flatten()
            .map(|g| g.gid.as_raw()),
    };
    found.ok_or_else(|| {
        print_err(format!("invalid {what} \"{value}\"\n"));
        Stop(255)
    })
}

/// What `ip tuntap` prints when a step on /dev/net/tun fails (`perror`), and status 1.
fn failed(e: &Error) -> Status {
    match e {
        Error::TunTap { step, source, .. } => {
            let call = match step {
                TunStep::Open(_) => "open".to_string(),
                other => format!("ioctl({other})"),
            };
            let errno = source.raw_os_error().unwrap_or(libc::EIO);
            print_err(format!("{call}: {}\n", vnet_core::error::strerror(errno)));
        }
        other => print_err(format!("vip: {other}\n")),
    }
    Ok(1)
}

/// `ip tuntap add`: a persistent device (`TUNSETIFF` exclusive, owner, group, persist).
fn add(session: &mut Session, spec: &TunTap) -> Status {
    match session.handle()?.tuntap().add(spec) {
        Ok(_) => Ok(0),
        Err(e) => failed(&e),
    }
}

/// `ip tuntap del`: attaches to the device with the mode given (the kernel refuses
/// another mode) and turns persistence off, so the device goes with the fd.
fn delete(session: &mut Session, spec: &TunTap) -> Status {
    let handle = session.handle()?;
    let result = handle
        .tuntap()
        .clone_device(vnet_core::tuntap::CLONE_DEVICE)
        .and_then(|clone| clone.attach(spec))
        .and_then(|device| device.set_persistent(false));
    match result {
        Ok(()) => Ok(0),
        Err(e) => failed(&e),
    }
}

/// `ip tuntap show`: one line (or JSON object) per tun/tap device.
fn show(session: &mut Session) -> Status {
    // `ip -d tuntap show` adds the processes that hold each device open.
    if session.details {
        return Err(super::args::unsupported("\"-d\" with ip tuntap show"));
    }
    let json = session.json;
    let devices = match session.handle()?.tuntap().list() {
        Ok(devices) => devices,
        Err(e) => {
            print_err(format!("vip: {e}\n"));
            return Ok(1);
        }
    };
    // The mode, then the flags, as `ip tuntap show` lists them.
    let words = |d: &TunInfo| {
        let mut words = vec![d.mode.to_string()];
        words.extend(d.flag_words().into_iter().map(String::from));
        words
    };
    let mut out = Out::new();
    if json {
        out.push('[');
        for (i, d) in devices.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"ifname\":");
            out.json_name(d.name.as_bytes());
            let flags: Vec<String> = words(d).iter().map(|f| json_str(f)).collect();
            let _ = write!(out, ",\"flags\":[{}]", flags.join(","));
            if let Some(uid) = d.owner {
                let _ = write!(out, ",\"user\":{uid}");
            }
            if let Some(gid) = d.group {
                let _ = write!(out, ",\"group\":{gid}");
            }
            out.push('}');
        }
        out.push_str("]\n");
        super::print_json(session.pretty, &out);
        return Ok(0);
    }
    for d in &devices {
        out.name(d.name.as_bytes());
        let _ = write!(out, ": {}", words(d).join(" "));
        if let Some(uid) = d.owner {
            let _ = write!(out, " user {uid}");
        }
        if let Some(gid) = d.group {
            let _ = write!(out, " group {gid}");
        }
        out.push('\n');
    }
    crate::print_out_bytes(out.as_bytes());
    Ok(0)
}
