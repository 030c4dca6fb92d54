#!/usr/bin/env bash
# Prints the host's network state that the tests must leave untouched: links, addresses,
# routes, rules, forwarding/neighbour/bridge sysctls, the nftables ruleset, iptables
# (and ip6tables, where installed) rules, the named namespaces in /run/netns and the
# per-namespace files in /etc/netns (which `ip netns exec` binds over /etc). Counters
# and timers are left out.
#
# It fails (exit 2, naming the tool) when a tool it reads is missing, and fails when any
# reading fails: an error message must never be compared with itself as if it were
# state. tests/host_snapshot.rs proves, in a throwaway namespace standing in for the
# host, that each kind of change shows up in its output.
set -euo pipefail

required=(ip sysctl nft iptables-legacy sed grep sort find md5sum ls)
for tool in "${required[@]}"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "host-snapshot.sh: $tool is missing: cannot read the host's state" >&2
    exit 2
  fi
done

echo "## links"; ip -o link show | sed -E 's/ (state|qlen) [^ ]+//g'
echo "## addresses"; ip -o addr show | sed -E 's/ valid_lft .*//'
echo "## routes"; ip route show table all; ip -6 route show table all
echo "## rules"; ip rule show; ip -6 rule show
echo "## sysctls"
sysctl -a 2>/dev/null | grep -E '^net\.(ipv4\.(ip_forward|conf\.)|ipv6\.conf\.|ipv4\.neigh\.|bridge\.)' \
  | grep -vE 'stable_secret' | sort
echo "## nftables"; nft list ruleset
echo "## iptables"; for t in filter nat mangle raw; do iptables-legacy -t "$t" -S; done
if command -v ip6tables-legacy >/dev/null 2>&1; then
  echo "## ip6tables"; for t in filter nat mangle raw; do ip6tables-legacy -t "$t" -S; done
fi
echo "## /run/netns"
if [ -d /run/netns ]; then ls -1 /run/netns; else echo "(absent)"; fi
echo "## /etc/netns"
if [ -e /etc/netns ]; then
  find /etc/netns -printf '%y %m %p -> %l\n' | sort
  find /etc/netns -type f -exec md5sum {} + | sort
else
  echo "(absent)"
fi
