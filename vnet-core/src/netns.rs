//! Network namespaces: named ones compatible with iproute2 (`/run/netns/NAME`), and any
//! other by path or pid.
//!
//! vnet never moves the caller's thread into another namespace. Work that has to happen
//! inside one (opening a netlink socket, writing a sysctl, opening `/dev/net/tun`) runs on
//! a short-lived thread that enters it: [`Netns::run`].

use std::ffi::CString;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use nix::mount::{MntFlags, MsFlags, mount, umount2};
use nix::sched::{CloneFlags, setns, unshare};
use nix::sys::stat::{fstat, stat};

use crate::error::{Error, Result};

/// Where iproute2 keeps named network namespaces.
pub const NETNS_RUN_DIR: &str = "/run/netns";

/// Where `ip netns exec` finds per-namespace configuration files to bind over `/etc`.
pub const NETNS_ETC_DIR: &str = "/etc/netns";

/// An open network namespace.
///
/// Holding a `Netns` keeps the namespace alive even if its name is deleted. Clones share
/// one fd (it is closed when the last clone goes), so cloning cannot fail.
#[derive(Debug, Clone)]
pub struct Netns {
    fd: Arc<OwnedFd>,
    name: Option<String>,
}

/// How many threads [`Netns::delete_many`] unmounts on at most: their RCU waits overlap;
/// more threads gain little on a small machine.
const DELETE_THREADS: usize = 8;

/// How many namespaces a thread of [`Netns::delete_many`] is worth starting for.
const DELETES_PER_THREAD: usize = 16;

fn check_name(name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        "must not be empty"
    } else if name == "." || name == ".." {
        "'.' and '..' are reserved"
    } else if name.contains('/') {
        "must not contain '/'"
    } else if name.contains('\0') {
        "must not contain NUL"
    } else if name.len() > 255 {
        "longer than 255 bytes"
    } else {
        return Ok(());
    };
    Err(Error::invalid(
        "network namespace name",
        name.escape_debug(),
        reason,
    ))
}

fn path_of(name: &str) -> PathBuf {
    Path::new(NETNS_RUN_DIR).join(name)
}

impl Netns {
    /// Creates a named network namespace, like `ip netns add NAME`.
    ///
    /// Takes the lock iproute2 takes on `/run/netns`, makes that directory a shared mount
    /// (so the namespace stays visible to other mount namespaces), creates a new network
    /// namespace on a short-lived thread and bind-mounts it on `/run/netns/NAME`.
    pub fn add(name: &str) -> Result<Netns> {
        let mut created = Netns::add_many(&[name])?;
        Ok(created.remove(0))
    }

