// kgit-bench store: the embedded SQLite store against a single-member etcd 3.4 started here, same machine,
// same run, same key and value sizes. Prints each figure side by side with the ratio sqlite/etcd (for
// latencies, etcd/sqlite, so > 1 always means "kgit is better").
import Foundation
import KgitStore
import Synchronization

enum StoreBench {
    struct Options {
        var seconds = 3.0
        var valueSize = 256
        var watchers = 1000
        var watchEvents = 100
        var etcd = "/usr/bin/etcd"
        var skipEtcd = false
        var writersOnly: [Int]?
        var stallsOnly = false
    }

    static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        var it = args.makeIterator()
        while let a = it.next() {
            switch a {
            case "--seconds": o.seconds = Double(it.next() ?? "") ?? o.seconds
            case "--value-size": o.valueSize = Int(it.next() ?? "") ?? o.valueSize
            case "--watchers": o.watchers = Int(it.next() ?? "") ?? o.watchers
            case "--etcd": o.etcd = it.next() ?? o.etcd
            case "--sqlite-only": o.skipEtcd = true
            case "--writers-only": o.writersOnly = (it.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--stalls-only": o.stallsOnly = true
            default:
                print(
                    """
                    usage: kgit-bench store [--seconds S] [--value-size BYTES] [--watchers N] [--etcd PATH] [--sqlite-only]
                                         [--writers-only 1,16,256]   (write throughput only, for profiling)
                                         [--stalls-only]             (write latency while compacting only)
                    """)
                exit(2)
            }
        }
        return o
    }

    /// One backend's figures.
    struct Figures {
        var writes: [Int: Double] = [:]  // concurrency -> writes/s
        var reads = 0.0
        var watchP50 = 0.0  // ms
        var watchP99 = 0.0
        var baseline = LatencySummary()  // 16 writers, no compaction
        var compacting = LatencySummary()  // the same writers while compacting (and checkpointing)
        var rawSync = LatencySummary()  // bare fdatasync of one 4 KiB block at the same time: the disk's floor
    }

    static let concurrencies = [1, 16, 256]

    static func run(_ args: [String]) async throws {
        let o = try parse(args)
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kgit-store-bench-\(getpid())").path
        try? FileManager.default.removeItem(atPath: base)
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        print("kgit-bench store: \(o.valueSize)-byte values, \(o.seconds) s per step, \(o.watchers) watchers")

        // Both backends are open for the whole run and every step runs on one, then at once on the other,
        // so a shared machine's changing load hits both alike and the ratios stay meaningful.
        let sqlite = try SQLiteStore(directory: base + "/sqlite")
        var backends: [(name: String, store: any Store)] = [("sqlite", sqlite)]
        var etcd: EtcdServer?
        if !o.skipEtcd {
            let server = try await EtcdServer.start(binary: o.etcd, dataDir: base + "/etcd")
            etcd = server
            backends.append(("etcd", try EtcdStore(endpoints: [server.url], maxConcurrency: 256)))
        }
        defer { etcd?.stop() }
        var figures = try await measure(backends, o)
        for b in backends { await b.store.close() }
        report(figures.removeFirst(), figures.first, o)
    }

