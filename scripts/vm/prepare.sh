#!/usr/bin/env bash
# Prepares (once) and caches the stock-kernel VM image of the test lane, then prints the
# image's directory on stdout:
#   scripts/vm/prepare.sh            # -> .vm-cache/linux-image-6.1.0-NN-amd64_VERSION
#
# The image is Debian's own kernel, unmodified: the current linux-image-*-amd64 package
# that linux-image-amd64 depends on (resolved here, each run: bookworm-security keeps only
# the current version, so a hard-coded name would stop downloading), fetched with
# `apt-get download` and unpacked with `dpkg-deb -x`, never installed. From it:
#   vmlinux      the uncompressed kernel (booting it saves seconds per boot under TCG)
#   lib/modules/ every module of the package, with busybox depmod's modules.dep and
#                modules.alias: the guest loads them on demand, as a Debian machine does
#   initrd.gz    busybox-static, the few modules that mount the host's root through
#                virtio-9p under a tmpfs overlay, and scripts/vm/initramfs-init as /init
# Everything else the guest runs (bash, ip, ping, nft, brctl, the test binaries, cargo)
# is the host's own, read through that share: see scripts/vm/run-in-vm.sh.
#
# The cache lives in .vm-cache/ (gitignored; VNET_VM_CACHE overrides it) and keeps the
# downloaded .deb, so a later run needs no network even after the archive moved on.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${VNET_VM_CACHE:-$repo/.vm-cache}
mkdir -p "$cache/debs"
say() { echo "vm-prepare: $*" >&2; }
die() { say "$*"; exit 1; }

for tool in qemu-system-x86_64 busybox dpkg-deb cpio gzip xz apt-get flock; do
  command -v "$tool" >/dev/null || die "missing '$tool': run scripts/install-deps.sh"
done
[ -x /bin/busybox ] || die "missing /bin/busybox (package busybox-static): run scripts/install-deps.sh"

# One preparation at a time (a cargo runner may start several).
exec 9>"$cache/lock"
flock 9

# The kernel package linux-image-amd64 points to now, e.g. linux-image-6.1.0-57-amd64.
resolve() {
  apt-cache depends linux-image-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}
pkg=$(resolve)
if [ -z "$pkg" ]; then
  say "apt-get update (linux-image-amd64 unknown to apt)"
  apt-get update -qq >&2 || true
  pkg=$(resolve)
fi

newest_ready() { ls -1dt "$cache"/linux-image-*/ready 2>/dev/null | head -1 | xargs -r dirname; }

