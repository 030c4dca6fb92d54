//! vip's manual page and shell completions, generated from one table of what vip runs:
//! the global options, and for each object its commands and their arguments in ip's
//! notation. The committed copies (`vnet-cli/man/vip.8`, `vnet-cli/completions/vip.*`)
//! are checked against these by a test, which rewrites them when asked
//! (`VNET_UPDATE_DOCS=1 cargo test -p vnet-cli --test vip_docs`); `vnet generate-docs
//! vnet-cli`, which writes every tool's pages, writes them with [`write_files`].

use std::path::Path;

/// A global option: its spellings, its value's placeholder, what it does.
struct GlobalOption {
    names: &'static str,
    value: Option<&'static str>,
    help: &'static str,
}

const OPTIONS: &[GlobalOption] = &[
    GlobalOption {
        names: "-n, -netns",
        value: Some("NETNS"),
        help: "Act inside the named network namespace NETNS (/run/netns/NETNS).",
    },
    GlobalOption {
        names: "-j, -json",
        value: None,
        help: "Print listings as JSON, as ip -j prints them.",
    },
    GlobalOption {
        names: "-p, -pretty",
        value: None,
        help: "Lay JSON out over lines, as ip -p -j does.",
    },
    GlobalOption {
        names: "-br, -brief",
        value: None,
        help: "One line per link in link and address listings.",
    },
    GlobalOption {
        names: "-o, -oneline",
        value: None,
        help: "Every record on one line, its line breaks printed as a backslash.",
    },
    GlobalOption {
        names: "-s, -stats",
        value: None,
        help: "Each link's counters in link and address listings; twice (-s -s) with the \
               error breakdown.",
    },
    GlobalOption {
        names: "-d, -details",
        value: None,
        help: "Each link's details in link and address listings, as ip -d prints them: \
               promiscuity, MTU range, the options of its kind (bridge, VXLAN, macvlan, \
               macvtap, tun/tap, VLAN) and of its bridge port, address generation mode, \
               queues and offload limits; every route's type, table, protocol and scope. \
               Links of kinds whose options vip does not decode (bond, vrf, tunnels...) \
               and ip tuntap show are refused.",
    },
    GlobalOption {
        names: "-4, -6",
        value: None,
        help: "Only IPv4 (IPv6) addresses, routes and neighbours.",
    },
    GlobalOption {
        names: "-f, -family",
        value: Some("inet|inet6"),
        help: "The same as -4 or -6.",
    },
    GlobalOption {
        names: "-b, -batch",
        value: Some("FILE"),
        help: "Run the commands of FILE (- for standard input), one per line; stop at the \
               first that fails (\"Command failed FILE:LINE\"). Beyond ip: a line may start \
               with -n NETNS and -j, which apply to that line only, so one file builds a lab \
               across namespaces in one process.",
    },
    GlobalOption {
        names: "-force",
        value: None,
        help: "In a batch, go on after a failed line, and exit 1 at the end.",
    },
    GlobalOption {
        names: "-V, -Version",
        value: None,
        help: "Print the version.",
    },
];

