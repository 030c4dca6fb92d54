#!/usr/bin/env bash
# Builds vnet in release mode and installs it:
#   scripts/install.sh [--prefix PREFIX] [--destdir DIR] [--no-build]
#
#   PREFIX/bin/{vbrctl,vtunctl,vnet,vip}           the commands
#   PREFIX/lib/cni/vnet-cni                        the CNI plugin (give CNI_PATH, or
#                                                  podman's cni_plugin_dirs, this directory)
#   PREFIX/lib/libvnet.so.0, libvnet.so -> .so.0   the C library (SONAME libvnet.so.0)
#   PREFIX/include/vnet.h                          its header
#   PREFIX/lib/pkgconfig/vnet.pc                   cc app.c $(pkg-config --cflags --libs vnet)
#   PREFIX/share/man/man8/*.8                      vbrctl(8), vtunctl(8), vnet(8) and its subcommands
#   PREFIX/share/{bash-completion,zsh,fish}/...    the vnet command's completions
#
# PREFIX defaults to /usr/local. --destdir stages the files under DIR (for packaging:
# scripts/package-deb.sh); the paths inside them still name PREFIX. --no-build installs
# what target/release holds already.
#
# Everything is built with a plain `cargo build --release`. (libvnet.so must stay on
# such a build whatever the binaries get: a shared library cannot be built with a
# static C runtime, `-C target-feature=+crt-static`.)
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=/usr/local destdir="" build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --destdir) destdir="${2:?--destdir needs a directory}"; shift 2 ;;
    --destdir=*) destdir="${1#--destdir=}"; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scripts/install.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case "$prefix" in
  /*) ;;
  *) echo "scripts/install.sh: --prefix must be an absolute path" >&2; exit 2 ;;
esac
prefix="${prefix%/}"

target="${CARGO_TARGET_DIR:-target}/release"
if [ "$build" = 1 ]; then
  # One invocation, so both share one feature resolution (and one build of vnet-core);
  # --lib as well as --bins, or vnet-ffi (which has no binary) would not be built.
  cargo build --release -p vnet-cli -p vnet-ffi --lib --bins
fi
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)

root="$destdir$prefix"
install -d "$root/bin" "$root/lib/cni" "$root/lib/pkgconfig" "$root/include" "$root/share/man/man8" \
  "$root/share/bash-completion/completions" "$root/share/zsh/vendor-completions" \
  "$root/share/fish/vendor_completions.d"

for bin in vbrctl vtunctl vnet vip; do
  install -m 0755 "$target/$bin" "$root/bin/$bin"
done
# A CNI plugin is found by runtimes in a plugin directory, not on PATH (Debian's
# containernetworking-plugins use /usr/lib/cni).
install -m 0755 "$target/vnet-cni" "$root/lib/cni/vnet-cni"

install -m 0644 "$target/libvnet_ffi.so" "$root/lib/libvnet.so.0"
ln -sfn libvnet.so.0 "$root/lib/libvnet.so"
install -m 0644 vnet-ffi/include/vnet.h "$root/include/vnet.h"

# The loader finds /usr/lib and the directories of ld.so.conf (/usr/local/lib on
# Debian) by itself; a program linked against a library anywhere else gets an rpath.
case "$prefix/lib" in
  /usr/lib|/usr/local/lib|/lib) rpath="" ;;
  *) rpath=" -Wl,-rpath,\${libdir}" ;;
esac
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|^Libs: .*|&$rpath|" \
  vnet-ffi/vnet.pc.in >"$root/lib/pkgconfig/vnet.pc"
chmod 0644 "$root/lib/pkgconfig/vnet.pc"

install -m 0644 vnet-cli/man/*.8 vnet-cli/doc/*.8 "$root/share/man/man8/"
install -m 0644 vnet-cli/completions/vnet.bash "$root/share/bash-completion/completions/vnet"
install -m 0644 vnet-cli/completions/_vnet "$root/share/zsh/vendor-completions/_vnet"
install -m 0644 vnet-cli/completions/vnet.fish "$root/share/fish/vendor_completions.d/vnet.fish"

# A real install (not a staging one) into the loader's directories refreshes its
# cache, so that programs find libvnet.so.0 at once.
if [ -z "$destdir" ] && [ -z "$rpath" ] && [ "$(id -u)" -eq 0 ] && command -v ldconfig >/dev/null; then
  ldconfig
fi
echo "installed vnet $version under $root"
