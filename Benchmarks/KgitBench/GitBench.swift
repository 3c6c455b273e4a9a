import Foundation
import KgitGit
import KgitSchema
import KgitSync

/// `git-sync`: loading desired state from git with KgitSync (libgit2, bare mirror, no checkout) against the git
/// command doing the same job with a work tree, both over git:// from one `git daemon` on loopback:
///
///     cold load          ManifestSource.load() into an empty cache   vs  git clone (with checkout)
///     cold fetch only    Libgit2Source.fetch() into an empty cache   vs  git clone --bare (no work tree)
///     no-op re-sync      ManifestSource.update(from:)                 vs  git fetch
///     one-file re-sync   update(from:) after a one-file commit        vs  git pull --ff-only
///     one file + diff    the same, then the whole revision validated again (DesiredStateCache: only the changed
///                        file is parsed and validated, the other 9,999 files' results are reused) and the objects
///                        of the changed file diffed against what the cluster holds  vs  git pull --ff-only
///
/// Also prints, without a git counterpart, the cold validation of the whole revision that fills the cache, and
/// what the one-file re-sync would cost without it (DesiredState.load parses and validates all 10,000 files).
///
/// Prints the median of each and the ratio kgit/git (below 1 means kgit is faster).
/// Options: `--files N` (default 10000 manifests in 100 directories), `--runs R` (default 5).
var gitSyncBenchmark: Benchmark {
    Benchmark(
        name: "git-sync",
        summary: "KgitSync cold load, no-op and one-file re-sync vs git clone, git fetch, git pull (git://)",
        run: GitBench.run)
}

enum GitBench {
    static func run(_ args: [String]) throws {
        var files = 10_000
        var runs = 5
        var i = 0
        while i < args.count {
            if args[i] == "--files", i + 1 < args.count, let n = Int(args[i + 1]) {
                files = n
                i += 1
            }
            if args[i] == "--runs", i + 1 < args.count, let n = Int(args[i + 1]) {
                runs = max(1, n)
                i += 1
            }
            i += 1
        }

        let root = FileManager.default.temporaryDirectory.path + "/kgit-git-bench-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let remote = root + "/served/ops"
        let generated = try generateRepository(at: remote, files: files)
        let daemon = try Daemon(basePath: root + "/served")
        defer { daemon.stop() }
        let url = "git://127.0.0.1:\(daemon.port)/ops"
        print(
            "input: \(files) manifests in \(files / 100 + (files % 100 == 0 ? 0 : 1)) directories, "
                + "\(generated) bytes, served by git daemon at \(url)")

        let clock = ContinuousClock()
        var kgitCold: [Duration] = []
        var gitCold: [Duration] = []
        var kgitFetch: [Duration] = []
        var gitBare: [Duration] = []
        var kgitNoop: [Duration] = []
        var gitNoop: [Duration] = []
        var kgitOne: [Duration] = []
        var gitOne: [Duration] = []
        var kgitOneDiffed: [Duration] = []
        var kgitOneUncached: [Duration] = []
        var kgitColdValidate: [Duration] = []
        var loadedFiles = 0

        for run in 0..<runs {
            let cache = root + "/cache-\(run)"
            let clone = root + "/clone-\(run)"
            var source: ManifestSource?
            var snapshot: ManifestSnapshot?
            kgitCold.append(
                try clock.measure {
                    let git = try Libgit2Source(url: url, cacheDirectory: cache)
                    let made = try ManifestSource(git: git, revision: "main", directory: "")
                    snapshot = try made.load()
                    source = made
                })
            gitCold.append(try clock.measure { try git(["clone", "-q", url, clone], in: root) })
            kgitFetch.append(
                try clock.measure {
                    try Libgit2Source(url: url, cacheDirectory: cache + "-fetch-only").fetch()
                })
            gitBare.append(try clock.measure { try git(["clone", "-q", "--bare", url, clone + "-bare"], in: root) })
            guard let source, var current = snapshot else { return }
            loadedFiles = current.files.count
            let desired = try DesiredStateCache()
            kgitColdValidate.append(
                try clock.measure {
                    if case .failure(let error) = desired.load(current) {
                        throw BenchFailure("the generated revision is invalid: \(error)")
                    }
                })

            var update: ManifestUpdate?
            kgitNoop.append(try clock.measure { update = try source.update(from: current) })
            guard update?.isEmpty == true else { throw BenchFailure("the no-op re-sync reported changes") }
            gitNoop.append(try clock.measure { try git(["fetch", "-q"], in: clone) })

            // One file changes upstream; both sides catch up. Then it changes again, and kgit also parses,
            // validates and diffs it against the object the first change declared (what a synced cluster holds).
            let changed = "d\(run % 100)/m\(run).yaml"
            try Data("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: changed-\(run)\n  namespace: team-0\ndata:\n  run: \"\(run)\"\n".utf8)
                .write(to: URL(fileURLWithPath: remote + "/" + changed))
            try git(["commit", "-q", "-am", "Change \(changed)"], in: remote)
            kgitOne.append(try clock.measure { update = try source.update(from: current) })
            guard let one = update, one.changed.map(\.path) == [changed], one.removed.isEmpty else {
                throw BenchFailure("the one-file re-sync did not report exactly \(changed)")
            }
            // The cluster holds what the first change declared; the second changes one value of it.
            guard case .success(let synced) = desired.load(one.snapshot), synced.changed.count == 1 else {
                throw BenchFailure("the first change did not load as one changed object")
            }
            let live = synced.changed.map(\.body)
            try Data("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: changed-\(run)\n  namespace: team-0\ndata:\n  run: \"\(run)-b\"\n".utf8)
                .write(to: URL(fileURLWithPath: remote + "/" + changed))
            try git(["commit", "-q", "-am", "Change \(changed) again"], in: remote)
            var diffs: [ObjectDiff] = []
            var validated = 0
            kgitOneDiffed.append(
                try clock.measure {
                    let next = try source.update(from: one.snapshot)
                    switch desired.load(next.snapshot) {
                    case .success(let loaded):
                        diffs = ObjectDiffer(catalog: nil).diff(desired: loaded.changed, live: live)
                        validated = loaded.filesValidated
                    case .failure(let error): throw BenchFailure("the changed revision is invalid: \(error)")
                    }
                    update = next
                })
            guard let again = update, again.changed.map(\.path) == [changed], validated == 1, diffs.count == 1,
                diffs[0].isDifferent
            else {
                throw BenchFailure(
                    "the one-file re-sync with diff did not find, parse and diff exactly \(changed): "
                        + "\(update?.changed.map(\.path) ?? []), \(validated) files validated, \(diffs.count) diffs")
            }
            // The same revision loaded without the cache: every file parsed and validated.
            kgitOneUncached.append(
                try clock.measure {
                    let files = again.snapshot.sortedFiles.map { SourceFile(path: $0.path, bytes: $0.bytes) }
                    switch DesiredState.load(files) {
                    case .success(let state):
                        let wanted = Set(again.changed.map(\.path))
                        let objects = state.objects.filter { wanted.contains($0.location.file) }
                        diffs = ObjectDiffer(catalog: nil).diff(desired: objects, live: live)
                    case .failure(let error): throw BenchFailure("the changed revision is invalid: \(error)")
                    }
                })
            current = again.snapshot
            gitOne.append(try clock.measure { try git(["pull", "-q", "--ff-only"], in: clone) })
            for leftover in [cache, cache + "-fetch-only", clone, clone + "-bare"] {
                try? FileManager.default.removeItem(atPath: leftover)
            }
        }

        print("kgit loaded \(loadedFiles) files per cold load; \(runs) runs, medians:")
        report("cold load", kgit: kgitCold, kgitLabel: "ManifestSource.load", git: gitCold, gitLabel: "git clone")
        report(
            "cold fetch only", kgit: kgitFetch, kgitLabel: "Libgit2Source.fetch", git: gitBare,
            gitLabel: "git clone --bare")
        report("no-op re-sync", kgit: kgitNoop, kgitLabel: "update(from:)", git: gitNoop, gitLabel: "git fetch")
        report("one-file re-sync", kgit: kgitOne, kgitLabel: "update(from:)", git: gitOne, gitLabel: "git pull")
        report(
            "one file + diff", kgit: kgitOneDiffed, kgitLabel: "update+validate+diff", git: gitOne, gitLabel: "git pull")
        print(
            "  without the cache, validating all \(loadedFiles) files again and diffing the changed one takes "
                + "\(format(milliseconds(median(kgitOneUncached)))) ms more than the fetch")
        print("  cold validation of the whole revision (fills the cache): \(format(milliseconds(median(kgitColdValidate)))) ms")
    }

