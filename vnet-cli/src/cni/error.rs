//! The CNI error object: a well-known code, a message and details, printed as JSON on
//! stdout with a non-zero exit (CNI spec, "Error").

use serde::{Deserialize, Serialize};

/// The spec's well-known error codes (1-99 are reserved to the spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// 1: the configuration's `cniVersion` is not one this plugin speaks.
    IncompatibleVersion = 1,
    /// 2: a field of the configuration is not supported.
    UnsupportedField = 2,
    /// 3: the container is unknown or does not exist.
    UnknownContainer = 3,
    /// 4: a `CNI_*` environment variable is missing or invalid.
    InvalidEnvironment = 4,
    /// 5: an I/O failure (the kernel refused a change, a file could not be read).
    Io = 5,
    /// 6: the input could not be decoded (malformed JSON, wrong types).
    Decoding = 6,
    /// 7: the configuration is invalid (a bad value, a missing IPAM plugin).
    InvalidConfig = 7,
    /// 11: try again later.
    TryAgainLater = 11,
    /// 50 (spec 1.1, STATUS): the plugin cannot serve ADD now.
    NotAvailable = 50,
    /// 100 (plugin-specific): CHECK found the container's network differs from what
    /// ADD made.
    CheckFailed = 100,
}

/// A CNI error, as the spec's JSON object: `{"cniVersion", "code", "msg", "details"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CniError {
    /// The version the error is written in.
    #[serde(rename = "cniVersion", default)]
    pub cni_version: String,
    /// The error code (see [`Code`]; an IPAM plugin's own code is passed through).
    pub code: u32,
    /// A short message.
    #[serde(default)]
    pub msg: String,
    /// Longer details, when there are any.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub details: String,
}

impl CniError {
    /// An error with `code` and `msg`.
    pub fn new(code: Code, msg: impl Into<String>) -> Self {
        CniError {
            cni_version: super::config::LATEST.to_string(),
            code: code as u32,
            msg: msg.into(),
            details: String::new(),
        }
    }

    /// The same error with `details`.
    pub fn details(mut self, details: impl Into<String>) -> Self {
        self.details = details.into();
        self
    }

    /// A failed kernel step: code 5 (I/O failure), or 11 (try again later) when the
    /// kernel answered EAGAIN or EBUSY.
    pub fn kernel(what: &str, e: vnet_core::Error) -> Self {
        let code = match e.errno() {
            libc::EAGAIN | libc::EBUSY => Code::TryAgainLater,
            _ => Code::Io,
        };
        CniError::new(code, what).details(e.to_string())
    }

    /// The JSON object the spec prints on stdout.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an error object always serializes")
    }
}

impl std::fmt::Display for CniError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.msg)?;
        if !self.details.is_empty() {
            write!(f, ": {}", self.details)?;
        }
        Ok(())
    }
}

impl std::error::Error for CniError {}

/// The result of a CNI step.
pub type CniResult<T> = Result<T, CniError>;
