//! The network configuration on stdin: the reference `bridge` plugin's fields, so that
//! an existing conflist changes only its `type`, plus the `portMappings` capability of
//! the reference `portmap` plugin (from `runtimeConfig`).

use std::net::Ipv4Addr;

use serde::Deserialize;
use serde_json::Value;
use vnet_core::{IfName, L4Protocol, Mtu};

use super::error::{CniError, CniResult, Code};

/// The version this plugin writes by default.
pub const LATEST: &str = "1.0.0";
/// The configuration versions it accepts: 1.0.0 and 1.1.0 (which adds GC and STATUS),
/// and the 0.3/0.4 series podman 4 writes (their result differs only by each IP's
/// `version`).
pub const SUPPORTED: &[&str] = &["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

/// The bridge a configuration names when it names none (the reference's default).
pub const DEFAULT_BRIDGE: &str = "cni0";

/// A network configuration (one plugin's object of a conflist, as the runtime passes it).
///
/// Unknown fields are ignored, as the reference plugins ignore them (a conflist may
/// carry fields for other plugins or newer versions).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetConf {
    /// The spec version of the configuration.
    pub cni_version: String,
    /// The network's name.
    pub name: String,
    /// The plugin type (`vnet-cni`).
    #[serde(rename = "type")]
    pub plugin: String,
    /// The bridge to attach to (default `cni0`).
    #[serde(default)]
    pub bridge: Option<String>,
    /// Give the bridge the gateway address.
    #[serde(default, rename = "isGateway")]
    pub is_gateway: bool,
    /// Make the gateway the container's default route (implies `isGateway`).
    #[serde(default, rename = "isDefaultGateway")]
    pub is_default_gateway: bool,
    /// Replace another address of the bridge by the gateway address.
    #[serde(default)]
    pub force_address: bool,
    /// Masquerade the container's traffic leaving its subnet.
    #[serde(default)]
    pub ip_masq: bool,
    /// MTU of the bridge and the veth pair (the kernel's default when absent).
    #[serde(default)]
    pub mtu: Option<u32>,
    /// Hairpin mode on the bridge port.
    #[serde(default)]
    pub hairpin_mode: bool,
    /// Promiscuous mode on the bridge.
    #[serde(default)]
    pub promisc_mode: bool,
    /// VLAN id of the port (untagged, as its PVID); needs VLAN filtering in the
    /// kernel. 0, as with the reference, means none.
    #[serde(default)]
    pub vlan: Option<u16>,
    /// MAC spoofing check: frames the container sends with another source MAC address
    /// than its interface's are dropped at its bridge port (a `bridge` nf_tables table of
    /// the attachment, as the reference does it with nftables).
    #[serde(default)]
    pub macspoofchk: bool,
    /// The IPAM plugin's configuration, passed to it untouched.
    #[serde(default)]
    pub ipam: Option<Value>,
    /// Runtime-provided values of the capabilities.
    #[serde(default)]
    pub runtime_config: RuntimeConfig,
    /// The result of the previous plugin in the chain (DEL, CHECK, chained ADD).
    #[serde(default)]
    pub prev_result: Option<Value>,
    /// GC (spec 1.1): the attachments still in use; everything else of this network
    /// may go.
    #[serde(default, rename = "cni.dev/valid-attachments")]
    pub valid_attachments: Vec<ValidAttachment>,
}

/// One attachment still in use (GC's `cni.dev/valid-attachments`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ValidAttachment {
    /// The container id.
    #[serde(rename = "containerID")]
    pub container_id: String,
    /// The interface inside it.
    pub ifname: String,
}

/// `runtimeConfig`: what the runtime fills in for declared capabilities.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeConfig {
    /// The `portMappings` capability.
    #[serde(default)]
    pub port_mappings: Vec<PortMapping>,
}

/// One port mapping (`-p [HOST_IP:]HOST_PORT:CONTAINER_PORT[/PROTOCOL]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortMapping {
    /// The host port.
    pub host_port: u32,
    /// The container port.
    pub container_port: u32,
    /// "tcp" (default) or "udp".
    #[serde(default)]
    pub protocol: Option<String>,
    /// Only this host address ("" or absent: every local address).
    #[serde(default, rename = "hostIP")]
    pub host_ip: Option<String>,
}

