//! The command line of `vnet` (its clap parser and the parsers of its values), apart
//! from what the commands do (the `vnet` binary), so that the fuzz targets can parse
//! command lines without acting on them.
//!
//! Every value is validated while the command line is parsed, so bad input exits with
//! status 2 before anything changes.

use std::net::{IpAddr, Ipv4Addr};

use clap::{Args, Parser, Subcommand};
use ipnetwork::{IpNetwork, Ipv4Network};
use vnet_core::{IfName, L4Protocol};

/// Routing and NAT for virtual machines and namespaces: IP forwarding, proxy ARP,
/// MASQUERADE, port forwarding and connection tracking, through netlink and /proc/sys
/// (no iptables, nft or sysctl binary needed).
#[derive(Parser, Debug)]
#[command(
    name = "vnet",
    version,
    propagate_version = true,
    disable_help_subcommand = true,
    after_long_help = OVERVIEW
)]
pub struct Cli {
    /// Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`.
    #[arg(short = 'n', long = "netns", value_name = "NETNS", global = true)]
    pub netns: Option<String>,

    /// Print JSON instead of text.
    #[arg(short = 'j', long = "json", global = true)]
    pub json: bool,

    /// The object and its command.
    #[command(subcommand)]
    pub object: Object,
}

/// The objects of the command line (`vnet OBJECT ...`).
#[derive(Subcommand, Debug)]
pub enum Object {
    /// IP forwarding (net.ipv4.ip_forward, net.ipv4/ipv6.conf.IF.forwarding).
    #[command(subcommand)]
    Forward(ForwardCommand),
    /// Proxy ARP: the per-interface switch and proxy entries.
    #[command(subcommand, name = "proxy-arp")]
    ProxyArp(ProxyArpCommand),
    /// NAT rules in vnet's own nftables table (table ip vnet).
    #[command(subcommand)]
    Nat(NatCommand),
    /// Connection tracking entries.
    #[command(subcommand)]
    Conntrack(ConntrackCommand),
    /// Labs: whole topologies from a TOML file (up, down, status, list, exec, graph).
    #[command(subcommand)]
    Lab(crate::lab::LabCommand),
}

/// `vnet forward ...`.
#[derive(Subcommand, Debug)]
#[command(disable_help_subcommand = true)]
pub enum ForwardCommand {
    /// Shows forwarding for the namespace and for each interface.
    Show,
    /// Turns forwarding on (net.ipv4.ip_forward=1, or for one interface with --dev).
    On(ForwardArgs),
    /// Turns forwarding off.
    Off(ForwardArgs),
}

/// The arguments of `vnet forward on|off`.
#[derive(Args, Debug)]
pub struct ForwardArgs {
    /// IPv6 forwarding (net.ipv6.conf.all.forwarding) instead of IPv4.
    #[arg(long)]
    pub ipv6: bool,
    /// Only this interface (net.ipv4.conf.IF.forwarding).
    #[arg(long, value_name = "IF", value_parser = parse_ifname)]
    pub dev: Option<IfName>,
}

/// `vnet proxy-arp ...`.
#[derive(Subcommand, Debug)]
#[command(disable_help_subcommand = true)]
pub enum ProxyArpCommand {
    /// Answers ARP on IF for addresses routed through other interfaces
    /// (net.ipv4.conf.IF.proxy_arp=1; needs forwarding on).
    On(DevArg),
    /// Stops answering ARP on IF for other hosts (net.ipv4.conf.IF.proxy_arp=0).
    Off(DevArg),
    /// Answers ARP on IF for ADDR (ip neigh add proxy ADDR dev IF; needs forwarding
    /// on and a route to ADDR through another interface).
    Add(ProxyEntryArgs),
    /// Deletes a proxy entry (ip neigh del proxy ADDR dev IF).
    #[command(alias = "delete")]
    Del(ProxyEntryArgs),
    /// Shows the proxy_arp switch of each interface and the proxy entries.
    Show,
}

// The literal word `dev` is an argument of its own, named "dev" (completions show the
// name), and the interface after it is named "interface".

/// `dev IF`.
#[derive(Args, Debug)]
pub struct DevArg {
    /// The word "dev", as in `ip ... dev IF`.
    #[arg(id = "dev", value_name = "dev", value_parser = ["dev"], hide_possible_values = true)]
    _dev_word: String,
    /// The interface.
    #[arg(id = "interface", value_name = "IF", value_parser = parse_ifname)]
    pub dev: IfName,
}

