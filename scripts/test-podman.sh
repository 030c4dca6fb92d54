#!/usr/bin/env bash
# A real CNI client: podman 4.3 (Debian 12, CNI backend) runs containers on a network
# served by vnet-cni, inside a sandbox, and the kernel's state proves what happened.
#
#   scripts/test-podman.sh [--plugin-dir DIR]   vnet-cni from DIR (default: a debug build)
#   scripts/test-podman.sh --reference          Debian's bridge + portmap, same checks
#
# --reference runs the same script with the reference plugins (/usr/lib/cni/bridge and
# portmap), which proves the script itself. Both use /usr/lib/cni/host-local for IPAM.
#
# The sandbox: `unshare --mount --propagation private --net --pid --fork`, with tmpfs on
# /run/netns, /var/lib (podman's blob cache, libcni's result cache) and a work
# directory holding podman's storage, run root, configuration and the image; sysfs is
# remounted for the sandbox's network namespace and the cgroup mounts copied onto it.
# Its network namespace is the "host"; a second namespace, "outside", stands for the
# world, behind a veth (198.51.100.1 in the sandbox, .2 outside) and with no route to
# the containers' subnet, so only masquerade lets a container reach it. The machine's
# own network is never touched (scripts/host-snapshot.sh before and after shows it).
#
# What it proves, with `ip -j`, `nft -j`, `conntrack` and real traffic as witnesses:
# - a container gets its address (inside and from the host: its netns, its veth on the
#   bridge, the gateway address on the bridge) and its default route;
# - it pings the gateway, and the outside namespace (through masquerade);
# - `-p 8080:80` answers a TCP connection from outside, from the host itself and from
#   another container on the bridge (hairpin);
# - removing a second container restores the ruleset exactly, and removing the first
#   leaves no link, address, namespace, nft rule (nor, with vnet-cni, translated
#   conntrack entry) of it behind.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=vnet-cni plugin_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reference) mode=reference; shift ;;
    --plugin-dir) plugin_dir="${2:?--plugin-dir needs a directory}"; shift 2 ;;
    --plugin-dir=*) plugin_dir="${1#--plugin-dir=}"; shift ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scripts/test-podman.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

if [ -z "${VNET_PODMAN_SANDBOX:-}" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "scripts/test-podman.sh: run as root" >&2; exit 1; }
  for tool in podman runc conmon jq nft conntrack nc busybox; do
    command -v "$tool" >/dev/null || { echo "test-podman.sh: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
  done
  for p in host-local bridge portmap; do
    [ -x "/usr/lib/cni/$p" ] || { echo "test-podman.sh: /usr/lib/cni/$p is missing (containernetworking-plugins)" >&2; exit 1; }
  done
  if [ "$mode" = vnet-cni ]; then
    if [ -z "$plugin_dir" ]; then
      cargo build --quiet -p vnet-cli --bin vnet-cni
      plugin_dir="${CARGO_TARGET_DIR:-target}/debug"
    fi
    plugin_dir=$(cd "$plugin_dir" && pwd)
    [ -x "$plugin_dir/vnet-cni" ] || { echo "test-podman.sh: no vnet-cni in $plugin_dir" >&2; exit 1; }
  fi
  work=$(mktemp -d /tmp/vnet-podman.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  mkdir -p /run/netns
  # The cgroup mounts as this mount namespace has them, copied into the sandbox.
  grep -E '^[^ ]+ /sys/fs/cgroup(/[^ ]*)? (tmpfs|cgroup|cgroup2) ' /proc/self/mounts \
    >"$work.cgroups" || true
  trap 'rm -rf "$work" "$work.cgroups"' EXIT
  VNET_PODMAN_SANDBOX=1 VNET_PODMAN_WORK=$work VNET_PODMAN_MODE=$mode \
    VNET_PODMAN_PLUGINS=$plugin_dir \
    unshare --mount --propagation private --net --pid --fork --mount-proc -- "$0"
  exit
fi

# ---- inside the sandbox ----
work=$VNET_PODMAN_WORK mode=$VNET_PODMAN_MODE
mount -t tmpfs -o mode=0700 vnet-podman "$work"
mount -t tmpfs -o mode=0755 vnet-podman-netns /run/netns
mount -t tmpfs -o mode=0755 vnet-podman-varlib /var/lib
mount -t sysfs sysfs /sys
while read -r _ mountpoint type options _; do
  mkdir -p "$mountpoint"
  mount -t "$type" -o "$options" "$type" "$mountpoint"
done <"$work.cgroups"
[ -n "$(ls /sys/fs/cgroup)" ] || { echo "test-podman.sh: no cgroups in the sandbox" >&2; exit 1; }

fail() { echo "FAIL ($mode): $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# The plugins: the one under test (or the reference pair) and host-local.
plugins="$work/plugins"
mkdir -p "$plugins"
cp /usr/lib/cni/host-local "$plugins/"
if [ "$mode" = reference ]; then
  cp /usr/lib/cni/bridge /usr/lib/cni/portmap "$plugins/"
else
  cp "$VNET_PODMAN_PLUGINS/vnet-cni" "$plugins/"
fi

# The "outside" world.
ip link set lo up
ip netns add outside
ip link add up0 type veth peer name eth0 netns outside
ip addr add 198.51.100.1/24 dev up0
ip link set up0 up
ip -n outside addr add 198.51.100.2/24 dev eth0
ip -n outside link set eth0 up
ip -n outside link set lo up

# Podman's configuration: every path under $work.
mkdir -p "$work/net" "$work/tmp" "$work/ipam" "$work/rootfs/bin" "$work/rootfs/www"
cat >"$work/containers.conf" <<CONF
[containers]
default_ulimits = []
log_driver = "k8s-file"

[network]
network_backend = "cni"
cni_plugin_dirs = ["$plugins"]
network_config_dir = "$work/net"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$work/tmp"
image_copy_tmp_dir = "$work/tmp"
CONF
cat >"$work/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$work/storage"
runroot = "$work/run"
CONF
export CONTAINERS_CONF="$work/containers.conf" CONTAINERS_STORAGE_CONF="$work/storage.conf"
export TMPDIR="$work/tmp"

# The network: the same fields for both; vnet-cni does the port mappings itself.
ipam='"ipam": {"type": "host-local", "dataDir": "'"$work/ipam"'",
          "ranges": [[{"subnet": "10.89.0.0/24", "gateway": "10.89.0.1"}]],
          "routes": [{"dst": "0.0.0.0/0"}]}'
if [ "$mode" = reference ]; then
  plugin_list='{"type": "bridge", "bridge": "podvnet0", "isGateway": true, "ipMasq": true,
       "hairpinMode": true, '"$ipam"'},
     {"type": "portmap", "capabilities": {"portMappings": true}}'
else
  plugin_list='{"type": "vnet-cni", "bridge": "podvnet0", "isGateway": true, "ipMasq": true,
       "hairpinMode": true, "capabilities": {"portMappings": true}, '"$ipam"'}'
