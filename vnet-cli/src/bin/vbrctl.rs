//! `vbrctl`: a drop-in replacement for `brctl` (bridge-utils 1.7.1) that works over
//! netlink, through vnet-core.
//!
//! Same commands, same output byte for byte, same messages and exit codes, and the same
//! resulting kernel state as the original, for successes and failures. Where brctl
//! reads sysfs (which shows the namespace it was mounted in) and falls back to the old
//! bridge ioctls, vbrctl asks the kernel over netlink and reproduces the errno the
//! original would have reported at that step, so it is right inside any namespace.
//! Its standard output is buffered the way glibc buffers brctl's (line by line on a
//! terminal, in whole buffers otherwise, see [`CStdout`]) while errors go out at once,
//! so the two streams interleave as brctl's do wherever they go.
//!
//! Known differences, all for absurd inputs: brctl writes times to sysfs as 64-bit
//! values while netlink carries 32 bits, so a forward delay (with STP off) or an ageing
//! time above 2^32 hundredths of a second (about 497 days) is stored as the 32-bit
//! maximum instead of the kernel's own conversion of the larger value. It starts as a C
//! program ([`vnet_cli::c_main!`]: SIGPIPE ends it as it ends brctl) except that closed
//! standard streams are first reopened on `/dev/null`, so its netlink socket never
//! becomes descriptor 1.

#![cfg_attr(not(test), no_main)]

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use vnet_cli::brctl::{COMMANDS, Command, PortNumber, Time, UsageError, on_off, parse};
use vnet_cli::ccompat::{CStdout, sscanf_i, sscanf_lf, tv_to_jiffies};
use vnet_cli::{argv0, print_err};
use vnet_core::error::strerror;
use vnet_core::{
    Bridge, BridgeInfo, BridgeOptions, Error, FdbEntryKind, Handle, IfName, Link, LinkKind,
    PortInfo, PortOptions,
};

/// What `brctl -V` prints.
const VERSION: &str = "bridge-utils, 1.7\n";

const ENOENT: i32 = libc::ENOENT;
const ENODEV: i32 = libc::ENODEV;
const ENXIO: i32 = libc::ENXIO;
const EPERM: i32 = libc::EPERM;
const EBUSY: i32 = libc::EBUSY;
const EINVAL: i32 = libc::EINVAL;
const ELOOP: i32 = libc::ELOOP;
const ERANGE: i32 = libc::ERANGE;
const EOPNOTSUPP: i32 = libc::EOPNOTSUPP;

vnet_cli::c_main!(vbrctl);

/// The program: brctl's command line in, its exit status out.
fn vbrctl() -> u8 {
    // Arguments are bytes: a name reaches the kernel exactly as given.
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    // brctl's printf()s go through stdio's buffer and its errors straight to the
    // unbuffered stderr: CStdout buffers the same way, so both streams interleave as
    // brctl's do, on a terminal (line by line) and in a shared pipe (whole buffers).
    let mut out = CStdout::stdout();
    let code = run(&args, &mut out);
    out.finish();
    code
}

fn help(out: &mut CStdout) {
    out.print("Usage: brctl [commands]\ncommands:\n");
    for (name, _, text) in COMMANDS {
        out.print(format!("\t{name:<10}\t{text}\n"));
    }
}

/// Prints the concatenation of `parts` (text and names, as bytes) to standard error.
fn say(parts: &[&[u8]]) {
    print_err(parts.concat());
}