/// `ADDR dev IF` of a proxy entry.
#[derive(Args, Debug)]
pub struct ProxyEntryArgs {
    /// The address to answer for.
    #[arg(value_name = "ADDR", value_parser = parse_ip)]
    pub address: IpAddr,
    /// The word "dev", as in `ip neigh add proxy ADDR dev IF`.
    #[arg(id = "dev", value_name = "dev", value_parser = ["dev"], hide_possible_values = true)]
    _dev_word: String,
    /// The interface the ARP requests arrive on.
    #[arg(id = "interface", value_name = "IF", value_parser = parse_ifname)]
    pub dev: IfName,
}

/// `vnet nat ...`.
#[derive(Subcommand, Debug)]
#[command(disable_help_subcommand = true)]
pub enum NatCommand {
    /// MASQUERADE: traffic leaving through an interface takes its address.
    #[command(subcommand)]
    Masquerade(MasqueradeCommand),
    /// Port forwarding (DNAT) of a host port to ADDR[:PORT]: only connections to one of
    /// this host's own addresses (fib daddr type local), from outside, from the host
    /// itself and from VMs through the host (hairpin); not to 127.0.0.1.
    #[command(subcommand)]
    Forward(PortForwardCommand),
    /// Shows the rules vnet installed.
    Show,
}

/// `vnet nat masquerade ...`.
#[derive(Subcommand, Debug)]
#[command(disable_help_subcommand = true)]
pub enum MasqueradeCommand {
    /// Adds the rule (nothing changes if it is there already).
    Add(MasqueradeArgs),
    /// Deletes the rule and the connection tracking entries it created.
    #[command(alias = "delete")]
    Del(MasqueradeArgs),
}

/// The arguments of a masquerade rule.
#[derive(Args, Debug)]
pub struct MasqueradeArgs {
    /// The outgoing interface.
    #[arg(short = 'o', long = "out", value_name = "IF", value_parser = parse_ifname)]
    pub out: IfName,
    /// Only traffic from this IPv4 prefix (ADDR/LEN, or one address).
    #[arg(short = 's', long = "source", value_name = "CIDR", value_parser = parse_ipv4_prefix)]
    pub source: Option<Ipv4Network>,
}

/// `vnet nat forward ...`.
#[derive(Subcommand, Debug)]
#[command(disable_help_subcommand = true)]
pub enum PortForwardCommand {
    /// Adds the rule (nothing changes if it is there already).
    Add(PortForwardArgs),
    /// Deletes the rule and the connection tracking entries it created.
    #[command(alias = "delete")]
    Del(PortForwardArgs),
}

/// The arguments of a port-forward rule.
#[derive(Args, Debug)]
pub struct PortForwardArgs {
    /// The protocol: tcp or udp.
    #[arg(short = 'p', long = "protocol", value_name = "PROTO", value_parser = parse_protocol)]
    pub protocol: L4Protocol,
    /// The host port.
    #[arg(long, value_name = "PORT", value_parser = parse_port)]
    pub port: u16,
    /// Where to forward: an IPv4 address, and a port when it differs.
    #[arg(long, value_name = "ADDR[:PORT]", value_parser = parse_target)]
    pub to: Target,
    /// Only connections arriving on this interface.
    #[arg(short = 'i', long = "in", value_name = "IF", value_parser = parse_ifname)]
    pub input: Option<IfName>,
}

/// Where a port forward sends connections: `ADDR[:PORT]`.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The address.
    pub addr: Ipv4Addr,
    /// The port, when it differs from the host port.
    pub port: Option<u16>,
}

/// `vnet conntrack ...`.
#[derive(Subcommand, Debug)]
#[command(disable_help_subcommand = true)]
pub enum ConntrackCommand {
    /// Lists the entries of both IP families (conntrack -L), or with -s only those with
    /// an address in ADDR[/PREFIX].
    List(AddressFilter),
    /// Deletes every entry (conntrack -F), or with -s only those with an address in
    /// ADDR[/PREFIX], one by one, and then prints how many it deleted.
    Flush(AddressFilter),
}

/// `-s ADDR[/PREFIX]` of the conntrack commands.
#[derive(Args, Debug)]
pub struct AddressFilter {
    /// Only entries with an address in ADDR[/PREFIX] (a bare address is /32 or /128) in
    /// any of their four places: source or destination, of the original or of the reply
    /// direction. So a NATed flow matches by its translated addresses too, and -s is
    /// broader than conntrack(8)'s, which matches the original source only.
    #[arg(short = 's', long = "address", value_name = "ADDR[/PREFIX]", value_parser = parse_prefix)]
    pub address: Option<IpNetwork>,
}

fn parse_ifname(s: &str) -> Result<IfName, String> {
    IfName::new(s).map_err(|e| e.to_string())
}

