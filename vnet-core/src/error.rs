//! The one public error type of vnet.
//!
//! Every error names the step that failed and the object it was working on, and keeps the
//! kernel's errno and extended-ACK text where the kernel gave them:
//! `creating vlan 'eth0.100' on 'eth0': Operation not supported (Unknown device type)`.

use std::fmt;
use std::io;
use std::path::PathBuf;

use nix::errno::Errno;

/// The result type of every fallible vnet call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in vnet.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value given by the caller was rejected: before any change was made, and
    /// before any syscall where the value alone shows it is wrong (a lookup may come
    /// first when the problem is what the value names, such as a veth given as a
    /// bridge).
    #[error("invalid {what} '{value}': {reason}")]
    InvalidInput {
        /// What kind of value it was ("interface name", "VLAN id", ...).
        what: &'static str,
        /// The value as the caller gave it.
        value: String,
        /// Why it was rejected.
        reason: String,
    },

    /// The kernel refused a request.
    #[error("{op}: {}{}", strerror(*errno as i32), ext_ack_suffix(message))]
    Kernel {
        /// The step, naming its object ("creating veth 'a' (peer 'b')").
        op: String,
        /// The errno the kernel answered with.
        errno: Errno,
        /// The kernel's extended-ACK message, when it sent one.
        message: Option<String>,
    },

    /// An object the operation needs does not exist.
    #[error("{op}: {what} '{name}' not found")]
    NotFound {
        /// The step that needed the object.
        op: String,
        /// The kind of object ("link", "network namespace", ...).
        what: &'static str,
        /// Its name or number.
        name: String,
    },

    /// A system call or file operation outside netlink failed.
    #[error("{op}: {}", io_text(source))]
    Io {
        /// The step, naming its object.
        op: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },

    /// A step of tun/tap work on `/dev/net/tun` failed: opening the clone device or one
    /// of its ioctls. The step tells which, as `tunctl` and `ip tuntap` report it.
    #[error("{op}: {step}: {}{}", io_text(source), ext_ack_suffix(hint))]
    TunTap {
        /// The operation, naming its device ("creating tap 'tap0'").
        op: String,
        /// The step that failed.
        step: TunStep,
        /// The underlying error.
        #[source]
        source: io::Error,
        /// What vnet found out about the cause, when it could ("'lo' exists and is not
        /// a tun/tap device").
        hint: Option<String>,
    },

    /// The kernel answered something vnet could not understand.
    #[error("{op}: unexpected reply from the kernel: {detail}")]
    Protocol {
        /// The step, naming its object.
        op: String,
        /// What was wrong with the reply.
        detail: String,
    },
}

/// The step of tun/tap work that failed (see [`Error::TunTap`]); its `Display` is what
/// `tunctl` and `ip tuntap` print for it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TunStep {
    /// Opening the clone device at this path.
    Open(PathBuf),
    /// `TUNSETIFF`: binding the fd to a device (and creating it).
    SetIff,
    /// `TUNGETIFF`: reading the binding back.
    GetIff,
    /// `TUNSETPERSIST`.
    SetPersist,
    /// `TUNSETOWNER`.
    SetOwner,
    /// `TUNSETGROUP`.
    SetGroup,
    /// `TUNSETQUEUE`.
    SetQueue,
}

impl fmt::Display for TunStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TunStep::Open(path) => write!(f, "opening {}", path.display()),
            TunStep::SetIff => f.write_str("TUNSETIFF"),
            TunStep::GetIff => f.write_str("TUNGETIFF"),
            TunStep::SetPersist => f.write_str("TUNSETPERSIST"),
            TunStep::SetOwner => f.write_str("TUNSETOWNER"),
            TunStep::SetGroup => f.write_str("TUNSETGROUP"),
            TunStep::SetQueue => f.write_str("TUNSETQUEUE"),
        }
    }
}

fn io_text(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(errno) => strerror(errno),
        None => e.to_string(),
    }
}

/// The C library's text for `errno` (`strerror()`), without Rust's "(os error N)".
pub fn strerror(errno: i32) -> String {
    io::Error::from_raw_os_error(errno)
        .to_string()
        .replace(&format!(" (os error {errno})"), "")
}

fn ext_ack_suffix(message: &Option<String>) -> String {
    match message {
        Some(m) if !m.is_empty() => format!(" ({m})"),
        _ => String::new(),
    }
}

