//! `vnet`: routing and NAT for virtual machines and namespaces.
//!
//! ```text
//! vnet [-n NETNS] [-j] forward show
//! vnet [-n NETNS] forward on|off [--ipv6] [--dev IF]
//! vnet [-n NETNS] proxy-arp on|off dev IF
//! vnet [-n NETNS] proxy-arp add|del ADDR dev IF
//! vnet [-n NETNS] [-j] proxy-arp show
//! vnet [-n NETNS] nat masquerade add|del -o IF [-s CIDR]
//! vnet [-n NETNS] nat forward add|del -p tcp|udp --port PORT --to ADDR[:PORT] [-i IF]
//! vnet [-n NETNS] [-j] nat show
//! vnet [-n NETNS] [-j] conntrack list [-s ADDR[/PREFIX]]
//! vnet [-n NETNS] [-j] conntrack flush [-s ADDR[/PREFIX]]
//! vnet [-n NETNS] [-j] lab up|down|status|list|exec|graph ...   (see vnet_cli::lab)
//! ```
//!
//! Every value is validated while the command line is parsed, so bad input exits with
//! status 2 before anything changes; a failure while acting exits with status 1.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};
use ipnetwork::{IpNetwork, Ipv4Network};
use serde_json::{Value, json};
use vnet_cli::{argv0, failure, print_err, print_out};
use vnet_core::{
    Conf, ConntrackEntry, Family, FlowTuple, Handle, IfName, InstalledRule, L4Protocol, Masquerade,
    NatRule, Netfilter, Netns, PortForward, SysctlKey, Sysctls,
};

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
struct Cli {
    /// Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`.
    #[arg(short = 'n', long = "netns", value_name = "NETNS", global = true)]
    netns: Option<String>,

    /// Print JSON instead of text.
    #[arg(short = 'j', long = "json", global = true)]
    json: bool,

    #[command(subcommand)]
    object: Object,
}

#[derive(Subcommand, Debug)]
enum Object {
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
    Lab(vnet_cli::lab::LabCommand),
}

#[derive(Subcommand, Debug)]
#[command(disable_help_subcommand = true)]
enum ForwardCommand {
    /// Shows forwarding for the namespace and for each interface.
    Show,
    /// Turns forwarding on (net.ipv4.ip_forward=1, or for one interface with --dev).
    On(ForwardArgs),
    /// Turns forwarding off.
    Off(ForwardArgs),
}

#[derive(Args, Debug)]
struct ForwardArgs {
    /// IPv6 forwarding (net.ipv6.conf.all.forwarding) instead of IPv4.
    #[arg(long)]
    ipv6: bool,
    /// Only this interface (net.ipv4.conf.IF.forwarding).
    #[arg(long, value_name = "IF", value_parser = parse_ifname)]
    dev: Option<IfName>,
}

