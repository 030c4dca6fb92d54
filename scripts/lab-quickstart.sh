#!/usr/bin/env bash
# The quickstart as a lab: brings up examples/labs/quickstart.toml (a bridge with an
# address, three VMs, a router behind vm1) inside a throwaway "host" namespace, proves
# it with pings, shows `vnet lab status`, takes it down and checks that nothing is left.
# Needs root and a Rust toolchain; touches nothing of the machine's own network.
#   scripts/lab-quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p vnet-cli --bin vnet
vnet="$PWD/${CARGO_TARGET_DIR:-target}/release/vnet"
exec scripts/private-netns.sh bash -c '
set -euo pipefail
vnet=$1
export VNET_LAB_STATE_DIR=$(mktemp -d)
ip netns add qs-host
trap "ip netns del qs-host; rm -rf $VNET_LAB_STATE_DIR" EXIT
ip -n qs-host link set lo up
"$vnet" -n qs-host lab up examples/labs/quickstart.toml
ping_from() { "$vnet" lab exec qs "$1" -- ping -c 1 -W 2 -q "$2" >/dev/null && echo "  $1 -> $2: answered" || { echo "  $1 -> $2: NO ANSWER"; exit 1; }; }
echo "pings:"
ping_from vm1 10.0.0.2
ping_from vm2 10.0.0.3
ping_from vm3 10.0.0.254
ping_from router 10.0.0.254
"$vnet" -n qs-host lab status qs
"$vnet" -n qs-host lab down qs
sleep 1
left=$(ls /run/netns | grep "^qs-" | grep -v "^qs-host$" || true)
links=$(ip -n qs-host -br link | wc -l)
[ -z "$left" ] && [ "$links" = 1 ] && echo "nothing left: ok" || { echo "left behind: $left ($links links)"; exit 1; }
' bash "$vnet"
