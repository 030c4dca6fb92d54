//! The options after `type vxlan`, `type macvlan` and `type vlan` in `ip link add`.
//!
//! Each returns the spec, or (inner error) the status `ip` ends the command with after
//! printing its complaint and the kind's help, as iproute2 6.1 does.

use std::net::IpAddr;

use vnet_core::{
    Family, Handle, IfName, MacVlan, MacVlanMode, Vlan, VlanId, VlanProtocol, Vni, Vxlan,
};

use super::Stop;
use super::args::{
    Words, cannot_find_device, duparg2, get_unsigned, invarg, matches, parse_addr, unsupported,
};
use crate::print_err;

type Spec<T> = Result<Result<T, u8>, Stop>;

/// `vxlan: ...` and the kind's help, then status 1, as `ip` refuses a vxlan.
fn vxlan_refused(text: &str) -> Spec<Vxlan> {
    print_err(text);
    Ok(Err(1))
}

/// `type vxlan id VNI [remote ADDR | group ADDR dev DEV] [local ADDR] [dev DEV] [ttl N]
/// [dstport PORT] [nolearning]`.
pub(super) fn vxlan(handle: &Handle, name: IfName, words: &mut Words<'_>) -> Spec<Vxlan> {
    let mut vni: Option<u32> = None;
    let mut remote: Option<IpAddr> = None;
    let mut group: Option<IpAddr> = None;
    let mut local: Option<IpAddr> = None;
    let mut dev: Option<u32> = None;
    let mut ttl: Option<u8> = None;
    let mut port: Option<u16> = None;
    let mut learning: Option<bool> = None;
    let family_of = |other: Option<IpAddr>| other.map_or(Family::Any, Family::of);
    let address = |text: &str, family: Family| -> Result<IpAddr, Stop> {
        parse_addr(text, family).ok_or_else(|| {
            print_err(format!(
                "Error: {} address is expected rather than \"{text}\".\n",
                super::args::family_name(family)
            ));
            Stop(1)
        })
    };
    while let Some(word) = words.take() {
        if matches(word, "id") || matches(word, "vni") {
            let value = words.value()?;
            if vni.is_some() {
                return Err(duparg2("id", value));
            }
            vni = Some(
                get_unsigned(value, u32::MAX.into())
                    .filter(|&v| v < 1 << 24)
                    .ok_or_else(|| invarg("invalid id", value))? as u32,
            );
        } else if matches(word, "group") {
            if remote.is_some() {
                return vxlan_refused("vxlan: both group and remote cannot be specified\n");
            }
            let value = words.value()?;
            if group.is_some() {
                return Err(duparg2("group", value));
            }
            let addr = address(value, family_of(local))?;
            if !addr.is_multicast() {
                return Err(invarg("invalid group address", value));
            }
            group = Some(addr);
        } else if matches(word, "remote") {
            if group.is_some() {
                return vxlan_refused("vxlan: both group and remote cannot be specified\n");
            }
            let value = words.value()?;
            if remote.is_some() {
                return Err(duparg2("remote", value));
            }
            let addr = address(value, family_of(local))?;
            if addr.is_multicast() || addr.is_unspecified() {
                return Err(invarg("invalid remote address", value));
            }
            remote = Some(addr);
        } else if matches(word, "local") {
            let value = words.value()?;
            if local.is_some() {
                return Err(duparg2("local", value));
            }
            let addr = address(value, family_of(remote.or(group)))?;
            if addr.is_multicast() || addr.is_unspecified() {
                return Err(invarg("invalid local address", value));
            }
            local = Some(addr);
        } else if matches(word, "dev") {
            let value = words.name()?;
            if dev.is_some() {
                return Err(duparg2("dev", value));
            }
            match IfName::new(value)
                .ok()
                .and_then(|n| handle.link().get(&n).ok())
            {
                Some(link) => dev = Some(link.index),
                None => {
                    // `ip` exits with nodev()'s -1 here.
                    cannot_find_device(value);
                    return Err(Stop(255));
                }
            }
        } else if matches(word, "ttl") || matches(word, "hoplimit") {
            let value = words.value()?;
            if ttl.is_some() {
                return Err(duparg2("ttl", value));
            }
            ttl = Some(match value {
                "auto" => 0,
                "inherit" => return Err(unsupported("\"ttl inherit\"")),
                other => {
                    let n = get_unsigned(other, u32::MAX.into())
                        .ok_or_else(|| invarg("invalid TTL", other))?;
                    if n > 255 {
                        return Err(invarg("TTL must be <= 255", other));
                    }
                    n as u8
                }
            });
        } else if matches(word, "dstport") {
            let value = words.value()?;
            if port.is_some() {
                return Err(duparg2("dstport", value));
            }
            port = Some(
                get_unsigned(value, u16::MAX.into()).ok_or_else(|| invarg("dst port", value))?
                    as u16,
            );
        } else if matches(word, "nolearning") {
            if learning.is_some() {
                return Err(duparg2(word, word));
            }
            learning = Some(false);
        } else if matches(word, "learning") {
            if learning.is_some() {
                return Err(duparg2(word, word));
            }
            learning = Some(true);
        } else if matches(word, "help") {
            return Err(unsupported("\"ip link add type vxlan help\""));
        } else {
            return Err(unsupported(&format!("the vxlan option \"{word}\"")));
        }
    }
    let Some(vni) = vni else {
        return vxlan_refused("vxlan: missing virtual network identifier\n");
    };
    if group.is_some() && dev.is_none() {
        return vxlan_refused("vxlan: 'group' requires 'dev' to be specified\n");
    }
    if port.is_none() {
        print_err(
            "vxlan: destination port not specified\n\
             Will use Linux kernel default (non-standard value)\n\
             Use 'dstport 4789' to get the IANA assigned value\n\
             Use 'dstport 0' to get default and quiet this message\n",
        );
    }
    let vni = Vni::new(vni).map_err(|e| unsupported(&e.to_string()))?;
    let mut spec = Vxlan::new(name, vni).port(port.unwrap_or(0));
    if let Some(r) = remote {
        spec = spec.remote(r);
    }
    if let Some(g) = group {
        spec = spec.multicast_group(g);
    }
    if let Some(l) = local {
        spec = spec.local(l);
    }
    if let Some(d) = dev {
        spec = spec.parent(d);
    }
    if let Some(t) = ttl {
        spec = spec.ttl(t);
    }
    if learning == Some(false) {
        spec = spec.no_learning();
    }
    Ok(Ok(spec))
}