    /// Creates several named network namespaces, like `ip -batch` with one `netns add`
    /// line each, but all or nothing: if one fails, those already made are removed.
    ///
    /// Faster than one [`Netns::add`] each for a lab: the lock is taken once and one
    /// short-lived thread creates them all (each `unshare` moves that thread into the
    /// new namespace, which its bind mount then keeps alive).
    pub fn add_many(names: &[&str]) -> Result<Vec<Netns>> {
        for name in names {
            check_name(name)?;
        }
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                return Err(Error::invalid(
                    "network namespace name",
                    name,
                    "given twice in one call",
                ));
            }
        }
        let op = |name: &str| format!("creating network namespace '{name}'");
        let first = names.first().copied().unwrap_or_default();
        let dir = prepare_run_dir(&op(first))?;
        let _lock = Flock::lock(dir, FlockArg::LockExclusive).map_err(|(_, errno)| {
            Error::sys(format!("{}: locking {NETNS_RUN_DIR}", op(first)), errno)
        })?;

        // Each unshare moves the thread into the namespace it makes: a throwaway thread.
        on_thread(|| {
            let mut made: Vec<Netns> = Vec::with_capacity(names.len());
            for name in names {
                match create_here(name, &op(name)) {
                    Ok(fd) => made.push(Netns {
                        fd: Arc::new(fd),
                        name: Some(name.to_string()),
                    }),
                    Err(e) => {
                        for netns in made.iter().rev() {
                            unmount_and_remove(&path_of(netns.name().unwrap_or_default()));
                        }
                        return Err(e);
                    }
                }
            }
            Ok(made)
        })
    }

    /// Deletes a named network namespace, like `ip netns delete NAME`.
    ///
    /// The namespace itself lives on while anything still holds it (an open [`Netns`], a
    /// process inside it); the kernel then destroys it, and its devices, asynchronously.
    pub fn delete(name: &str) -> Result<()> {
        check_name(name)?;
        let op = || format!("deleting network namespace '{name}'");
        let path = path_of(name);
        match umount2(&path, MntFlags::MNT_DETACH) {
            Ok(()) | Err(Errno::EINVAL) => {}
            Err(Errno::ENOENT) => {
                return Err(Error::NotFound {
                    op: op(),
                    what: "network namespace",
                    name: name.into(),
                });
            }
            Err(e) => return Err(Error::sys(format!("{}: unmount", op()), e)),
        }
        fs::remove_file(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::NotFound {
                op: op(),
                what: "network namespace",
                name: name.into(),
            },
            _ => Error::io(op(), e),
        })
    }

    /// Deletes several named network namespaces, like `ip -batch` with one `netns delete`
    /// line each, but faster: the unmounts run on a few short-lived threads at once.
    ///
    /// Each unmount ends with the kernel waiting for an RCU grace period (the mount's
    /// memory may only be freed after it), which is most of the cost of deleting a
    /// namespace; waits of unmounts made at the same time overlap. Every name is checked
    /// before anything is deleted. Every namespace is tried; the first failure is
    /// returned once all have been tried (a deletion cannot be rolled back).
    pub fn delete_many(names: &[&str]) -> Result<()> {
        for name in names {
            check_name(name)?;
        }
        let threads = names.len().div_ceil(DELETES_PER_THREAD).min(DELETE_THREADS);
        if threads <= 1 {
            return names.iter().try_fold((), |(), name| Netns::delete(name));
        }
        let share = names.len().div_ceil(threads);
        let failures: Vec<Error> = std::thread::scope(|scope| {
            let workers: Vec<_> = names
                .chunks(share)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .filter_map(|name| Netns::delete(name).err())
                            .collect::<Vec<Error>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        match failures.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Lists named network namespaces, sorted by name.
    pub fn list() -> Result<Vec<String>> {
        let mut names = Netns::list_unsorted()?;
        names.sort();
        Ok(names)
    }

    /// Lists named network namespaces in the order the directory lists them, as
    /// `ip netns list` prints them (newest first, on the usual tmpfs `/run`).
    pub fn list_unsorted() -> Result<Vec<String>> {
        let entries = match fs::read_dir(NETNS_RUN_DIR) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(format!("listing {NETNS_RUN_DIR}"), e)),
        };
        Ok(entries
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect())
    }

    /// The processes whose network namespace is this one, by pid, in `/proc` order
    /// (`ip netns pids NAME`). Processes that end while they are read are left out.
    pub fn pids(&self) -> Result<Vec<u32>> {
        let ours = fstat(self.fd.as_fd())
            .map_err(|e| Error::sys(format!("reading {}", self.describe()), e))?;
        let entries = fs::read_dir("/proc").map_err(|e| Error::io("listing /proc", e))?;
        Ok(entries
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                stat(format!("/proc/{pid}/ns/net").as_str())
                    .is_ok_and(|st| st.st_dev == ours.st_dev && st.st_ino == ours.st_ino)
            })
            .collect())
    }

    /// The name under `/run/netns` of this namespace, if it has one (`ip netns identify`;
    /// the last match in directory order, as `ip` reports it).
    pub fn identify(&self) -> Result<Option<String>> {
        let ours = fstat(self.fd.as_fd())
            .map_err(|e| Error::sys(format!("reading {}", self.describe()), e))?;
        Ok(Netns::list_unsorted()?.into_iter().rfind(|name| {
            stat(&path_of(name))
                .is_ok_and(|st| st.st_dev == ours.st_dev && st.st_ino == ours.st_ino)
        }))
    }

    /// Opens a named network namespace (`/run/netns/NAME`).
    pub fn open(name: &str) -> Result<Netns> {
        check_name(name)?;
        let fd = open_ns_file(&path_of(name)).map_err(|e| match e.errno() {
            libc::ENOENT => Error::NotFound {
                op: format!("opening network namespace '{name}'"),
                what: "network namespace",
                name: name.into(),
            },
            _ => e.with_op(format!("opening network namespace '{name}'")),
        })?;
        Ok(Netns {
            fd: Arc::new(fd),
            name: Some(name.to_string()),
        })
    }

    /// Opens the network namespace a file refers to (`/proc/PID/ns/net`, a bind mount).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Netns> {
        let path = path.as_ref();
        let fd = open_ns_file(path)?;
        Ok(Netns {
            fd: Arc::new(fd),
            name: None,
        })
    }

    /// Opens the network namespace of process `pid`.
    pub fn from_pid(pid: u32) -> Result<Netns> {
        Netns::from_path(format!("/proc/{pid}/ns/net"))
    }

    /// Opens the calling thread's network namespace.
    pub fn current() -> Result<Netns> {
        Netns::from_path("/proc/thread-self/ns/net")
    }

    /// The name, for namespaces opened or created by name.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// A printable description for messages: `netns 'NAME'` for a named namespace;
    /// otherwise "this network namespace" when it is the calling thread's own, and
    /// `network namespace net:[INODE]` (as `/proc/PID/ns/net` links read) when not.
    pub fn describe(&self) -> String {
        if let Some(n) = &self.name {
            return format!("netns '{n}'");
        }
        let ours = fstat(self.fd.as_fd());
        let current = stat("/proc/thread-self/ns/net");
        match (ours, current) {
            (Ok(a), Ok(b)) if a.st_dev == b.st_dev && a.st_ino == b.st_ino => {
                "this network namespace".to_string()
            }
            (Ok(a), _) => format!("network namespace net:[{}]", a.st_ino),
            (Err(_), _) => "a network namespace".to_string(),
        }
    }

    /// Runs `f` inside this namespace and returns its result.
    ///
    /// The caller's thread never changes namespace: when it is already in this one, `f`
    /// runs right there (no `setns`, which would need privileges an unprivileged caller
    /// lacks); otherwise it runs on a short-lived thread that enters the namespace.
    /// Sockets and files `f` opens belong to this namespace and may be used from any
    /// thread afterwards. A panic in `f` is propagated to the caller.
    pub fn run<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce() -> T + Send,
        T: Send,
    {
        if self.is_current() {
            return Ok(f());
        }
        on_thread(|| {
            self.enter()?;
            Ok(f())
        })
    }

    /// Runs `f` once inside each of `namespaces`, in order, on one short-lived thread
    /// that enters them in turn (cheaper than one [`Netns::run`] each, for a lab), and
    /// returns the results in the same order. Stops at the first namespace that cannot
    /// be entered.
    pub fn run_each<T, F>(namespaces: &[Netns], mut f: F) -> Result<Vec<T>>
    where
        F: FnMut(&Netns) -> T + Send,
        T: Send,
    {
        on_thread(|| {
            namespaces
                .iter()
                .map(|netns| {
                    netns.enter()?;
                    Ok(f(netns))
                })
                .collect()
        })
    }

    /// Moves the calling thread into this namespace: only ever called on a thread of
    /// [`on_thread`], which ends afterwards.
    fn enter(&self) -> Result<()> {
        setns(self.fd.as_fd(), CloneFlags::CLONE_NEWNET)
            .map_err(|e| Error::sys(format!("entering {}", self.describe()), e))
    }

    /// True when the calling thread is in this namespace (same nsfs inode).
    pub fn is_current(&self) -> bool {
        let ours = fstat(self.fd.as_fd());
        let current = stat("/proc/thread-self/ns/net");
        matches!((ours, current), (Ok(a), Ok(b)) if a.st_dev == b.st_dev && a.st_ino == b.st_ino)
    }

    /// Builds a command that runs inside the named namespace `name` the way
    /// `ip netns exec NAME ...` does: in a private mount namespace with `/sys` remounted
    /// (read-only if it was) and each file of `/etc/netns/NAME/` bound over its namesake
    /// in `/etc` (a file that cannot be bound is skipped, as iproute2 skips it).
    pub fn command(name: &str, program: impl AsRef<std::ffi::OsStr>) -> Result<Command> {
        let netns = Netns::open(name)?;
        let mut etc_binds = Vec::new();
        let etc_dir = Path::new(NETNS_ETC_DIR).join(name);
        if let Ok(entries) = fs::read_dir(&etc_dir) {
            for entry in entries.filter_map(|e| e.ok()) {
                let source = entry.path();
                let target = Path::new("/etc").join(entry.file_name());
                let c =
                    |p: &Path| CString::new(p.as_os_str().as_bytes()).expect("path without NUL");
                etc_binds.push((c(&source), c(&target)));
            }
        }
        let sys_read_only = nix::sys::statvfs::statvfs("/sys")
            .map(|s| s.flags().contains(nix::sys::statvfs::FsFlags::ST_RDONLY))
            .unwrap_or(false);
        let mut command = Command::new(program);
        let netns = netns
            .fd
            .try_clone()
            .map_err(|e| Error::io(format!("opening network namespace '{name}'"), e))?;
        crate::sys::netns_exec(
            &mut command,
            crate::sys::NetnsExecPlan {
                netns,
                etc_binds,
                sys_read_only,
            },
        );
        Ok(command)
    }
}

