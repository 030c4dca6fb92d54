#!/usr/bin/env bash
# libvnet's overhead: the bridge lab of N nodes (default 100) built and torn down
# through libvnet.so (bench/lab_c.c) and through the Rust API (examples/lab_rust.rs),
# the same calls in the same order, interleaved ROUNDS times (default 9), each run in a
# fresh private /run/netns. Prints the medians and their ratio for BENCHMARKS.md.
#
#   vnet-ffi/bench/overhead.sh PREFIX [N] [ROUNDS]     (PREFIX: where install.sh put vnet)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
prefix=$(cd "${1:?usage: overhead.sh PREFIX [N] [ROUNDS]}" && pwd)
n=${2:-100}
rounds=${3:-9}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046
cc -std=c11 -O2 -Wall -Wextra -Werror $(pkg-config --cflags vnet) "$here/lab_c.c" \
  $(pkg-config --libs vnet) -o "$work/lab_c"
(cd "$repo" && cargo build --quiet --release -p vnet-ffi --example lab_rust)
rust="${CARGO_TARGET_DIR:-$repo/target}/release/examples/lab_rust"

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
: >"$work/report"
for mode in simple bulk; do
  : >"$work/c"
  : >"$work/rust"
  for _ in $(seq "$rounds"); do
    "$repo/scripts/private-netns.sh" "$work/lab_c" "$n" "$mode" >>"$work/c"
    "$repo/scripts/private-netns.sh" "$rust" "$n" "$mode" >>"$work/rust"
  done
  for col in 1 2 3; do
    # columns: build, teardown, and their sum
    c=$(awk '{print ($1 + $2) * ('"$col"' == 3) + $'"$((col < 3 ? col : 1))"' * ('"$col"' < 3)}' "$work/c" | median)
    r=$(awk '{print ($1 + $2) * ('"$col"' == 3) + $'"$((col < 3 ? col : 1))"' * ('"$col"' < 3)}' "$work/rust" | median)
    what=$(echo "build teardown total" | cut -d' ' -f"$col")
    ratio=$(awk -v c="$c" -v r="$r" 'BEGIN {printf "%.3f", c / r}')
    echo "| $mode calls | $what | $r ms | $c ms | $ratio |" >>"$work/report"
  done
  echo "$mode runs (build teardown, ms): C: $(tr '\n' ',' <"$work/c") Rust: $(tr '\n' ',' <"$work/rust")" >&2
done
echo "| bridge lab, $n nodes (median of $rounds) | | Rust API | C API (libvnet.so) | C / Rust |"
echo "|---|---|---|---|---|"
cat "$work/report"