impl Error {
    /// The errno that best describes this error, for callers and the C ABI.
    ///
    /// Kernel and I/O errors keep the errno they came with; invalid input is `EINVAL`,
    /// a missing object is `ENODEV` for links and `ENOENT` otherwise, and an unexpected
    /// kernel reply is `EPROTO`.
    pub fn errno(&self) -> i32 {
        match self {
            Error::InvalidInput { .. } => libc::EINVAL,
            Error::Kernel { errno, .. } => *errno as i32,
            Error::NotFound { what, .. } if *what == "link" => libc::ENODEV,
            Error::NotFound { .. } => libc::ENOENT,
            Error::Io { source, .. } | Error::TunTap { source, .. } => {
                source.raw_os_error().unwrap_or(libc::EIO)
            }
            Error::Protocol { .. } => libc::EPROTO,
        }
    }

    /// The kernel's extended-ACK text, if the kernel sent one.
    pub fn kernel_message(&self) -> Option<&str> {
        match self {
            Error::Kernel { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// Builds an [`Error::InvalidInput`].
    pub fn invalid(
        what: &'static str,
        value: impl fmt::Display,
        reason: impl Into<String>,
    ) -> Self {
        Error::InvalidInput {
            what,
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// Builds an [`Error::Io`] for the step `op`.
    pub fn io(op: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            op: op.into(),
            source,
        }
    }

    /// Builds an [`Error::Io`] from an errno, for the step `op`.
    pub fn sys(op: impl Into<String>, errno: Errno) -> Self {
        Error::Io {
            op: op.into(),
            source: io::Error::from_raw_os_error(errno as i32),
        }
    }

    /// Returns this error with its step description replaced by `op`.
    ///
    /// The netlink engine does not know what a request means; the caller that does
    /// renames the step ("creating veth 'a'") with this.
    pub fn with_op(mut self, new_op: impl Into<String>) -> Self {
        match &mut self {
            Error::Kernel { op, .. }
            | Error::NotFound { op, .. }
            | Error::Io { op, .. }
            | Error::TunTap { op, .. }
            | Error::Protocol { op, .. } => *op = new_op.into(),
            Error::InvalidInput { .. } => {}
        }
        self
    }

    /// Returns this error with `outer` put before its step description
    /// ("creating veth 'a' (peer 'b')" before "looking up master 'br9'"), so that a
    /// failed sub-step names the operation it was part of.
    pub(crate) fn within(mut self, outer: impl fmt::Display) -> Self {
        match &mut self {
            Error::Kernel { op, .. }
            | Error::NotFound { op, .. }
            | Error::Io { op, .. }
            | Error::TunTap { op, .. }
            | Error::Protocol { op, .. } => *op = format!("{outer}: {op}"),
            Error::InvalidInput { .. } => {}
        }
        self
    }

    /// True when the kernel answered with `errno`.
    pub fn is_errno(&self, errno: Errno) -> bool {
        self.errno() == errno as i32
    }
}

/// Adds the step description to results coming out of the netlink engine.
pub(crate) trait Context<T> {
    /// Names the step that produced this result.
    fn op(self, op: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for Result<T> {
    fn op(self, op: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| e.with_op(op()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_error_shows_errno_and_ext_ack() {
        let e = Error::Kernel {
            op: "creating vlan 'eth0.100' on 'eth0'".into(),
            errno: Errno::EOPNOTSUPP,
            message: Some("Unknown device type".into()),
        };
        assert_eq!(
            e.to_string(),
            "creating vlan 'eth0.100' on 'eth0': Operation not supported (Unknown device type)"
        );
        assert_eq!(e.errno(), libc::EOPNOTSUPP);
    }

    #[test]
    fn kernel_error_without_ext_ack() {
        let e = Error::Kernel {
            op: "deleting link 'x'".into(),
            errno: Errno::ENODEV,
            message: None,
        };
        assert_eq!(e.to_string(), "deleting link 'x': No such device");
    }

    #[test]
    fn invalid_input_names_value_and_reason() {
        let e = Error::invalid("VLAN id", 5000, "must be between 1 and 4094");
        assert_eq!(
            e.to_string(),
            "invalid VLAN id '5000': must be between 1 and 4094"
        );
        assert_eq!(e.errno(), libc::EINVAL);
    }
}