impl AsFd for Netns {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// Runs `f` on a short-lived thread and returns its result; a panic in `f` is resumed
/// in the caller. This is the one place vnet makes a thread: work that must change its
/// thread's namespace (`setns`, `unshare`) runs here, so the caller's thread never
/// moves.
fn on_thread<T, F>(f: F) -> T
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// Creates the named namespace `name` on the calling thread, which it moves into the new
/// namespace: the file under `/run/netns`, `unshare`, the bind mount. Cleans up after
/// itself on failure. The caller holds the `/run/netns` lock and is a throwaway thread.
fn create_here(name: &str, op: &str) -> Result<OwnedFd> {
    let path = path_of(name);
    OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o000)
        .open(&path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => Error::Kernel {
                op: op.to_string(),
                errno: Errno::EEXIST,
                message: Some("a namespace of that name already exists".into()),
            },
            _ => Error::io(format!("{op}: creating {}", path.display()), e),
        })?;
    let mounted = unshare(CloneFlags::CLONE_NEWNET)
        .map_err(|e| Error::sys(format!("{op}: unshare"), e))
        .and_then(|()| {
            mount(
                Some("/proc/thread-self/ns/net"),
                &path,
                Some("none"),
                MsFlags::MS_BIND,
                None::<&str>,
            )
            .map_err(|e| Error::sys(format!("{op}: bind mount"), e))
        })
        .and_then(|()| {
            open_ns_file(Path::new("/proc/thread-self/ns/net")).map_err(|e| e.with_op(op))
        });
    if mounted.is_err() {
        unmount_and_remove(&path);
    }
    mounted
}

