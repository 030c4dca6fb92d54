#!/usr/bin/env bash
# Installs what the tests, the benchmarks and the VM lane need, from Debian's packages.
set -euo pipefail
packages=(
  iproute2 iputils-ping bridge-utils uml-utilities nftables iptables conntrack
  tcpdump netcat-openbsd util-linux procps jq hyperfine
  qemu-system-x86 busybox-static cpio
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
