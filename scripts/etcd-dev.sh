#!/usr/bin/env bash
# Starts a throwaway single-member etcd 3.4 on loopback for trying `kgit store --etcd-endpoints`.
# Usage: scripts/etcd-dev.sh [CLIENT_PORT]   (default 2379; peer port is CLIENT_PORT+1)
# Prints the endpoint, runs in the foreground, and removes its data directory when stopped (Ctrl-C).
set -euo pipefail

port="${1:-2379}"
peer=$((port + 1))
etcd_bin="$(command -v etcd || true)"
if [ -z "$etcd_bin" ]; then
    echo "etcd-dev: etcd is not installed; run scripts/install-deps.sh (Debian package etcd-server)" >&2
    exit 2
fi
data="$(mktemp -d -t kgit-etcd-dev.XXXXXX)"
trap 'rm -rf "$data"' EXIT
echo "etcd-dev: endpoint http://127.0.0.1:$port (data in $data)"
echo "etcd-dev: try: kgit store status --etcd-endpoints http://127.0.0.1:$port"
"$etcd_bin" --name dev --data-dir "$data/data" \
    --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "dev=http://127.0.0.1:$peer" --log-level warn
