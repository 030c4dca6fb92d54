//! Network sysctls of one namespace: forwarding, proxy ARP, reverse-path filtering.
//!
//! `/proc/sys/net` shows the namespace of the thread that **opens** a file there (the
//! kernel resolves the `net` subtree with the opener's `current->nsproxy->net_ns`), not
//! the namespace `/proc` was mounted in. So every read and write here runs on a
//! short-lived thread inside the target namespace ([`Netns::run`]); the caller's thread
//! never moves.
//!
//! Keys are typed ([`SysctlKey`]) and interface names are [`IfName`]s used verbatim as a
//! path component: `eth0.100` is `/proc/sys/net/ipv4/conf/eth0.100/forwarding`. (The
//! `sysctl` command and the `sysctl` crate turn every `.` of a dotted key into `/`, which
//! turns that interface into the directories `eth0` and `100`; `sysctl` spells such a
//! key `net.ipv4.conf.eth0/100.forwarding`, and so does [`SysctlKey::name`].)

use std::ffi::OsStr;
use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::netns::Netns;
use crate::values::{Family, IfName};

/// Which entry of a per-interface sysctl directory (`/proc/sys/net/ipv4/conf/WHICH/`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Conf {
    /// `all`: writing it changes every interface (for forwarding), or is OR-ed with the
    /// interface's own value (proxy_arp) or maxed with it (rp_filter) by the kernel.
    All,
    /// `default`: the value interfaces created later start with.
    Default,
    /// One interface.
    Dev(IfName),
}

impl Conf {
    /// The directory under `conf/`: the interface name verbatim, as bytes.
    fn component(&self) -> &OsStr {
        match self {
            Conf::All => OsStr::new("all"),
            Conf::Default => OsStr::new("default"),
            Conf::Dev(name) => name.as_os_str(),
        }
    }
}

impl From<IfName> for Conf {
    fn from(name: IfName) -> Self {
        Conf::Dev(name)
    }
}

impl From<&IfName> for Conf {
    fn from(name: &IfName) -> Self {
        Conf::Dev(name.clone())
    }
}

/// A network sysctl vnet knows how to read and write.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SysctlKey {
    /// `net.ipv4.ip_forward`: IPv4 forwarding for the whole namespace. Writing it also
    /// sets `net.ipv4.conf.*.forwarding` of every interface.
    IpForward,
    /// `net.ipv4.conf.IF.forwarding`: IPv4 forwarding of one interface (or all/default).
    Ipv4Forwarding(Conf),
    /// `net.ipv6.conf.IF.forwarding`: IPv6 forwarding (`all` switches the namespace to
    /// router behaviour).
    Ipv6Forwarding(Conf),
    /// `net.ipv4.conf.IF.proxy_arp`: answer ARP requests for addresses this host routes
    /// elsewhere.
    ProxyArp(Conf),
    /// `net.ipv4.conf.IF.rp_filter`: reverse-path filtering (0 off, 1 strict, 2 loose).
    RpFilter(Conf),
}

impl SysctlKey {
    /// The file under `/proc/sys` (interface names verbatim, dots included).
    pub fn path(&self) -> PathBuf {
        let (family, conf, leaf) = match self {
            SysctlKey::IpForward => return PathBuf::from("/proc/sys/net/ipv4/ip_forward"),
            SysctlKey::Ipv4Forwarding(c) => ("ipv4", c, "forwarding"),
            SysctlKey::Ipv6Forwarding(c) => ("ipv6", c, "forwarding"),
            SysctlKey::ProxyArp(c) => ("ipv4", c, "proxy_arp"),
            SysctlKey::RpFilter(c) => ("ipv4", c, "rp_filter"),
        };
        PathBuf::from(format!("/proc/sys/net/{family}/conf"))
            .join(conf.component())
            .join(leaf)
    }

