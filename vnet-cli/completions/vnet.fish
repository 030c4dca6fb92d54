# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_vnet_global_optspecs
    string join \n n/netns= j/json h/help V/version
end

function __fish_vnet_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_vnet_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_vnet_using_subcommand
    set -l cmd (__fish_vnet_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c vnet -n "__fish_vnet_needs_command" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_needs_command" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vnet -n "__fish_vnet_needs_command" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_needs_command" -f -a "forward" -d 'IP forwarding (net.ipv4.ip_forward, net.ipv4/ipv6.conf.IF.forwarding)'
complete -c vnet -n "__fish_vnet_needs_command" -f -a "proxy-arp" -d 'Proxy ARP: the per-interface switch and proxy entries'
complete -c vnet -n "__fish_vnet_needs_command" -f -a "nat" -d 'NAT rules in vnet\'s own nftables table (table ip vnet)'
complete -c vnet -n "__fish_vnet_needs_command" -f -a "conntrack" -d 'Connection tracking entries'
complete -c vnet -n "__fish_vnet_needs_command" -f -a "lab" -d 'Labs: whole topologies from a TOML file (up, down, status, list, exec, graph)'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and not __fish_seen_subcommand_from show on off" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand forward; and not __fish_seen_subcommand_from show on off" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and not __fish_seen_subcommand_from show on off" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and not __fish_seen_subcommand_from show on off" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and not __fish_seen_subcommand_from show on off" -f -a "show" -d 'Shows forwarding for the namespace and for each interface'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and not __fish_seen_subcommand_from show on off" -f -a "on" -d 'Turns forwarding on (net.ipv4.ip_forward=1, or for one interface with --dev)'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and not __fish_seen_subcommand_from show on off" -f -a "off" -d 'Turns forwarding off'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from show" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from show" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from on" -l dev -d 'Only this interface (net.ipv4.conf.IF.forwarding)' -r
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from on" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from on" -l ipv6 -d 'IPv6 forwarding (net.ipv6.conf.all.forwarding) instead of IPv4'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from on" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from on" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from on" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from off" -l dev -d 'Only this interface (net.ipv4.conf.IF.forwarding)' -r
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from off" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from off" -l ipv6 -d 'IPv6 forwarding (net.ipv6.conf.all.forwarding) instead of IPv4'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from off" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from off" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand forward; and __fish_seen_subcommand_from off" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and not __fish_seen_subcommand_from on off add del show" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and not __fish_seen_subcommand_from on off add del show" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and not __fish_seen_subcommand_from on off add del show" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and not __fish_seen_subcommand_from on off add del show" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and not __fish_seen_subcommand_from on off add del show" -f -a "on" -d 'Answers ARP on IF for addresses routed through other interfaces (net.ipv4.conf.IF.proxy_arp=1; needs forwarding on)'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and not __fish_seen_subcommand_from on off add del show" -f -a "off" -d 'Stops answering ARP on IF for other hosts (net.ipv4.conf.IF.proxy_arp=0)'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and not __fish_seen_subcommand_from on off add del show" -f -a "add" -d 'Answers ARP on IF for ADDR (ip neigh add proxy ADDR dev IF; needs forwarding on and a route to ADDR through another interface)'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and not __fish_seen_subcommand_from on off add del show" -f -a "del" -d 'Deletes a proxy entry (ip neigh del proxy ADDR dev IF)'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and not __fish_seen_subcommand_from on off add del show" -f -a "show" -d 'Shows the proxy_arp switch of each interface and the proxy entries'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from on" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from on" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from on" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from on" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from off" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from off" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from off" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from off" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from add" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from add" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from del" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from del" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from del" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from del" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from show" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from show" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand proxy-arp; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and not __fish_seen_subcommand_from masquerade forward show" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand nat; and not __fish_seen_subcommand_from masquerade forward show" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and not __fish_seen_subcommand_from masquerade forward show" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and not __fish_seen_subcommand_from masquerade forward show" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and not __fish_seen_subcommand_from masquerade forward show" -f -a "masquerade" -d 'MASQUERADE: traffic leaving through an interface takes its address'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and not __fish_seen_subcommand_from masquerade forward show" -f -a "forward" -d 'Port forwarding (DNAT) of a host port to ADDR[:PORT]: only connections to one of this host\'s own addresses (fib daddr type local), from outside, from the host itself and from VMs through the host (hairpin); not to 127.0.0.1'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and not __fish_seen_subcommand_from masquerade forward show" -f -a "show" -d 'Shows the rules vnet installed'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from masquerade" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from masquerade" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from masquerade" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from masquerade" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from masquerade" -f -a "add" -d 'Adds the rule (nothing changes if it is there already)'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from masquerade" -f -a "del" -d 'Deletes the rule and the connection tracking entries it created'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from forward" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from forward" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from forward" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from forward" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from forward" -f -a "add" -d 'Adds the rule (nothing changes if it is there already)'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from forward" -f -a "del" -d 'Deletes the rule and the connection tracking entries it created'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from show" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from show" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand nat; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and not __fish_seen_subcommand_from list flush" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and not __fish_seen_subcommand_from list flush" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and not __fish_seen_subcommand_from list flush" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and not __fish_seen_subcommand_from list flush" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and not __fish_seen_subcommand_from list flush" -f -a "list" -d 'Lists the entries of both IP families (conntrack -L), or with -s only those with an address in ADDR[/PREFIX]'
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and not __fish_seen_subcommand_from list flush" -f -a "flush" -d 'Deletes every entry (conntrack -F), or with -s only those with an address in ADDR[/PREFIX], one by one, and then prints how many it deleted'
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and __fish_seen_subcommand_from list" -s s -l address -d 'Only entries with an address in ADDR[/PREFIX] (a bare address is /32 or /128) in any of their four places: source or destination, of the original or of the reply direction. So a NATed flow matches by its translated addresses too, and -s is broader than conntrack(8)\'s, which matches the original source only' -r
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and __fish_seen_subcommand_from list" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and __fish_seen_subcommand_from list" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and __fish_seen_subcommand_from flush" -s s -l address -d 'Only entries with an address in ADDR[/PREFIX] (a bare address is /32 or /128) in any of their four places: source or destination, of the original or of the reply direction. So a NATed flow matches by its translated addresses too, and -s is broader than conntrack(8)\'s, which matches the original source only' -r
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and __fish_seen_subcommand_from flush" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and __fish_seen_subcommand_from flush" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and __fish_seen_subcommand_from flush" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand conntrack; and __fish_seen_subcommand_from flush" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and not __fish_seen_subcommand_from up down status list exec graph" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand lab; and not __fish_seen_subcommand_from up down status list exec graph" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and not __fish_seen_subcommand_from up down status list exec graph" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and not __fish_seen_subcommand_from up down status list exec graph" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and not __fish_seen_subcommand_from up down status list exec graph" -f -a "up" -d 'Build the lab of FILE (all or nothing: a failed step removes what was built)'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and not __fish_seen_subcommand_from up down status list exec graph" -f -a "down" -d 'Remove a lab: everything `up` made (found by its marks), nothing else'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and not __fish_seen_subcommand_from up down status list exec graph" -f -a "status" -d 'Every object a lab owns: present, missing or changed. Exit status 1 on drift'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and not __fish_seen_subcommand_from up down status list exec graph" -f -a "list" -d 'The labs that are up'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and not __fish_seen_subcommand_from up down status list exec graph" -f -a "exec" -d 'Run a command in a node of a lab, as `ip netns exec LAB-NODE CMD...` does'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and not __fish_seen_subcommand_from up down status list exec graph" -f -a "graph" -d 'Draw the lab\'s topology (Graphviz DOT, or SVG through Graphviz\'s `dot`)'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from up" -l host -d 'For a lab that spans hosts: build the part of host NAME' -r
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from up" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from up" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from up" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from down" -l host -d 'For a lab that spans hosts, when its record is lost: the host this is' -r
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from down" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from down" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from down" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from status" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from status" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from list" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from list" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from exec" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from exec" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from exec" -s h -l help -d 'Print help'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from exec" -s V -l version -d 'Print version'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from graph" -s o -l output -d 'Write to OUT instead of standard output' -r -F
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from graph" -l format -d 'Output format (default: svg when OUT ends in .svg, else dot)' -r -f -a "dot\t'Graphviz DOT text'
svg\t'An SVG picture (rendered by Graphviz\'s `dot -Tsvg`)'"
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from graph" -s n -l netns -d 'Act inside the named network namespace NETNS (/run/netns/NETNS), like `ip -n`' -r
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from graph" -s j -l json -d 'Print JSON instead of text'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from graph" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vnet -n "__fish_vnet_using_subcommand lab; and __fish_seen_subcommand_from graph" -s V -l version -d 'Print version'
