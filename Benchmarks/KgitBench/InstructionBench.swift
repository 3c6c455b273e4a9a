#if canImport(Glibc)
import Glibc
#endif
import KgitSchema
import KgitYAML

/// `kgit-bench validate-cost`: one side of the validate benchmark at a time, for counting instructions under
/// callgrind, which a busy machine does not disturb (wall-clock figures on a shared machine are noise).
///
/// Every run does the same setup (generate the corpus, load the validator, validate every file once so
/// lazily compiled schemas are warm, scan every file once), then `--only scan|parse|validate|setup` runs
/// that side `--repeat R` times over the corpus. `scripts/bench-instructions.sh` runs each side under
/// callgrind and subtracts the `setup` run: what remains is the cost of the side itself.
///
/// Options: `--documents N` (default 2,200: 200 of each kind), `--per-file N` (documents per file, default 100),
/// `--repeat R` (default 1).
/// `validate` is `Validator.validate` one file at a time on this thread only (`ValidationOptions.parallel`
/// off), as the `validate` benchmark's one-core figure; `validate-parallel` is the same with documents checked
/// on every core (callgrind counts every thread's instructions, so it shows what the parallel split costs).
///
/// `--only wall` instead times the sides by the clock, alternating them `--repeat` rounds (default 5) and
/// keeping each side's best, with the process CPU time beside the wall time, and prints the ratios.
var validateCostBenchmark: Benchmark {
    Benchmark(
        name: "validate-cost",
        summary: "run one side (--only setup|scan|parse|validate|validate-parallel) for instruction counts; see scripts/bench-instructions.sh",
        run: runValidateCost)
}

private func runValidateCost(_ args: [String]) throws {
    let documents = ValidateBench.intOption(args, "--documents") ?? 2_200
    let repeats = ValidateBench.intOption(args, "--repeat") ?? 1
    let only = ValidateBench.stringOption(args, "--only") ?? "setup"
    let perFile = ValidateBench.intOption(args, "--per-file") ?? 100
    let files = ManifestCorpus.generate(documents: documents, perFile: perFile).map { SourceFile(path: $0.name, bytes: Array($0.text.utf8)) }
    var serial = ValidationOptions()
    serial.parallel = false
    let validator = try Validator(options: serial, schemaFiles: [])
    let parallelValidator = try Validator(options: ValidationOptions(), schemaFiles: [])
    var checksum = 0
    for file in files {
        checksum += validator.validate([file]).documents.filter { !$0.isValid }.count
        checksum += try YAMLParser.scanEventCount(file.bytes)
    }
    if only == "wall" {
        try wallClock(files, validator, documents: documents, rounds: ValidateBench.intOption(args, "--repeat") ?? 5)
        return
    }
    for _ in 0..<repeats {
        switch only {
        case "setup": break
        case "scan": checksum += try measuredScan(files)
        case "parse": checksum += try measuredParse(files)
        case "validate": checksum += measuredValidate(files, validator)
        case "validate-parallel": checksum += measuredValidate(files, parallelValidator)
        default:
            print("validate-cost: --only takes setup, scan, parse, validate, validate-parallel or wall")
            return
        }
    }
    print("validate-cost \(only): \(documents) documents, \(files.count) files, \(repeats) repeats (checksum \(checksum))")
}

// Each side is one function that is never inlined, so a profile shows it as one entry.

@inline(never)
func measuredScan(_ files: [SourceFile]) throws -> Int {
    var events = 0
    for file in files { events += try YAMLParser.scanEventCount(file.bytes) }
    return events
}

@inline(never)
func measuredParse(_ files: [SourceFile]) throws -> Int {
    var documents = 0
    for file in files { documents += try YAMLParser.parse(file.bytes).count }
    return documents
}

@inline(never)
func measuredValidate(_ files: [SourceFile], _ validator: Validator) -> Int {
    var invalid = 0
    for file in files { invalid += validator.validate([file]).documents.filter { !$0.isValid }.count }
    return invalid
}

/// Best-of-`rounds` wall and CPU seconds of each side, sides alternating so load changes hit all alike.
private func wallClock(_ files: [SourceFile], _ validator: Validator, documents: Int, rounds: Int) throws {
    func now() -> (wall: Double, cpu: Double) {
        var wall = timespec()
        var cpu = timespec()
        clock_gettime(CLOCK_MONOTONIC, &wall)
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu)
        return (Double(wall.tv_sec) + Double(wall.tv_nsec) / 1e9, Double(cpu.tv_sec) + Double(cpu.tv_nsec) / 1e9)
    }
    var best: [String: (wall: Double, cpu: Double)] = [:]
    let sides: [(String, () throws -> Int)] = [
        ("scan", { try measuredScan(files) }), ("parse", { try measuredParse(files) }),
        ("validate", { measuredValidate(files, validator) }),
    ]
    for _ in 0..<max(1, rounds) {
        for (name, body) in sides {
            let start = now()
            _ = try body()
            let end = now()
            let previous = best[name] ?? (.infinity, .infinity)
            best[name] = (min(previous.wall, end.wall - start.wall), min(previous.cpu, end.cpu - start.cpu))
        }
    }
    for (name, _) in sides {
        guard let time = best[name], let scan = best["scan"] else { continue }
        print(
            name.padding(toLength: 9, withPad: " ", startingAt: 0)
                + "\(Int(Double(documents) / time.wall)) documents/s wall, \(Int(Double(documents) / time.cpu)) documents/s CPU; "
                + "\(ValidateBench.fmt(time.wall / scan.wall))x the scan wall, \(ValidateBench.fmt(time.cpu / scan.cpu))x CPU")
    }
}
