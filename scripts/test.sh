#!/usr/bin/env bash
# The whole vnet test suite, for a Debian 12 machine, as root:
#   formatting, clippy, every test (unit, kernel, end-to-end with real traffic),
#   each kernel test in its own network namespaces under a private /run/netns;
#   podman 4.3 running containers on a vnet-cni network inside a sandbox;
#   libvnet's header checked against cbindgen, vnet installed into a throwaway prefix
#   and the C tests compiled and run against it, the Debian package built and tested;
#   then the stock-kernel lane: the whole kernel test suite again inside Debian's
#   stock kernel under QEMU (scripts/vm/lane.sh), where VLANs exist;
#   and a check that the host's own network is exactly as it was before.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/test.sh: run as root (the kernel tests create namespaces and devices)" >&2
  exit 1
fi

scripts/install-deps.sh

before=$(mktemp) after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
scripts/host-snapshot.sh >"$before"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test (private /run/netns)"
scripts/private-netns.sh cargo test --workspace --all-targets
cargo test --workspace --doc
echo "== the command-line tools as they ship (scripts/build-release.sh), against brctl, tunctl and ip"
shipped=$(scripts/build-release.sh)
VNET_BIN_DIR=$shipped scripts/private-netns.sh cargo test --quiet -p vnet-cli \
  --test vbrctl --test vtunctl --test vip --test vbrctl_setup --test c_start --test vnet
echo "== podman 4.3 (CNI backend) with the shipped vnet-cni, then with the reference plugins (sandboxed)"
scripts/test-podman.sh --plugin-dir "$shipped"
scripts/test-podman.sh --reference
echo "== libvnet: the committed header is what cbindgen makes of the source"
scripts/ffi-header.sh --check
echo "== libvnet: installed into a throwaway prefix, C tests against it (private /run/netns)"
prefix=$(mktemp -d)
scripts/install.sh --prefix "$prefix"
vnet-ffi/tests/c/run.sh "$prefix"
rm -rf "$prefix"
echo "== Debian package: built, unpacked into a throwaway root, run"
scripts/package-deb.sh --no-build
scripts/test-deb.sh
echo "== fuzz targets: each built and run for a few seconds (scripts/fuzz.sh)"
scripts/fuzz.sh 5
echo "== main job (examples/quickstart)"
cargo build --quiet --example quickstart
scripts/private-netns.sh "${CARGO_TARGET_DIR:-target}/debug/examples/quickstart"
echo "== stock-kernel lane (Debian's kernel in QEMU)"
scripts/vm/lane.sh

scripts/host-snapshot.sh >"$after"
if ! diff -u "$before" "$after"; then
  echo "FAIL: the host's network changed during the tests (diff above)" >&2
  exit 1
fi
echo "== host network unchanged"
