//! Routes (`ip route`), IPv4 and IPv6.

use std::net::IpAddr;

use ipnetwork::IpNetwork;
use netlink_packet_core::{NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use std::fmt;

use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteScope,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use crate::error::{Context, Error, Result};
use crate::link::{LinkHandle, LinkRef};
use crate::netlink::Connection;
use crate::uapi::rtnetlink::{RT_TABLE_COMPAT, RT_TABLE_MAIN, RTM_F_CLONED};
pub use crate::values::RouteProtocol;
use crate::values::{Family, Scope};

/// The main routing table, where `ip route` works unless told otherwise.
pub const MAIN_TABLE: u32 = RT_TABLE_MAIN;

/// A route to add or delete, like `ip route add DEST [via GW] [dev DEV] [metric N]
/// [table T]`.
#[derive(Debug, Clone)]
pub struct Route {
    destination: IpNetwork,
    gateway: Option<IpAddr>,
    device: Option<LinkRef>,
    metric: Option<u32>,
    table: u32,
    source: Option<IpAddr>,
    scope: Option<Scope>,
    protocol: Option<RouteProtocol>,
}

impl Route {
    /// A route to `destination` (`0.0.0.0/0` or `::/0` for a default route).
    ///
    /// The destination must be a network address: `10.1.2.3/8` is refused when the route
    /// is added or deleted, as `ip route` refuses it ("Invalid prefix for given prefix
    /// length"), since it usually means a typo.
    pub fn new(destination: IpNetwork) -> Self {
        Route {
            destination,
            gateway: None,
            device: None,
            metric: None,
            table: MAIN_TABLE,
            source: None,
            scope: None,
            protocol: None,
        }
    }

    /// A default route (`default`) for the family of `gateway`, via it.
    pub fn default_via(gateway: IpAddr) -> Self {
        let any = match gateway {
            IpAddr::V4(_) => IpNetwork::new(IpAddr::from([0u8; 4]), 0),
            IpAddr::V6(_) => IpNetwork::new(IpAddr::from([0u16; 8]), 0),
        }
        .expect("a /0 prefix is valid");
        Route::new(any).via(gateway)
    }

    /// `via GW`.
    pub fn via(mut self, gateway: IpAddr) -> Self {
        self.gateway = Some(gateway);
        self
    }

    /// `dev DEV`.
    pub fn dev(mut self, device: impl Into<LinkRef>) -> Self {
        self.device = Some(device.into());
        self
    }

    /// `metric N`.
    pub fn metric(mut self, metric: u32) -> Self {
        self.metric = Some(metric);
        self
    }

    /// `src ADDR`: the source address for traffic this route carries.
    pub fn source(mut self, source: IpAddr) -> Self {
        self.source = Some(source);
        self
    }

    /// `scope S` (by default `global` with a gateway, `link` without, as `ip` sets it).
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }

    /// `proto P` (`boot` by default, as `ip route add` sets it).
    pub fn protocol(mut self, protocol: RouteProtocol) -> Self {
        self.protocol = Some(protocol);
        self
    }

    /// `table T` (main by default).
    pub fn table(mut self, table: u32) -> Self {
        self.table = table;
        self
    }

    fn describe(&self) -> String {
        let mut text = format!("route {}", self.destination);
        if let Some(gw) = self.gateway {
            text += &format!(" via {gw}");
        }
        if let Some(dev) = &self.device {
            text += &format!(" dev '{dev}'");
        }
        text
    }

    fn message(&self, links: &LinkHandle<'_>) -> Result<RouteMessage> {
        let family = family_of(self.destination.ip());
        if self.destination.ip() != self.destination.network() {
            return Err(Error::invalid(
                "route destination",
                self.destination,
                format!(
                    "host bits are set: the network is {}/{}",
                    self.destination.network(),
                    self.destination.prefix()
                ),
            ));
        }
        if let Some(gw) = self.gateway
            && family_of(gw) != family
        {
            return Err(Error::invalid(
                "gateway",
                gw,
                format!("not of the same address family as {}", self.destination),
            ));
        }
        let mut message = RouteMessage::default();
        message.header = route_header(family, self.table);
        message.header.destination_prefix_length = self.destination.prefix();
        message.header.protocol = self.protocol.unwrap_or(RouteProtocol::BOOT).0.into();
        message.header.kind = netlink_packet_route::route::RouteType::Unicast;
        message.header.scope = match self.scope {
            Some(scope) => scope.number().into(),
            None if self.gateway.is_some() || family == AddressFamily::Inet6 => {
                RouteScope::Universe
            }
            None => RouteScope::Link,
        };
        if let Some(source) = self.source {
            if family_of(source) != family {
                return Err(Error::invalid(
                    "source",
                    source,
                    format!("not of the same address family as {}", self.destination),
                ));
            }
            message
                .attributes
                .push(RouteAttribute::PrefSource(route_address(source)));
        }
        if self.destination.prefix() > 0 {
            message
                .attributes
                .push(RouteAttribute::Destination(route_address(
                    self.destination.ip(),
                )));
        }
        if let Some(gw) = self.gateway {
            message
                .attributes
                .push(RouteAttribute::Gateway(route_address(gw)));
        }
        if let Some(dev) = &self.device {
            message
                .attributes
                .push(RouteAttribute::Oif(links.index(dev)?));
        }
        if let Some(metric) = self.metric {
            message.attributes.push(RouteAttribute::Priority(metric));
        }
        if self.table > 255 {
            message.attributes.push(RouteAttribute::Table(self.table));
        }
        Ok(message)
    }
}

