#!/usr/bin/env bash
# make bench: builds kgit and kgit-bench in release mode and runs every benchmark (or those named), each of
# which measures kgit against its named peer in the same run and prints the ratio.
# Usage: scripts/bench.sh [NAME...]   (names: `kgit-bench list`)
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product kgit
swift build -c release --product kgit-bench
BIN=$(swift build -c release --show-bin-path)
export KGIT_BIN="$BIN/kgit"

# The validate benchmark's peer is the PyPI package kubernetes-validate.
if ! command -v kubernetes-validate >/dev/null 2>&1; then
    python3 -m pip install --quiet kubernetes-validate || echo "bench: could not install kubernetes-validate"
fi

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    mapfile -t names < <("$BIN/kgit-bench" list | awk 'NR>2 && NF {print $1}')
fi
for name in "${names[@]}"; do
    echo "== kgit-bench $name"
    "$BIN/kgit-bench" "$name"
    # The validate target is also checked in instructions, which a busy machine does not change.
    if [ "$name" = validate ]; then
        if command -v valgrind >/dev/null 2>&1; then
            echo "-- validate in instructions (scripts/bench-instructions.sh)"
            scripts/bench-instructions.sh --no-build
        else
            echo "bench: valgrind is not installed; skipping the instruction-count ratio"
        fi
    fi
    echo
done
