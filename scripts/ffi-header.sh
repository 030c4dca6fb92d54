#!/usr/bin/env bash
# Regenerates vnet-ffi/include/vnet.h from vnet-ffi/src with cbindgen (0.29), or, with
# --check, fails when the committed header differs from a fresh one (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/../vnet-ffi"
if ! command -v cbindgen >/dev/null; then
  echo "scripts/ffi-header.sh: cbindgen missing (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
if [ "${1:-}" = "--check" ]; then
  fresh=$(mktemp)
  trap 'rm -f "$fresh"' EXIT
  cbindgen --quiet --config cbindgen.toml --crate vnet-ffi --output "$fresh"
  if ! diff -u include/vnet.h "$fresh"; then
    echo "FAIL: vnet-ffi/include/vnet.h is stale: run scripts/ffi-header.sh and commit it" >&2
    exit 1
  fi
  echo "vnet-ffi/include/vnet.h is up to date"
else
  cbindgen --quiet --config cbindgen.toml --crate vnet-ffi --output include/vnet.h
fi