fi
cat >"$work/net/vnet.conflist" <<CONF
{"cniVersion": "0.4.0", "name": "vnet", "plugins": [
     $plugin_list
]}
CONF
jq -e . "$work/net/vnet.conflist" >/dev/null

# The image: busybox-static with the applets the checks use, and a page to serve.
cp "$(command -v busybox)" "$work/rootfs/bin/busybox"
for applet in sh ping ip nc httpd sleep cat; do ln -s busybox "$work/rootfs/bin/$applet"; done
echo "served-by-a-container-on-vnet" >"$work/rootfs/www/index.html"
tar -C "$work/rootfs" -c . | podman import --quiet - localhost/vnet-bb:1 >/dev/null

# Kernel state as JSON, rules without their handles and counters (for comparisons).
rules() {
  nft -j list ruleset |
    jq -c '[.nftables[] | select(.rule) | .rule | del(.handle) | .expr |= map(del(.counter))]'
}
chains() { nft -j list ruleset | jq -c '[.nftables[] | select(.chain) | .chain | del(.handle)]'; }
http_get() { printf 'GET /index.html HTTP/1.0\r\n\r\n' | "$@" | grep -q served-by-a-container-on-vnet; }

echo "== podman $(podman version --format '{{.Client.Version}}') with $mode, in a sandbox"
podman run -d --name web --network vnet -p 8080:80 localhost/vnet-bb:1 \
  httpd -f -p 80 -h /www >/dev/null
id=$(podman inspect -f '{{.Id}}' web)
sandbox=$(podman inspect -f '{{.NetworkSettings.SandboxKey}}' web)
netns=$(basename "$sandbox")
[ -e "/run/netns/$netns" ] || fail "the container's netns $sandbox is not in /run/netns"

# The address: in the container's namespace (ip -j), from inside (podman exec), and
# what podman was told; the veth on the bridge and the gateway address on the bridge.
addr=$(ip -n "$netns" -j addr show dev eth0 |
  jq -r '.[0].addr_info[] | select(.family == "inet") | .local')
case "$addr" in 10.89.0.*) ;; *) fail "eth0 in the container has no address of 10.89.0.0/24: '$addr'" ;; esac
[ "$(podman inspect -f '{{(index .NetworkSettings.Networks "vnet").IPAddress}}' web)" = "$addr" ] ||
  fail "podman reports another address than eth0's $addr"
podman exec web ip -4 -o addr show dev eth0 | grep -q "inet $addr/24" ||
  fail "the container does not see $addr/24 on eth0"
[ "$(ip -n "$netns" -j route show default | jq -r '.[0].gateway')" = 10.89.0.1 ] ||
  fail "the container has no default route through 10.89.0.1"
peer=$(ip -n "$netns" -j link show dev eth0 | jq -r '.[0].link_index')
port=$(ip -j link show master podvnet0 | jq -r '.[].ifindex')
[ "$port" = "$peer" ] || fail "the bridge's ports ($port) are not the container's veth peer ($peer)"
ip -j addr show dev podvnet0 | jq -e '.[0].addr_info[] | select(.local == "10.89.0.1" and .prefixlen == 24)' \
  >/dev/null || fail "the bridge has no gateway address 10.89.0.1/24"
