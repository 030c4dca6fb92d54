#!/bin/bash
# PID 1 of the stock-kernel VM after the initramfs switched to the host's root (a
# read-only virtio-9p share under a tmpfs overlay, see scripts/vm/initramfs-init).
#
# Gives the guest a fresh /run, /tmp and /dev/pts, the kernel package's modules under
# /lib/modules with on-demand loading (busybox modprobe, as the kernel's
# /proc/sys/kernel/modprobe), then runs every job scripts/vm/run-in-vm.sh wrote, in
# order, each with the environment and working directory it recorded, stdin from
# /dev/null, under a time limit, several at a time. It reports each job's exit code and
# then the first failing one (0 if none failed) on the serial console, on marker lines
# that carry the run's nonce, and powers the VM off. Kernel command line: vnet.image=DIR
# (the prepared image), vnet.jobs=DIR, vnet.nonce=WORD, vnet.timeout=SECONDS (per job),
# vnet.parallel=N (jobs at a time, default 2).
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
image="" jobs="" nonce="" job_timeout=300 parallel=2
for arg in $(</proc/cmdline); do
  case "$arg" in
    vnet.image=*) image=${arg#*=} ;;
    vnet.jobs=*) jobs=${arg#*=} ;;
    vnet.nonce=*) nonce=${arg#*=} ;;
    vnet.timeout=*) job_timeout=${arg#*=} ;;
    vnet.parallel=*) parallel=${arg#*=} ;;
  esac
done
finish() {
  echo "VNET-LANE-EXIT $nonce $1"
  sync
  /bin/busybox poweroff -f
}
fail() {
  echo "vnet-lane: guest: $*"
  finish 125
}

# The jobs and modules may live anywhere on the host, even under /tmp or /run, which get
# fresh mounts below: copy the jobs and bind the modules first.
mkdir -p /.vnet-lane && mount -t tmpfs -o mode=0755 vnet-lane /.vnet-lane || fail "tmpfs failed"
cp -r "$jobs" /.vnet-lane/jobs || fail "reading the jobs in $jobs failed"
kver=$(uname -r)
[ -d "$image/lib/modules/$kver" ] || fail "no modules for $kver in $image"
mkdir -p "/lib/modules/$kver" && mount --bind "$image/lib/modules/$kver" "/lib/modules/$kver" ||
  fail "binding the modules failed"

mount -t tmpfs -o mode=0755,nosuid,nodev run /run
mount -t tmpfs -o mode=1777,nosuid,nodev tmp /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm
# What udev and systemd would add to devtmpfs on a Debian machine.
for link in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
  [ -e "/dev/${link%%:*}" ] || ln -s "${link#*:}" "/dev/${link%%:*}"
done

# The kernel asks /proc/sys/kernel/modprobe for modules it lacks (rtnl-link-vlan,
# nft-expr-masq, ...): busybox's modprobe reads the modules.dep and modules.alias that
# prepare.sh generated. tun is loaded now, because /dev/net/tun exists only once it is.
mkdir -p /run/vnet-lane/bin
ln -s /bin/busybox /run/vnet-lane/bin/modprobe
echo /run/vnet-lane/bin/modprobe >/proc/sys/kernel/modprobe
/run/vnet-lane/bin/modprobe tun || fail "loading tun failed"
hostname vnet-lane
ip link set lo up

echo "vnet-lane: Linux $kver on $(nproc) CPUs, ready after $(cut -d' ' -f1 /proc/uptime) s"
shopt -s nullglob
all_jobs=(/.vnet-lane/jobs/*.sh)
[ "${#all_jobs[@]}" -gt 0 ] || fail "no jobs in $jobs"
# Jobs run $parallel at a time (test binaries are independent: every test names its own
# namespaces), each with its output kept aside and printed whole when it ends; a lone
# job streams live.
[ "${#all_jobs[@]}" -gt 1 ] || parallel=1
mkdir -p /.vnet-lane/out
first_failure=0

run_job() { # JOB LOG: runs one job, leaves "CODE SECONDS" in LOG.done
  local started code
  started=$(cut -d' ' -f1 /proc/uptime)
  # Never the console itself: the jobs see a pipe or a file, as under cargo test.
  if [ "$2" = - ]; then
    timeout -k 10 "$job_timeout" env -i VNET_LANE="$kver" bash "$1" </dev/null 2>&1 | cat
    code=${PIPESTATUS[0]}
  else
    timeout -k 10 "$job_timeout" env -i VNET_LANE="$kver" bash "$1" </dev/null >"$2" 2>&1
    code=$?
  fi
  echo "$code $(awk -v s="$started" '{ printf "%.1f", $1 - s }' /proc/uptime)" >"/.vnet-lane/out/$(basename "$1" .sh).done"
}

report() { # N: prints a finished job's output and result
  local n=$1 name code seconds
  name=$(cat "/.vnet-lane/jobs/$n.name")
  read -r code seconds <"/.vnet-lane/out/$n.done"
  if [ "$parallel" -gt 1 ]; then
    echo "vnet-lane: ---- $name"
    cat "/.vnet-lane/out/$n.log"
  fi
  if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
    echo "vnet-lane: $name did not finish within ${job_timeout}s: stopped"
  fi
  echo "vnet-lane: exit $code after $seconds s: $name"
  echo "VNET-LANE-JOB $nonce $code $n"
  if [ "$code" -ne 0 ] && [ "$first_failure" -eq 0 ]; then first_failure=$code; fi
}

declare -A running=()
reap() {
  local pid
  wait -n -p pid
  report "${running[$pid]}"
  unset "running[$pid]"
}
for job in "${all_jobs[@]}"; do
  n=$(basename "$job" .sh)
  if [ "$parallel" -eq 1 ]; then
    echo "vnet-lane: running $(cat "/.vnet-lane/jobs/$n.name")"
    run_job "$job" -
    report "$n"
    continue
  fi
  while [ "${#running[@]}" -ge "$parallel" ]; do reap; done
  run_job "$job" "/.vnet-lane/out/$n.log" &
  running[$!]=$n
done
while [ "${#running[@]}" -gt 0 ]; do reap; done

if [ "$first_failure" -ne 0 ]; then
  echo "vnet-lane: the guest kernel's last messages:"
  dmesg | tail -n 30
fi
finish "$first_failure"