/// A route as `ip route show` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteEntry {
    /// Destination prefix (`0.0.0.0/0` for the default route).
    pub destination: IpNetwork,
    /// Gateway, if any.
    pub gateway: Option<IpAddr>,
    /// Output link index, if any.
    pub device: Option<u32>,
    /// Metric (priority).
    pub metric: Option<u32>,
    /// Routing table.
    pub table: u32,
    /// Protocol that installed it (`kernel`, `boot`, `static`, ...).
    pub protocol: RouteProtocol,
    /// Route type (`unicast`, `local`, `broadcast`, ...).
    pub kind: RouteType,
    /// Scope (`global`, `link`, `host`, ...).
    pub scope: Scope,
    /// Preferred source address (`src`), if any.
    pub source: Option<IpAddr>,
    /// Flags (`RTNH_F_*`, `RTM_F_*`: `linkdown`, `onlink`, `dead`, ...).
    pub flags: RouteFlags,
    /// The IPv6 router preference (`pref low|medium|high`), when the kernel gives one.
    pub preference: Option<u8>,
    /// Type of service (`tos`).
    pub tos: u8,
    /// The route was found in the cache of cloned routes (`RTM_F_CLONED`).
    pub cloned: bool,
    /// The user id the lookup was made for (`uid`, in answers to [`RouteHandle::get`]).
    pub uid: Option<u32>,
}

/// The flags of a route (`RTNH_F_*` and `RTM_F_*`). Its `Display` is the words `ip
/// route` prints for them, space-separated (`linkdown`, `onlink`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RouteFlags(pub u32);

impl RouteFlags {
    /// `RTNH_F_LINKDOWN`: the route's device has no carrier.
    pub const LINKDOWN: RouteFlags = RouteFlags(0x10);
    /// `RTNH_F_ONLINK`: the gateway is on the link even without a matching prefix.
    pub const ONLINK: RouteFlags = RouteFlags(0x4);

    /// `ip route`'s words, in its order.
    const NAMED: [(u32, &'static str); 11] = [
        (0x1, "dead"),
        (0x4, "onlink"),
        (0x2, "pervasive"),
        (0x8, "offload"),
        (0x40, "trap"),
        (0x100, "notify"),
        (0x10, "linkdown"),
        (0x20, "unresolved"),
        (0x2000, "rt_offload"),
        (0x4000, "rt_trap"),
        (0x20000, "rt_offload_failed"),
    ];

    /// The words `ip route` prints for the flags set.
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMED
            .iter()
            .filter(|(bit, _)| self.0 & bit != 0)
            .map(|(_, name)| *name)
            .collect()
    }
}

impl fmt::Display for RouteFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(" "))
    }
}