/// An object and its commands, each as ip's manual writes its syntax.
const OBJECTS: &[(&str, &str, &[&str])] = &[
    (
        "link",
        "network devices",
        &[
            "add [link DEV] NAME [address LLADDR] [mtu MTU] [group GROUP] [master DEV] [netns NETNS] [up] type TYPE [ARGS]",
            "    TYPE := veth peer name PEER [address LLADDR] [mtu MTU] [netns NETNS]",
            "          | bridge [forward_delay N] [hello_time N] [max_age N] [ageing_time N] [stp_state 0|1] [priority N] [vlan_filtering 0|1] [vlan_default_pvid N]",
            "          | vlan id ID [protocol 802.1Q|802.1ad]",
            "          | vxlan id VNI [remote ADDR | group ADDR dev DEV] [local ADDR] [dev DEV] [ttl TTL] [dstport PORT] [nolearning]",
            "          | macvlan [mode private|vepa|bridge|passthru|source]",
            "set [dev] DEV [up|down] [master DEV|nomaster] [netns NETNS] [name NAME] [mtu MTU] [address LLADDR] [group GROUP]",
            "delete [dev] DEV | group GROUP",
            "show [[dev] DEV] [up] [type KIND] [master DEV] [group GROUP]",
        ],
    ),
    (
        "address",
        "IPv4 and IPv6 addresses",
        &[
            "add|replace|change ADDR/PLEN [peer ADDR] [brd ADDR|+|-] [label LABEL] [scope SCOPE] [metric N] [nodad] [noprefixroute] dev DEV",
            "delete ADDR/PLEN dev DEV",
            "show [[dev] DEV] [up] [type KIND] [master DEV] [group GROUP]",
            "flush dev DEV",
        ],
    ),
    (
        "route",
        "routes",
        &[
            "add|replace|prepend|append|change|test|delete PREFIX|default [via ADDR] [dev DEV] [metric N] [table TABLE] [src ADDR] [scope SCOPE] [proto PROTO]",
            "show [table TABLE|all] [dev DEV]",
            "get ADDR [oif DEV]",
            "flush table TABLE | dev DEV",
        ],
    ),
    (
        "neigh",
        "neighbour (ARP and NDP) and proxy entries",
        &[
            "add|replace|change|delete ADDR [lladdr LLADDR] [nud STATE] [router] dev DEV",
            "add|delete proxy ADDR dev DEV",
            "show [dev DEV] [nud STATE] [proxy]",
            "flush dev DEV",
        ],
    ),
    (
        "netns",
        "named network namespaces",
        &[
            "add NAME",
            "delete NAME",
            "list",
            "exec NAME COMMAND [ARGS]",
            "pids NAME",
            "identify [PID]",
        ],
    ),
    (
        "tuntap",
        "tun and tap devices",
        &[
            "add|delete [dev] NAME mode tun|tap [user USER] [group GROUP] [pi] [vnet_hdr] [multi_queue]",
            "show",
        ],
    ),
];

/// Escapes text for roff: backslashes, and a dash that would read as a hyphen.
fn roff(text: &str) -> String {
    text.replace('\\', "\\e").replace('-', "\\-")
}

/// Writes vip's manual page into `dir/man/vip.8` and its completions into
/// `dir/completions` (`vip.bash`, `_vip`, `vip.fish`); the folders must exist.
pub fn write_files(dir: &Path) -> vnet_core::Result<()> {
    let files = [
        ("man/vip.8", man_page()),
        ("completions/vip.bash", bash_completion()),
        ("completions/_vip", zsh_completion()),
        ("completions/vip.fish", fish_completion()),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| vnet_core::Error::io(format!("writing {}", path.display()), e))?;
    }
    Ok(())
}

/// The manual page `vip(8)`, in roff.
pub fn man_page() -> String {
    let mut out = String::new();
    out += &format!(".TH vip 8 \"vnet {}\"\n", env!("CARGO_PKG_VERSION"));
    out += ".SH NAME\nvip \\- the ip lines of lab scripts, through vnet, in one process\n";
    out += ".SH SYNOPSIS\n\\fBvip\\fR [\\fIOPTIONS\\fR] \\fIOBJECT\\fR \\fICOMMAND\\fR ...\n.br\n";
    out += "\\fBvip\\fR [\\fB\\-force\\fR] \\fB\\-batch\\fR \\fIFILE\\fR\n";
    out += ".SH DESCRIPTION\n";
    out += roff(
        "vip runs the ip commands of lab scripts (namespaces, veth pairs, bridges, VLANs, VXLAN, \
         macvlan, tun/tap devices, addresses, routes, neighbour and proxy entries) through the vnet \
         library: the same arguments, abbreviations, output (text and -j JSON), messages and exit \
         codes as iproute2's ip 6.1, so it can be installed as ip (ln -s vip ip). What it does \
         not run, it says (\"vip: ... is not supported\") and exits 255. Interface names are \
         bytes, as they are to ip: a name that is not UTF-8 is taken, found and printed exactly; \
         a word that is not UTF-8 where ip reads text (a number, an address, a namespace name) \
         is refused with exit 255.",
    )
    .as_str();
    out += "\n.SH OPTIONS\n";
    for o in OPTIONS {
        let names: Vec<String> = o
            .names
            .split(", ")
            .map(|n| format!("\\fB{}\\fR", roff(n)))
            .collect();
        out += &format!(".TP\n{}", names.join(", "));
        if let Some(v) = o.value {
            out += &format!(" \\fI{}\\fR", roff(v));
        }
        out += &format!("\n{}\n", roff(o.help));
    }
    out += ".SH COMMANDS\n";
    for (object, what, commands) in OBJECTS {
        out += &format!(".SS {object}: {}\n", roff(what));
        for command in *commands {
            match command.strip_prefix("    ") {
                Some(rest) => out += &format!(".br\n\\ \\ \\ \\ {}\n", roff(rest)),
                None => out += &format!(".br\n\\fBvip {object}\\fR {}\n", roff(command)),
            }
        }
    }
    out += ".SH EXIT STATUS\n";
    out += &roff(
        "0 on success; 1 for a failure ip reports and goes on from (a missing device, a bad \
         address, a failed batch line); 2 when the kernel refuses a change; 255 for a command \
         line ip cannot read, and for anything vip does not support.",
    );
    out +=
        "\n.SH SEE ALSO\n\\fBip\\fR(8), \\fBvnet\\fR(8), \\fBvbrctl\\fR(8), \\fBvtunctl\\fR(8)\n";
    out
}