/// What a configuration means once its values are checked.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The bridge's name.
    pub bridge: IfName,
    /// The MTU, when set.
    pub mtu: Option<Mtu>,
    /// The port mappings, IPv4 only.
    pub ports: Vec<vnet_core::HostPort>,
}

/// Reads the configuration from stdin's bytes: malformed JSON and wrong types are
/// decoding failures (6), a version this plugin does not speak is code 1.
pub fn parse(bytes: &[u8]) -> CniResult<NetConf> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        CniError::new(Code::Decoding, "decoding the network configuration").details(e.to_string())
    })?;
    let version = value
        .get("cniVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !SUPPORTED.contains(&version) {
        return Err(CniError::new(
            Code::IncompatibleVersion,
            format!("incompatible CNI version '{version}'"),
        )
        .details(format!("this plugin supports {}", SUPPORTED.join(", "))));
    }
    serde_json::from_value(value).map_err(|e| {
        CniError::new(Code::Decoding, "decoding the network configuration").details(e.to_string())
    })
}

fn invalid(what: &str, value: impl std::fmt::Display, reason: impl std::fmt::Display) -> CniError {
    CniError::new(
        Code::InvalidConfig,
        format!("invalid {what} '{value}': {reason}"),
    )
}

impl NetConf {
    /// Checks the values (names, MTU, ports, VLAN), naming the first bad one.
    pub fn check(&self) -> CniResult<Checked> {
        let name = self.bridge.as_deref().unwrap_or(DEFAULT_BRIDGE);
        let bridge = IfName::new(name).map_err(|e| invalid("bridge", name, e))?;
        // 0 means the kernel's default, as with the reference.
        let mtu = self
            .mtu
            .filter(|&m| m != 0)
            .map(|m| Mtu::new(m).map_err(|e| invalid("mtu", m, e)))
            .transpose()?;
        if let Some(vlan) = self.vlan()
            && vlan > 4094
        {
            return Err(invalid("vlan", vlan, "must be between 1 and 4094"));
        }
        let mut ports = Vec::new();
        for p in &self.runtime_config.port_mappings {
            let port = |n: u32| {
                u16::try_from(n)
                    .ok()
                    .filter(|&n| n != 0)
                    .ok_or_else(|| invalid("port", n, "must be between 1 and 65535"))
            };
            let protocol = p.protocol.as_deref().unwrap_or("tcp").to_ascii_lowercase();
            let protocol: L4Protocol = protocol
                .parse()
                .map_err(|_| invalid("port mapping protocol", &protocol, "expected tcp or udp"))?;
            let host_ip = match p.host_ip.as_deref() {
                None | Some("") | Some("0.0.0.0") => None,
                Some(ip) => match ip.parse::<std::net::IpAddr>() {
                    Ok(std::net::IpAddr::V4(v4)) => Some(v4),
                    // An IPv6 mapping: IPv6 NAT is not done; the reference skips a
                    // mapping whose family the container has no address of.
                    Ok(std::net::IpAddr::V6(_)) => continue,
                    Err(e) => return Err(invalid("hostIP", ip, e)),
                },
            };
            ports.push(vnet_core::HostPort {
                host_ip,
                host_port: port(p.host_port)?,
                container_port: port(p.container_port)?,
                protocol,
            });
        }
        Ok(Checked { bridge, mtu, ports })
    }

    /// The VLAN of the port, when there is one (0 is none).
    pub fn vlan(&self) -> Option<u16> {
        self.vlan.filter(|&v| v != 0)
    }

    /// True when the result carries each IP's `version` (the 0.x formats).
    pub fn legacy_result(&self) -> bool {
        self.cni_version.starts_with("0.")
    }

    /// The gateway address taken by the bridge (isDefaultGateway implies isGateway).
    pub fn gateway(&self) -> bool {
        self.is_gateway || self.is_default_gateway
    }
}

/// Parses an IPv4 address, for the callers that only handle IPv4.
pub fn ipv4(ip: std::net::IpAddr) -> Option<Ipv4Addr> {
    match ip {
        std::net::IpAddr::V4(v4) => Some(v4),
        std::net::IpAddr::V6(_) => None,
    }
}
