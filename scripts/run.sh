#!/usr/bin/env bash
# make run: validate the bundled examples, start `kgit up` (API server, controller manager, scheduler, 3 simulated
# nodes running the pods) in
# the background with a data directory under /tmp, sync manifests/examples/shop into it with `kgit sync`, show
# the cluster, then stop it.
set -uo pipefail

BIN=${BIN:-.build/debug/kgit}
NODES=${NODES:-3}
WORK=$(mktemp -d /tmp/kgit-run.XXXXXX)
DATA="$WORK/cluster"
export KUBECONFIG="$DATA/kubeconfig"
export KGIT_CACHE_DIR="$WORK/git-cache"
PID=""

stop() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill -TERM "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
        echo "== cluster stopped"
    fi
    rm -rf "$WORK"
}
trap stop EXIT

echo "== kgit validate manifests/examples"
"$BIN" validate --summary manifests/examples || exit 1

echo "== kgit up --data-dir $DATA --nodes $NODES"
"$BIN" up --data-dir "$DATA" --listen 127.0.0.1:0 --nodes "$NODES" 2>"$WORK/up.log" &
PID=$!
for _ in $(seq 1 600); do
    grep -q "listening on" "$WORK/up.log" 2>/dev/null && [ -f "$KUBECONFIG" ] && break
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/up.log"; exit 2; }
    sleep 0.1
done
cat "$WORK/up.log"

echo "== kgit sync manifests/examples/shop"
"$BIN" sync manifests/examples/shop --name shop
status=$?
[ $status -eq 0 ] || echo "(kgit sync exited with status $status)"

# Give the controllers, the scheduler and the simulated nodes a moment: until pods exist and none is still
# starting and kgit status shows nothing still progressing (at most about 30 s).
for _ in $(seq 1 150); do
    if command -v kubectl >/dev/null; then
        pods=$(kubectl get pods -A --no-headers 2>/dev/null)
        if [ -n "$pods" ] && ! grep -qE "Pending|ContainerCreating" <<<"$pods" \
            && ! "$BIN" status 2>/dev/null | grep -qE "Progressing|Missing"; then break; fi
    fi
    sleep 0.2
done

if command -v kubectl >/dev/null; then
    echo "== kubectl get nodes,deployments,replicasets,pods,endpoints -A"
    kubectl get nodes -o wide
    kubectl get deployments,replicasets,pods,endpoints -A
fi
echo "== kgit status"
"$BIN" status || true