fn run(args: &[OsString], out: &mut CStdout) -> u8 {
    let parsed = parse(args);
    match &parsed {
        Ok(Command::Help) => {
            help(out);
            return 0;
        }
        Ok(Command::Version) => {
            out.print(VERSION);
            return 0;
        }
        Err(UsageError::Option {
            getopt_message,
            letter,
        }) => {
            if let Some(message) = getopt_message {
                say(&[argv0().as_bytes(), b": ", message]);
            }
            say(&[b"Unknown option '", &[*letter], b"'\n"]);
            help(out);
            return 1;
        }
        Err(UsageError::NoCommand) => {
            help(out);
            return 1;
        }
        _ => {}
    }
    // brctl opens its control socket (br_init) before it even looks at the command, and
    // reports a failure as `strerror(errno)` of the socket call.
    let handle = match Handle::current() {
        Ok(h) => h,
        Err(e) => {
            print_err(format!(
                "can't setup bridge control: {}\n",
                strerror(e.errno())
            ));
            return 1;
        }
    };
    let command = match parsed {
        Ok(command) => command,
        Err(UsageError::UnknownCommand(name)) => {
            say(&[b"never heard of command [", name.as_bytes(), b"]\n"]);
            help(out);
            return 1;
        }
        Err(UsageError::ArgumentCount { name, text }) => {
            out.print("Incorrect number of arguments for command\n");
            out.print(format!("Usage: brctl {name} {text}\n"));
            return 1;
        }
        Err(_) => unreachable!("handled before the socket"),
    };
    let ctl = Ctl { h: &handle, out };
    let failed = match &command {
        Command::Help | Command::Version => unreachable!("handled before the socket"),
        Command::AddBridge(b) => ctl.addbr(b),
        Command::DeleteBridge(b) => ctl.delbr(b),
        Command::AddPorts(b, ports) => ctl.addif(b, ports),
        Command::DeletePorts(b, ports) => ctl.delif(b, ports),
        Command::Hairpin(b, p, mode) => ctl.hairpin(b, p, mode),
        Command::SetTime(b, value, which) => ctl.set_time(b, value, *which),
        Command::SetBridgePriority(b, value) => ctl.setbridgeprio(b, value),
        Command::SetPortNumber(b, p, value, which) => ctl.set_port_number(b, p, value, *which),
        Command::Show(names) => ctl.show(names),
        Command::ShowMacs(b) => ctl.showmacs(b),
        Command::ShowStp(b) => ctl.showstp(b),
        Command::Stp(b, value) => ctl.stp(b, value),
    };
    u8::from(failed)
}

/// The name the bridge ioctls see: brctl copies names into a 16-byte `ifr_name`, so
/// longer names are cut to 15 bytes.
fn ioctl_name(name: &OsStr) -> &OsStr {
    let bytes = name.as_bytes();
    OsStr::from_bytes(&bytes[..bytes.len().min(IfName::MAX_LEN)])
}

trait TimeText {
    fn bad_value(self) -> &'static str;
    fn failed(self) -> &'static str;
}

impl TimeText for Time {
    fn bad_value(self) -> &'static str {
        match self {
            Time::Ageing => "bad ageing time value",
            Time::ForwardDelay => "bad forward delay value",
            Time::Hello => "bad hello timer value",
            Time::MaxAge => "bad max age value",
        }
    }

    fn failed(self) -> &'static str {
        match self {
            Time::Ageing => "set ageing time failed",
            Time::ForwardDelay => "set forward delay failed",
            Time::Hello => "set hello timer failed",
            Time::MaxAge => "set max age failed",
        }
    }
}

struct Ctl<'a> {
    h: &'a Handle,
    out: &'a mut CStdout,
}

