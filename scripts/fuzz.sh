#!/usr/bin/env bash
# make fuzz: builds every fuzz target (or those named) with libFuzzer and runs each for SECONDS.
# Usage: scripts/fuzz.sh SECONDS [TARGET...]
#
# A target is a directory Fuzz/<TARGET>/ holding:
#   *.swift     the entry point, defining LLVMFuzzerTestOneInput with @_cdecl;
#   fuzz.conf   MODULES (Swift modules under Sources/, in dependency order, compiled with coverage;
#               every .swift file below the module's folder, subfolders included),
#               RESOURCES (those of MODULES with a Resources/ bundle: it is copied to
#               .build/fuzz/<TARGET>/kgit_<Module>.resources and Bundle.module points there, as the
#               accessor SwiftPM generates would), CMODULES (C module maps under Sources/ they
#               import), LIBS (link flags), FUZZ_FLAGS;
#   corpus/     seed inputs (read only; new inputs go to .build/fuzz/<TARGET>/corpus);
#   *.dict      optional libFuzzer dictionary.
# Exits non-zero when a target fails to build or the fuzzer finds a crash, and prints where the
# crashing input was written (fuzz-artifacts/<TARGET>/).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh SECONDS [TARGET...]" >&2
    exit 2
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for dir in Fuzz/*/; do
        [ -f "$dir/fuzz.conf" ] && targets+=("$(basename "$dir")")
    done
fi
if [ ${#targets[@]} -eq 0 ]; then
    echo "fuzz: no targets under Fuzz/" >&2
    exit 2
fi

SWIFTC="${SWIFTC:-swiftc}"
SANITIZE="${FUZZ_SANITIZE:-fuzzer,address}"

# build_target NAME: compiles the target's modules and entry point into .build/fuzz/NAME/fuzz-NAME.
build_target() {
    local name="$1" dir="Fuzz/$1" out=".build/fuzz/$1"
    local MODULES="" CMODULES="" LIBS="" FUZZ_FLAGS="" RESOURCES=""
    # shellcheck source=/dev/null
    source "$dir/fuzz.conf"
    mkdir -p "$out/modules"
    local cflags=()
    for c in $CMODULES; do
        cflags+=(-Xcc "-fmodule-map-file=Sources/$c/module.modulemap" -I "Sources/$c")
    done
    local objects=()
    for m in $MODULES; do
        echo "fuzz: compiling $m for $name"
        local sources=()
        while IFS= read -r -d '' file; do sources+=("$file"); done \
            < <(find "Sources/$m" -name '*.swift' -not -path '*/Resources/*' -print0 | sort -z)
        if [[ " $RESOURCES " == *" $m "* ]]; then
            # What SwiftPM does for `resources: [.copy("Resources")]`: a bundle directory holding
            # Resources/, and a Bundle.module accessor that finds it.
            local bundle
            bundle="$(pwd)/$out/kgit_$m.resources"
            rm -rf "$bundle"
            mkdir -p "$bundle"
            cp -R "Sources/$m/Resources" "$bundle/"
            cat >"$out/$m-resource-accessor.swift" <<SWIFT
import Foundation

extension Foundation.Bundle {
    static let module: Bundle = {
        guard let bundle = Bundle(path: "$bundle") else {
            Swift.fatalError("fuzz: no resource bundle at $bundle")
        }
        return bundle
    }()
}
SWIFT
            sources+=("$out/$m-resource-accessor.swift")
        fi
        "$SWIFTC" -sanitize="$SANITIZE" -parse-as-library -O -g -wmo -module-name "$m" \
            -emit-module -emit-module-path "$out/modules/$m.swiftmodule" \
            -I "$out/modules" "${cflags[@]}" -c "${sources[@]}" -o "$out/$m.o"
        objects+=("$out/$m.o")
    done
    echo "fuzz: linking fuzz-$name"
    # shellcheck disable=SC2086
    "$SWIFTC" -sanitize="$SANITIZE" -parse-as-library -O -g -module-name "Fuzz$name" \
        -I "$out/modules" "${cflags[@]}" "$dir"/*.swift "${objects[@]}" $LIBS -o "$out/fuzz-$name" \
        2> >(grep -v "Cannot export local symbol '__asan" >&2)
}

# run_target NAME: runs the fuzzer for $seconds; returns non-zero on a finding.
run_target() {
    local name="$1" dir="Fuzz/$1" out=".build/fuzz/$1"
    local MODULES="" CMODULES="" LIBS="" FUZZ_FLAGS="" RESOURCES="" ASAN_OPTIONS_TARGET=""
    # shellcheck source=/dev/null
    source "$dir/fuzz.conf"
    local artifacts="fuzz-artifacts/$name"
    mkdir -p "$out/corpus" "$artifacts"
    local flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/")
    for dict in "$dir"/*.dict; do
        [ -f "$dict" ] && flags+=(-dict="$dict")
    done
    # shellcheck disable=SC2206
    flags+=($FUZZ_FLAGS)
    local log="$out/fuzz.log"
    echo "fuzz: running $name for ${seconds}s (log: $log)"
    local status=0
    # Output goes to a file, not a pipe: sanitizer helpers may keep a pipe open after the fuzzer exits.
    ASAN_OPTIONS="${ASAN_OPTIONS_TARGET:-${ASAN_OPTIONS:-}}" \
        "$out/fuzz-$name" "${flags[@]}" "$out/corpus" "$dir/corpus" >"$log" 2>&1 || status=$?
    grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$log" || true
    if [ "$status" -ne 0 ]; then
        echo "fuzz: $name FAILED (exit $status). The end of the log:" >&2
        tail -n 40 "$log" >&2
        local found
        found=$(grep -oE "Test unit written to [^ ]+" "$log" | sed 's/Test unit written to //' || true)
        if [ -n "$found" ]; then
            echo "fuzz: the crashing input is $found" >&2
            echo "fuzz: reproduce with: $out/fuzz-$name $found" >&2
        fi
        return 1
    fi
    echo "fuzz: $name found nothing in ${seconds}s"
}

failed=()
for t in "${targets[@]}"; do
    if [ ! -f "Fuzz/$t/fuzz.conf" ]; then
        echo "fuzz: no target Fuzz/$t (expected Fuzz/$t/fuzz.conf)" >&2
        failed+=("$t")
        continue
    fi
    if ! build_target "$t"; then
        echo "fuzz: building $t failed" >&2
        failed+=("$t")
        continue
    fi
    run_target "$t" || failed+=("$t")
done

if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: all targets passed"
