#!/usr/bin/env bash
# Instruction counts of the raw libyaml scan, KgitYAML's parse and `kgit validate` (one thread) under
# callgrind, like scripts/bench-instructions.sh, but from stand-alone `swiftc -O -wmo` builds of KgitYAML
# and KgitSchema and a small driver: minutes instead of the 15+ of a release `kgit-bench` on a busy machine.
# Each side runs in its own process after the same setup (corpus, validator, one warm-up validation); a
# run with no side is subtracted. Pass a source tree to measure another checkout (e.g. a `git worktree`
# of `main`) with the same driver.
#
# Usage: scripts/bench-instructions-standalone.sh [--documents N] [--source DIR] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
documents=440
source=$PWD
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --documents) documents=$2; shift ;;
        --source) source=$(cd "$2" && pwd); shift ;;
        --out) out=$2; shift ;;
        *) echo "usage: $0 [--documents N] [--source DIR] [--out DIR]" >&2; exit 2 ;;
    esac
    shift
done
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
out=${out:-$(mktemp -d)}
mkdir -p "$out/kgit_KgitSchema.resources/Resources"
cp "$source"/Sources/KgitSchema/Resources/*.json "$out/kgit_KgitSchema.resources/Resources/"
cat > "$out/accessor.swift" <<SWIFT
import Foundation
extension Foundation.Bundle {
    static let module: Bundle = Bundle(path: "$out/kgit_KgitSchema.resources") ?? Bundle.main
}
SWIFT
cat > "$out/driver.swift" <<'SWIFT'
import KgitSchema
import KgitYAML

@inline(never) func scan(_ files: [SourceFile]) throws -> Int {
    var events = 0
    for file in files { events += try YAMLParser.scanEventCount(file.bytes) }
    return events
}
@inline(never) func parse(_ files: [SourceFile]) throws -> Int {
    var documents = 0
    for file in files { documents += try YAMLParser.parse(file.bytes).count }
    return documents
}
@inline(never) func validate(_ files: [SourceFile], _ validator: Validator) -> Int {
    var invalid = 0
    for file in files { invalid += validator.validate([file]).documents.filter { !$0.isValid }.count }
    return invalid
}

@main struct Driver {
    static func main() throws {
        let arguments = CommandLine.arguments
        let documents = arguments.count > 1 ? Int(arguments[1]) ?? 440 : 440
        let side = arguments.count > 2 ? arguments[2] : "setup"
        let files = ManifestCorpus.generate(documents: documents).map { SourceFile(path: $0.name, bytes: Array($0.text.utf8)) }
        var options = ValidationOptions()
        options.parallel = false
        let validator = try Validator(options: options, schemaFiles: [])
        var checksum = 0
        for file in files {
            checksum += validator.validate([file]).documents.filter { !$0.isValid }.count
            checksum += try YAMLParser.scanEventCount(file.bytes)
        }
        switch side {
        case "scan": checksum += try scan(files)
        case "parse": checksum += try parse(files)
        case "validate": checksum += validate(files, validator)
        default: break
        }
        print("checksum \(checksum)")
    }
}
SWIFT
# shellcheck disable=SC2046
swiftc -O -wmo -parse-as-library -module-name KgitAPIMachinery -emit-module -emit-module-path "$out/KgitAPIMachinery.swiftmodule" \
    -emit-library -static -o "$out/libKgitAPIMachinery.a" $(find "$source/Sources/KgitAPIMachinery" -name '*.swift')
swiftc -O -wmo -parse-as-library -module-name KgitYAML -emit-module -emit-module-path "$out/KgitYAML.swiftmodule" \
    -emit-library -static -o "$out/libKgitYAML.a" -I "$source/Sources/CYAML" "$source"/Sources/KgitYAML/*.swift
# shellcheck disable=SC2046
swiftc -O -wmo -parse-as-library -module-name KgitSchema -emit-module -emit-module-path "$out/KgitSchema.swiftmodule" \
    -emit-library -static -o "$out/libKgitSchema.a" -I "$out" -I "$source/Sources/CYAML" \
    $(find "$source/Sources/KgitSchema" -name '*.swift') "$out/accessor.swift"
swiftc -O -wmo -parse-as-library -module-name Driver -I "$out" -I "$source/Sources/CYAML" "$out/driver.swift" \
    "$source/Benchmarks/KgitBench/ManifestCorpus.swift" -L "$out" -lKgitSchema -lKgitYAML -lKgitAPIMachinery -lyaml -lFoundation -o "$out/driver"

count() {
    SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$1" \
        "$out/driver" "$documents" "$1" >/dev/null 2>"$out/valgrind.$1.log"
    awk '/^(summary|totals):/ {print $2; exit}' "$out/callgrind.$1"
}
setup=$(count setup)
scanned=$(( $(count scan) - setup ))
parsed=$(( $(count parse) - setup ))
validated=$(( $(count validate) - setup ))
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "stand-alone -O -wmo builds of $source, $documents documents, instructions per document (callgrind):"
echo "raw libyaml event scan     $(( scanned / documents ))"
echo "KgitYAML parse             $(( parsed / documents ))  $(ratio "$parsed" "$scanned")x the scan"
echo "kgit validate, one thread  $(( validated / documents ))  $(ratio "$validated" "$scanned")x the scan (target <= 2x)"
echo "callgrind files in $out"