impl Ctl<'_> {
    /// The link named `name`, or `None` when there is none (or the name is one the
    /// kernel could never have given a link).
    fn lookup(&self, name: &OsStr) -> Option<Link> {
        let name = IfName::new(name).ok()?;
        self.h.link().get(&name).ok()
    }

    /// The bridge named `name` as brctl's ioctls find it: `Err(ENODEV)` if there is no
    /// such link (or the name is one no link could have), `Err(EOPNOTSUPP)` if it is
    /// not a bridge (the library's [`Error::InvalidInput`]).
    fn bridge(&self, name: &OsStr) -> Result<BridgeInfo, i32> {
        let name = IfName::new(ioctl_name(name)).map_err(|_| ENODEV)?;
        match self.h.bridge().info(name) {
            Ok(info) => Ok(info),
            Err(Error::InvalidInput { .. }) => Err(EOPNOTSUPP),
            Err(_) => Err(ENODEV),
        }
    }

    fn addbr(&self, name: &OsStr) -> bool {
        let name = ioctl_name(name);
        let err = match IfName::new(name) {
            Err(_) => EINVAL,
            Ok(_) if self.lookup(name).is_some() => libc::EEXIST,
            Ok(ifname) => match self.h.link().add(&Bridge::new(ifname)) {
                Ok(()) => return false,
                Err(e) => e.errno(),
            },
        };
        if err == libc::EEXIST {
            say(&[
                b"device ",
                name.as_bytes(),
                b" already exists; can't create bridge with the same name\n",
            ]);
        } else {
            print_err(format!("add bridge failed: {}\n", strerror(err)));
        }
        true
    }

    fn delbr(&self, arg: &OsStr) -> bool {
        let name = ioctl_name(arg);
        // The kernel's SIOCBRDELBR: ENXIO if missing, EPERM if not a bridge, EBUSY if up.
        let errno = match self.lookup(name) {
            None => ENXIO,
            Some(link) if link.kind != Some(LinkKind::Bridge) => EPERM,
            Some(link) if link.up => EBUSY,
            Some(link) => match self.h.link().delete(link.index) {
                Ok(()) => return false,
                Err(e) => e.errno(),
            },
        };
        let arg = arg.as_bytes();
        match errno {
            ENXIO => say(&[b"bridge ", arg, b" doesn't exist; can't delete it\n"]),
            EBUSY => say(&[b"bridge ", arg, b" is still up; can't delete it\n"]),
            _ => say(&[
                b"can't delete bridge ",
                arg,
                b": ",
                strerror(errno).as_bytes(),
                b"\n",
            ]),
        }
        true
    }

    /// brctl addif: SIOCBRADDIF for each interface, stopping at the first failure.
    fn addif(&self, brname: &OsStr, ifnames: &[OsString]) -> bool {
        let b = brname.as_bytes();
        for ifname in ifnames {
            let i = ifname.as_bytes();
            let port = self.lookup(ifname);
            let err = match (&port, self.bridge(brname)) {
                (None, _) => ENODEV,
                (_, Err(e)) => e,
                (Some(p), Ok(_)) if p.kind == Some(LinkKind::Bridge) => ELOOP,
                // The kernel refuses a device that already has a master (netlink would
                // move it instead).
                (Some(p), Ok(_)) if p.master.is_some() => EBUSY,
                (Some(p), Ok(br)) => match self.h.bridge().add_port(br.index, p.index) {
                    Ok(()) => continue,
                    Err(e) => e.errno(),
                },
            };
            match err {
                ENODEV if port.is_none() => say(&[b"interface ", i, b" does not exist!\n"]),
                ENODEV => say(&[b"bridge ", b, b" does not exist!\n"]),
                EBUSY => say(&[
                    b"device ",
                    i,
                    b" is already a member of a bridge; can't add it to bridge ",
                    b,
                    b".\n",
                ]),
                ELOOP => say(&[
                    b"device ",
                    i,
                    b" is a bridge device itself; can't add a bridge device to a bridge device.\n",
                ]),
                _ => say(&[
                    b"can't add ",
                    i,
                    b" to bridge ",
                    b,
                    b": ",
                    strerror(err).as_bytes(),
                    b"\n",
                ]),
            }
            return true;
        }
        false
    }

    /// brctl delif: SIOCBRDELIF for each interface, stopping at the first failure.
    fn delif(&self, brname: &OsStr, ifnames: &[OsString]) -> bool {
        let b = brname.as_bytes();
        for ifname in ifnames {
            let i = ifname.as_bytes();
            let port = self.lookup(ifname);
            let err = match (&port, self.bridge(brname)) {
                (None, _) => ENODEV,
                (_, Err(e)) => e,
                (Some(p), Ok(br)) if p.master != Some(br.index) => EINVAL,
                (Some(p), Ok(_)) => match self.h.bridge().remove_port(p.index) {
                    Ok(()) => continue,
                    Err(e) => e.errno(),
                },
            };
            match err {
                ENODEV if port.is_none() => say(&[b"interface ", i, b" does not exist!\n"]),
                ENODEV => say(&[b"bridge ", b, b" does not exist!\n"]),
                EINVAL => say(&[b"device ", i, b" is not a port of ", b, b"\n"]),
                _ => say(&[
                    b"can't delete ",
                    i,
                    b" from ",
                    b,
                    b": ",
                    strerror(err).as_bytes(),
                    b"\n",
                ]),
            }
            return true;
        }
        false
    }

    /// brctl's `br_set()`: write the bridge's sysfs attribute, or fall back to the old
    /// ioctl. Returns the errno it would report (0 on success).
    fn br_set(&self, brname: &OsStr, options: &BridgeOptions) -> i32 {
        match self.bridge(brname) {
            Err(e) => e,
            Ok(br) => match self.h.bridge().set_options(br.index, options) {
                Ok(()) => 0,
                Err(e) => e.errno(),
            },
        }
    }

    fn set_time(&self, brname: &OsStr, value: &OsStr, which: Time) -> bool {
        let Some(secs) = sscanf_lf(value.as_bytes()) else {
            print_err(format!("{}\n", which.bad_value()));
            return true;
        };
        let centis = tv_to_jiffies(secs);
        let err = self.set_centis(brname, centis, which);
        if err != 0 {
            print_err(format!("{}: {}\n", which.failed(), strerror(err)));
        }
        err != 0
    }

    /// Sets a time in hundredths of a second. brctl writes an `unsigned long` to sysfs;
    /// netlink carries 32 bits, so values beyond that get the kernel's range answer
    /// where the kernel checks a range.
    fn set_centis(&self, brname: &OsStr, centis: u64, which: Time) -> i32 {
        let value = match u32::try_from(centis) {
            Ok(v) => v,
            Err(_) => match which {
                Time::Hello | Time::MaxAge => return self.bridge(brname).err().unwrap_or(ERANGE),
                Time::ForwardDelay => match self.bridge(brname) {
                    Err(e) => return e,
                    Ok(br) if br.stp.stp_state.is_on() => return ERANGE,
                    Ok(_) => u32::MAX,
                },
                Time::Ageing => u32::MAX,
            },
        };
        let mut options = BridgeOptions::default();
        match which {
            Time::Ageing => options.ageing_time = Some(value),
            Time::ForwardDelay => options.forward_delay = Some(value),
            Time::Hello => options.hello_time = Some(value),
            Time::MaxAge => options.max_age = Some(value),
        }
        self.br_set(brname, &options)
    }

    fn setbridgeprio(&self, brname: &OsStr, value: &OsStr) -> bool {
        let Some(prio) = sscanf_i(value.as_bytes()) else {
            print_err("bad priority\n");
            return true;
        };
        // The kernel keeps the low 16 bits of what brctl writes.
        let options = BridgeOptions {
            priority: Some(prio as u16),
            ..Default::default()
        };
        let err = self.br_set(brname, &options);
        if err != 0 {
            print_err(format!("set bridge priority failed: {}\n", strerror(err)));
        }
        err != 0
    }

    fn stp(&self, brname: &OsStr, value: &OsStr) -> bool {
        let Some(on) = on_off(value) else {
            print_err("expect on/off for argument\n");
            return true;
        };
        let options = BridgeOptions {
            stp: Some(on),
            ..Default::default()
        };
        let err = self.br_set(brname, &options);
        if err != 0 {
            print_err(format!("set stp status failed: {}\n", strerror(err)));
        }
        err != 0
    }

    /// brctl's `port_set()`: write the port's sysfs attribute (which exists for any
    /// bridge port, whatever bridge was named), else fall back to the old ioctl on the
    /// named bridge. Returns the errno it would report (0 on success).
    fn port_set(
        &self,
        brname: &OsStr,
        portname: &OsStr,
        options: &PortOptions,
        hairpin: bool,
    ) -> i32 {
        let port = self.lookup(portname);
        let is_port = port.as_ref().and_then(PortInfo::from_link);
        // 1. The sysfs write: ENOENT when the port directory does not exist.
        let first = match &is_port {
            Some(p) => match self.h.bridge().set_port_options(p.index, options) {
                Ok(()) => return 0,
                Err(e) => e.errno(),
            },
            None => ENOENT,
        };
        // 2. The ioctl fallback: find the port number on the named bridge.
        let Some(port) = port else {
            return ENODEV;
        };
        match self.bridge(brname) {
            Err(e) => e,
            Ok(br) if port.master != Some(br.index) => first,
            // brctl passes command 0 for hairpin, which the bridge ioctl does not know.
            Ok(_) if hairpin => EOPNOTSUPP,
            Ok(_) => first,
        }
    }

    fn set_port_number(
        &self,
        brname: &OsStr,
        portname: &OsStr,
        value: &OsStr,
        which: PortNumber,
    ) -> bool {
        let Some(n) = sscanf_i(value.as_bytes()) else {
            print_err(match which {
                PortNumber::Priority => "bad path priority value\n",
                PortNumber::PathCost => "bad path cost value\n",
            });
            return true;
        };
        // brctl writes the int as an unsigned long; the kernel refuses out-of-range
        // values with ERANGE before they could be truncated to netlink's width.
        let wide = n as i64 as u64;
        let mut options = PortOptions::default();
        let fits = match which {
            PortNumber::Priority => u16::try_from(wide).map(|v| options.priority = Some(v)),
            PortNumber::PathCost => u32::try_from(wide).map(|v| options.cost = Some(v)),
        };
        let err = match fits {
            Ok(()) => self.port_set(brname, portname, &options, false),
            Err(_) => self.port_range_error(brname, portname),
        };
        if err != 0 {
            let what = match which {
                PortNumber::Priority => "set port priority failed",
                PortNumber::PathCost => "set path cost failed",
            };
            print_err(format!("{what}: {}\n", strerror(err)));
        }
        err != 0
    }

    /// The errno brctl reports for a port value beyond netlink's width, which the
    /// kernel would refuse as out of range: its sysfs write fails (`ERANGE` on a port,
    /// `ENOENT` when the port directory does not exist), then the ioctl fallback on the
    /// named bridge fails too, with its own errno when it cannot even start.
    fn port_range_error(&self, brname: &OsStr, portname: &OsStr) -> i32 {
        let Some(port) = self.lookup(portname) else {
            return ENODEV;
        };
        if let Err(e) = self.bridge(brname) {
            return e;
        }
        if PortInfo::from_link(&port).is_some() {
            ERANGE
        } else {
            ENOENT
        }
    }

    fn hairpin(&self, brname: &OsStr, portname: &OsStr, mode: &OsStr) -> bool {
        let Some(on) = on_off(mode) else {
            print_err("expect on/off for argument\n");
            return true;
        };
        if self.lookup(portname).is_none() {
            say(&[b"interface ", portname.as_bytes(), b" does not exist!\n"]);
            return true;
        }
        if self.lookup(brname).is_none() {
            say(&[b"bridge ", brname.as_bytes(), b" does not exist!\n"]);
            return true;
        }
        let options = PortOptions {
            hairpin: Some(on),
            ..Default::default()
        };
        let err = self.port_set(brname, portname, &options, true);
        if err != 0 {
            say(&[
                b"can't set ",
                portname.as_bytes(),
                b" to hairpin on bridge ",
                brname.as_bytes(),
                b": ",
                strerror(err).as_bytes(),
                b"\n",
            ]);
        }
        err != 0
    }

    fn show(self, names: &[OsString]) -> bool {
        let bridges: Vec<(OsString, Result<BridgeInfo, i32>)> = if names.is_empty() {
            match self.h.bridge().list() {
                Ok(list) => list
                    .into_iter()
                    .map(|b| (b.name.as_os_str().to_os_string(), Ok(b)))
                    .collect(),
                Err(e) => {
                    print_err(format!("{e}\n"));
                    return true;
                }
            }
        } else {
            names.iter().map(|n| (n.clone(), self.bridge(n))).collect()
        };
        let mut header = true;
        let mut errors = false;
        for (name, info) in bridges {
            let info = match info {
                Ok(i) => i,
                Err(e) => {
                    not_a_bridge_message(&name, e);
                    errors = true;
                    continue;
                }
            };
            if header {
                self.out
                    .print("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n");
                header = false;
            }
            let yes = if info.stp.stp_state.is_on() {
                "yes"
            } else {
                "no"
            };
            self.out.print(name.as_bytes());
            self.out
                .print(format!("\t\t{}\t{yes}\t\t", info.stp.bridge_id));
            match self.h.bridge().ports(info.index) {
                Ok(ports) => {
                    let names: Vec<&[u8]> = ports.iter().map(|p| p.name.as_bytes()).collect();
                    self.out.print(names.join(&b"\n\t\t\t\t\t\t\t"[..]));
                    self.out.print("\n");
                }
                Err(e) => self
                    .out
                    .print(format!(" can't get port info: {}\n", strerror(e.errno()))),
            }
        }
        errors
    }

    fn showstp(self, name: &OsStr) -> bool {
        let info = match self.bridge(name) {
            Ok(i) => i,
            Err(e) => {
                not_a_bridge_message(name, e);
                return true;
            }
        };
        let (o, s) = (&info.options, &info.stp);
        let t = |v: Option<u32>| timer(u64::from(v.unwrap_or(0)));
        let out = &mut *self.out;
        out.print(name.as_bytes());
        out.print("\n");
        out.print(format!(" bridge id\t\t{}", s.bridge_id));
        out.print(format!("\n designated root\t{}", s.root_id));
        out.print(format!("\n root port\t\t{:4}\t\t\t", s.root_port));
        out.print(format!("path cost\t\t{:4}\n", s.root_path_cost as i32));
        let (max_age, hello, fd) = (t(o.max_age), t(o.hello_time), t(o.forward_delay));
        out.print(format!(
            " max age\t\t{max_age}\t\t\tbridge max age\t\t{max_age}"
        ));
        out.print(format!(
            "\n hello time\t\t{hello}\t\t\tbridge hello time\t{hello}"
        ));
        out.print(format!(
            "\n forward delay\t\t{fd}\t\t\tbridge forward delay\t{fd}"
        ));
        out.print(format!("\n ageing time\t\t{}", t(o.ageing_time)));
        out.print(format!(
            "\n hello timer\t\t{}\t\t\ttcn timer\t\t{}",
            timer(s.hello_timer),
            timer(s.tcn_timer)
        ));
        out.print(format!(
            "\n topology change timer\t{}\t\t\tgc timer\t\t{}",
            timer(s.topology_change_timer),
            timer(s.gc_timer)
        ));
        out.print("\n flags\t\t\t");
        if s.topology_change {
            out.print("TOPOLOGY_CHANGE ");
        }
        if s.topology_change_detected {
            out.print("TOPOLOGY_CHANGE_DETECTED ");
        }
        out.print("\n\n\n");
        match self.h.bridge().ports(info.index) {
            Ok(ports) => {
                for p in ports {
                    port_stp(out, &p);
                }
            }
            Err(e) => out.print(format!("can't get ports: {}\n", strerror(e.errno()))),
        }
        false
    }

    fn showmacs(self, name: &OsStr) -> bool {
        let fail = |errno: i32| {
            print_err(format!(
                "read of forward table failed: {}\n",
                strerror(errno)
            ));
            true
        };
        let info = match self.bridge(name) {
            Ok(i) => i,
            Err(e) => return fail(e),
        };
        let (entries, ports) = match (
            self.h.bridge().fdb_list(info.index),
            self.h.bridge().ports(info.index),
        ) {
            (Ok(e), Ok(p)) => (e, p),
            (Err(e), _) | (_, Err(e)) => return fail(e.errno()),
        };
        // The kernel's brforward table (br_fdb_fillbuf) leaves out the bridge's own
        // addresses (entries without a port) and entries that have expired but not
        // yet been collected.
        let hold = if info.stp.topology_change {
            info.options.forward_delay
        } else {
            info.options.ageing_time
        }
        .unwrap_or(u32::MAX);
        let mut rows: Vec<(vnet_core::MacAddr, u16, bool, u64)> = entries
            .iter()
            .filter_map(|e| {
                let port = ports.iter().find(|p| p.index == e.ifindex)?;
                let dynamic = e.kind == FdbEntryKind::Dynamic;
                let age = e.updated.unwrap_or(0);
                if dynamic && age >= hold {
                    return None;
                }
                let timer = if dynamic { u64::from(age) } else { 0 };
                Some((e.mac, port.port_no, e.kind == FdbEntryKind::Local, timer))
            })
            .collect();
        rows.sort_by_key(|r| r.0);
        self.out
            .print("port no\tmac addr\t\tis local?\tageing timer\n");
        for (mac, port_no, local, age) in rows {
            // struct __fdb_entry carries the low byte of the port number in port_no.
            self.out.print(format!(
                "{:3}\t{mac}\t{}\t\t{}\n",
                port_no & 0xff,
                if local { "yes" } else { "no" },
                timer(age)
            ));
        }
        false
    }
}

