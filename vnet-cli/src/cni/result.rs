//! The CNI result: interfaces, IPs, routes and DNS, as ADD prints it and as DEL, CHECK
//! and chained plugins receive it back (`prevResult`).
//!
//! The 1.0.0 format, and the 0.3/0.4 one, which differs only by each IP's `version`
//! ("4" or "6"): read from both, written in the configuration's version.

use std::net::IpAddr;

use ipnetwork::IpNetwork;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::{CniError, CniResult, Code};

/// A CNI result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NetResult {
    /// The version it is written in.
    #[serde(rename = "cniVersion", default)]
    pub cni_version: String,
    /// The interfaces made: for vnet-cni the bridge, the host end, the container end.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<Interface>,
    /// The addresses assigned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ips: Vec<IpConfig>,
    /// The routes added in the container.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<RouteConfig>,
    /// DNS settings (from the IPAM plugin), an object always present, as the reference
    /// plugins write it.
    #[serde(default)]
    pub dns: Map<String, Value>,
}

/// One interface of a result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Interface {
    /// Its name.
    pub name: String,
    /// Its MAC address.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mac: String,
    /// The container's netns path, for an interface inside the container.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sandbox: String,
}

/// One address of a result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IpConfig {
    /// "4" or "6", in the 0.x formats only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The index in `interfaces` of the interface it is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface: Option<usize>,
    /// Address and prefix ("10.88.0.2/16").
    pub address: String,
    /// The gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
}

/// One route of a result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RouteConfig {
    /// Destination prefix.
    pub dst: String,
    /// Gateway (the interface's gateway when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gw: Option<String>,
}

fn bad(what: &str, value: &str, e: impl std::fmt::Display) -> CniError {
    CniError::new(
        Code::Decoding,
        format!("invalid {what} '{value}' in a result"),
    )
    .details(e.to_string())
}

impl IpConfig {
    /// The address with its prefix.
    pub fn network(&self) -> CniResult<IpNetwork> {
        self.address
            .parse()
            .map_err(|e| bad("address", &self.address, e))
    }

    /// The gateway, when there is one.
    pub fn gateway(&self) -> CniResult<Option<IpAddr>> {
        self.gateway
            .as_deref()
            .map(|g| g.parse().map_err(|e| bad("gateway", g, e)))
            .transpose()
    }
}

impl RouteConfig {
    /// The destination prefix.
    pub fn destination(&self) -> CniResult<IpNetwork> {
        self.dst
            .parse()
            .map_err(|e| bad("route destination", &self.dst, e))
    }

    /// The gateway, when there is one.
    pub fn gateway(&self) -> CniResult<Option<IpAddr>> {
        self.gw
            .as_deref()
            .map(|g| g.parse().map_err(|e| bad("route gateway", g, e)))
            .transpose()
    }
}

impl NetResult {
    /// Reads a result (a `prevResult`, or an IPAM plugin's output).
    pub fn from_value(value: Value) -> CniResult<NetResult> {
        serde_json::from_value(value).map_err(|e| {
            CniError::new(Code::Decoding, "decoding a CNI result").details(e.to_string())
        })
    }

    /// The result in `version`'s format: 0.x results give each IP its `version`.
    pub fn in_version(mut self, version: &str) -> NetResult {
        let legacy = version.starts_with("0.");
        for ip in &mut self.ips {
            ip.version = match (legacy, ip.network()) {
                (true, Ok(IpNetwork::V4(_))) => Some("4".into()),
                (true, Ok(IpNetwork::V6(_))) => Some("6".into()),
                _ => None,
            };
        }
        self.cni_version = version.to_string();
        self
    }

    /// The JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a result always serializes")
    }
}
