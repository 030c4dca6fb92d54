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

use vnet_cli::ccompat::{CStdout, Getopt, LongOption, Opt, sscanf_i, sscanf_lf, tv_to_jiffies};
use vnet_cli::{argv0, print_err};
use vnet_core::error::strerror;
use vnet_core::{
    Bridge, BridgeInfo, BridgeOptions, Error, FdbEntryKind, Handle, IfName, Link, LinkKind,
    PortInfo, PortOptions,
};

/// What `brctl -V` prints.
const VERSION: &str = "bridge-utils, 1.7\n";

/// brctl's command table: name, number of arguments, help text.
const COMMANDS: &[(&str, usize, &str)] = &[
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
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
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
        out.print(&format!("\t{name:<10}\t{text}\n"));
    }
}

/// brctl's long options: `getopt_long(argc, argv, "Vh", options, NULL)`.
const LONG_OPTIONS: &[LongOption] = &[
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

fn run(args: &[String], out: &mut CStdout) -> u8 {
    // brctl's option loop returns at the first option (getopt permutes: anywhere
    // before `--`), and an error ends it with getopt's message and its own.
    let mut getopt = Getopt::new(args, b"Vh", LONG_OPTIONS);
    match getopt.next() {
        Some(Ok(Opt { letter: b'h', .. })) => {
            help(out);
            return 0;
        }
        Some(Ok(Opt { letter: b'V', .. })) => {
            out.print(VERSION);
            return 0;
        }
        Some(other) => {
            let letter = match other {
                Ok(opt) => opt.letter,
                Err(e) => {
                    print_err(e.message(argv0().as_bytes()));
                    b'?'
                }
            };
            print_err([&b"Unknown option '"[..], &[letter], b"'\n"].concat());
            help(out);
            return 1;
        }
        None => {}
    }
    let argv: Vec<String> = getopt.operands().iter().map(|s| (*s).clone()).collect();
    if argv.is_empty() {
        help(out);
        return 1;
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
    let Some(&(name, nargs, text)) = COMMANDS.iter().find(|c| c.0 == argv[0]) else {
        print_err(format!("never heard of command [{}]\n", argv[0]));
        help(out);
        return 1;
    };
    if argv.len() < nargs + 1 {
        out.print("Incorrect number of arguments for command\n");
        out.print(&format!("Usage: brctl {name} {text}\n"));
        return 1;
    }
    let ctl = Ctl { h: &handle, out };
    let failed = match name {
        "addbr" => ctl.addbr(&argv[1]),
        "delbr" => ctl.delbr(&argv[1]),
        "addif" => ctl.addif(&argv[1], &argv[2..]),
        "delif" => ctl.delif(&argv[1], &argv[2..]),
        "hairpin" => ctl.hairpin(&argv[1], &argv[2], &argv[3]),
        "setageing" => ctl.set_time(&argv[1], &argv[2], Time::Ageing),
        "setfd" => ctl.set_time(&argv[1], &argv[2], Time::ForwardDelay),
        "sethello" => ctl.set_time(&argv[1], &argv[2], Time::Hello),
        "setmaxage" => ctl.set_time(&argv[1], &argv[2], Time::MaxAge),
        "setbridgeprio" => ctl.setbridgeprio(&argv[1], &argv[2]),
        "setpathcost" => ctl.set_port_number(&argv[1], &argv[2], &argv[3], PortNumber::PathCost),
        "setportprio" => ctl.set_port_number(&argv[1], &argv[2], &argv[3], PortNumber::Priority),
        "show" => ctl.show(&argv[1..]),
        "showmacs" => ctl.showmacs(&argv[1]),
        "showstp" => ctl.showstp(&argv[1]),
        "stp" => ctl.stp(&argv[1], &argv[2]),
        _ => unreachable!("every command of the table is handled"),
    };
    u8::from(failed)
}

/// The name the bridge ioctls see: brctl copies names into a 16-byte `ifr_name`, so
/// longer names are cut to 15 bytes.
fn ioctl_name(name: &str) -> String {
    let mut end = name.len().min(IfName::MAX_LEN);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_string()
}

/// The numbers brctl sets on a port: `setpathcost` and `setportprio`.
#[derive(Clone, Copy)]
enum PortNumber {
    PathCost,
    Priority,
}

/// The bridge time options brctl sets.
#[derive(Clone, Copy)]
enum Time {
    Ageing,
    ForwardDelay,
    Hello,
    MaxAge,
}

impl Time {
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
    fn lookup(&self, name: &str) -> Option<Link> {
        let name = IfName::new(name).ok()?;
        self.h.link().get(&name).ok()
    }

    /// The bridge named `name` as brctl's ioctls find it: `Err(ENODEV)` if there is no
    /// such link (or the name is one no link could have), `Err(EOPNOTSUPP)` if it is
    /// not a bridge (the library's [`Error::InvalidInput`]).
    fn bridge(&self, name: &str) -> Result<BridgeInfo, i32> {
        let name = IfName::new(ioctl_name(name)).map_err(|_| ENODEV)?;
        match self.h.bridge().info(name) {
            Ok(info) => Ok(info),
            Err(Error::InvalidInput { .. }) => Err(EOPNOTSUPP),
            Err(_) => Err(ENODEV),
        }
    }

    fn addbr(&self, name: &str) -> bool {
        let name = ioctl_name(name);
        let err = match IfName::new(name.clone()) {
            Err(_) => EINVAL,
            Ok(_) if self.lookup(&name).is_some() => libc::EEXIST,
            Ok(ifname) => match self.h.link().add(&Bridge::new(ifname)) {
                Ok(()) => return false,
                Err(e) => e.errno(),
            },
        };
        if err == libc::EEXIST {
            print_err(format!(
                "device {name} already exists; can't create bridge with the same name\n"
            ));
        } else {
            print_err(format!("add bridge failed: {}\n", strerror(err)));
        }
        true
    }

    fn delbr(&self, arg: &str) -> bool {
        let name = ioctl_name(arg);
        // The kernel's SIOCBRDELBR: ENXIO if missing, EPERM if not a bridge, EBUSY if up.
        let err = match self.lookup(&name) {
            None => ENXIO,
            Some(link) if link.kind != Some(LinkKind::Bridge) => EPERM,
            Some(link) if link.up => EBUSY,
            Some(link) => match self.h.link().delete(link.index) {
                Ok(()) => return false,
                Err(e) => e.errno(),
            },
        };
        match err {
            ENXIO => print_err(format!("bridge {arg} doesn't exist; can't delete it\n")),
            EBUSY => print_err(format!("bridge {arg} is still up; can't delete it\n")),
            _ => print_err(format!("can't delete bridge {arg}: {}\n", strerror(err))),
        }
        true
    }

    /// brctl addif: SIOCBRADDIF for each interface, stopping at the first failure.
    fn addif(&self, brname: &str, ifnames: &[String]) -> bool {
        for ifname in ifnames {
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
                ENODEV if port.is_none() => {
                    print_err(format!("interface {ifname} does not exist!\n"))
                }
                ENODEV => print_err(format!("bridge {brname} does not exist!\n")),
                EBUSY => print_err(format!(
                    "device {ifname} is already a member of a bridge; can't add it to bridge {brname}.\n"
                )),
                ELOOP => print_err(format!(
                    "device {ifname} is a bridge device itself; can't add a bridge device to a bridge device.\n"
                )),
                _ => print_err(format!(
                    "can't add {ifname} to bridge {brname}: {}\n",
                    strerror(err)
                )),
            }
            return true;
        }
        false
    }

    /// brctl delif: SIOCBRDELIF for each interface, stopping at the first failure.
    fn delif(&self, brname: &str, ifnames: &[String]) -> bool {
        for ifname in ifnames {
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
                ENODEV if port.is_none() => {
                    print_err(format!("interface {ifname} does not exist!\n"))
                }
                ENODEV => print_err(format!("bridge {brname} does not exist!\n")),
                EINVAL => print_err(format!("device {ifname} is not a port of {brname}\n")),
                _ => print_err(format!(
                    "can't delete {ifname} from {brname}: {}\n",
                    strerror(err)
                )),
            }
            return true;
        }
        false
    }

    /// brctl's `br_set()`: write the bridge's sysfs attribute, or fall back to the old
    /// ioctl. Returns the errno it would report (0 on success).
    fn br_set(&self, brname: &str, options: &BridgeOptions) -> i32 {
        match self.bridge(brname) {
            Err(e) => e,
            Ok(br) => match self.h.bridge().set_options(br.index, options) {
                Ok(()) => 0,
                Err(e) => e.errno(),
            },
        }
    }

    fn set_time(&self, brname: &str, value: &str, which: Time) -> bool {
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
    fn set_centis(&self, brname: &str, centis: u64, which: Time) -> i32 {
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

    fn setbridgeprio(&self, brname: &str, value: &str) -> bool {
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

    fn stp(&self, brname: &str, value: &str) -> bool {
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
    fn port_set(&self, brname: &str, portname: &str, options: &PortOptions, hairpin: bool) -> i32 {
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
        brname: &str,
        portname: &str,
        value: &str,
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
    fn port_range_error(&self, brname: &str, portname: &str) -> i32 {
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

    fn hairpin(&self, brname: &str, portname: &str, mode: &str) -> bool {
        let Some(on) = on_off(mode) else {
            print_err("expect on/off for argument\n");
            return true;
        };
        if self.lookup(portname).is_none() {
            print_err(format!("interface {portname} does not exist!\n"));
            return true;
        }
        if self.lookup(brname).is_none() {
            print_err(format!("bridge {brname} does not exist!\n"));
            return true;
        }
        let options = PortOptions {
            hairpin: Some(on),
            ..Default::default()
        };
        let err = self.port_set(brname, portname, &options, true);
        if err != 0 {
            print_err(format!(
                "can't set {portname} to hairpin on bridge {brname}: {}\n",
                strerror(err)
            ));
        }
        err != 0
    }

    fn show(self, names: &[String]) -> bool {
        let bridges: Vec<(String, Result<BridgeInfo, i32>)> = if names.is_empty() {
            match self.h.bridge().list() {
                Ok(list) => list
                    .into_iter()
                    .map(|b| (b.name.to_string(), Ok(b)))
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
            self.out
                .print(&format!("{name}\t\t{}\t{yes}\t\t", info.stp.bridge_id));
            match self.h.bridge().ports(info.index) {
                Ok(ports) => {
                    let names: Vec<String> = ports.iter().map(|p| p.name.to_string()).collect();
                    self.out.print(&names.join("\n\t\t\t\t\t\t\t"));
                    self.out.print("\n");
                }
                Err(e) => self
                    .out
                    .print(&format!(" can't get port info: {}\n", strerror(e.errno()))),
            }
        }
        errors
    }

    fn showstp(self, name: &str) -> bool {
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
        out.print(&format!("{name}\n"));
        out.print(&format!(" bridge id\t\t{}", s.bridge_id));
        out.print(&format!("\n designated root\t{}", s.root_id));
        out.print(&format!("\n root port\t\t{:4}\t\t\t", s.root_port));
        out.print(&format!("path cost\t\t{:4}\n", s.root_path_cost as i32));
        let (max_age, hello, fd) = (t(o.max_age), t(o.hello_time), t(o.forward_delay));
        out.print(&format!(
            " max age\t\t{max_age}\t\t\tbridge max age\t\t{max_age}"
        ));
        out.print(&format!(
            "\n hello time\t\t{hello}\t\t\tbridge hello time\t{hello}"
        ));
        out.print(&format!(
            "\n forward delay\t\t{fd}\t\t\tbridge forward delay\t{fd}"
        ));
        out.print(&format!("\n ageing time\t\t{}", t(o.ageing_time)));
        out.print(&format!(
            "\n hello timer\t\t{}\t\t\ttcn timer\t\t{}",
            timer(s.hello_timer),
            timer(s.tcn_timer)
        ));
        out.print(&format!(
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
            Err(e) => out.print(&format!("can't get ports: {}\n", strerror(e.errno()))),
        }
        false
    }

    fn showmacs(self, name: &str) -> bool {
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
            self.out.print(&format!(
                "{:3}\t{mac}\t{}\t\t{}\n",
                port_no & 0xff,
                if local { "yes" } else { "no" },
                timer(age)
            ));
        }
        false
    }
}

fn not_a_bridge_message(name: &str, errno: i32) {
    if errno == ENODEV {
        print_err(format!("bridge {name} does not exist!\n"));
    } else {
        print_err(format!("device {name} is not a bridge!\n"));
    }
}

/// One port's block of `brctl showstp`.
fn port_stp(out: &mut CStdout, p: &PortInfo) {
    out.print(&format!("{} ({})\n", p.name, p.port_no));
    out.print(&format!(" port id\t\t{:04x}", p.port_id));
    out.print(&format!("\t\t\tstate\t\t{:>15}\n", p.state.name()));
    out.print(&format!(" designated root\t{}", p.designated_root));
    out.print(&format!("\tpath cost\t\t{:4}\n", p.cost as i32));
    out.print(&format!(" designated bridge\t{}", p.designated_bridge));
    out.print(&format!(
        "\tmessage age timer\t{}",
        timer(p.message_age_timer)
    ));
    out.print(&format!("\n designated port\t{:04x}", p.designated_port));
    out.print(&format!(
        "\t\t\tforward delay timer\t{}",
        timer(p.forward_delay_timer)
    ));
    out.print(&format!("\n designated cost\t{:4}", p.designated_cost));
    out.print(&format!("\t\t\thold timer\t\t{}", timer(p.hold_timer)));
    out.print("\n flags\t\t\t");
    if p.config_pending {
        out.print("CONFIG_PENDING ");
    }
    if p.topology_change_ack {
        out.print("TOPOLOGY_CHANGE_ACK ");
    }
    if p.hairpin {
        out.print(&format!("\n hairpin mode\t\t{:4}", 1));
    }
    out.print("\n\n");
}

/// brctl's `br_show_timer()` of a value in hundredths of a second: `%4i.%.2i`.
fn timer(centis: u64) -> String {
    format!("{:4}.{:02}", centis / 100, centis % 100)
}

/// brctl's on/off words.
fn on_off(value: &str) -> Option<bool> {
    match value {
        "on" | "yes" | "1" => Some(true),
        "off" | "no" | "0" => Some(false),
        _ => None,
    }
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
