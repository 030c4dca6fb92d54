#!/usr/bin/env bash
# Tests the Debian package: unpacks target/debian/vnet_*.deb into a throwaway root
# (dpkg -x: nothing is installed on the machine), checks its files and Depends, then
# runs the installed vbrctl, vtunctl, vnet and vip, and a C program (examples/c/lab.c)
# built against the installed header and library through pkg-config, each inside fresh
# namespaces under a private /run/netns, and podman with the installed vnet-cni inside a
# sandbox (scripts/test-podman.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

deb=$(ls "${CARGO_TARGET_DIR:-target}"/debian/vnet_*_"$(dpkg --print-architecture)".deb)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg -x "$deb" "$root"
echo "== $deb: $(du -k "$deb" | cut -f1) KiB"
dpkg-deb -f "$deb" Package Version Architecture Depends

fail() { echo "FAIL: $*" >&2; exit 1; }
for f in usr/bin/vbrctl usr/bin/vtunctl usr/bin/vnet usr/bin/vip usr/lib/cni/vnet-cni usr/lib/libvnet.so.0 \
  usr/include/vnet.h usr/lib/pkgconfig/vnet.pc usr/share/man/man8/vbrctl.8.gz \
  usr/share/man/man8/vtunctl.8.gz usr/share/man/man8/vnet.8.gz usr/share/man/man8/vip.8.gz \
  usr/share/man/man8/vnet-lab.8.gz \
  usr/share/bash-completion/completions/vnet usr/share/doc/vnet/copyright; do
  [ -e "$root/$f" ] || fail "the package lacks /$f"
done
[ "$(readlink "$root/usr/lib/libvnet.so")" = libvnet.so.0 ] || fail "libvnet.so is not a link to libvnet.so.0"
grep -q '^prefix=/usr$' "$root/usr/lib/pkgconfig/vnet.pc" || fail "vnet.pc does not name /usr"
zgrep -q '^\.BI "addbr ' "$root/usr/share/man/man8/vbrctl.8.gz" || fail "vbrctl(8) lacks addbr"

# Depends names exactly the packages that provide the libraries the objects need.
depends=$(dpkg-deb -f "$deb" Depends)
for obj in "$root"/usr/bin/* "$root/usr/lib/cni/vnet-cni" "$root/usr/lib/libvnet.so.0"; do
  for lib in $(objdump -p "$obj" | awk '/NEEDED/ {print $2}'); do
    [ "$lib" = libvnet.so.0 ] && continue
    pkg=$(dpkg -S "$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')" 2>/dev/null |
      head -n1 | cut -d: -f1)
    [ -n "$pkg" ] || pkg=$(dpkg -S "*/$lib" | head -n1 | cut -d: -f1)
    echo "$depends" | grep -q "\b$pkg\b" || fail "$(basename "$obj") needs $lib ($pkg), not in Depends"
  done
done
echo "Depends covers every library the objects need"

bin="$root/usr/bin"
echo "== the installed commands, in a fresh namespace"
scripts/private-netns.sh sh -euc "
  ip netns add deb-test
  inns() { ip netns exec deb-test \"\$@\"; }
  inns $bin/vbrctl addbr br0
  inns $bin/vtunctl -t tap0 -u 1000 >/dev/null
  inns $bin/vbrctl addif br0 tap0
  inns $bin/vbrctl show | grep -q 'br0.*tap0'
  inns $bin/vnet forward on >/dev/null
  test \"\$(inns cat /proc/sys/net/ipv4/ip_forward)\" = 1
  inns $bin/vnet nat masquerade add --out tap0 >/dev/null
  inns nft -j list ruleset | grep -q masquerade
  inns $bin/vip link show br0 | grep -q 'br0'
  inns $bin/vtunctl -d tap0 >/dev/null
  inns $bin/vbrctl show | grep -q '^br0'
  ip netns del deb-test
  echo 'vbrctl, vtunctl, vnet and vip work'
"

echo "== a C program against the installed library"
export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root/usr/lib/pkgconfig"
prog="$root/lab"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Wpedantic -Werror $(pkg-config --cflags vnet) \
  "$repo/examples/c/lab.c" $(pkg-config --libs vnet) -o "$prog"
LD_LIBRARY_PATH="$root/usr/lib" ldd "$prog" | grep -q "$root/usr/lib/libvnet.so.0" ||
  fail "the program does not load the installed libvnet.so.0"
LD_LIBRARY_PATH="$root/usr/lib" scripts/private-netns.sh "$prog" 2
echo "== podman with the installed CNI plugin (in a sandbox)"
CNI_COMMAND=VERSION "$root/usr/lib/cni/vnet-cni" | jq -e '.supportedVersions | index("1.0.0")' >/dev/null ||
  fail "vnet-cni VERSION does not list 1.0.0"
scripts/test-podman.sh --plugin-dir "$root/usr/lib/cni"
echo "== the package works"
