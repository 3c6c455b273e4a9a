import KgitYAML

/// `yaml-parse`: KgitYAML's full parse (Node trees with marks, resolution, merges, limits) against its
/// floor, a raw libyaml event scan of the same bytes (`YAMLParser.scanEventCount`). Prints documents per
/// second for both and the ratio; the target is a ratio within 2x and more than 20,000 documents/s.
/// Options: `--documents N` (default 20000), `--rounds R` (default 5; the best round counts),
/// `--only scan|parse` (run one side, e.g. under `perf stat`).
var yamlParseBenchmark: Benchmark {
    Benchmark(
        name: "yaml-parse",
        summary: "YAMLParser.parse vs a raw libyaml event scan over the manifest corpus",
        run: runYAMLParseBenchmark)
}

private func runYAMLParseBenchmark(_ args: [String]) throws {
    var documents = 20_000
    var rounds = 5
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
    let clock = ContinuousClock()

    func best(_ body: () throws -> Int) rethrows -> (Duration, Int) {
        var fastest = Duration.seconds(1_000_000)
        var result = 0
        for _ in 0..<max(1, rounds) {
            var count = 0
            let elapsed = try clock.measure { count = try body() }
            if elapsed < fastest { fastest = elapsed }
            result = count
        }
        return (fastest, result)
    }

    if only == "scan" {
        let (time, events) = try best { try files.reduce(0) { try $0 + YAMLParser.scanEventCount($1) } }
        print("libyaml event scan: \(events) events, best round \(time)")
        return
    }
    if only == "parse" {
        let (time, parsed) = try best { try files.reduce(0) { try $0 + YAMLParser.parse($1).count } }
        print("KgitYAML parse: \(parsed) documents, best round \(time)")
        return
    }
    let (scanTime, events) = try best { try files.reduce(0) { try $0 + YAMLParser.scanEventCount($1) } }
    let (parseTime, parsed) = try best { try files.reduce(0) { try $0 + YAMLParser.parse($1).count } }

    func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
    let scanRate = Double(documents) / seconds(scanTime)
    let parseRate = Double(parsed) / seconds(parseTime)
    print("input: \(documents) documents in \(files.count) files, \(bytes) bytes, \(events) events")
    print("libyaml event scan : \(Int(scanRate)) documents/s  (\(Int(Double(bytes) / seconds(scanTime) / 1e6)) MB/s)")
    print("KgitYAML parse     : \(Int(parseRate)) documents/s  (\(Int(Double(bytes) / seconds(parseTime) / 1e6)) MB/s)")
    let ratio = seconds(parseTime) / seconds(scanTime)
    print("ratio parse/scan   : \((ratio * 100).rounded() / 100)x (target: at most 2x)")
}