/// Undoes [`create_here`] for `path`, as far as it got (errors are moot: this cleans up
/// after a failure that is being reported).
fn unmount_and_remove(path: &Path) {
    let _ = umount2(path, MntFlags::MNT_DETACH);
    let _ = fs::remove_file(path);
}

/// Opens `path` and checks that it is a network namespace: the kernel's answer to
/// `NS_GET_NSTYPE` (`/dev/null`, a directory or another kind of namespace is refused).
fn open_ns_file(path: &Path) -> Result<OwnedFd> {
    let fd = File::open(path)
        .map(OwnedFd::from)
        .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let refuse = |reason: String| Error::invalid("network namespace file", path.display(), reason);
    match crate::sys::ns_type(fd.as_fd()) {
        Ok(libc::CLONE_NEWNET) => Ok(fd),
        Ok(other) => {
            let kind = match other {
                libc::CLONE_NEWNS => "mount".to_string(),
                libc::CLONE_NEWUTS => "UTS".to_string(),
                libc::CLONE_NEWIPC => "IPC".to_string(),
                libc::CLONE_NEWUSER => "user".to_string(),
                libc::CLONE_NEWPID => "PID".to_string(),
                libc::CLONE_NEWCGROUP => "cgroup".to_string(),
                other => format!("type {other:#x}"),
            };
            Err(refuse(format!(
                "a {kind} namespace, not a network namespace"
            )))
        }
        Err(e) if e.raw_os_error() == Some(libc::ENOTTY) => Err(refuse(
            "not a namespace file (NS_GET_NSTYPE: Inappropriate ioctl for device)".into(),
        )),
        Err(e) => Err(Error::io(
            format!(
                "asking the type of namespace {} (NS_GET_NSTYPE)",
                path.display()
            ),
            e,
        )),
    }
}

