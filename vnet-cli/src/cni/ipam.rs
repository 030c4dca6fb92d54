//! IPAM delegation: the plugin named by `ipam.type` is found in `CNI_PATH` and run with
//! the same `CNI_*` environment and the same configuration on stdin, as the spec asks
//! (so `host-local`, `static` and `dhcp` work unchanged).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use super::error::{CniError, CniResult, Code};
use super::result::NetResult;

/// The IPAM plugin of a configuration, located in `CNI_PATH`.
#[derive(Debug, Clone)]
pub struct Ipam {
    path: PathBuf,
}

impl Ipam {
    /// Finds the plugin `ipam.type` names in the directories of `cni_path`.
    pub fn find(ipam: Option<&Value>, cni_path: &str) -> CniResult<Ipam> {
        let name = ipam
            .and_then(|i| i.get("type"))
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                CniError::new(
                    Code::InvalidConfig,
                    "the configuration names no IPAM plugin (ipam.type)",
                )
            })?;
        if name.contains('/') {
            return Err(CniError::new(
                Code::InvalidConfig,
                format!("invalid IPAM plugin '{name}': a plugin name has no '/'"),
            ));
        }
        cni_path
            .split(':')
            .filter(|d| !d.is_empty())
            .map(|d| PathBuf::from(d).join(name))
            .find(|p| p.is_file())
            .map(|path| Ipam { path })
            .ok_or_else(|| {
                CniError::new(
                    Code::InvalidConfig,
                    format!("IPAM plugin '{name}' not found in CNI_PATH '{cni_path}'"),
                )
            })
    }

    /// Runs `command` (ADD, DEL, CHECK) with `stdin`; the environment is ours, with
    /// `CNI_COMMAND` set. A failure passes the plugin's own error object through.
    fn run(&self, command: &str, stdin: &[u8]) -> CniResult<Vec<u8>> {
        let what = format!("running IPAM plugin {} {command}", self.path.display());
        let mut child = Command::new(&self.path)
            .env("CNI_COMMAND", command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| CniError::new(Code::Io, &what).details(e.to_string()))?;
        let written = child.stdin.take().expect("stdin is piped").write_all(stdin);
        let output = child
            .wait_with_output()
            .map_err(|e| CniError::new(Code::Io, &what).details(e.to_string()))?;
        written.map_err(|e| CniError::new(Code::Io, &what).details(e.to_string()))?;
        if output.status.success() {
            return Ok(output.stdout);
        }
        match serde_json::from_slice::<CniError>(&output.stdout) {
            Ok(mut e) => {
                e.msg = format!("{what}: {}", e.msg);
                Err(e)
            }
            Err(_) => Err(
                CniError::new(Code::Io, format!("{what}: {}", output.status))
                    .details(String::from_utf8_lossy(&output.stdout).into_owned()),
            ),
        }
    }

    /// `ADD`: the addresses, gateways, routes and DNS the plugin allocated.
    pub fn add(&self, stdin: &[u8]) -> CniResult<NetResult> {
        let out = self.run("ADD", stdin)?;
        let value: Value = serde_json::from_slice(&out).map_err(|e| {
            CniError::new(Code::Decoding, "decoding the IPAM plugin's result")
                .details(e.to_string())
        })?;
        let result = NetResult::from_value(value)?;
        if result.ips.is_empty() {
            return Err(CniError::new(
                Code::InvalidConfig,
                "the IPAM plugin returned no IP address",
            ));
        }
        Ok(result)
    }

    /// `DEL`: releases what ADD allocated (the plugin makes it idempotent).
    pub fn del(&self, stdin: &[u8]) -> CniResult<()> {
        self.run("DEL", stdin).map(drop)
    }

    /// `CHECK`.
    pub fn check(&self, stdin: &[u8]) -> CniResult<()> {
        self.run("CHECK", stdin).map(drop)
    }

    /// True when the plugin's `VERSION` lists `version` (an IPAM plugin of spec 1.0
    /// knows no GC or STATUS, and would fail them).
    pub fn speaks(&self, version: &str) -> bool {
        let Ok(out) = self.run("VERSION", b"{}") else {
            return false;
        };
        serde_json::from_slice::<Value>(&out)
            .ok()
            .and_then(|v| v.get("supportedVersions").cloned())
            .and_then(|v| v.as_array().cloned())
            .is_some_and(|list| list.iter().any(|v| v.as_str() == Some(version)))
    }

    /// `GC` (spec 1.1).
    pub fn gc(&self, stdin: &[u8]) -> CniResult<()> {
        self.run("GC", stdin).map(drop)
    }

    /// `STATUS` (spec 1.1).
    pub fn status(&self, stdin: &[u8]) -> CniResult<()> {
        self.run("STATUS", stdin).map(drop)
    }
}
