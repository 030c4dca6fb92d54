//! `vnet-cni`: a CNI plugin (container network interface, spec 1.0.0, with GC and
//! STATUS of 1.1.0) with the reference
//! `bridge` plugin's configuration, and the reference `portmap` plugin's port mappings
//! done in the same process through vnet-core (nf_tables and conntrack, natively).
//!
//! - [`config`]: the network configuration on stdin;
//! - [`error`]: the spec's error object and codes;
//! - [`result`]: the result ADD prints (and `prevResult`);
//! - [`ipam`]: running the IPAM plugin the configuration names;
//! - [`bridge`]: the bridge, the veth pair, addresses and routes;
//! - [`nat`]: `ipMasq` and `portMappings` as one nf_tables table per attachment.
//!
//! The binary reads the `CNI_*` environment into an [`Env`], the configuration from
//! stdin, and calls [`run`].

pub mod bridge;
pub mod config;
pub mod error;
pub mod ipam;
pub mod nat;
pub mod result;

use std::ffi::OsString;
use std::path::Path;

use serde_json::json;
use vnet_core::{IfName, Netns};

use config::NetConf;
use error::{CniError, CniResult, Code};
use ipam::Ipam;
use result::NetResult;

/// The `CNI_*` environment of one call.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `CNI_COMMAND`: ADD, DEL, CHECK, VERSION, GC or STATUS.
    pub command: Option<String>,
    /// `CNI_CONTAINERID`.
    pub container_id: Option<String>,
    /// `CNI_NETNS`: the container's network namespace (a path).
    pub netns: Option<String>,
    /// `CNI_IFNAME`: the interface to make inside the container (bytes, as the kernel
    /// takes names).
    pub ifname: Option<OsString>,
    /// `CNI_PATH`: where plugins (the IPAM one) are looked for.
    pub path: Option<String>,
}

impl Env {
    /// Reads the process environment (an empty variable counts as missing).
    pub fn from_process() -> Env {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        Env {
            command: var("CNI_COMMAND"),
            container_id: var("CNI_CONTAINERID"),
            netns: var("CNI_NETNS"),
            ifname: std::env::var_os("CNI_IFNAME").filter(|v| !v.is_empty()),
            path: var("CNI_PATH"),
        }
    }

    /// The variables `command` needs that are missing, as the reference lists them.
    fn missing(&self, command: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.container_id.is_none() {
            out.push("CNI_CONTAINERID");
        }
        if (command == "ADD" || command == "CHECK") && self.netns.is_none() {
            out.push("CNI_NETNS");
        }
        if self.ifname.is_none() {
            out.push("CNI_IFNAME");
        }
        if self.path.is_none() {
            out.push("CNI_PATH");
        }
        out
    }
}

fn env_error(msg: impl Into<String>) -> CniError {
    CniError::new(Code::InvalidEnvironment, msg)
}

/// What one call needs, checked: the parsed configuration and the environment's values.
struct Call {
    conf: NetConf,
    checked: config::Checked,
    container_id: String,
    ifname: IfName,
    netns_path: Option<String>,
    path: String,
}

fn prepare(env: &Env, command: &str, stdin: &[u8]) -> CniResult<Call> {
    let missing = env.missing(command);
    if !missing.is_empty() {
        return Err(env_error(format!(
            "required environment variables missing: {}",
            missing.join(", ")
        )));
    }
    let container_id = env.container_id.clone().unwrap_or_default();
    // The spec: alphanumerics, then alphanumerics, '_', '.' and '-'.
    let valid_id = container_id
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && container_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !valid_id {
        return Err(env_error(format!(
            "invalid CNI_CONTAINERID '{container_id}': must start with a letter or digit and hold only letters, digits, '_', '.' and '-'"
        )));
    }
    let ifname_text = env.ifname.clone().unwrap_or_default();
    let ifname = IfName::new(&ifname_text).map_err(|e| {
        env_error(format!(
            "invalid CNI_IFNAME '{}'",
            ifname_text.to_string_lossy()
        ))
        .details(e.to_string())
    })?;
    let conf = config::parse(stdin)?;
    let checked = conf.check()?;
    Ok(Call {
        conf,
        checked,
        container_id,
        ifname,
        netns_path: env.netns.clone(),
        path: env.path.clone().unwrap_or_default(),
    })
}

