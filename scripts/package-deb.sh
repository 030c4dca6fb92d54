#!/usr/bin/env bash
# Builds the Debian package of all of vnet, target/debian/vnet_VERSION_amd64.deb:
#   scripts/package-deb.sh [--no-build]
#
# The files of scripts/install.sh under /usr (commands, the CNI plugin in /usr/lib/cni,
# libvnet.so.0 and its link, vnet.h, vnet.pc, man pages, completions), stripped, man pages compressed, and a
# Depends line computed by dpkg-shlibdeps from the libraries the binaries really need.
# --no-build packages what target/release holds already. scripts/test-deb.sh tests it.
set -euo pipefail
cd "$(dirname "$0")/.."

build_flag=()
[ "${1:-}" = "--no-build" ] && build_flag=(--no-build)

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
arch=$(dpkg --print-architecture)
out="${CARGO_TARGET_DIR:-target}/debian"
stage="$out/stage"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN"
stage=$(cd "$stage" && pwd)

scripts/install.sh --prefix /usr --destdir "$stage" "${build_flag[@]}"

# Debian's habits: stripped objects, compressed man pages, a copyright file.
strip --strip-unneeded "$stage"/usr/bin/* "$stage/usr/lib/cni/vnet-cni" "$stage/usr/lib/libvnet.so.0"
gzip -9n "$stage"/usr/share/man/man8/*.8
install -d "$stage/usr/share/doc/vnet"
cat >"$stage/usr/share/doc/vnet/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: vnet

Files: *
License: MIT or Apache-2.0
COPYRIGHT

# Depends: what dpkg-shlibdeps finds the ELF files need (it reads a debian/control).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debian"
printf 'Source: vnet\n\nPackage: vnet\nArchitecture: any\n' >"$work/debian/control"
objects=("$stage"/usr/bin/* "$stage/usr/lib/cni/vnet-cni" "$stage/usr/lib/libvnet.so.0")
depends=$(cd "$work" && dpkg-shlibdeps -O -l"$stage/usr/lib" "${objects[@]}" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package-deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

cat >"$stage/DEBIAN/control" <<CONTROL
Package: vnet
Version: $version
Architecture: $arch
Maintainer: vnet developers <vnet@example.invalid>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Suggests: iproute2
Enhances: podman
Section: net
Priority: optional
Homepage: https://example.invalid/vnet
Description: Linux virtual networking through one synchronous API
 Network namespaces, veth pairs, tun/tap devices, bridges, VLANs, VXLAN,
 addresses, routes, proxy ARP, forwarding, NAT masquerade and conntrack.
 .
 This package holds the commands vbrctl and vtunctl (drop-in replacements for
 brctl and tunctl), vnet (NAT, forwarding, proxy ARP, conntrack) and vip, the
 CNI plugin vnet-cni (in /usr/lib/cni: a bridge network with masquerade and port
 mappings for podman and other CNI runtimes, in one process), and libvnet.so.0
 with its header vnet.h and pkg-config file for C programs.
CONTROL
# libvnet.so.0 is a shared library in a public directory: refresh the loader's cache.
echo "activate-noawait ldconfig" >"$stage/DEBIAN/triggers"

deb="$out/vnet_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "built $deb ($(du -k "$deb" | cut -f1) KiB; Depends: $depends)"
