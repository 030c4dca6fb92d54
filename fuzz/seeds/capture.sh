#!/usr/bin/env bash
# Captures the seed corpora of the rtnl and nfnl fuzz targets from a real kernel: builds a
# small network (veth, bridge with a port, tap, addresses, routes, neighbours, FDB
# entries, vnet's NAT rules, conntrack entries) in a fresh network namespace that vanishes
# with the command, then dumps each table once and keeps the datagrams.
#   fuzz/seeds/capture.sh OUTDIR        (as root; OUTDIR gets rtnl/ and nfnl/)
# Uses ip, bridge, vnet (target/debug/vnet, for rules of the shapes vnet writes), ping and
# python3.
set -euo pipefail
out=$(realpath -m "${1:?usage: capture.sh OUTDIR}")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vnet=$root/target/debug/vnet
[ -x "$vnet" ] || (cd "$root" && cargo build -q -p vnet-cli --bin vnet)
mkdir -p "$out"
exec "$root/scripts/private-netns.sh" unshare --net sh -euc "
  vnet=\$1; here=\$2; out=\$3
  ip link set lo up
  ip link add br0 type bridge stp_state 1
  ip link add veth0 type veth peer name veth1
  ip link set veth0 master br0
  ip tuntap add dev tap0 mode tap multi_queue
  ip tuntap add dev tun0 mode tun
  ip link set tap0 master br0
  ip link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1
  ip link add mv0 link veth1 type macvlan mode bridge
  for l in br0 veth0 veth1 tap0 tun0 mv0; do ip link set \$l up; done
  ip addr add 10.0.0.1/24 dev br0
  ip addr add fd00::1/64 dev br0 nodad
  ip addr add 10.0.0.2/24 dev veth1
  ip route add 192.0.2.0/24 via 10.0.0.9
  ip route add blackhole 198.51.100.0/24
  ip -6 route add fd01::/64 via fd00::9 dev br0
  ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev br0
  ip neigh add proxy 10.0.0.77 dev br0
  bridge fdb add 02:00:00:00:00:42 dev veth0 master static
  bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.5
  \$vnet nat masquerade add --out br0 --source 10.0.0.0/24 >/dev/null
  \$vnet nat forward add -p tcp --port 5555 --to 10.0.0.2:22 >/dev/null
  \$vnet nat forward add -p udp --port 53 --to 10.0.0.2 --in br0 >/dev/null
  ping -c1 -W1 10.0.0.2 >/dev/null || true
  ping -c1 -W1 10.0.0.9 >/dev/null 2>&1 || true
  timeout 2 bash -c 'echo > /dev/tcp/10.0.0.2/5555' 2>/dev/null || true
  python3 \$here/capture.py \$out
" sh "$vnet" "$here" "$out"