    // MARK: - Reporting

    private static func report(
        _ name: String, kgit: [Duration], kgitLabel: String, git: [Duration],
        gitLabel: String
    ) {
        let k = milliseconds(median(kgit))
        let g = milliseconds(median(git))
        let pad = { (s: String, n: Int) in s + String(repeating: " ", count: max(0, n - s.count)) }
        print(
            "  \(pad(name, 17)) kgit \(pad(kgitLabel, 20)) \(pad(format(k) + " ms", 11)) "
                + "git \(pad(gitLabel, 16)) \(pad(format(g) + " ms", 11)) ratio \(format(k / g))x")
    }

    private static func median(_ values: [Duration]) -> Duration {
        let sorted = values.sorted()
        return sorted.isEmpty ? .zero : sorted[sorted.count / 2]
    }

    private static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    private static func format(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f" : "%.1f", value)
    }

    // MARK: - The repository

    /// Writes `files` manifests, 100 per directory, commits them on `main`; returns the bytes written.
    private static func generateRepository(at path: String, files: Int) throws -> Int {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git(["init", "-q", "-b", "main"], in: path)
        var bytes = 0
        for i in 0..<files {
            let directory = path + "/d\(i % 100)"
            if i < 100 { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            let text = Data(ManifestCorpus.document(i).utf8)
            bytes += text.count
            try text.write(to: URL(fileURLWithPath: directory + "/m\(i).yaml"))
        }
        try git(["add", "-A"], in: path)
        try git(["commit", "-q", "-m", "\(files) manifests"], in: path)
        return bytes
    }

    @discardableResult
    static func git(_ args: [String], in directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-c", "user.name=kgit bench", "-c", "user.email=bench@kgit.invalid"] + args
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchFailure("git \(args.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - git daemon

    /// `git daemon` on a free loopback port, exporting everything under `basePath`.
    private final class Daemon {
        let port: UInt16
        private let process = Process()

        init(basePath: String) throws {
            port = try Self.freePort()
            process.executableURL = URL(fileURLWithPath: "/usr/lib/git-core/git-daemon")
            process.arguments = [
                "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)", "--export-all",
                "--base-path=\(basePath)", basePath,
            ]
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<300 {
                if (try? GitBench.git(["ls-remote", "git://127.0.0.1:\(port)/ops"], in: basePath)) != nil { return }
                usleep(10_000)
            }
            stop()
            throw BenchFailure("git daemon did not start on port \(port)")
        }

        func stop() {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }

        private static func freePort() throws -> UInt16 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let ok = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            guard fd >= 0, ok else { throw BenchFailure("no free loopback port") }
            return UInt16(bigEndian: address.sin_port)
        }
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
