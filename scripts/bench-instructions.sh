#!/usr/bin/env bash
# Instruction counts of `kgit validate` and of KgitYAML's parse against the raw libyaml event scan, under
# valgrind's callgrind: unlike wall-clock time, they do not depend on how busy the machine is.
#
# Each side runs in its own process (`kgit-bench validate-cost --only SIDE`) after the same setup; a run
# with `--only setup` is subtracted, so each figure is the side's own cost. Hashing is made deterministic
# so that two runs of the same binary count the same instructions.
#
# Usage: scripts/bench-instructions.sh [--no-build] [--documents N] [--repeat R] [--profile DIR]
#   --profile DIR keeps the callgrind output files in DIR (read them with callgrind_annotate).
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
documents=2200
repeat=1
profile=""
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --documents) documents=$2; shift ;;
        --repeat) repeat=$2; shift ;;
        --profile) profile=$2; shift ;;
        *) echo "usage: $0 [--no-build] [--documents N] [--repeat R] [--profile DIR]" >&2; exit 2 ;;
    esac
    shift
done
command -v valgrind >/dev/null || { echo "bench-instructions: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }

if [ "$build" = 1 ]; then swift build -c release --product kgit-bench; fi
BIN=$(swift build -c release --show-bin-path)/kgit-bench
out=${profile:-$(mktemp -d)}
mkdir -p "$out"
[ -n "$profile" ] || trap 'rm -rf "$out"' EXIT

# The total instructions (Ir) of one side's process.
count() {
    local side=$1
    SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$side" \
        "$BIN" validate-cost --only "$side" --documents "$documents" --repeat "$repeat" >/dev/null 2>"$out/valgrind.$side.log"
    awk '/^(summary|totals):/ {print $2; exit}' "$out/callgrind.$side"
}

setup=$(count setup)
scan=$(( $(count scan) - setup ))
parse=$(( $(count parse) - setup ))
validate=$(( $(count validate) - setup ))
parallel=$(( $(count validate-parallel) - setup ))
per_doc() { echo $(( $1 / (documents * repeat) )); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "corpus: $documents documents x $repeat repeats (kgit-bench validate-cost), instructions counted by callgrind"
printf '%-28s %15s instructions  %9s per document\n' "raw libyaml event scan" "$scan" "$(per_doc "$scan")"
printf '%-28s %15s instructions  %9s per document  %sx the scan\n' "KgitYAML parse" "$parse" "$(per_doc "$parse")" "$(ratio "$parse" "$scan")"
printf '%-28s %15s instructions  %9s per document  %sx the scan (target <= 2x)\n' "kgit validate, one thread" "$validate" "$(per_doc "$validate")" "$(ratio "$validate" "$scan")"
printf '%-28s %15s instructions  %9s per document  %sx the scan (every thread counted)\n' "kgit validate, parallel" "$parallel" "$(per_doc "$parallel")" "$(ratio "$parallel" "$scan")"
[ -z "$profile" ] || echo "callgrind files in $profile: callgrind_annotate --inclusive=yes $profile/callgrind.validate"
