#if canImport(Glibc)
import Glibc
#endif
import KgitYAML

/// `yaml-parse`: KgitYAML's full parse (Node trees with marks, resolution, merges, limits) against its
/// floor, a raw libyaml event scan of the same bytes (`YAMLParser.scanEventCount`). Prints documents per
/// second for both and the ratio; the target is a ratio within 2x and more than 20,000 documents/s.
///
/// Rounds alternate scan and parse and the best of each counts, so a change in machine load hits both
/// sides alike. Besides wall-clock time it reports the thread's CPU time, which time spent waiting for
/// a core (on a busy machine) does not inflate.
/// Options: `--documents N` (default 20000), `--rounds R` (default 7), `--only scan|parse` (run one
/// side, e.g. under a profiler).
var yamlParseBenchmark: Benchmark {
    Benchmark(
        name: "yaml-parse",
        summary: "YAMLParser.parse vs a raw libyaml event scan over the manifest corpus",
        run: runYAMLParseBenchmark)
}

/// Wall-clock and thread CPU seconds of one run.
private struct Timing {
    var wall = Double.infinity
    var cpu = Double.infinity

    static func now() -> (wall: Double, cpu: Double) {
        var wall = timespec()
        var cpu = timespec()
        clock_gettime(CLOCK_MONOTONIC, &wall)
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu)
        return (Double(wall.tv_sec) + Double(wall.tv_nsec) / 1e9, Double(cpu.tv_sec) + Double(cpu.tv_nsec) / 1e9)
    }

    /// Runs `body` once and keeps the faster times.
    mutating func measure(_ body: () throws -> Int) rethrows -> Int {
        let start = Timing.now()
        let result = try body()
        let end = Timing.now()
        wall = min(wall, end.wall - start.wall)
        cpu = min(cpu, end.cpu - start.cpu)
        return result
    }
}

private func runYAMLParseBenchmark(_ args: [String]) throws {
    var documents = 20_000
    var rounds = 7
    var only: String?
    var i = 0
    while i < args.count {
        if args[i] == "--documents", i + 1 < args.count, let n = Int(args[i + 1]) { documents = n; i += 1 }
        if args[i] == "--rounds", i + 1 < args.count, let n = Int(args[i + 1]) { rounds = n; i += 1 }
        if args[i] == "--only", i + 1 < args.count { only = args[i + 1]; i += 1 }
        i += 1
    }
    let files = ManifestCorpus.generate(documents: documents).map { Array($0.text.utf8) }
    let bytes = files.reduce(0) { $0 + $1.count }

    var scan = Timing()
    var parse = Timing()
    var events = 0
    var parsed = 0
    for _ in 0..<max(1, rounds) {
        if only != "parse" {
            events = try scan.measure { try files.reduce(0) { try $0 + YAMLParser.scanEventCount($1) } }
        }
        if only != "scan" {
            parsed = try parse.measure { try files.reduce(0) { try $0 + YAMLParser.parse($1).count } }
        }
    }

    func rate(_ seconds: Double) -> String { String(Int(Double(documents) / seconds)) }
    func mbps(_ seconds: Double) -> String { String(Int(Double(bytes) / seconds / 1e6)) }
    func ratio(_ x: Double) -> String { String((x * 100).rounded() / 100) }
    print("input: \(documents) documents in \(files.count) files, \(bytes) bytes, \(events) events")
    if only != "parse" {
        print("libyaml event scan : \(rate(scan.wall)) documents/s wall, \(rate(scan.cpu)) documents/s CPU (\(mbps(scan.cpu)) MB/s)")
    }
    if only != "scan" {
        precondition(parsed == documents, "parsed \(parsed) documents, expected \(documents)")
        print("KgitYAML parse     : \(rate(parse.wall)) documents/s wall, \(rate(parse.cpu)) documents/s CPU (\(mbps(parse.cpu)) MB/s)")
    }
    if only == nil {
        print("ratio parse/scan   : \(ratio(parse.wall / scan.wall))x wall, \(ratio(parse.cpu / scan.cpu))x CPU (target: at most 2x)")
    }
}
