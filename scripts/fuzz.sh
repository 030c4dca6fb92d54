#!/usr/bin/env bash
# Builds the fuzz targets of fuzz/ (cargo-fuzz, nightly toolchain) and runs each for
# SECONDS, one after the other; prints each target's executions and crashes.
#   scripts/fuzz.sh SECONDS [TARGET...]      (default: every target)
# Each run starts from the committed corpus (fuzz/corpus/TARGET) and writes what it
# learns to a scratch copy, so the committed corpus stays as it is (minimise a grown one
# with `cargo +nightly fuzz cmin TARGET` before committing it). A crash or hang leaves
# its input in fuzz/artifacts/TARGET/ and makes the script fail. Run as root, each
# target runs in fresh network and mount namespaces with a private /run/netns: the
# targets only parse, and this makes sure that nothing they could do reaches the host.
# The sanitizer is FUZZ_SANITIZER (cargo fuzz's -s: none, address...); none by default:
# the code under test is safe Rust, built with debug assertions (overflow checks), and
# without ASan it builds and runs several times faster.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
sanitizer=${FUZZ_SANITIZER:-none}
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
cargo +nightly fuzz build -s "$sanitizer" >&2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0
printf '%-12s %8s %12s %8s\n' target seconds executions crashes
for target in "${targets[@]}"; do
  mkdir -p "$scratch/$target" "artifacts/$target" "corpus/$target"
  before=$(find "artifacts/$target" -type f | wc -l)
  run=(cargo +nightly fuzz run -s "$sanitizer" "$target" "$scratch/$target" "corpus/$target" --
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
  if [ "$(id -u)" -eq 0 ]; then
    run=(unshare --net --mount --propagation private -- sh -c \
      'mkdir -p /run/netns && mount -t tmpfs -o mode=0755 vnet-fuzz /run/netns && exec "$@"' sh "${run[@]}")
  fi
  status=0
  "${run[@]}" >"$scratch/$target.log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$target.log" | tail -1)
  crashes=$(( $(find "artifacts/$target" -type f | wc -l) - before ))
  printf '%-12s %8s %12s %8s\n' "$target" "$seconds" "${runs:-?}" "$crashes"
  if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    failed=1
    echo "--- $target failed (status $status); the end of its log:" >&2
    tail -n 40 "$scratch/$target.log" >&2
  fi
done
exit "$failed"