/// Creates `/run/netns` and makes it a shared mount point, as iproute2 does, and returns
/// it opened (for the lock).
/// The step of [`prepare_run_dir`] that needs `CAP_SYS_ADMIN`, in `ip`'s words.
pub(crate) const SHARE_STEP: &str = "mount --make-shared /run/netns";

fn prepare_run_dir(op: &str) -> Result<File> {
    let dir = Path::new(NETNS_RUN_DIR);
    fs::create_dir_all(dir).map_err(|e| Error::io(format!("{op}: creating {NETNS_RUN_DIR}"), e))?;
    let shared = || {
        mount(
            None::<&str>,
            dir,
            Some("none"),
            MsFlags::MS_SHARED | MsFlags::MS_REC,
            None::<&str>,
        )
    };
    match shared() {
        Ok(()) => {}
        Err(Errno::EINVAL) => {
            // Not a mount point yet: bind it onto itself first, then share it.
            mount(
                Some(dir),
                dir,
                Some("none"),
                MsFlags::MS_BIND | MsFlags::MS_REC,
                None::<&str>,
            )
            .map_err(|e| Error::sys(format!("{op}: bind-mounting {NETNS_RUN_DIR}"), e))?;
            shared().map_err(|e| Error::sys(format!("{op}: {SHARE_STEP}"), e))?;
        }
        Err(e) => return Err(Error::sys(format!("{op}: {SHARE_STEP}"), e)),
    }
    File::open(dir).map_err(|e| Error::io(format!("{op}: opening {NETNS_RUN_DIR}"), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that is not a network namespace is refused, and says what it is.
    #[test]
    fn from_path_accepts_network_namespaces_only() {
        for (path, why) in [
            ("/dev/null", "not a namespace file"),
            (
                "/proc/self/ns/mnt",
                "a mount namespace, not a network namespace",
            ),
            (
                "/proc/self/ns/uts",
                "a UTS namespace, not a network namespace",
            ),
        ] {
            let e = Netns::from_path(path).unwrap_err();
            assert_eq!(e.errno(), libc::EINVAL, "{path}: {e}");
            let text = e.to_string();
            assert!(
                text.starts_with(&format!("invalid network namespace file '{path}': {why}")),
                "{text}"
            );
        }
        assert!(Netns::from_path("/proc/self/ns/net").is_ok());
        assert!(Netns::current().is_ok());
    }

    #[test]
    fn names_are_checked_before_any_syscall() {
        for bad in ["", ".", "..", "a/b", "a\0b"] {
            let e = Netns::add(bad).unwrap_err();
            assert!(
                e.to_string().starts_with("invalid network namespace name"),
                "{e}"
            );
        }
    }
}