#[derive(Subcommand, Debug)]
#[command(disable_help_subcommand = true)]
enum ProxyArpCommand {
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

#[derive(Args, Debug)]
struct DevArg {
    /// The word "dev", as in `ip ... dev IF`.
    #[arg(id = "dev", value_name = "dev", value_parser = ["dev"], hide_possible_values = true)]
    _dev_word: String,
    /// The interface.
    #[arg(id = "interface", value_name = "IF", value_parser = parse_ifname)]
    dev: IfName,
}

#[derive(Args, Debug)]
struct ProxyEntryArgs {
    /// The address to answer for.
    #[arg(value_name = "ADDR", value_parser = parse_ip)]
    address: IpAddr,
    /// The word "dev", as in `ip neigh add proxy ADDR dev IF`.
    #[arg(id = "dev", value_name = "dev", value_parser = ["dev"], hide_possible_values = true)]
    _dev_word: String,
    /// The interface the ARP requests arrive on.
    #[arg(id = "interface", value_name = "IF", value_parser = parse_ifname)]
    dev: IfName,
}

#[derive(Subcommand, Debug)]
#[command(disable_help_subcommand = true)]
enum NatCommand {
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

#[derive(Subcommand, Debug)]
#[command(disable_help_subcommand = true)]
enum MasqueradeCommand {
    /// Adds the rule (nothing changes if it is there already).
    Add(MasqueradeArgs),
    /// Deletes the rule and the connection tracking entries it created.
    #[command(alias = "delete")]
    Del(MasqueradeArgs),
}

#[derive(Args, Debug)]
struct MasqueradeArgs {
    /// The outgoing interface.
    #[arg(short = 'o', long = "out", value_name = "IF", value_parser = parse_ifname)]
    out: IfName,
    /// Only traffic from this IPv4 prefix (ADDR/LEN, or one address).
    #[arg(short = 's', long = "source", value_name = "CIDR", value_parser = parse_ipv4_prefix)]
    source: Option<Ipv4Network>,
}

#[derive(Subcommand, Debug)]
#[command(disable_help_subcommand = true)]
enum PortForwardCommand {
    /// Adds the rule (nothing changes if it is there already).
    Add(PortForwardArgs),
    /// Deletes the rule and the connection tracking entries it created.
    #[command(alias = "delete")]
    Del(PortForwardArgs),
}

#[derive(Args, Debug)]
struct PortForwardArgs {
    /// The protocol: tcp or udp.
    #[arg(short = 'p', long = "protocol", value_name = "PROTO", value_parser = parse_protocol)]
    protocol: L4Protocol,
    /// The host port.
    #[arg(long, value_name = "PORT", value_parser = parse_port)]
    port: u16,
    /// Where to forward: an IPv4 address, and a port when it differs.
    #[arg(long, value_name = "ADDR[:PORT]", value_parser = parse_target)]
    to: Target,
    /// Only connections arriving on this interface.
    #[arg(short = 'i', long = "in", value_name = "IF", value_parser = parse_ifname)]
    input: Option<IfName>,
}

#[derive(Debug, Clone, Copy)]
struct Target {
    addr: Ipv4Addr,
    port: Option<u16>,
}

#[derive(Subcommand, Debug)]
#[command(disable_help_subcommand = true)]
enum ConntrackCommand {
    /// Lists the entries of both IP families (conntrack -L), or with -s only those with
    /// an address in ADDR[/PREFIX].
    List(AddressFilter),
    /// Deletes every entry (conntrack -F), or with -s only those with an address in
    /// ADDR[/PREFIX], one by one, and then prints how many it deleted.
    Flush(AddressFilter),
}

#[derive(Args, Debug)]
struct AddressFilter {
    /// Only entries with an address in ADDR[/PREFIX] (a bare address is /32 or /128) in
    /// any of their four places: source or destination, of the original or of the reply
    /// direction. So a NATed flow matches by its translated addresses too, and -s is
    /// broader than conntrack(8)'s, which matches the original source only.
    #[arg(short = 's', long = "address", value_name = "ADDR[/PREFIX]", value_parser = parse_prefix)]
    address: Option<IpNetwork>,
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

/// The maintenance entry point `vnet generate-docs DIR` (kept out of the parser, so it
/// shows in neither the help, the man pages nor the completions it writes): vnet's
/// pages and completions, and vip's.
const GENERATE_DOCS: &str = "generate-docs";

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().collect();
    let result = if args.len() == 3 && args[1] == GENERATE_DOCS {
        let dir = Path::new(&args[2]);
        vnet_cli::docs::generate_docs(&Cli::command(), dir)
            .and_then(|()| vnet_cli::ip::docs::write_files(dir))
    } else {
        let cli = Cli::parse();
        if let Object::Lab(command) = &cli.object {
            // Labs have exit statuses of their own (status: 1 on drift).
            return vnet_cli::lab::run(command, cli.netns.as_deref(), cli.json);
        }
        run(&cli)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            print_err(format!("{}: {e}\n", argv0()));
            failure()
        }
    }
}

fn netns(cli: &Cli) -> vnet_core::Result<Netns> {
    match &cli.netns {
        Some(name) => Netns::open(name),
        None => Netns::current(),
    }
}

fn run(cli: &Cli) -> vnet_core::Result<()> {
    match &cli.object {
        Object::Forward(command) => forward(cli, command),
        Object::ProxyArp(command) => proxy_arp(cli, command),
        Object::Nat(command) => nat(cli, command),
        Object::Conntrack(command) => conntrack(cli, command),
        Object::Lab(_) => unreachable!("handled in main"),
    }
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

fn forward(cli: &Cli, command: &ForwardCommand) -> vnet_core::Result<()> {
    let sysctls = Sysctls::new(&netns(cli)?);
    let (args, on) = match command {
        ForwardCommand::Show => return forward_show(cli, &sysctls),
        ForwardCommand::On(args) => (args, true),
        ForwardCommand::Off(args) => (args, false),
    };
    let key = match (&args.dev, args.ipv6) {
        (None, false) => SysctlKey::IpForward,
        (None, true) => SysctlKey::Ipv6Forwarding(Conf::All),
        (Some(dev), false) => SysctlKey::Ipv4Forwarding(Conf::Dev(dev.clone())),
        (Some(dev), true) => SysctlKey::Ipv6Forwarding(Conf::Dev(dev.clone())),
    };
    sysctls.switch(&key, on).map(|_| ())
}

fn forward_show(cli: &Cli, sysctls: &Sysctls) -> vnet_core::Result<()> {
    let ipv4 = sysctls.get(&SysctlKey::IpForward)? != 0;
    let ipv6 = sysctls.get(&SysctlKey::Ipv6Forwarding(Conf::All))? != 0;
    let mut devices = Vec::new();
    for dev in sysctls.interfaces(Family::Ipv4)? {
        let v4 = sysctls.get(&SysctlKey::Ipv4Forwarding(Conf::Dev(dev.clone())))? != 0;
        // IPv6 can be disabled per device: then it has no ipv6 conf directory.
        let v6 = sysctls
            .get(&SysctlKey::Ipv6Forwarding(Conf::Dev(dev.clone())))
            .ok()
            .map(|v| v != 0);
        devices.push((dev, v4, v6));
    }
    if cli.json {
        let devices: Vec<Value> = devices
            .iter()
            .map(|(dev, v4, v6)| json!({"dev": dev.to_string(), "ipv4": v4, "ipv6": v6}))
            .collect();
        print_json(&json!({"ipv4": ipv4, "ipv6": ipv6, "devices": devices}));
    } else {
        let mut text = format!(
            "ipv4 forwarding {}\nipv6 forwarding {}\n",
            on_off(ipv4),
            on_off(ipv6)
        );
        for (dev, v4, v6) in devices {
            let v6 = v6.map_or("-", on_off);
            text.push_str(&format!("dev {dev} ipv4 {} ipv6 {v6}\n", on_off(v4)));
        }
        print_out(&text);
    }
    Ok(())
}

fn proxy_arp(cli: &Cli, command: &ProxyArpCommand) -> vnet_core::Result<()> {
    let netns = netns(cli)?;
    match command {
        ProxyArpCommand::On(arg) | ProxyArpCommand::Off(arg) => {
            let on = matches!(command, ProxyArpCommand::On(_));
            let key = SysctlKey::ProxyArp(Conf::Dev(arg.dev.clone()));
            Sysctls::new(&netns).switch(&key, on).map(|_| ())
        }
        ProxyArpCommand::Add(entry) => Handle::new(&netns)?
            .neigh()
            .add_proxy(&entry.dev, entry.address),
        ProxyArpCommand::Del(entry) => Handle::new(&netns)?
            .neigh()
            .delete_proxy(&entry.dev, entry.address),
        ProxyArpCommand::Show => proxy_arp_show(cli, &netns),
    }
}

fn proxy_arp_show(cli: &Cli, netns: &Netns) -> vnet_core::Result<()> {
    let sysctls = Sysctls::new(netns);
    let mut switches = Vec::new();
    for dev in sysctls.interfaces(Family::Ipv4)? {
        let on = sysctls.get(&SysctlKey::ProxyArp(Conf::Dev(dev.clone())))? != 0;
        switches.push((dev, on));
    }
    let all = sysctls.get(&SysctlKey::ProxyArp(Conf::All))? != 0;
    let handle = Handle::new(netns)?;
    let mut entries = Vec::new();
    for entry in handle.neigh().list_proxy(Family::Any)? {
        let dev = handle
            .link()
            .get_index(entry.index)
            .map(|l| l.name.to_string())
            .unwrap_or_else(|_| format!("#{}", entry.index));
        entries.push((entry.address, dev));
    }
    if cli.json {
        let switches: Vec<Value> = switches
            .iter()
            .map(|(dev, on)| json!({"dev": dev.to_string(), "proxy_arp": on}))
            .collect();
        let entries: Vec<Value> = entries
            .iter()
            .map(|(addr, dev)| json!({"address": addr.to_string(), "dev": dev}))
            .collect();
        print_json(&json!({"all": all, "devices": switches, "entries": entries}));
    } else {
        let mut text = format!("all proxy_arp {}\n", on_off(all));
        for (dev, on) in switches {
            text.push_str(&format!("dev {dev} proxy_arp {}\n", on_off(on)));
        }
        for (addr, dev) in entries {
            text.push_str(&format!("proxy {addr} dev {dev}\n"));
        }
        print_out(&text);
    }
    Ok(())
}

fn nat(cli: &Cli, command: &NatCommand) -> vnet_core::Result<()> {
    let netfilter = Netfilter::new(&netns(cli)?)?;
    let (rule, add) = match command {
        NatCommand::Show => return nat_show(cli, &netfilter),
        NatCommand::Masquerade(MasqueradeCommand::Add(args)) => (masquerade(args), true),
        NatCommand::Masquerade(MasqueradeCommand::Del(args)) => (masquerade(args), false),
        NatCommand::Forward(PortForwardCommand::Add(args)) => (port_forward(args)?, true),
        NatCommand::Forward(PortForwardCommand::Del(args)) => (port_forward(args)?, false),
    };
    if add {
        netfilter.nat().add(&rule).map(|_| ())
    } else {
        netfilter.nat().delete(&rule)
    }
}

fn masquerade(args: &MasqueradeArgs) -> NatRule {
    let mut rule = Masquerade::new(args.out.clone());
    if let Some(source) = args.source {
        rule = rule.source(source);
    }
    rule.into()
}

fn port_forward(args: &PortForwardArgs) -> vnet_core::Result<NatRule> {
    let mut rule = PortForward::new(args.protocol, args.port, args.to.addr)?;
    if let Some(port) = args.to.port {
        rule = rule.to_port(port)?;
    }
    if let Some(input) = &args.input {
        rule = rule.input(input.clone());
    }
    Ok(rule.into())
}

/// The rule in this command's own syntax (what to type to delete it).
fn rule_text(rule: &NatRule) -> String {
    match rule {
        NatRule::Masquerade(m) => {
            let mut text = format!("masquerade -o {}", m.out);
            if let Some(source) = m.source {
                text.push_str(&format!(" -s {source}"));
            }
            text
        }
        NatRule::PortForward(f) => {
            let mut text = format!("forward -p {} --port {} --to {}", f.protocol, f.port, f.to);
            if let Some(port) = f.to_port {
                text.push_str(&format!(":{port}"));
            }
            if let Some(input) = &f.input {
                text.push_str(&format!(" -i {input}"));
            }
            text
        }
    }
}

fn rule_json(installed: &InstalledRule) -> Value {
    let mut value = match &installed.rule {
        NatRule::Masquerade(m) => json!({
            "type": "masquerade",
            "out": m.out.to_string(),
            "source": m.source.map(|s| s.to_string()),
        }),
        NatRule::PortForward(f) => json!({
            "type": "forward",
            "protocol": f.protocol.as_str(),
            "port": f.port,
            "to": f.to.to_string(),
            "to_port": f.to_port,
            "in": f.input.as_ref().map(|i| i.to_string()),
        }),
    };
    value["handle"] = json!(installed.handle);
    value["nft"] = json!(installed.rule.to_string());
    value
}

fn nat_show(cli: &Cli, netfilter: &Netfilter) -> vnet_core::Result<()> {
    let rules = netfilter.nat().list()?;
    if cli.json {
        print_json(&Value::Array(rules.iter().map(rule_json).collect()));
    } else {
        let text: String = rules
            .iter()
            .map(|r| format!("{}  # handle {}\n", rule_text(&r.rule), r.handle))
            .collect();
        print_out(&text);
    }
    Ok(())
}

fn tuple_json(t: &FlowTuple) -> Value {
    json!({
        "src": t.src.to_string(),
        "dst": t.dst.to_string(),
        "sport": t.src_port,
        "dport": t.dst_port,
    })
}

fn entry_json(e: &ConntrackEntry) -> Value {
    json!({
        "protocol": e.protocol_name(),
        "original": tuple_json(&e.original),
        "reply": tuple_json(&e.reply),
        "state": e.tcp_state.map(|s| s.as_str()),
        "snat": e.src_nat(),
        "dnat": e.dst_nat(),
        "assured": e.assured(),
        "mark": e.mark,
        "timeout": e.timeout,
    })
}

fn conntrack(cli: &Cli, command: &ConntrackCommand) -> vnet_core::Result<()> {
    let netfilter = Netfilter::new(&netns(cli)?)?;
    let conntrack = netfilter.conntrack();
    match command {
        ConntrackCommand::List(filter) => {
            let entries: Vec<ConntrackEntry> = conntrack
                .list()?
                .into_iter()
                .filter(|e| filter.address.is_none_or(|net| e.involves_network(net)))
                .collect();
            if cli.json {
                print_json(&Value::Array(entries.iter().map(entry_json).collect()));
            } else {
                print_out(&entries.iter().map(|e| format!("{e}\n")).collect::<String>());
            }
        }
        ConntrackCommand::Flush(filter) => match filter.address {
            None => conntrack.flush()?,
            Some(net) => {
                let deleted = conntrack.flush_matching(|e| e.involves_network(net))?;
                if cli.json {
                    print_json(&json!({"deleted": deleted}));
                } else {
                    print_out(&format!("{deleted} conntrack entries deleted\n"));
                }
            }
        },
    }
    Ok(())
}

fn print_json(value: &Value) {
    print_out(&format!("{value}\n"));
}
