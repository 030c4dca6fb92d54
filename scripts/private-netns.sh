#!/usr/bin/env bash
# Runs a command in a private mount namespace whose /run/netns is a fresh tmpfs, so the
# named namespaces tests create are invisible to the host and vanish with the command.
#   scripts/private-netns.sh cargo test
set -euo pipefail
mkdir -p /run/netns
exec unshare --mount --propagation private -- sh -c 'mount -t tmpfs -o mode=0755 vnet-netns /run/netns && exec "$@"' sh "$@"
