#!/usr/bin/env bash
# The main job: builds a bridge lab (a bridge with an address, three VM namespaces on it,
# one outsider) in throwaway namespaces, proves it with real pings, prints a report and
# tears everything down. Needs root and a Rust toolchain (1.85 or newer).
#   scripts/quickstart.sh [VMS]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v ping >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iputils-ping >/dev/null
fi
cargo build --release --quiet --example quickstart
exec scripts/private-netns.sh target/release/examples/quickstart "$@"
