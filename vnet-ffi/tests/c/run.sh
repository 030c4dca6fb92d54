#!/usr/bin/env bash
# The C tests of libvnet, against an installed copy (header, library and vnet.pc found
# through pkg-config, as a C program finds them):
#
#   vnet-ffi/tests/c/run.sh PREFIX [ROUNDS]
#
# PREFIX is where scripts/install.sh put vnet. Each test is compiled with
# `cc -std=c11 -Wall -Wextra -Wpedantic -Werror` and runs under scripts/private-netns.sh
# (a private /run/netns), in namespaces it creates and deletes itself. test_leaks runs
# ROUNDS rounds (default 10000) under valgrind, which fails on any definite leak.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
prefix=$(cd "${1:?usage: run.sh PREFIX [ROUNDS]}" && pwd)
rounds=${2:-10000}
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT

echo "== libvnet.so.0: SONAME and exported symbols"
lib="$prefix/lib/libvnet.so.0"
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = libvnet.so.0 ] || { echo "FAIL: SONAME is '$soname'" >&2; exit 1; }
others=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^vnet_' || true)
[ -z "$others" ] || { echo "FAIL: libvnet exports more than vnet_*: $others" >&2; exit 1; }
echo "SONAME $soname; $(nm -D --defined-only "$lib" | wc -l) symbols, all vnet_*"

compile() { # source output
  # shellcheck disable=SC2046
  cc -std=c11 -Wall -Wextra -Wpedantic -Werror $(pkg-config --cflags vnet) "$1" \
    $(pkg-config --libs vnet) -pthread -o "$2"
}
run() { # label command...
  echo "== $1"
  shift
  "$repo/scripts/private-netns.sh" "$@"
}

for t in errors lab links batch threads leaks; do
  compile "$here/test_$t.c" "$build/test_$t"
done
compile "$repo/examples/c/lab.c" "$build/lab"

run "test_errors: every error class" "$build/test_errors"
run "test_lab: the bridge lab with NAT and a tap, pings and witnesses" "$build/test_lab"
run "test_links: the other link, address and route calls" "$build/test_links"
run "test_batch: namespaces, veths and handles in one call each" "$build/test_batch"
run "test_threads: two handles building in parallel" "$build/test_threads"
run "examples/c/lab.c" "$build/lab" 3
run "test_leaks: $rounds rounds under valgrind" valgrind -q --leak-check=full \
  --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=99 \
  "$build/test_leaks" "$rounds"
echo "== C tests passed"
