#!/usr/bin/env bash
# The stock-kernel lane: the whole kernel test suite again, inside Debian's stock kernel
# (6.1, with 802.1Q, VLAN filtering and every module the tests use), in one VM boot.
#
#   scripts/vm/lane.sh                          # every test, and the main job
#   scripts/vm/lane.sh --test vlan --test bridge  # a selection (cargo test arguments)
#
# cargo builds the tests as usual, then "runs" them through scripts/vm/run-in-vm.sh in
# queue mode, which records each binary with the arguments, working directory and
# environment cargo gives it. Without arguments, the main job (examples/quickstart) is
# queued after them, and then the command-line tools' tests once more, against the
# tools as they ship (scripts/build-release.sh: profile dist, vbrctl and vnet statically
# linked), which they take from VNET_BIN_DIR, and libvnet's C test of links (VLANs).
# Then one VM runs the queue, two binaries at a time (each test names its own
# namespaces), and the lane passes only if every job passed.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
cache=${VNET_VM_CACHE:-$repo/.vm-cache}
start=$SECONDS

# Prepare (or check) the image first, so a missing one fails before the build.
scripts/vm/prepare.sh >/dev/null
queue=$(mktemp -d "$cache/queue.XXXXXX")
trap 'rm -rf "$queue"' EXIT

host=$(rustc -vV | sed -n 's/^host: //p')
# The tests of the command-line tools, which take their binaries from VNET_BIN_DIR:
# the differential ones against brctl, tunctl and ip, and vnet's (scripts/test.sh runs
# the same on this machine).
tool_tests=(--test vbrctl --test vtunctl --test vip --test vbrctl_setup --test c_start --test vnet)
runner_var="CARGO_TARGET_$(echo "$host" | tr 'a-z-' 'A-Z_')_RUNNER"
everything=""
if [ "$#" -eq 0 ]; then
  everything=yes
  set -- --workspace --all-targets
fi
echo "== stock-kernel lane: queueing cargo test $*"
env "$runner_var=$repo/scripts/vm/run-in-vm.sh" VNET_VM_QUEUE="$queue" \
  cargo test --quiet --no-fail-fast "$@"
if [ -n "$everything" ]; then
  cargo build --quiet --example quickstart
  target_dir=$(cargo metadata --format-version 1 --no-deps | jq -r .target_directory)
  VNET_VM_QUEUE="$queue" scripts/vm/run-in-vm.sh "$target_dir/debug/examples/quickstart"
  shipped=$(scripts/build-release.sh)
  echo "== stock-kernel lane: queueing the tools' tests against the shipped build in $shipped"
  env "$runner_var=$repo/scripts/vm/run-in-vm.sh" VNET_VM_QUEUE="$queue" \
    VNET_VM_JOB_LABEL="shipped build" VNET_BIN_DIR="$shipped" \
    cargo test --quiet --no-fail-fast -p vnet-cli "${tool_tests[@]}"
  # libvnet's C test of links, whose VLAN calls need this kernel: built against a copy
  # of vnet installed under the target directory (the guest sees the host's files, but
  # a /tmp of its own).
  echo "== stock-kernel lane: queueing libvnet's test_links (VLANs included)"
  lanelib="$target_dir/lane-libvnet"
  rm -rf "$lanelib"
  scripts/install.sh --prefix "$lanelib" >/dev/null
  export PKG_CONFIG_PATH="$lanelib/lib/pkgconfig"
  # shellcheck disable=SC2046
  cc -std=c11 -Wall -Wextra -Wpedantic -Werror $(pkg-config --cflags vnet) \
    vnet-ffi/tests/c/test_links.c $(pkg-config --libs vnet) -pthread -o "$lanelib/test_links"
  unset PKG_CONFIG_PATH
  VNET_VM_QUEUE="$queue" scripts/vm/run-in-vm.sh "$lanelib/test_links"
fi

echo "== stock-kernel lane: running $(ls "$queue"/*.sh | wc -l) jobs in one VM"
status=0
scripts/vm/run-in-vm.sh --queue "$queue" || status=$?
echo "== stock-kernel lane: $((SECONDS - start)) s in all"
exit "$status"
