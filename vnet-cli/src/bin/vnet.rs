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
//! The command line is parsed by [`vnet_cli::cli`]: every value is validated while it is
//! parsed, so bad input exits with status 2 before anything changes; a failure while
//! acting exits with status 1.

use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use serde_json::{Value, json};
use vnet_cli::cli::{
    Cli, ConntrackCommand, ForwardCommand, MasqueradeArgs, MasqueradeCommand, NatCommand, Object,
    PortForwardArgs, PortForwardCommand, ProxyArpCommand,
};
use vnet_cli::{argv0, failure, print_err, print_out};
use vnet_core::{
    Conf, ConntrackEntry, Family, FlowTuple, Handle, InstalledRule, Masquerade, NatRule, Netfilter,
    Netns, PortForward, SysctlKey, Sysctls,
};

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
