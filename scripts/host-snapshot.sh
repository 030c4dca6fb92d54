#!/usr/bin/env bash
# Prints the host's network state that the tests must leave untouched: links, addresses,
# routes, forwarding/neighbour/bridge sysctls, the nftables ruleset, iptables rules and
# the named namespaces in /run/netns. Counters and timers are left out.
set -uo pipefail
echo "## links"; ip -o link show | sed -E 's/ (state|qlen) [^ ]+//g'
echo "## addresses"; ip -o addr show | sed -E 's/ valid_lft .*//'
echo "## routes"; ip route show table all; ip -6 route show table all
echo "## rules"; ip rule show; ip -6 rule show
echo "## sysctls"
sysctl -a 2>/dev/null | grep -E '^net\.(ipv4\.(ip_forward|conf\.)|ipv6\.conf\.|ipv4\.neigh\.|bridge\.)' \
  | grep -vE 'stable_secret' | sort
echo "## nftables"; nft list ruleset 2>&1
echo "## iptables"; for t in filter nat mangle raw; do iptables-legacy -t "$t" -S 2>&1; done
echo "## /run/netns"; ls -1 /run/netns 2>/dev/null || true