/// `link PARENT ... type macvlan [mode private|vepa|bridge|passthru|source]`.
pub(super) fn macvlan(name: IfName, link: Option<u32>, words: &mut Words<'_>) -> Spec<MacVlan> {
    let mut mode = None;
    while let Some(word) = words.take() {
        if matches(word, "mode") {
            let value = words.value()?;
            mode = Some(match value {
                "private" => MacVlanMode::Private,
                "vepa" => MacVlanMode::Vepa,
                "bridge" => MacVlanMode::Bridge,
                "passthru" => MacVlanMode::Passthru,
                "source" => MacVlanMode::Source,
                other => {
                    print_err(format!(
                        "Error: argument of \"mode\" must be \"private\", \"vepa\", \"bridge\", \
                         \"passthru\" or \"source\", not \"{other}\"\n"
                    ));
                    return Ok(Err(1));
                }
            });
        } else {
            return Err(unsupported(&format!("the macvlan option \"{word}\"")));
        }
    }
    let Some(link) = link else {
        return Err(unsupported("a macvlan without \"link\""));
    };
    // Without `mode`, `ip` leaves the choice to the kernel, whose default is vepa.
    Ok(Ok(
        MacVlan::new(name, link).mode(mode.unwrap_or(MacVlanMode::Vepa))
    ))
}

/// `link PARENT ... type vlan id ID [protocol 802.1Q|802.1ad]`.
pub(super) fn vlan(name: IfName, link: Option<u32>, words: &mut Words<'_>) -> Spec<Vlan> {
    let mut id = None;
    let mut protocol = None;
    while let Some(word) = words.take() {
        if matches(word, "protocol") {
            let value = words.value()?;
            protocol = Some(match value.to_ascii_lowercase().as_str() {
                "802.1q" => VlanProtocol::Dot1Q,
                "802.1ad" => VlanProtocol::Dot1Ad,
                _ => return Err(invarg("protocol is invalid", value)),
            });
        } else if matches(word, "id") {
            let value = words.value()?;
            id = Some(
                get_unsigned(value, u16::MAX.into())
                    .ok_or_else(|| invarg("id is invalid", value))? as u32,
            );
        } else {
            return Err(unsupported(&format!("the vlan option \"{word}\"")));
        }
    }
    let (Some(link), Some(id)) = (link, id) else {
        return Err(unsupported("a vlan without \"link\" and \"id\""));
    };
    let id = VlanId::new(id).map_err(|e| unsupported(&e.to_string()))?;
    let mut spec = Vlan::new(name, link, id);
    if let Some(p) = protocol {
        spec = spec.protocol(p);
    }
    Ok(Ok(spec))
}
