import Foundation
import KgitSchema
import KgitYAML

/// `kgit-bench validate`: documents per second of kgit's validator on a generated corpus of mixed kinds,
/// against (a) a raw libyaml event scan of the same bytes, the floor no YAML-based validator can beat, and
/// (b) the PyPI package kubernetes-validate on the same files.
///
/// Options: `--documents N` (default 20,000), `--peer-documents N` (default 1,000: kubernetes-validate takes
/// about 15 ms per document, so it validates the first N documents of the same corpus and its rate is
/// compared), `--keep DIR` to write the corpus to DIR and keep it.
enum ValidateBench {
    static func run(_ args: [String]) async throws {
        let documents = intOption(args, "--documents") ?? 20_000
        let peerDocuments = intOption(args, "--peer-documents") ?? 1_000
        let corpus = ManifestCorpus.generate(documents: documents)
        let dir: URL
        if let keep = stringOption(args, "--keep") {
            dir = URL(fileURLWithPath: keep)
        } else {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("kgit-bench-validate-\(getpid())")
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if stringOption(args, "--keep") == nil { try? FileManager.default.removeItem(at: dir) } }
        var files: [SourceFile] = []
        for (name, text) in corpus {
            let url = dir.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            files.append(SourceFile(path: url.path, bytes: Array(text.utf8)))
        }
        let bytes = files.reduce(0) { $0 + $1.bytes.count }
        print("corpus: \(documents) documents of \(ManifestCorpus.kinds) kinds in \(files.count) files, \(bytes / 1024) KiB")

        // (a) the floor: a raw libyaml event scan of the same bytes, one core. Measured best-of-5 after the
        // validator has warmed the same bytes, so the floor is not flattered by a cold first pass.
        // One core really means one thread: documents are checked on the calling thread.
        var serial = ValidationOptions()
        serial.parallel = false
        let validator = try Validator(options: serial, schemaFiles: [])
        let parallelValidator = try Validator(options: ValidationOptions(), schemaFiles: [])
        for file in files { _ = validator.validate([file]) }
        let scan = try measure(repeats: 5) {
            var events = 0
            for file in files { events += try YAMLParser.scanEventCount(file.bytes) }
            precondition(events > 0)
        }
        // kgit: the validator on one thread (files validated one at a time), then on every core.
        var invalid = 0
        let oneCore = try measure(repeats: 5) {
            invalid = 0
            for file in files { invalid += validator.validate([file]).documents.filter { !$0.isValid }.count }
        }
        guard invalid == 0 else {
            let report = validator.validate(Array(files.prefix(1)))
            print("the corpus should be valid, but \(invalid) documents are not; first: \(report.diagnostics.first.map { "\($0.file):\($0.start): \($0.message)" } ?? "?")")
            throw BenchError.invalidCorpus
        }
        let allCores = try measure(repeats: 3) { _ = parallelValidator.validate(files) }
        // kgit, end to end: the CLI binary on the corpus directory, every core, including process start.
        let cli = try measure(repeats: 3) { try runProcess(kgitBinary(), ["validate", dir.path], expectStatus: 0) }

        // (b) kubernetes-validate on the first peerDocuments documents of the same corpus.
        let peerFiles = Array(files.prefix(max(1, peerDocuments / 100)))
        let peerCount = min(documents, peerFiles.count * 100)
        let peer = try measure(repeats: 1) {
            try runProcess("kubernetes-validate", ["-k", "1.33.0", "--strict", "--quiet"] + peerFiles.map(\.path), expectStatus: 0)
        }

        let rate = { (docs: Int, seconds: Double) in Double(docs) / seconds }
        let scanRate = rate(documents, scan), oneRate = rate(documents, oneCore), allRate = rate(documents, allCores)
        let cliRate = rate(documents, cli), peerRate = rate(peerCount, peer)
        print(row("raw libyaml event scan (floor), 1 core", scanRate))
        print(row("kgit validator, 1 core", oneRate))
        print(row("kgit validator, \(ProcessInfo.processInfo.activeProcessorCount) cores", allRate))
        print(row("kgit validate CLI, end to end", cliRate))
        print(row("kubernetes-validate (\(peerCount) documents)", peerRate))
        print("ratio kgit(1 core) / raw scan:            \(fmt(oneRate / scanRate)) (kgit costs \(fmt(scanRate / oneRate))x the scan; target <= 2x)")
        print("ratio kgit CLI / kubernetes-validate:     \(fmt(cliRate / peerRate))x (target >= 100x)")
        print("ratio kgit(1 core) / kubernetes-validate: \(fmt(oneRate / peerRate))x")
    }

    enum BenchError: Error { case invalidCorpus, processFailed(String, Int32) }

    static func row(_ label: String, _ rate: Double) -> String {
        label.padding(toLength: 45, withPad: " ", startingAt: 0) + String(format: "%12.0f documents/s", rate)
    }

    static func fmt(_ x: Double) -> String { String(format: "%.2f", x) }

    /// The best wall time of `repeats` runs, in seconds.
    static func measure(repeats: Int, _ body: () throws -> Void) throws -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    static func kgitBinary() -> String {
        if let bin = ProcessInfo.processInfo.environment["KGIT_BIN"] { return bin }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kgit").path
    }

    static func runProcess(_ executable: String, _ arguments: [String], expectStatus: Int32) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != expectStatus {
            throw BenchError.processFailed(executable, process.terminationStatus)
        }
    }

    static func intOption(_ args: [String], _ name: String) -> Int? { stringOption(args, name).flatMap { Int($0) } }

    static func stringOption(_ args: [String], _ name: String) -> String? {
        guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
        return args[i + 1]
    }
}
