#!/usr/bin/env bash
# The main job: builds a bridge lab (a bridge with an address, three VM namespaces on it,
# one outsider) in throwaway namespaces, proves it with real pings, prints a report and
# tears everything down. Needs root and a Rust toolchain (1.85 or newer, from rustup);
# installs ping and a C linker with apt-get when they are missing.
#   scripts/quickstart.sh [VMS]
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v ping >/dev/null || missing+=(iputils-ping)
command -v cc >/dev/null || missing+=(gcc libc6-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
cargo build --release --quiet --example quickstart
exec scripts/private-netns.sh "${CARGO_TARGET_DIR:-target}/release/examples/quickstart" "$@"
