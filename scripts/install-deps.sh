#!/usr/bin/env bash
# Installs what the tests, the benchmarks and the stock-kernel lane need, from Debian's
# packages, and prepares the lane's VM image (Debian's kernel package, downloaded once
# and cached in .vm-cache/: scripts/vm/prepare.sh).
set -euo pipefail
packages=(
  iproute2 iputils-ping bridge-utils uml-utilities nftables iptables conntrack
  tcpdump netcat-openbsd util-linux procps jq hyperfine graphviz
  qemu-system-x86 busybox-static cpio xz-utils
  gcc libc6-dev
  g++
  pkg-config valgrind binutils dpkg-dev
  podman runc conmon containernetworking-plugins strace
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
# cbindgen generates libvnet's header; the check compares its output byte for byte,
# so the version is pinned (scripts/ffi-header.sh).
cbindgen_version=0.29.2
if [ "$(cbindgen --version 2>/dev/null)" != "cbindgen $cbindgen_version" ]; then
  echo "== cargo install cbindgen $cbindgen_version"
  cargo install --quiet --locked --version "$cbindgen_version" cbindgen
fi
# The fuzz targets (scripts/fuzz.sh) build with the nightly toolchain and cargo-fuzz;
# libFuzzer itself is C++ (g++ above).
if ! rustup toolchain list | grep -q '^nightly'; then
  echo "== rustup toolchain install nightly"
  rustup toolchain install --profile minimal nightly
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== cargo install cargo-fuzz"
  cargo install --quiet --locked cargo-fuzz
fi
image=$("$(dirname "$0")"/vm/prepare.sh)
echo "== stock-kernel VM image: $image"