fn not_a_bridge_message(name: &OsStr, errno: i32) {
    if errno == ENODEV {
        say(&[b"bridge ", name.as_bytes(), b" does not exist!\n"]);
    } else {
        say(&[b"device ", name.as_bytes(), b" is not a bridge!\n"]);
    }
}

/// One port's block of `brctl showstp`.
fn port_stp(out: &mut CStdout, p: &PortInfo) {
    out.print(p.name.as_bytes());
    out.print(format!(" ({})\n", p.port_no));
    out.print(format!(" port id\t\t{:04x}", p.port_id));
    out.print(format!("\t\t\tstate\t\t{:>15}\n", p.state.name()));
    out.print(format!(" designated root\t{}", p.designated_root));
    out.print(format!("\tpath cost\t\t{:4}\n", p.cost as i32));
    out.print(format!(" designated bridge\t{}", p.designated_bridge));
    out.print(format!(
        "\tmessage age timer\t{}",
        timer(p.message_age_timer)
    ));
    out.print(format!("\n designated port\t{:04x}", p.designated_port));
    out.print(format!(
        "\t\t\tforward delay timer\t{}",
        timer(p.forward_delay_timer)
    ));
    out.print(format!("\n designated cost\t{:4}", p.designated_cost));
    out.print(format!("\t\t\thold timer\t\t{}", timer(p.hold_timer)));
    out.print("\n flags\t\t\t");
    if p.config_pending {
        out.print("CONFIG_PENDING ");
    }
    if p.topology_change_ack {
        out.print("TOPOLOGY_CHANGE_ACK ");
    }
    if p.hairpin {
        out.print(format!("\n hairpin mode\t\t{:4}", 1));
    }
    out.print("\n\n");
}

/// brctl's `br_show_timer()` of a value in hundredths of a second: `%4i.%.2i`.
fn timer(centis: u64) -> String {
    format!("{:4}.{:02}", centis / 100, centis % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_print_two_decimals() {
        assert_eq!(timer(0), "   0.00");
        assert_eq!(timer(1548), "  15.48");
        assert_eq!(timer(30000), " 300.00");
    }
}