    /// The key as the `sysctl` command spells it (`net.ipv4.conf.eth0/100.forwarding`:
    /// dots inside an interface name become slashes there).
    pub fn name(&self) -> String {
        let (family, conf, leaf) = match self {
            SysctlKey::IpForward => return "net.ipv4.ip_forward".to_string(),
            SysctlKey::Ipv4Forwarding(c) => ("ipv4", c, "forwarding"),
            SysctlKey::Ipv6Forwarding(c) => ("ipv6", c, "forwarding"),
            SysctlKey::ProxyArp(c) => ("ipv4", c, "proxy_arp"),
            SysctlKey::RpFilter(c) => ("ipv4", c, "rp_filter"),
        };
        format!(
            "net.{family}.conf.{}.{leaf}",
            conf.component().to_string_lossy().replace('.', "/")
        )
    }

    fn interface(&self) -> Option<&IfName> {
        match self {
            SysctlKey::IpForward => None,
            SysctlKey::Ipv4Forwarding(c)
            | SysctlKey::Ipv6Forwarding(c)
            | SysctlKey::ProxyArp(c)
            | SysctlKey::RpFilter(c) => match c {
                Conf::Dev(name) => Some(name),
                _ => None,
            },
        }
    }
}

impl fmt::Display for SysctlKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// The network sysctls of one namespace.
#[derive(Debug, Clone)]
pub struct Sysctls {
    netns: Netns,
}

impl Sysctls {
    /// The sysctls of `netns`.
    pub fn new(netns: &Netns) -> Sysctls {
        Sysctls {
            netns: netns.clone(),
        }
    }

    /// The sysctls of the calling thread's namespace.
    pub fn current() -> Result<Sysctls> {
        Ok(Sysctls {
            netns: Netns::current()?,
        })
    }

    /// The sysctls of the named namespace `name` (`/run/netns/NAME`).
    pub fn open(name: &str) -> Result<Sysctls> {
        Ok(Sysctls {
            netns: Netns::open(name)?,
        })
    }

    /// The namespace these sysctls belong to.
    pub fn netns(&self) -> &Netns {
        &self.netns
    }

    /// Reads a value, like `sysctl -n KEY` inside the namespace.
    pub fn get(&self, key: &SysctlKey) -> Result<u32> {
        let op = || format!("reading {key} in {}", self.netns.describe());
        let path = key.path();
        let text = self
            .netns
            .run(|| fs::read_to_string(&path))?
            .map_err(|e| self.io_error(key, op(), e))?;
        text.trim().parse().map_err(|_| Error::Protocol {
            op: op(),
            detail: format!("not a number: {:?}", text.trim()),
        })
    }

    /// Writes a value, like `sysctl -w KEY=VALUE` inside the namespace, and returns the
    /// value it had before. Writes nothing when the value is already `value`.
    pub fn set(&self, key: &SysctlKey, value: u32) -> Result<u32> {
        let op = || format!("setting {key} to {value} in {}", self.netns.describe());
        let previous = self.get(key).map_err(|e| e.with_op(op()))?;
        if previous != value {
            let path = key.path();
            self.netns
                .run(|| {
                    OpenOptions::new()
                        .write(true)
                        .open(&path)
                        .and_then(|mut file| file.write_all(format!("{value}\n").as_bytes()))
                })?
                .map_err(|e| self.io_error(key, op(), e))?;
        }
        Ok(previous)
    }

    /// Writes a value and returns a guard that puts the previous value back when it is
    /// dropped (or when [`SysctlGuard::restore`] is called, which reports errors).
    pub fn set_scoped(&self, key: &SysctlKey, value: u32) -> Result<SysctlGuard> {
        let previous = self.set(key, value)?;
        Ok(SysctlGuard {
            sysctls: self.clone(),
            key: key.clone(),
            previous,
            armed: true,
        })
    }