download() { # $1 = package; leaves the .deb in $cache/debs
  local tmp out
  tmp=$(mktemp -d "$cache/download.XXXXXX")
  chmod 0777 "$tmp" # apt drops to user _apt for downloads, where it can
  if out=$(cd "$tmp" && apt-get download -q "$1" 2>&1); then
    mv "$tmp"/*.deb "$cache/debs/"
    rmdir "$tmp"
    return 0
  fi
  echo "$out" | grep -v 'unsandboxed as root' >&2
  rm -rf "$tmp"
  return 1
}

# The version apt would fetch of $pkg, and that version's .deb in the cache, if any.
version_of() { apt-cache show --no-all-versions "$1" 2>/dev/null | awk '/^Version:/ { print $2; exit }'; }
cached_deb() { ls -1 "$cache/debs/${1}_${2}_"*.deb 2>/dev/null | head -1 || true; }

deb=""
if [ -n "$pkg" ]; then
  version=$(version_of "$pkg")
  deb=$(cached_deb "$pkg" "$version")
  if [ -z "$deb" ]; then
    say "downloading $pkg $version"
    if ! download "$pkg"; then
      # The archive moved on since apt's lists were fetched: refresh them, resolve again.
      say "apt-get update (download of $pkg failed)"
      apt-get update -qq >&2 || true
      pkg=$(resolve)
      version=$(version_of "$pkg")
      download "$pkg" || true
    fi
    deb=$(cached_deb "$pkg" "$version")
  fi
fi
if [ -z "$deb" ]; then
  fallback=$(newest_ready)
  [ -n "$fallback" ] || die "cannot download Debian's kernel package (linux-image-amd64 -> '${pkg:-?}'), and no cached image"
  say "cannot download '${pkg:-linux-image-amd64}': using the cached $(basename "$fallback")"
  echo "$fallback"
  exit 0
fi

image="$cache/$(basename "$deb" _amd64.deb)"
if [ ! -f "$image/ready" ]; then
  say "unpacking $(basename "$deb")"
  rm -rf "$image" "$image.tmp"
  mkdir -p "$image.tmp"
  dpkg-deb -x "$deb" "$image.tmp/root"
  kver=$(ls -1 "$image.tmp/root/lib/modules")
  [ "$(echo "$kver" | wc -l)" -eq 1 ] || die "expected one kernel in $deb, found: $kver"

  # vmlinuz is a bzImage: a boot stub, then the compressed ELF kernel. Find the payload
  # by its compression magic (what the kernel's scripts/extract-vmlinux does) and keep
  # the first candidate that decompresses to an ELF file.
  vmlinuz="$image.tmp/root/boot/vmlinuz-$kver"
  extracted=""
  for method in "fd377a585a00:xz -dc --single-stream" "28b52ffd:zstd -dcq" "1f8b0800:gzip -dcq"; do
    magic=${method%%:*} tool=${method#*:}
    command -v "${tool%% *}" >/dev/null || continue
    pattern=$(printf '%s' "$magic" | sed 's/../\\x&/g')
    for offset in $(LC_ALL=C grep -aboP "$pattern" "$vmlinuz" 2>/dev/null | cut -d: -f1 | head -5); do
      tail -c "+$((offset + 1))" "$vmlinuz" | $tool >"$image.tmp/vmlinux" 2>/dev/null || true
      if [ "$(head -c 4 "$image.tmp/vmlinux" | od -An -tx1 | tr -d ' \n')" = "7f454c46" ]; then
        extracted=yes
        break 2
      fi
    done
  done
  [ -n "$extracted" ] || die "could not extract vmlinux from $vmlinuz"

  mkdir -p "$image.tmp/lib/modules"
  mv "$image.tmp/root/lib/modules/$kver" "$image.tmp/lib/modules/"
  rm -rf "$image.tmp/root"
  # Debian ships no modules.dep in the package (its postinst runs depmod).
  busybox depmod -b "$image.tmp" "$kver"
  echo "$kver" >"$image.tmp/kernel-release"
  mv "$image.tmp" "$image"
  touch "$image/ready"
  # Older kernels' images and packages are of no further use.
  for old in "$cache"/linux-image-*; do
    [ "$old" = "$image" ] || rm -rf "$old"
  done
  for old in "$cache"/debs/*.deb; do
    [ "$old" = "$deb" ] || rm -f "$old"
  done
fi
kver=$(cat "$image/kernel-release")

# The programs the tests and the guest run most, with their libraries: the initramfs
# carries copies of them (about 10 MB), layered over the share, because opening a file
# over virtio-9p costs round trips to QEMU, and under TCG that doubles the cost of
# starting an `ip` (about 55 ms from the share, 28 ms from memory).
hot_programs=(bash sh ip bridge ping nft conntrack brctl tunctl iptables-legacy iptables-nft
  iptables-legacy-save iptables-nft-save sysctl unshare setpriv findmnt mount umount timeout
  env cat sleep)
hot_files() {
  local p path
  for p in "${hot_programs[@]}"; do
    path=$(command -v "$p" 2>/dev/null) || continue
    readlink -f "$path"
    # A static program or a script has no libraries: ldd fails, nothing to add.
    { ldd "$path" 2>/dev/null || true; } | grep -o '/[^ ]*' | xargs -r readlink -f || true
  done
  if [ -f /etc/ld.so.cache ]; then echo /etc/ld.so.cache; fi
}

# The initramfs is cheap (about a second): rebuilt whenever what goes into it changed:
# its /init, this script, busybox, or the host's packages and library cache.
init="$here/initramfs-init"
key=$(cat "$init" "$0" /bin/busybox | md5sum | cut -d' ' -f1)
key="$key $(stat -c %Y /var/lib/dpkg/status /etc/ld.so.cache 2>/dev/null | tr '\n' ' ')"
if [ ! -f "$image/initrd.gz" ] || [ "$(cat "$image/initrd.key" 2>/dev/null)" != "$key" ]; then
  moddir="$image/lib/modules/$kver"
  work=$(mktemp -d "$cache/initrd.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work"/{bin,dev,proc,sys,lower,rw,hot,newroot,modules}
  cp /bin/busybox "$work/bin/busybox"
  cp "$init" "$work/init"
  chmod 0755 "$work/init"
  # The modules that mount the share, each after what it depends on (modules.dep lists a
  # module's dependencies, nearest first: load them from the end).
  declare -A loaded=()
  load() {
    local line deps d
    line=$(grep -E "(^|/)$1\.ko:" "$moddir/modules.dep") || die "module $1 not in $kver"
    deps=${line#*:}
    for d in $(echo "$deps" | tr ' ' '\n' | tac); do load "$(basename "$d" .ko)"; done
    if [ -z "${loaded[$1]:-}" ]; then
      loaded[$1]=1
      cp "$moddir/${line%%:*}" "$work/modules/$1.ko"
      echo "$1" >>"$work/modules/order"
    fi
  }
  for m in virtio_pci 9pnet_virtio 9p overlay; do load "$m"; done
  # Real paths only (no symlinks): /lib, /bin and /sbin stay the share's own symlinks.
  hot_files | sort -u | sed 's|^/||' | tar -C / -cf - --no-recursion -T - | tar -C "$work/hot" -xf -
  (cd "$work" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$image/initrd.gz.tmp"
  mv "$image/initrd.gz.tmp" "$image/initrd.gz"
  echo "$key" >"$image/initrd.key"
fi
echo "$image"