fn parse_ip(s: &str) -> Result<IpAddr, String> {
    s.parse()
        .map_err(|_| format!("invalid address '{s}': not an IPv4 or IPv6 address"))
}

/// Parses `ADDR/LEN` or a bare `ADDR` (a host prefix: /32 or /128); see
/// [`vnet_core::parse_cidr`] for the reasons a bad one gets.
fn parse_prefix(s: &str) -> Result<IpNetwork, String> {
    vnet_core::parse_cidr(s).map_err(|e| e.to_string())
}

fn parse_ipv4_prefix(s: &str) -> Result<Ipv4Network, String> {
    match parse_prefix(s)? {
        IpNetwork::V4(net) => Ok(net),
        IpNetwork::V6(_) => Err(format!(
            "invalid address prefix '{s}': NAT rules are IPv4 only (table ip vnet)"
        )),
    }
}

fn parse_protocol(s: &str) -> Result<L4Protocol, String> {
    s.parse().map_err(|e: vnet_core::Error| e.to_string())
}

fn parse_port(s: &str) -> Result<u16, String> {
    match s.parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(format!(
            "invalid port '{s}': must be a number between 1 and 65535"
        )),
    }
}

fn parse_target(s: &str) -> Result<Target, String> {
    // An IPv6 address has colons of its own: say so rather than read its tail as a port.
    let bare = s
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .map_or(s, |(a, _)| a);
    if bare.parse::<std::net::Ipv6Addr>().is_ok() {
        return Err(format!(
            "invalid target '{s}': IPv6 targets are not supported (NAT rules are IPv4 only, table ip vnet)"
        ));
    }
    let (addr, port) = match s.split_once(':') {
        Some((addr, port)) => (addr, Some(parse_port(port)?)),
        None => (s, None),
    };
    let addr = addr
        .parse::<Ipv4Addr>()
        .map_err(|_| format!("invalid target '{s}': expected IPV4ADDR or IPV4ADDR:PORT"))?;
    Ok(Target { addr, port })
}

/// The whole syntax and examples, shown by `vnet --help` and in vnet(8).
const OVERVIEW: &str = "\
Commands:
  vnet [-n NETNS] [-j] forward show
  vnet [-n NETNS] forward on|off [--ipv6] [--dev IF]
  vnet [-n NETNS] proxy-arp on|off dev IF
  vnet [-n NETNS] proxy-arp add|del ADDR dev IF
  vnet [-n NETNS] [-j] proxy-arp show
  vnet [-n NETNS] nat masquerade add|del -o IF [-s CIDR]
  vnet [-n NETNS] nat forward add|del -p tcp|udp --port PORT
                                      --to ADDR[:PORT] [-i IF]
  vnet [-n NETNS] [-j] nat show
  vnet [-n NETNS] [-j] conntrack list [-s ADDR[/PREFIX]]
  vnet [-n NETNS] [-j] conntrack flush [-s ADDR[/PREFIX]]

NAT rules live in the nftables table 'ip vnet' (chains postrouting,
prerouting, output and hairpin); other tables and iptables rules are
never touched, nor rules someone added to 'ip vnet' by hand. Adding a
rule twice leaves one; deleting a rule also deletes the connection
tracking entries it created, so it stops at once. A port forward takes
only connections to the host's own addresses (fib daddr type local),
not those passing through it to other machines. Without -i it also
takes, as QEMU's hostfwd does, connections the host opens to its own
addresses (masqueraded towards the VM) and connections from VMs to the
host's address on their bridge (hairpin, masqueraded). 127.0.0.1 is
not forwarded: that needs route_localnet on the VM-facing interface,
which exposes the host's loopback services to the VMs (CVE-2020-8558).

conntrack -s ADDR[/PREFIX] selects the entries with an address in
the prefix as source or destination, in either direction (conntrack
-s matches the original source only). flush without -s deletes
every entry.

Examples:
  Route VMs out of eth0 (ip_forward=1 and iptables MASQUERADE):
    vnet forward on
    vnet nat masquerade add -o eth0 -s 192.168.0.0/24
  Forward host port 5555 to the SSH port of a VM:
    vnet nat forward add -p tcp --port 5555 --to 192.168.0.2:22
  Answer ARP on eth0 for a VM (arp -Ds 172.16.99.1 eth0 pub):
    vnet proxy-arp add 172.16.99.1 dev eth0
  Work inside the namespace 'router', with JSON output:
    vnet -n router -j nat show

Exit status: 0 on success, 1 when an operation failed, 2 for\ninvalid usage.";
