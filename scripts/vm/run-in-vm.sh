#!/usr/bin/env bash
# Runs programs as root inside Debian's stock kernel (QEMU, software emulation), the
# stock-kernel test lane's runner:
#
#   scripts/vm/run-in-vm.sh BINARY [ARGS...]
#       boots a VM, runs BINARY ARGS there (same path, same working directory, same
#       environment), streams its output and exits with its exit code. Usable as a cargo
#       runner, one VM per test binary:
#         CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER=$PWD/scripts/vm/run-in-vm.sh \
#           cargo test --test links
#   VNET_VM_QUEUE=DIR scripts/vm/run-in-vm.sh BINARY [ARGS...]
#       only records the job in DIR (a cargo runner that collects what cargo would run);
#       with VNET_VM_JOB_LABEL=TEXT, the job's name in the summary ends with [TEXT];
#   scripts/vm/run-in-vm.sh --queue DIR
#       boots one VM that runs every job recorded in DIR (in their order, several at a
#       time) and prints a summary; exits 0 only if every job exited 0.
#       scripts/vm/lane.sh uses this.
#
# The guest sees the host's root filesystem read-only (virtio-9p) under a tmpfs overlay,
# so it runs the host's own test binaries, ip, ping, nft and cargo at their host paths,
# and nothing it writes reaches the host. It has no network card: the host's network is
# out of its reach. A job that outlives VNET_VM_JOB_TIMEOUT seconds (default 600) is
# stopped and fails; a VM that outlives VNET_VM_TIMEOUT (default: the job's limit and
# 120 s for one job, twice the limit and 300 s for a queue), a guest kernel panic, or a VM
# that stops without reporting an exit code is a failure with a message that says which.
# A queue runs VNET_VM_PARALLEL jobs at a time (default 2). The image comes from
# scripts/vm/prepare.sh.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${VNET_VM_CACHE:-$repo/.vm-cache}
say() { echo "vm-lane: $*" >&2; }

