#!/usr/bin/env bash
# Regenerates the committed picture of every shipped lab (examples/labs/*.dot, and
# *.svg when Graphviz's dot is installed) with `vnet lab graph`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet -p vnet-cli --bin vnet
for lab in examples/labs/*.toml; do
    target/debug/vnet lab graph --format dot -o "${lab%.toml}.dot" "$lab"
    if command -v dot >/dev/null; then
        target/debug/vnet lab graph --format svg -o "${lab%.toml}.svg" "$lab"
    fi
done