/// Runs one CNI call; returns what to print on stdout (a result or an error object) and
/// whether it succeeded. VERSION needs no configuration; the other commands read it
/// from `stdin`.
pub fn run(env: &Env, stdin: &[u8]) -> (String, bool) {
    let outcome = match env.command.as_deref() {
        None => Err(env_error(
            "required environment variables missing: CNI_COMMAND",
        )),
        Some("VERSION") => Ok(Some(version())),
        Some("ADD") => prepare(env, "ADD", stdin)
            .and_then(|c| add(&c, stdin))
            .map(Some),
        Some("DEL") => prepare(env, "DEL", stdin)
            .and_then(|c| del(&c, stdin))
            .map(|()| None),
        Some("CHECK") => prepare(env, "CHECK", stdin)
            .and_then(|c| check(&c, stdin))
            .map(|()| None),
        Some("GC") => network(env, stdin)
            .and_then(|(c, p)| gc(&c, &p, stdin))
            .map(|()| None),
        Some("STATUS") => network(env, stdin)
            .and_then(|(c, p)| status(&c, &p, stdin))
            .map(|()| None),
        Some(other) => Err(env_error(format!(
            "unknown CNI_COMMAND '{other}': expected ADD, DEL, CHECK, VERSION, GC or STATUS"
        ))),
    };
    match outcome {
        Ok(out) => (out.unwrap_or_default(), true),
        Err(mut e) => {
            if let Some(version) = config_version(stdin) {
                e.cni_version = version;
            }
            (e.to_json(), false)
        }
    }
}

/// The configuration's version when it is one this plugin writes (errors use it).
fn config_version(stdin: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(stdin).ok()?;
    let version = value.get("cniVersion")?.as_str()?;
    config::SUPPORTED
        .contains(&version)
        .then(|| version.to_string())
}

/// `VERSION`: the versions this plugin speaks.
fn version() -> String {
    json!({"cniVersion": config::LATEST, "supportedVersions": config::SUPPORTED}).to_string()
}

/// Opens the container's namespace; a missing one is "unknown container" (3).
fn open_netns(path: &str) -> CniResult<Netns> {
    if !Path::new(path).exists() {
        return Err(CniError::new(
            Code::UnknownContainer,
            format!("network namespace '{path}' does not exist"),
        ));
    }
    Netns::from_path(path).map_err(|e| {
        CniError::new(
            Code::UnknownContainer,
            format!("opening network namespace '{path}'"),
        )
        .details(e.to_string())
    })
}

/// The previous plugin's result, when the configuration carries one.
fn prev_result(conf: &NetConf) -> CniResult<Option<NetResult>> {
    conf.prev_result
        .clone()
        .map(NetResult::from_value)
        .transpose()
}

/// `ADD`: IPAM, then the attachment, then its NAT; what was made is undone on failure.
fn add(call: &Call, stdin: &[u8]) -> CniResult<String> {
    let netns_path = call.netns_path.as_deref().unwrap_or_default();
    let netns = open_netns(netns_path)?;
    let prev = prev_result(&call.conf)?;
    let ipam = Ipam::find(call.conf.ipam.as_ref(), &call.path)?;
    // A repeated ADD must fail before IPAM runs: its rollback would release the
    // existing attachment's address and delete its interface.
    bridge::ensure_absent(&netns, netns_path, &call.ifname)?;
    let allocated = ipam.add(stdin)?;
    let made = bridge::setup(
        &call.conf,
        &call.checked,
        &netns,
        netns_path,
        &call.ifname,
        &call.container_id,
        allocated,
    )
    .and_then(|result| {
        nat::install(call, &result)?;
        Ok(result)
    });
    let result = match made {
        Ok(result) => result,
        Err(e) => {
            let _ = nat::remove(call, &[]);
            let _ = bridge::teardown(Some(&netns), &call.ifname, &call.container_id);
            let _ = ipam.del(stdin);
            return Err(e);
        }
    };
    let result = match prev {
        Some(prev) => chain(prev, result),
        None => result,
    };
    Ok(result.in_version(&call.conf.cni_version).to_json())
}