# A job: a bash script that enters the working directory, sets the environment and execs
# the program, plus a one-line name.
write_job() { # DIR BINARY [ARGS...]
  local dir=$1 n kv var value
  shift
  mkdir -p "$dir"
  n=$(find "$dir" -maxdepth 1 -name '*.sh' | wc -l)
  n=$(printf '%03d' "$((n + 1))")
  job_name=$1
  case $job_name in "$repo"/*) job_name=${job_name#"$repo"/} ;; esac
  [ "$#" -gt 1 ] && job_name="$job_name ${*:2}"
  [ -n "${VNET_VM_JOB_LABEL:-}" ] && job_name="$job_name [$VNET_VM_JOB_LABEL]"
  {
    printf 'cd -- %q || exit 125\n' "$PWD"
    while IFS= read -r -d '' kv; do
      var=${kv%%=*} value=${kv#*=}
      [[ $var =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
      # Not the runner itself: a cargo inside the guest must run its programs there.
      case $var in PWD | OLDPWD | SHLVL | _ | VNET_VM_QUEUE | VNET_VM_JOB_LABEL | VNET_LANE | CARGO_TARGET_*_RUNNER) continue ;; esac
      printf 'export %s=%q\n' "$var" "$value"
    done < <(env -0)
    printf 'exec'
    printf ' %q' "$@"
    printf '\n'
  } >"$dir/$n.sh"
  printf '%s\n' "$job_name" >"$dir/$n.name"
}

if [ "${1:-}" = "" ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 2
fi

if [ "$1" != "--queue" ] && [ -n "${VNET_VM_QUEUE:-}" ]; then
  write_job "$VNET_VM_QUEUE" "$@"
  say "queued for the stock-kernel VM: $job_name"
  exit 0
fi

image=$("$here/prepare.sh") || {
  say "FAIL: preparing the VM image failed (above)"
  exit 1
}
if [ "$1" = "--queue" ]; then
  [ -n "${2:-}" ] && [ -d "$2" ] || {
    say "usage: run-in-vm.sh --queue DIR"
    exit 2
  }
  jobs=$(cd "$2" && pwd)
  single=""
else
  jobs=$(mktemp -d "$cache/jobs.XXXXXX")
  trap 'rm -rf "$jobs"' EXIT
  write_job "$jobs" "$@"
  single=yes
fi
count=$(find "$jobs" -maxdepth 1 -name '*.sh' | wc -l)
[ "$count" -gt 0 ] || {
  say "FAIL: no jobs in $jobs"
  exit 1
}
for path in "$here/guest-init.sh" "$image" "$jobs"; do
  case $path in *[[:space:]]*)
    say "FAIL: '$path' contains whitespace; it cannot travel on the kernel command line"
    exit 1
    ;;
  esac
done

job_timeout=${VNET_VM_JOB_TIMEOUT:-600}
if [ -n "$single" ]; then
  vm_timeout=${VNET_VM_TIMEOUT:-$((job_timeout + 120))}
else
  vm_timeout=${VNET_VM_TIMEOUT:-$((2 * job_timeout + 300))}
fi
nonce=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
kernel_release=$(cat "$image/kernel-release")
say "booting Debian's kernel $kernel_release (QEMU, TCG) for $count job(s)"

# TCG: /dev/kvm cannot run this kernel on a machine without vmx/svm. Two vCPUs, each a
# host thread (MTTCG). No network card. Kernel messages below "emergency" stay in the
# ring buffer (the guest prints its tail when a job fails); a panic still shows.
# Three boot options make emulation cheaper without touching networking:
#   norandmaps       no address-space randomisation: QEMU 7.2 keys translated code by
#                    virtual address, so with it every new process re-translated ld.so
#                    and libc (22 ms of a 35 ms `/bin/true`, 2 ms without);
#   mitigations=off  no speculative-execution barriers, which an emulator has no use for;
#   tsc=reliable clocksource=tsc   the TSC, not the emulated HPET, as the clock.
start=$SECONDS
marker_code="" panic="" reported_jobs=()
while IFS= read -r line; do
  line=${line%$'\r'}
  case $line in
    "VNET-LANE-EXIT $nonce "*) marker_code=${line##* } ;;
    "VNET-LANE-JOB $nonce "*)
      rest=${line#"VNET-LANE-JOB $nonce "}
      reported_jobs+=("$rest")
      ;;
    *"] reboot: Power down") ;; # the guest's last word, after its marker
    *)
      case $line in *"Kernel panic - not syncing"*) panic=$line ;; esac
      printf '%s\n' "$line"
      ;;
  esac
done < <(
  exec timeout -k 5 "$vm_timeout" qemu-system-x86_64 \
    -machine q35 -accel tcg,thread=multi -cpu max -smp 2 -m "${VNET_VM_MEMORY:-2048}" \
    -display none -monitor none -serial stdio -no-reboot -nic none \
    -kernel "$image/vmlinux" -initrd "$image/initrd.gz" \
    -append "console=ttyS0 mitigations=off norandmaps tsc=reliable clocksource=tsc quiet loglevel=1 panic=-1 vnet.init=$here/guest-init.sh vnet.image=$image vnet.jobs=$jobs vnet.nonce=$nonce vnet.timeout=$job_timeout vnet.parallel=${VNET_VM_PARALLEL:-2}" \
    -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
    </dev/null 2>&1
)
wait $! 2>/dev/null
vm_status=$?
elapsed=$((SECONDS - start))

if [ -z "$marker_code" ]; then
  if [ -n "$panic" ]; then
    say "FAIL: the guest kernel panicked ($panic)"
  elif [ "$vm_status" -eq 124 ] || [ "$vm_status" -eq 137 ]; then
    say "FAIL: the VM was still running after ${vm_timeout}s (hung?): stopped"
  else
    say "FAIL: the VM stopped after ${elapsed}s without reporting an exit code (qemu exit $vm_status)"
  fi
  exit 1
fi

if [ -n "$single" ]; then
  say "VM done in ${elapsed}s: exit $marker_code"
  exit "$marker_code"
fi

# Every queued job must have reported exactly once; a job that did not is a failure.
failed=0
declare -A codes=()
for entry in "${reported_jobs[@]}"; do
  code=${entry%% *} n=${entry##* }
  if [ -n "${codes[$n]:-}" ]; then
    say "FAIL: job $n reported twice"
    exit 1
  fi
  codes[$n]=$code
done
say "VM done in ${elapsed}s; summary (Linux $kernel_release):"
for job in "$jobs"/*.sh; do
  n=$(basename "$job" .sh)
  name=$(cat "$jobs/$n.name")
  code=${codes[$n]:-}
  if [ "$code" = 0 ]; then
    echo "  ok      $name" >&2
  elif [ -n "$code" ]; then
    echo "  FAILED  $name (exit $code)" >&2
    failed=$((failed + 1))
  else
    echo "  FAILED  $name (no exit code reported)" >&2
    failed=$((failed + 1))
  fi
done
if [ "$failed" -ne 0 ] || [ "$marker_code" != 0 ]; then
  say "FAIL: $failed of $count jobs failed in the stock-kernel VM"
  exit 1
fi
say "all $count jobs passed in the stock-kernel VM"