/// The type of a route (`RTN_*`, `rtm_type`). Its `Display` is the word `ip route`
/// prints (`unicast`, `local`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteType {
    /// `none` (`RTN_UNSPEC`).
    Unspec,
    /// `unicast`: a gateway or a directly connected network.
    Unicast,
    /// `local`: an address of this host.
    Local,
    /// `broadcast`: sent as link broadcast.
    Broadcast,
    /// `anycast`.
    Anycast,
    /// `multicast`.
    Multicast,
    /// `blackhole`: dropped silently.
    Blackhole,
    /// `unreachable`: answered with ICMP host unreachable.
    Unreachable,
    /// `prohibit`: answered with ICMP administratively prohibited.
    Prohibit,
    /// `throw`: the lookup continues in the next rule's table.
    Throw,
    /// `nat`.
    Nat,
    /// `xresolve`.
    Xresolve,
    /// A number without a name; `ip` prints the number.
    Other(u8),
}

impl RouteType {
    fn from_number(n: u8) -> RouteType {
        match n {
            0 => RouteType::Unspec,
            1 => RouteType::Unicast,
            2 => RouteType::Local,
            3 => RouteType::Broadcast,
            4 => RouteType::Anycast,
            5 => RouteType::Multicast,
            6 => RouteType::Blackhole,
            7 => RouteType::Unreachable,
            8 => RouteType::Prohibit,
            9 => RouteType::Throw,
            10 => RouteType::Nat,
            11 => RouteType::Xresolve,
            n => RouteType::Other(n),
        }
    }
}

impl fmt::Display for RouteType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RouteType::Unspec => "none",
            RouteType::Unicast => "unicast",
            RouteType::Local => "local",
            RouteType::Broadcast => "broadcast",
            RouteType::Anycast => "anycast",
            RouteType::Multicast => "multicast",
            RouteType::Blackhole => "blackhole",
            RouteType::Unreachable => "unreachable",
            RouteType::Prohibit => "prohibit",
            RouteType::Throw => "throw",
            RouteType::Nat => "nat",
            RouteType::Xresolve => "xresolve",
            RouteType::Other(n) => return write!(f, "{n}"),
        })
    }
}

/// How [`RouteHandle::write`] writes a route: the verbs of `ip route`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteWrite {
    /// `add`: a new route; fails with `EEXIST` if it exists.
    Add,
    /// `replace`: adds it, or replaces the route with the same key.
    Replace,
    /// `prepend`: adds it before routes with the same destination.
    Prepend,
    /// `append`: adds it after routes with the same destination (a second nexthop
    /// choice for IPv6).
    Append,
    /// `change`: replaces an existing route; fails if there is none.
    Change,
    /// `test`: fails with `EEXIST` if the route exists, adds nothing.
    Test,
}

/// The route calls of a [`crate::Handle`]: `handle.route()`.
#[derive(Debug, Clone, Copy)]
pub struct RouteHandle<'a> {
    conn: &'a Connection,
}

