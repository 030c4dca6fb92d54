#!/usr/bin/env bash
# Builds vnet's command-line tools (vbrctl, vtunctl, vip, vnet) and its CNI plugin
# (vnet-cni) as they ship, puts them in one directory and prints its path:
#
#   dir=$(scripts/build-release.sh)        # then "$dir/vbrctl", "$dir/vtunctl", ...
#
# - Cargo profile "dist" (Cargo.toml): LTO, one codegen unit, panic = "abort".
# - vbrctl, vnet and vnet-cni link the C library statically (-C target-feature=+crt-static)
#   on glibc targets: a static program starts without the dynamic loader's work (finding,
#   mapping and relocating libc.so and libgcc_s.so), which had made vbrctl start a third
#   slower than brctl (BENCHMARKS.md, "Start-up of the drop-ins"); a container runtime
#   starts vnet-cni once per container and command. They are built with
#   an explicit --target (the host's): cargo then gives RUSTFLAGS to the binaries and
#   the crates linked into them only, not to build scripts and proc macros (clap's
#   derive, thiserror), which are shared libraries that cannot link a static libc.
# - vtunctl and vip stay dynamically linked: `vtunctl -u NAME` and `vip tuntap add ...
#   user NAME` look names up with getpwnam/getgrnam through NSS, and a statically linked
#   glibc loads NSS modules other than "files" (systemd, ldap, sss) from the shared
#   glibc at run time, which crashes it (SIGSEGV on Debian 12, whose nsswitch.conf says
#   "files systemd"). Built without --target, they land in a target directory of their
#   own, so the two builds never rebuild each other's dependencies.
#
# Only vnet-cli's binaries are built here; the C library of vnet (a cdylib) must never
# be built with crt-static.
set -euo pipefail
cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n 's/^host: //p')
target_dir=$(cargo metadata --format-version 1 --no-deps | jq -r .target_directory)
static_flags=""
case $host in
  *-linux-gnu*) static_flags="-C target-feature=+crt-static" ;;
esac
RUSTFLAGS="${RUSTFLAGS:-} $static_flags" \
  cargo build --profile dist --target "$host" -p vnet-cli --bin vbrctl --bin vnet --bin vnet-cni >&2
cargo build --profile dist -p vnet-cli --bin vtunctl --bin vip >&2
out="$target_dir/shipped"
mkdir -p "$out"
ship() { # BUILD_DIR BIN: copied under a temporary name, then renamed (atomic)
  cp -f "$1/$2" "$out/$2.tmp"
  mv -f "$out/$2.tmp" "$out/$2"
}
ship "$target_dir/$host/dist" vbrctl
ship "$target_dir/$host/dist" vnet
ship "$target_dir/$host/dist" vnet-cni
ship "$target_dir/dist" vtunctl
ship "$target_dir/dist" vip
echo "$out"