/// A chained ADD's result: the previous one, with this plugin's interfaces, addresses
/// and routes appended (interface indexes shifted to point at the appended ones).
fn chain(mut prev: NetResult, mine: NetResult) -> NetResult {
    let shift = prev.interfaces.len();
    prev.interfaces.extend(mine.interfaces);
    prev.ips.extend(mine.ips.into_iter().map(|mut ip| {
        ip.interface = ip.interface.map(|i| i + shift);
        ip
    }));
    prev.routes.extend(mine.routes);
    if prev.dns.is_empty() {
        prev.dns = mine.dns;
    }
    prev
}

/// `DEL`: releases the addresses, deletes the interface and the NAT; succeeds when any
/// of it is already gone, with or without a namespace.
fn del(call: &Call, stdin: &[u8]) -> CniResult<()> {
    let ipam = Ipam::find(call.conf.ipam.as_ref(), &call.path)?;
    ipam.del(stdin)?;
    let netns = match call.netns_path.as_deref() {
        Some(path) => match open_netns(path) {
            Ok(ns) => Some(ns),
            Err(e) if e.code == Code::UnknownContainer as u32 => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let found = bridge::teardown(netns.as_ref(), &call.ifname, &call.container_id)?;
    let prev = prev_result(&call.conf).ok().flatten();
    let mut addresses: Vec<_> = found;
    if let Some(prev) = &prev {
        addresses.extend(prev.ips.iter().filter_map(|ip| ip.network().ok()));
    }
    nat::remove(call, &addresses)
}

/// `CHECK`: the IPAM plugin's check, then the attachment and its NAT against
/// `prevResult`.
fn check(call: &Call, stdin: &[u8]) -> CniResult<()> {
    let Some(prev) = prev_result(&call.conf)? else {
        return Err(CniError::new(
            Code::InvalidConfig,
            "CHECK needs the result of ADD (prevResult) in the configuration",
        ));
    };
    let netns = open_netns(call.netns_path.as_deref().unwrap_or_default())?;
    let ipam = Ipam::find(call.conf.ipam.as_ref(), &call.path)?;
    ipam.check(stdin)?;
    bridge::check(
        &call.checked,
        &netns,
        &call.ifname,
        &call.container_id,
        &prev,
    )?;
    nat::check(call, &prev)
}

/// What GC and STATUS need: the configuration and `CNI_PATH` (no container).
fn network(env: &Env, stdin: &[u8]) -> CniResult<(NetConf, String)> {
    let Some(path) = env.path.clone() else {
        return Err(env_error(
            "required environment variables missing: CNI_PATH",
        ));
    };
    let conf = config::parse(stdin)?;
    conf.check()?;
    Ok((conf, path))
}

/// `GC` (spec 1.1): removes the NAT tables of this network's attachments that are not
/// in `cni.dev/valid-attachments`, then lets the IPAM plugin collect its own when it
/// speaks 1.1.0. (Interfaces need no collection: a container's end goes with its
/// namespace, and the host end with it.)
fn gc(conf: &NetConf, path: &str, stdin: &[u8]) -> CniResult<()> {
    nat::collect_garbage(&conf.name, &conf.valid_attachments)?;
    let ipam = Ipam::find(conf.ipam.as_ref(), path)?;
    if ipam.speaks("1.1.0") {
        ipam.gc(stdin)?;
    }
    Ok(())
}

/// `STATUS` (spec 1.1): ready when the IPAM plugin is found (and, when it speaks
/// 1.1.0, says it is ready); otherwise code 50, "not available".
fn status(conf: &NetConf, path: &str, stdin: &[u8]) -> CniResult<()> {
    let unavailable = |e: CniError| {
        CniError::new(Code::NotAvailable, "vnet-cni cannot serve ADD now").details(e.to_string())
    };
    let ipam = Ipam::find(conf.ipam.as_ref(), path).map_err(unavailable)?;
    if ipam.speaks("1.1.0") {
        ipam.status(stdin).map_err(unavailable)?;
    }
    Ok(())
}