impl<'a> RouteHandle<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        RouteHandle { conn }
    }

    /// Adds a route, like `ip route add ...`. Fails with `EEXIST` if it exists.
    pub fn add(&self, route: &Route) -> Result<()> {
        self.write(route, RouteWrite::Add)
    }

    /// Writes a route the way `how` says (`ip route add|replace|prepend|append|change|
    /// test`).
    pub fn write(&self, route: &Route, how: RouteWrite) -> Result<()> {
        // The kernel would answer ENODEV; say why instead.
        if route.gateway.is_none() && route.device.is_none() {
            return Err(Error::invalid(
                "route",
                route.destination,
                "needs a gateway ('via') or a device ('dev')",
            ));
        }
        let message = route.message(&LinkHandle::new(self.conn))?;
        let (flags, verb) = match how {
            RouteWrite::Add => (NLM_F_CREATE | NLM_F_EXCL, "adding"),
            RouteWrite::Replace => (NLM_F_CREATE | NLM_F_REPLACE, "replacing"),
            RouteWrite::Prepend => (NLM_F_CREATE, "prepending"),
            RouteWrite::Append => (NLM_F_CREATE | NLM_F_APPEND, "appending"),
            RouteWrite::Change => (NLM_F_REPLACE, "changing"),
            RouteWrite::Test => (NLM_F_EXCL, "testing"),
        };
        self.conn
            .request_ack(RouteNetlinkMessage::NewRoute(message), flags)
            .op(|| format!("{verb} {}", route.describe()))
    }

    /// Deletes a route, like `ip route del ...`: the first route that matches what is
    /// given (destination and table, and gateway, device and metric when given).
    pub fn delete(&self, route: &Route) -> Result<()> {
        let mut message = route.message(&LinkHandle::new(self.conn))?;
        // Deleting matches on what is given; leave protocol, scope and type open unless
        // given, as `ip route del` does (the kernel treats RT_SCOPE_NOWHERE as "any
        // scope").
        message.header.protocol = route.protocol.unwrap_or(RouteProtocol::UNSPEC).0.into();
        message.header.scope = route
            .scope
            .map_or(RouteScope::NoWhere, |s| s.number().into());
        message.header.kind = netlink_packet_route::route::RouteType::Unspec;
        self.conn
            .request_ack(RouteNetlinkMessage::DelRoute(message), 0)
            .op(|| format!("deleting {}", route.describe()))
    }

    /// The route the kernel would use to reach `destination` (through `oif`, when given),
    /// like `ip route get ADDR [oif DEV]`: an entry of the route cache (`cloned`, its
    /// cache flags in `flags`).
    pub fn get(&self, destination: IpAddr, oif: Option<LinkRef>) -> Result<RouteEntry> {
        let mut request = RouteMessage::default();
        request.header = route_header(address_family(Family::of(destination)), 0);
        request.header.destination_prefix_length = match destination {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        };
        request
            .attributes
            .push(RouteAttribute::Destination(route_address(destination)));
        if let Some(oif) = &oif {
            request
                .attributes
                .push(RouteAttribute::Oif(LinkHandle::new(self.conn).index(oif)?));
        }
        let replies = self
            .conn
            .request(RouteNetlinkMessage::GetRoute(request), 0)
            .op(|| format!("looking up the route to {destination}"))?;
        replies
            .into_iter()
            .find_map(|m| match m {
                RouteNetlinkMessage::NewRoute(m) => parse(m),
                _ => None,
            })
            .ok_or_else(|| Error::Protocol {
                op: format!("looking up the route to {destination}"),
                detail: "no route in the answer".into(),
            })
    }

    /// Lists the routes of the main table, like `ip route show` (`ip -4`, `ip -6`:
    /// one family).
    pub fn list(&self, family: Family) -> Result<Vec<RouteEntry>> {
        self.list_table(family, MAIN_TABLE)
    }

    /// Lists the routes of table `table`, like `ip route show table T`.
    pub fn list_table(&self, family: Family, table: u32) -> Result<Vec<RouteEntry>> {
        Ok(self
            .list_all_tables(family)?
            .into_iter()
            .filter(|r| r.table == table)
            .collect())
    }

    /// Lists the routes of every table, like `ip route show table all`, in the order
    /// the kernel dumps them (IPv4 before IPv6 for [`Family::Any`]).
    pub fn list_all_tables(&self, family: Family) -> Result<Vec<RouteEntry>> {
        let mut out = Vec::new();
        for &single in family.each() {
            let mut request = RouteMessage::default();
            request.header = route_header(address_family(single), 0);
            let replies = self
                .conn
                .dump(RouteNetlinkMessage::GetRoute(request))
                .op(|| "listing routes".to_string())?;
            out.extend(replies.into_iter().filter_map(|m| match m {
                RouteNetlinkMessage::NewRoute(m) => parse(m),
                _ => None,
            }));
        }
        Ok(out)
    }
}

/// The netlink address family of a single family (`Any` asks for every family).
fn address_family(family: Family) -> AddressFamily {
    match family {
        Family::Ipv4 => AddressFamily::Inet,
        Family::Ipv6 => AddressFamily::Inet6,
        Family::Any => AddressFamily::Unspec,
    }
}

fn family_of(ip: IpAddr) -> AddressFamily {
    match ip {
        IpAddr::V4(_) => AddressFamily::Inet,
        IpAddr::V6(_) => AddressFamily::Inet6,
    }
}