ok "the container has $addr/24 on eth0 (inside and in its netns), a default route, its veth on the bridge"

# Traffic: the gateway, the outside world (which has no route back: masquerade only).
podman exec web ping -c 1 -W 5 10.89.0.1 >/dev/null || fail "the container cannot ping its gateway"
ok "the container pings its gateway 10.89.0.1"
podman exec web ping -c 1 -W 5 198.51.100.2 >/dev/null || fail "the container cannot ping the outside"
conntrack -L -p icmp -s "$addr" 2>/dev/null | grep -q "dst=198.51.100.1 " ||
  fail "no masqueraded conntrack entry for the container's ping"
ok "the container pings the outside namespace, masqueraded behind 198.51.100.1 (conntrack)"

# The port mapping, from outside, from the host itself, from another container.
http_get ip netns exec outside nc -N -w 5 198.51.100.1 8080 || fail "-p 8080:80 does not answer from outside"
ok "-p 8080:80 answers from the outside namespace (TCP, busybox httpd)"
http_get nc -N -w 5 198.51.100.1 8080 || fail "-p 8080:80 does not answer from the host"
ok "-p 8080:80 answers from the host itself"
printf 'GET /index.html HTTP/1.0\r\n\r\n' >"$work/request"
podman run --rm --network vnet -v "$work/request:/request:ro" localhost/vnet-bb:1 \
  sh -c 'nc -w 5 198.51.100.1 8080 </request' | grep -q served-by-a-container-on-vnet ||
  fail "-p 8080:80 does not answer another container on the bridge (hairpin)"
ok "-p 8080:80 answers another container on the bridge (hairpin)"

# A second container comes and goes: the ruleset is exactly as before it.
rules_before=$(rules) chains_before=$(chains)
podman run -d --name web2 --network vnet -p 8081:80 localhost/vnet-bb:1 \
  httpd -f -p 80 -h /www >/dev/null
http_get ip netns exec outside nc -N -w 5 198.51.100.1 8081 || fail "-p 8081:80 does not answer from outside"
podman rm -f -t 0 web2 >/dev/null
[ "$(rules)" = "$rules_before" ] || fail "removing a second container changed the other rules:
$(diff <(echo "$rules_before" | jq .) <(rules | jq .))"
[ "$(chains)" = "$chains_before" ] || fail "removing a second container changed the chains"
ok "a second container on -p 8081:80 answers; removing it restores the ruleset exactly (nft -j)"

# Removing the container leaves nothing of it.
podman rm -f -t 0 web >/dev/null
sleep 0.5 # netns deletion is asynchronous: its devices vanish a moment later
links=$(ip -j link show | jq -r '[.[].ifname] | sort | join(" ")')
[ "$links" = "lo podvnet0 up0" ] || fail "links left after podman rm: $links"
[ "$(ip -j link show master podvnet0 | jq length)" = 0 ] || fail "a port is left on the bridge"
[ "$(ls /run/netns)" = outside ] || fail "namespaces left in /run/netns: $(ls /run/netns)"
ip -j addr show | jq -e --arg a "$addr" '[.[].addr_info[] | select(.local == $a)] | length == 0' \
  >/dev/null || fail "the address $addr is left on a link"
leftover=$(nft -j list ruleset | jq -c --arg a "$addr" --arg id "$id" \
  '.nftables[] | select(.rule) | .rule | select(tostring | test($a + "\\b|" + $id + "|[^0-9]808[01][^0-9]"))')
[ -z "$leftover" ] || fail "nft rules of the container are left:
$leftover"
ok "after podman rm: no link, port, namespace or address of the container; no nft rule names its address, id or ports"
# Conntrack: a flow that NAT translated (a mapped connection, a masqueraded ping) would
# keep its translation if the address came back: vnet-cni flushes those on DEL. An
# untranslated flow (the ping to the gateway) holds no state of the container's rules
# and times out by itself: it is counted, not required gone.
entries_of() { conntrack -L 2>/dev/null | grep -F "=$1 " || true; }
translated() { # the entries whose reply is not the mirror of their original direction
  awk '{ n = 0
         for (i = 1; i <= NF; i++) { if ($i ~ /^src=/) src[++n] = $i; if ($i ~ /^dst=/) dst[n] = $i }
         if (substr(src[1], 5) != substr(dst[2], 5) || substr(dst[1], 5) != substr(src[2], 5)) print }'
}
nat_left=$(entries_of "$addr" | translated)
plain_left=$(entries_of "$addr" | grep -c . || true)
if [ "$mode" = reference ]; then
  # The reference portmap flushes the entries of UDP mappings only, bridge none.
  echo "note: the reference plugins leave $(echo "$nat_left" | grep -c . || true) translated conntrack entries of $addr ($plain_left in all)"
else
  [ -z "$nat_left" ] || fail "translated conntrack entries of $addr are left:
$nat_left"
  ok "no translated (DNAT, masquerade) conntrack entry of $addr is left ($plain_left untranslated, which expire)"
fi
echo "== podman with $mode: all checks passed"