    static func report(_ s: Figures, _ e: Figures?, _ o: Options) {
        func fmt(_ v: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", v) }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        print("")
        print("\(pad("", 30))\(pad("sqlite", 12))\(pad("etcd 3.4", 12))\(pad("ratio", 9))")
        func row(_ label: String, _ a: Double, _ b: Double?, higherIsBetter: Bool, digits: Int = 0) {
            let ratio = b.map { b in higherIsBetter ? a / max(b, 1e-9) : b / max(a, 1e-9) }
            print(
                label.padding(toLength: 30, withPad: " ", startingAt: 0) + pad(fmt(a, digits), 12)
                    + pad(b.map { fmt($0, digits) } ?? "-", 12) + pad(ratio.map { fmt($0, 2) + "x" } ?? "-", 9))
        }
        for c in concurrencies {
            row("durable writes/s, \(c) writer\(c == 1 ? "" : "s")", s.writes[c] ?? 0, e?.writes[c], higherIsBetter: true)
        }
        row("reads/s, 16 readers", s.reads, e?.reads, higherIsBetter: true)
        row("watch p50 ms, \(o.watchers) watchers", s.watchP50, e?.watchP50, higherIsBetter: false, digits: 2)
        row("watch p99 ms, \(o.watchers) watchers", s.watchP99, e?.watchP99, higherIsBetter: false, digits: 2)
        row("p99 write ms, 16 writers", s.baseline.p99, e?.baseline.p99, higherIsBetter: false, digits: 2)
        row("p99.9 write ms, 16 writers", s.baseline.p999, e?.baseline.p999, higherIsBetter: false, digits: 2)
        row("max write ms, 16 writers", s.baseline.max, e?.baseline.max, higherIsBetter: false, digits: 2)
        row("p99 write ms while compacting", s.compacting.p99, e?.compacting.p99, higherIsBetter: false, digits: 2)
        row("p99.9 write ms while compacting", s.compacting.p999, e?.compacting.p999, higherIsBetter: false, digits: 2)
        row("max write ms while compacting", s.compacting.max, e?.compacting.max, higherIsBetter: false, digits: 2)
        row("raw fdatasync p99.9 ms, same time", s.rawSync.p999, e?.rawSync.p999, higherIsBetter: false, digits: 2)
        row("raw fdatasync max ms, same time", s.rawSync.max, e?.rawSync.max, higherIsBetter: false, digits: 2)
        print("\nratio: how many times better kgit's embedded store is (throughput sqlite/etcd, latency etcd/sqlite)")
    }

    /// Runs every step on each backend in turn and returns their figures in the same order.
    static func measure(_ backends: [(name: String, store: any Store)], _ o: Options) async throws -> [Figures] {
        var figures = Array(repeating: Figures(), count: backends.count)
        let value = [UInt8](repeating: UInt8(ascii: "v"), count: o.valueSize)
        // Warm-up, unmeasured: both backends reach their steady state first (etcd allocates its WAL in
        // 64 MiB segments up front; SQLite's WAL grows to its working size during the first commits and is
        // then reused, so a fresh file would charge the first step for that growth).
        for b in backends { _ = try await writes(b.store, concurrency: 256, value: value, seconds: 1, tag: "warmup") }
        for c in o.stallsOnly ? [] : o.writersOnly ?? concurrencies {
            for (i, b) in backends.enumerated() {
                let before = (b.store as? SQLiteStore)?.statistics
                let rate = try await writes(b.store, concurrency: c, value: value, seconds: o.seconds, tag: "w\(c)")
                figures[i].writes[c] = rate
                var batch = ""
                if let before, let after = (b.store as? SQLiteStore)?.statistics, after.commits > before.commits {
                    let jobs = Double(after.jobs - before.jobs)
                    batch = String(
                        format: " (%.1f writes per commit, %.2f WAL pages per write)",
                        jobs / Double(after.commits - before.commits), Double(after.walPages - before.walPages) / jobs)
                }
                print("  \(b.name): \(c) writers: \(Int(rate)) writes/s\(batch)")
            }
        }
        if o.writersOnly != nil { return figures }
        for (i, b) in backends.enumerated() where !o.stallsOnly {
            figures[i].reads = try await reads(b.store, seconds: o.seconds)
            print("  \(b.name): reads: \(Int(figures[i].reads)) reads/s")
        }
        for (i, b) in backends.enumerated() where !o.stallsOnly {
            (figures[i].watchP50, figures[i].watchP99) = try await watchLatency(
                b.store, watchers: o.watchers, events: o.watchEvents, value: value)
            print("  \(b.name): watch p50 \(figures[i].watchP50) ms, p99 \(figures[i].watchP99) ms")
        }
        for (i, b) in backends.enumerated() {
            let sqlite = b.store as? SQLiteStore
            let before = sqlite?.statistics
            let probe = SyncProbe(path: NSTemporaryDirectory() + "kgit-bench-sync-\(getpid())")
            (figures[i].baseline, figures[i].compacting) = try await compactionStall(b.store, value: value)
            figures[i].rawSync = probe.stop()
            print("  \(b.name): writes \(figures[i].baseline), while compacting \(figures[i].compacting)")
            print("  \(b.name): meanwhile a bare fdatasync of one block: \(figures[i].rawSync)")
            if let before, let after = sqlite?.statistics {
                // What could stall a write, measured inside the store rather than by the clients' clocks.
                print(
                    "  \(b.name): \(after.compactionSteps - before.compactionSteps) compaction steps of at most "
                        + "\(after.maxCompactionRowsPerStep) rows (longest \(after.maxCompactionStepMicros) us), "
                        + "\(after.checkpoints - before.checkpoints) checkpoints of at most \(after.maxCheckpointFrames) "
                        + "pages (longest \(after.maxCheckpointMicros) us, off the write path), "
                        + "\(after.walRestarts - before.walRestarts) WAL restarts, "
                        + "\(after.busyWaits - before.busyWaits) lock waits (longest \(after.maxLockWaitMicros) us), "
                        + "\(after.slowCommits - before.slowCommits) commits over 20 ms ("
                        + "\(after.slowCommitsInSync - before.slowCommitsInSync) of them mostly in COMMIT's fsync, "
                        + "\(after.slowCommitsDuringCheckpoint - before.slowCommitsDuringCheckpoint) while a checkpoint ran, "
                        + "\(after.slowCommitsWithCompaction - before.slowCommitsWithCompaction) holding a compaction step; "
                        + "longest commit \(after.maxCommitMicros) us, longest fsync \(after.maxSyncMicros) us)")
            }
        }
        return figures
    }

    /// Durable puts of fresh keys from `concurrency` tasks for `seconds`.
    static func writes(_ store: any Store, concurrency: Int, value: [UInt8], seconds: Double, tag: String) async throws
        -> Double
    {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for t in 0..<concurrency {
                group.addTask {
                    var n = 0
                    while ContinuousClock.now < deadline {
                        _ = try await store.put(PutRequest(key: Array("bench/\(tag)/\(t)/\(n)".utf8), value: value))
                        n += 1
                    }
                    return n
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(total) / (ContinuousClock.now - start).seconds
    }

    /// Single-key gets of existing keys from 16 tasks for `seconds`.
    static func reads(_ store: any Store, seconds: Double) async throws -> Double {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for t in 0..<16 {
                group.addTask {
                    var n = 0
                    while ContinuousClock.now < deadline {
                        _ = try await store.range(RangeRequest(.key(Array("bench/w16/\(t)/\(n % 50)".utf8))))
                        n += 1
                    }
                    return n
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(total) / (ContinuousClock.now - start).seconds
    }

    /// `watchers` watches on one prefix; one put every 10 ms carrying its send time; the delay from the put
    /// call to each watcher receiving the event, over every (event, watcher) pair.
    static func watchLatency(_ store: any Store, watchers: Int, events: Int, value: [UInt8]) async throws
        -> (Double, Double)
    {
        let origin = ContinuousClock.now
        let warmupKey = Array("bench/watch/warmup".utf8)
        let streams = try await withThrowingTaskGroup(of: WatchStream.self) { group in
            for _ in 0..<watchers { group.addTask { try await store.watch(WatchRequest(.prefix("bench/watch/"))) } }
            return try await group.reduce(into: [WatchStream]()) { $0.append($1) }
        }
        let collectors = streams.map { stream in
            Task { () -> [Double] in
                var latencies: [Double] = []
                latencies.reserveCapacity(events)
                do {
                    for try await batch in stream {
                        let now = nanos(since: origin)
                        for event in batch.events where event.kv.value.count >= 8 && !event.kv.key.starts(with: warmupKey) {
                            var sent: UInt64 = 0
                            for i in 0..<8 { sent = sent << 8 | UInt64(event.kv.value[i]) }
                            latencies.append(Double(now &- sent) / 1e6)
                        }
                        if latencies.count >= events { break }
                    }
                } catch {}
                return latencies
            }
        }
        // Warm-up: the first wake-up of a thousand fresh tasks costs far more than later ones; it is not
        // the store's latency, so one unmeasured event goes first.
        try await Task.sleep(for: .milliseconds(200))
        _ = try await store.put(PutRequest(key: warmupKey, value: value))
        try await Task.sleep(for: .milliseconds(300))
        for i in 0..<events {
            let sent = nanos(since: origin)
            let stamp = (0..<8).map { UInt8(truncatingIfNeeded: sent >> (56 - 8 * $0)) }
            _ = try await store.put(PutRequest(key: Array("bench/watch/\(i)".utf8), value: stamp + value))
            if i < 2 && ProcessInfo.processInfo.environment["KGIT_BENCH_DEBUG"] != nil {
                print("  put \(i) took \(Double(nanos(since: origin) - sent) / 1e6) ms")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        var all: [Double] = []
        for c in collectors {
            let got = await withTaskGroup(of: [Double]?.self) { g in
                g.addTask { await c.value }
                g.addTask {
                    try? await Task.sleep(for: .seconds(10))
                    return nil
                }
                let first = await g.next() ?? nil
                g.cancelAll()
                return first
            }
            if let got { all += got } else { c.cancel() }
        }
        if ProcessInfo.processInfo.environment["KGIT_BENCH_DEBUG"] != nil {
            var worst = all.enumerated().sorted { $0.element > $1.element }.prefix(5).map { "\($0.offset):\($0.element)" }
            worst.append("n=\(all.count)")
            print("  worst deliveries (index:ms): \(worst)")
        }
        all.sort()
        guard !all.isEmpty else { return (.nan, .nan) }
        if all.count < watchers * events { print("  (only \(all.count) of \(watchers * events) deliveries arrived)") }
        return (all[all.count / 2], all[min(all.count - 1, all.count * 99 / 100)])
    }

    /// Builds up history (12,800 superseded rows and 256 deleted keys), then compacts while 16 writers run;
    /// the same writers then run as long again without compaction. Checkpoints run in both phases (16 writers
    /// fill the WAL faster than the checkpoint threshold). Returns the write latencies of both phases.
    static func compactionStall(_ store: any Store, value: [UInt8]) async throws -> (LatencySummary, LatencySummary) {
        for round in 0..<50 {
            try await withThrowingTaskGroup(of: Void.self) { g in
                for k in 0..<256 {
                    g.addTask {
                        let key = Array("bench/hist/\(k)".utf8)
                        if round == 49 && k % 2 == 1 {
                            _ = try await store.deleteRange(DeleteRangeRequest(.key(key)))
                        } else {
                            _ = try await store.put(PutRequest(key: key, value: value))
                        }
                    }
                }
                try await g.waitForAll()
            }
        }
        let target = try await store.status().revision
        let state = StallState()
        let started = ContinuousClock.now
        let compactor = Task {
            try await store.compact(target)
            state.done.store(true, ordering: .relaxed)
        }
        try await withThrowingTaskGroup(of: Void.self) { g in
            for t in 0..<16 {
                g.addTask {
                    var n = 0
                    while !state.done.load(ordering: .relaxed) {
                        let start = ContinuousClock.now
                        _ = try await store.put(PutRequest(key: Array("bench/during/\(t)/\(n)".utf8), value: value))
                        let ms = (ContinuousClock.now - start).seconds * 1000
                        state.latencies.withLock { $0.append(ms) }
                        n += 1
                    }
                }
            }
            try await g.waitForAll()
        }
        try await compactor.value
        // At least a second, so the quiet phase sees checkpoints too.
        let elapsed = max(ContinuousClock.now - started, .seconds(1))
        let during = state.summary
        let baseline = StallState()
        let until = ContinuousClock.now + elapsed
        try await withThrowingTaskGroup(of: Void.self) { g in
            for t in 0..<16 {
                g.addTask {
                    var n = 0
                    while ContinuousClock.now < until {
                        let start = ContinuousClock.now
                        _ = try await store.put(PutRequest(key: Array("bench/after/\(t)/\(n)".utf8), value: value))
                        let ms = (ContinuousClock.now - start).seconds * 1000
                        baseline.latencies.withLock { $0.append(ms) }
                        n += 1
                    }
                }
            }
            try await g.waitForAll()
        }
        return (baseline.summary, during)
    }
}

/// Percentiles of a set of write latencies, in milliseconds.
struct LatencySummary: CustomStringConvertible {
    var count = 0
    var p99 = 0.0
    var p999 = 0.0
    var max = 0.0

    var description: String {
        String(format: "%d writes, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms", count, p99, p999, max)
    }
}

/// Measures the disk itself: overwrites one 4 KiB block and fdatasyncs it in a loop on a thread of its own,
/// so the store's write latencies can be read against what a single durable write cost at the same time.
final class SyncProbe: @unchecked Sendable {
    private let latencies = StallState()
    private let finished = DispatchSemaphore(value: 0)
    private let path: String

    init(path: String) {
        self.path = path
        let thread = Thread { [self] in
            let fd = open(path, O_RDWR | O_CREAT, 0o644)
            var block = [UInt8](repeating: 7, count: 4096)
            while fd >= 0 && !latencies.done.load(ordering: .relaxed) {
                _ = block.withUnsafeMutableBytes { pwrite(fd, $0.baseAddress, 4096, 0) }
                let start = ContinuousClock.now
                fdatasync(fd)
                let ms = (ContinuousClock.now - start).seconds * 1000
                latencies.latencies.withLock { $0.append(ms) }
                usleep(2000)
            }
            if fd >= 0 { close(fd) }
            finished.signal()
        }
        thread.start()
    }

    /// Stops the probe and returns what it measured.
    func stop() -> LatencySummary {
        latencies.done.store(true, ordering: .relaxed)
        finished.wait()
        unlink(path)
        return latencies.summary
    }
}

final class StallState: Sendable {
    let latencies = Mutex<[Double]>([])
    let done = Atomic<Bool>(false)

    var summary: LatencySummary {
        let sorted = latencies.withLock { $0.sorted() }
        guard let last = sorted.last else { return LatencySummary() }
        func at(_ permille: Int) -> Double { sorted[min(sorted.count - 1, sorted.count * permille / 1000)] }
        return LatencySummary(count: sorted.count, p99: at(990), p999: at(999), max: last)
    }
}

/// Nanoseconds from `origin` to now.
func nanos(since origin: ContinuousClock.Instant) -> UInt64 {
    let c = (ContinuousClock.now - origin).components
    return UInt64(c.seconds) * 1_000_000_000 + UInt64(c.attoseconds / 1_000_000_000)
}

extension Duration {
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}

/// A single-member etcd started for the benchmark on free loopback ports, with etcd's default tuning.
final class EtcdServer: @unchecked Sendable {
    let url: String
    private let process: Process

    private init(url: String, process: Process) {
        self.url = url
        self.process = process
    }

    static func start(binary: String, dataDir: String) async throws -> EtcdServer {
        let client = try freePort()
        let peer = try freePort()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = [
            "--name", "bench", "--data-dir", dataDir,
            "--listen-client-urls", "http://127.0.0.1:\(client)", "--advertise-client-urls", "http://127.0.0.1:\(client)",
            "--listen-peer-urls", "http://127.0.0.1:\(peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peer)",
            "--initial-cluster", "bench=http://127.0.0.1:\(peer)", "--log-level", "error",
            "--quota-backend-bytes", String(8 * 1024 * 1024 * 1024),
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let server = EtcdServer(url: "http://127.0.0.1:\(client)", process: p)
        let probe = try EtcdStore(endpoints: [server.url], maxConcurrency: 1)
        defer { Task { await probe.close() } }
        for _ in 0..<500 {
            if (try? await probe.range(RangeRequest(.key("probe")))) != nil { return server }
            try await Task.sleep(for: .milliseconds(20))
        }
        server.stop()
        throw StoreError.unavailable("etcd did not start at \(server.url)")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        if !ok { throw StoreError.unavailable("no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