fn route_address(ip: IpAddr) -> RouteAddress {
    match ip {
        IpAddr::V4(a) => RouteAddress::Inet(a),
        IpAddr::V6(a) => RouteAddress::Inet6(a),
    }
}

fn route_header(family: AddressFamily, table: u32) -> RouteHeader {
    let mut header = RouteHeader::default();
    header.address_family = family;
    header.table = if table > 255 {
        RT_TABLE_COMPAT
    } else {
        table as u8
    };
    header
}

pub(crate) fn parse(message: RouteMessage) -> Option<RouteEntry> {
    let mut destination = None;
    let mut gateway = None;
    let mut device = None;
    let mut metric = None;
    let mut source = None;
    let mut preference = None;
    let mut uid = None;
    let mut table = u32::from(message.header.table);
    for attribute in message.attributes {
        match attribute {
            RouteAttribute::Destination(a) => destination = ip_of(a),
            RouteAttribute::Gateway(a) => gateway = ip_of(a),
            RouteAttribute::Oif(i) => device = Some(i),
            RouteAttribute::Priority(p) => metric = Some(p),
            RouteAttribute::Table(t) => table = t,
            RouteAttribute::PrefSource(a) => source = ip_of(a),
            RouteAttribute::Preference(p) => preference = Some(u8::from(p)),
            RouteAttribute::Uid(u) => uid = Some(u),
            _ => {}
        }
    }
    let any = match message.header.address_family {
        AddressFamily::Inet => IpAddr::from([0u8; 4]),
        AddressFamily::Inet6 => IpAddr::from([0u16; 8]),
        _ => return None,
    };
    let destination = IpNetwork::new(
        destination.unwrap_or(any),
        message.header.destination_prefix_length,
    )
    .ok()?;
    Some(RouteEntry {
        destination,
        gateway,
        device,
        metric,
        table,
        protocol: RouteProtocol(message.header.protocol.into()),
        kind: RouteType::from_number(message.header.kind.into()),
        scope: Scope::from_number(message.header.scope.into()),
        source,
        flags: RouteFlags(message.header.flags.bits()),
        preference,
        tos: message.header.tos,
        cloned: message.header.flags.bits() & RTM_F_CLONED != 0,
        uid,
    })
}

fn ip_of(address: RouteAddress) -> Option<IpAddr> {
    match address {
        RouteAddress::Inet(a) => Some(IpAddr::V4(a)),
        RouteAddress::Inet6(a) => Some(IpAddr::V6(a)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_and_types_print_as_ip_route_prints_them() {
        assert_eq!(RouteProtocol::KERNEL.to_string(), "kernel");
        assert_eq!(RouteProtocol(186).to_string(), "bgp");
        assert_eq!(RouteProtocol(199).to_string(), "199");
        assert_eq!(
            "static".parse::<RouteProtocol>().unwrap(),
            RouteProtocol::STATIC
        );
        assert_eq!("77".parse::<RouteProtocol>().unwrap(), RouteProtocol(77));
        assert!("nonsense".parse::<RouteProtocol>().is_err());
        assert_eq!(RouteType::from_number(0).to_string(), "none");
        assert_eq!(RouteType::from_number(2).to_string(), "local");
        assert_eq!(RouteType::from_number(6).to_string(), "blackhole");
        assert_eq!(RouteType::from_number(42).to_string(), "42");
    }

    #[test]
    fn defaults_have_the_gateways_family() {
        let d4 = Route::default_via("192.0.2.1".parse().unwrap());
        assert_eq!(d4.destination.to_string(), "0.0.0.0/0");
        let d6 = Route::default_via("fd00::1".parse().unwrap());
        assert_eq!(d6.destination.to_string(), "::/0");
        assert_eq!(d6.table, MAIN_TABLE);
    }

    #[test]
    fn tables_above_255_use_the_compat_header_value_and_an_attribute() {
        assert_eq!(route_header(AddressFamily::Inet, 100).table, 100);
        assert_eq!(
            route_header(AddressFamily::Inet, 1000).table,
            RT_TABLE_COMPAT
        );
    }
}