/// The global option words.
fn option_words() -> Vec<&'static str> {
    OPTIONS.iter().flat_map(|o| o.names.split(", ")).collect()
}

/// The command words of `object`: the first word of each command line, split at `|`.
fn command_words(commands: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = commands
        .iter()
        .filter(|c| !c.starts_with(' '))
        .flat_map(|c| c.split(' ').next().unwrap_or("").split('|'))
        .map(str::to_string)
        .collect();
    words.dedup();
    words
}

/// Completion for bash: options and objects, then each object's commands.
pub fn bash_completion() -> String {
    let objects: Vec<&str> = OBJECTS.iter().map(|(o, _, _)| *o).collect();
    let mut out = String::from(
        "# bash completion for vip, generated by vnet-cli (vnet_cli::ip::docs)\n\
         _vip() {\n    local cur=\"${COMP_WORDS[COMP_CWORD]}\" i object=\"\"\n\
         \x20   for ((i = 1; i < COMP_CWORD; i++)); do\n\
         \x20       case \"${COMP_WORDS[i]}\" in\n\
         \x20           -n|-netns|-b|-batch|-f|-family) ((i++)) ;;\n\
         \x20           -*) ;;\n\
         \x20           *) object=\"${COMP_WORDS[i]}\"; break ;;\n\
         \x20       esac\n    done\n    case \"$object\" in\n",
    );
    for (object, _, commands) in OBJECTS {
        out += &format!(
            "        {object}) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")) ;;\n",
            command_words(commands).join(" ")
        );
    }
    out += &format!(
        "        *) COMPREPLY=($(compgen -W \"{} {}\" -- \"$cur\")) ;;\n    esac\n}}\n\
         complete -F _vip vip\n",
        option_words().join(" "),
        objects.join(" ")
    );
    out
}

/// Completion for zsh.
pub fn zsh_completion() -> String {
    let mut out = String::from(
        "#compdef vip\n# zsh completion for vip, generated by vnet-cli (vnet_cli::ip::docs)\n\
         _vip() {\n  local -a objects\n  objects=(\n",
    );
    for (object, what, _) in OBJECTS {
        out += &format!("    '{object}:{what}'\n");
    }
    out += "  )\n  local object=${words[2]}\n  case $object in\n";
    for (object, _, commands) in OBJECTS {
        out += &format!(
            "    {object}) compadd -- {} ;;\n",
            command_words(commands).join(" ")
        );
    }
    out += &format!(
        "    *) _describe 'object' objects; compadd -- {} ;;\n  esac\n}}\n_vip \"$@\"\n",
        option_words().join(" ")
    );
    out
}

/// Completion for fish.
pub fn fish_completion() -> String {
    let mut out =
        String::from("# fish completion for vip, generated by vnet-cli (vnet_cli::ip::docs)\n");
    for (object, what, commands) in OBJECTS {
        out += &format!("complete -c vip -n '__fish_use_subcommand' -f -a {object} -d '{what}'\n");
        out += &format!(
            "complete -c vip -n '__fish_seen_subcommand_from {object}' -f -a '{}'\n",
            command_words(commands).join(" ")
        );
    }
    for o in OPTIONS {
        for name in o.names.split(", ") {
            out += &format!(
                "complete -c vip -n '__fish_use_subcommand' -o {} -d '{}'\n",
                name.trim_start_matches('-'),
                o.help.split('.').next().unwrap_or("").replace('\'', "\\'")
            );
        }
    }
    out
}