    /// Turns a boolean switch on or off (writes 1 or 0), returning the previous state.
    pub fn switch(&self, key: &SysctlKey, on: bool) -> Result<bool> {
        self.set(key, on as u32).map(|previous| previous != 0)
    }

    /// The interface names that have a `conf` directory for `family` (for
    /// [`Family::Any`], for either), sorted, without `all` and `default`: the interfaces
    /// of the namespace as the sysctl tree sees them (`ls /proc/sys/net/ipv4/conf`).
    pub fn interfaces(&self, family: Family) -> Result<Vec<IfName>> {
        let mut out: Vec<IfName> = Vec::new();
        for single in family.each() {
            let dir = match single {
                Family::Ipv6 => "/proc/sys/net/ipv6/conf",
                _ => "/proc/sys/net/ipv4/conf",
            };
            let names = self
                .netns
                .run(|| -> io::Result<Vec<String>> {
                    fs::read_dir(dir)?
                        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
                        .collect()
                })?
                .map_err(|e| Error::io(format!("listing {dir} in {}", self.netns.describe()), e))?;
            out.extend(
                names
                    .into_iter()
                    .filter(|n| n != "all" && n != "default")
                    .filter_map(|n| IfName::new(n).ok()),
            );
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    fn io_error(&self, key: &SysctlKey, op: String, e: io::Error) -> Error {
        match (e.kind(), key.interface()) {
            (io::ErrorKind::NotFound, Some(name)) => Error::NotFound {
                op,
                what: "link",
                name: name.to_string(),
            },
            (io::ErrorKind::NotFound, None) => Error::NotFound {
                op,
                what: "sysctl",
                name: key.name(),
            },
            _ => Error::io(op, e),
        }
    }
}

/// Puts a sysctl back to the value it had before [`Sysctls::set_scoped`] changed it.
#[derive(Debug)]
#[must_use = "dropping the guard restores the previous value at once"]
pub struct SysctlGuard {
    sysctls: Sysctls,
    key: SysctlKey,
    previous: u32,
    armed: bool,
}

impl SysctlGuard {
    /// The value the sysctl had before.
    pub fn previous(&self) -> u32 {
        self.previous
    }

    /// The key this guard restores.
    pub fn key(&self) -> &SysctlKey {
        &self.key
    }

    /// Restores the previous value now, reporting errors (dropping the guard restores
    /// too, but has to ignore them).
    pub fn restore(mut self) -> Result<()> {
        self.armed = false;
        self.sysctls.set(&self.key, self.previous).map(|_| ())
    }

    /// Keeps the new value: the guard will not restore anything.
    pub fn keep(mut self) {
        self.armed = false;
    }
}

impl Drop for SysctlGuard {
    fn drop(&mut self) {
        if self.armed {
            let _ = self.sysctls.set(&self.key, self.previous);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_interface_names_stay_one_path_component() {
        let key = SysctlKey::Ipv4Forwarding(Conf::Dev(IfName::new("eth0.100").unwrap()));
        assert_eq!(
            key.path(),
            PathBuf::from("/proc/sys/net/ipv4/conf/eth0.100/forwarding")
        );
        assert_eq!(key.name(), "net.ipv4.conf.eth0/100.forwarding");
        assert_eq!(
            SysctlKey::IpForward.path(),
            PathBuf::from("/proc/sys/net/ipv4/ip_forward")
        );
        assert_eq!(
            SysctlKey::Ipv6Forwarding(Conf::All).path(),
            PathBuf::from("/proc/sys/net/ipv6/conf/all/forwarding")
        );
        assert_eq!(
            SysctlKey::RpFilter(Conf::Default).name(),
            "net.ipv4.conf.default.rp_filter"
        );
        assert_eq!(
            SysctlKey::ProxyArp(Conf::Dev(IfName::new("br-lan").unwrap())).path(),
            PathBuf::from("/proc/sys/net/ipv4/conf/br-lan/proxy_arp")
        );
    }
}
