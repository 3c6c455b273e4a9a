// kgit-bench apiserver: the API server's request path (authentication, routing, authorization, admission,
// validation, the registry) against the same operations sent straight to the store it runs on (KgitStore's
// SQLite store), same process, same objects. Prints throughput and p50/p99 latency for create, get, list
// and watch at several concurrencies, and the cost ratio kgit/store (how many times the store's time the
// API adds up to).
import Foundation
import KgitAPIMachinery
import KgitAPIServer
import KgitStore
import Synchronization

enum APIServerBench {
    struct Options {
        var requests = 2000
        var listObjects = 10_000
        var watchers = 100
        var watchEvents = 100
        var concurrencies = [1, 16, 64]
    }

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var it = args.makeIterator()
        while let a = it.next() {
            switch a {
            case "--requests": o.requests = Int(it.next() ?? "") ?? o.requests
            case "--list-objects": o.listObjects = Int(it.next() ?? "") ?? o.listObjects
            case "--watchers": o.watchers = Int(it.next() ?? "") ?? o.watchers
            case "--concurrency": o.concurrencies = (it.next() ?? "").split(separator: ",").compactMap { Int($0) }
            default:
                print("usage: kgit-bench apiserver [--requests N] [--list-objects N] [--watchers N] [--concurrency 1,16,64]")
                exit(2)
            }
        }
        return o
    }

    /// Latencies of one run, with its wall time.
    struct Sample {
        var latencies: [Double]  // seconds
        var elapsed: Double

        var throughput: Double { Double(latencies.count) / max(elapsed, 1e-9) }
        func percentile(_ p: Double) -> Double {
            let sorted = latencies.sorted()
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000
        }
    }

    /// Runs `count` operations on `concurrency` tasks; `operation(i)` performs the i-th.
    static func measure(count: Int, concurrency: Int, _ operation: @escaping @Sendable (Int) async -> Void) async -> Sample {
        let start = ContinuousClock.now
        let latencies = await withTaskGroup(of: [Double].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var mine: [Double] = []
                    var i = worker
                    while i < count {
                        let t0 = ContinuousClock.now
                        await operation(i)
                        let d = ContinuousClock.now - t0
                        mine.append(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
                        i += concurrency
                    }
                    return mine
                }
            }
            var all: [Double] = []
            for await part in group { all += part }
            return all
        }
        let d = ContinuousClock.now - start
        return Sample(latencies: latencies, elapsed: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }

    static func configMap(_ name: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "bench"],
         "data": ["key": .string(String(repeating: "v", count: 200))]]
    }

    static func run(_ args: [String]) async throws {
        let o = parse(args)
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kgit-apiserver-bench-\(getpid())")
        try? FileManager.default.removeItem(at: base)
        defer { try? FileManager.default.removeItem(at: base) }
        try FileManager.default.createDirectory(at: base.appendingPathComponent("api"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: base.appendingPathComponent("raw"), withIntermediateDirectories: true)
        let apiStore = KgitStoreBackend(try SQLiteStore(directory: base.appendingPathComponent("api").path))
        let rawStore = KgitStoreBackend(try SQLiteStore(directory: base.appendingPathComponent("raw").path))
        let handler = APIHandler(
            store: apiStore, authenticator: Authenticator(), authorizer: PrivilegedGroupAuthorizer(),
            serverAddress: "bench",
            rateLimits: .init(requestsPerSecond: 1e9, burst: 1e9, maxInFlight: 1 << 30))
        try await handler.bootstrap()
        let admin = UserInfo(name: "bench", groups: ["system:masters"])
        _ = await handler.handle(APIRequest(method: "POST", target: "/api/v1/namespaces", headers: [("Content-Type", "application/json")],
                                            body: (["metadata": ["name": "bench"]] as JSONValue).serializedBytes(), transportUser: admin))
        print("kgit-bench apiserver: \(o.requests) requests per step, configmaps of ~300 bytes, KgitStore SQLite under both")
        print("| operation | concurrency | API req/s | API p50 / p99 ms | store req/s | store p50 / p99 ms | API cost (x store time) |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        func row(_ op: String, _ c: Int, _ api: Sample, _ raw: Sample) {
            let f = { (v: Double) in String(format: "%.2f", v) }
            print("| \(op) | \(c) | \(Int(api.throughput)) | \(f(api.percentile(0.5))) / \(f(api.percentile(0.99))) | \(Int(raw.throughput)) | \(f(raw.percentile(0.5))) / \(f(raw.percentile(0.99))) | \(f(raw.throughput / max(api.throughput, 1e-9)))x |")
        }

        for c in o.concurrencies {
            let api = await measure(count: o.requests, concurrency: c) { i in
                _ = await handler.handle(APIRequest(
                    method: "POST", target: "/api/v1/namespaces/bench/configmaps", headers: [("Content-Type", "application/json")],
                    body: configMap("c\(c)-\(i)").serializedBytes(), transportUser: admin))
            }
            let raw = await measure(count: o.requests, concurrency: c) { i in
                _ = try? await rawStore.create("/registry/core/configmaps/bench/c\(c)-\(i)", value: configMap("c\(c)-\(i)").serializedBytes())
            }
            row("create", c, api, raw)
        }
        for c in o.concurrencies {
            let first = o.concurrencies[0]
            let api = await measure(count: o.requests, concurrency: c) { i in
                _ = await handler.handle(APIRequest(method: "GET", target: "/api/v1/namespaces/bench/configmaps/c\(first)-\(i)",
                                                    transportUser: admin))
            }
            let raw = await measure(count: o.requests, concurrency: c) { i in
                _ = try? await rawStore.get("/registry/core/configmaps/bench/c\(first)-\(i)")
            }
            row("get", c, api, raw)
        }

        // Lists: fill a namespace with listObjects objects on both sides, then list it whole.
        _ = await handler.handle(APIRequest(method: "POST", target: "/api/v1/namespaces", headers: [("Content-Type", "application/json")],
                                            body: (["metadata": ["name": "big"]] as JSONValue).serializedBytes(), transportUser: admin))
        _ = await measure(count: o.listObjects, concurrency: 16) { i in
            var object = configMap("l\(i)")
            object.setValue("big", at: ["metadata", "namespace"])
            _ = await handler.handle(APIRequest(method: "POST", target: "/api/v1/namespaces/big/configmaps",
                                                headers: [("Content-Type", "application/json")], body: object.serializedBytes(),
                                                transportUser: admin))
            _ = try? await rawStore.create("/registry/core/configmaps/big/l\(i)", value: object.serializedBytes())
        }
        let lists = 10
        let apiList = await measure(count: lists, concurrency: 1) { _ in
            _ = await handler.handle(APIRequest(method: "GET", target: "/api/v1/namespaces/big/configmaps", transportUser: admin))
        }
        let rawList = await measure(count: lists, concurrency: 1) { _ in
            _ = try? await rawStore.list(prefix: "/registry/core/configmaps/big/", startAfter: nil, limit: nil, at: nil)
        }
        row("list \(o.listObjects)", 1, apiList, rawList)

        // Watch: watchers on each side; each write's delivery latency to every watcher.
        let apiWatch = await watchLatency(watchers: o.watchers, events: o.watchEvents) { w in
            let response = await handler.handle(APIRequest(method: "GET", target: "/api/v1/namespaces/bench/configmaps?watch=true&resourceVersion=\(await apiStore.currentRevision())",
                                                           transportUser: admin))
            guard case .stream(let chunks) = response.body else { return AsyncStream { $0.finish() } }
            return chunks
        } write: { i in
            _ = await handler.handle(APIRequest(method: "POST", target: "/api/v1/namespaces/bench/configmaps",
                                                headers: [("Content-Type", "application/json")],
                                                body: configMap("w\(i)").serializedBytes(), transportUser: admin))
        }
        let rawWatch = await watchLatency(watchers: o.watchers, events: o.watchEvents) { w in
            guard let events = try? await rawStore.watch(prefix: "/registry/core/configmaps/bench/", after: await rawStore.currentRevision())
            else { return AsyncStream { $0.finish() } }
            return AsyncStream { continuation in
                let task = Task { for await _ in events { continuation.yield([]) }; continuation.finish() }
                continuation.onTermination = { _ in task.cancel() }
            }
        } write: { i in
            _ = try? await rawStore.create("/registry/core/configmaps/bench/w\(i)", value: configMap("w\(i)").serializedBytes())
        }
        row("watch, \(o.watchers) watchers (delivery)", o.watchers, apiWatch, rawWatch)
        await apiStore.store.close()
        await rawStore.store.close()
    }

    /// Opens `watchers` streams, then writes `events` objects one at a time, waiting each time until
    /// every watcher received it; the samples are the per-watcher delivery latencies.
    static func watchLatency(watchers: Int, events: Int, open: @escaping @Sendable (Int) async -> AsyncStream<[UInt8]>,
                             write: @escaping @Sendable (Int) async -> Void) async -> Sample
    {
        let tracker = WatchTracker()
        var tasks: [Task<Void, Never>] = []
        for w in 0..<watchers {
            let stream = await open(w)
            tasks.append(Task { [tracker] in
                for await _ in stream { tracker.delivered(at: ContinuousClock.now) }
            })
        }
        let start = ContinuousClock.now
        for i in 0..<events {
            tracker.sending(i, at: ContinuousClock.now)
            await write(i)
            var spins = 0
            while tracker.deliveries(of: i) < watchers && spins < 20_000 {
                try? await Task.sleep(for: .microseconds(100))
                spins += 1
            }
        }
        let d = ContinuousClock.now - start
        for task in tasks { task.cancel() }
        return Sample(latencies: tracker.latencies,
                      elapsed: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
}

/// What the watch benchmark's consumers record: which event is in flight, when it was sent, and
/// each delivery's latency.
final class WatchTracker: Sendable {
    private struct State {
        var current = -1
        var sentAt: ContinuousClock.Instant?
        var deliveries: [Int: Int] = [:]
        var latencies: [Double] = []
    }

    private let state = Mutex(State())

    func sending(_ index: Int, at instant: ContinuousClock.Instant) {
        state.withLock {
            $0.current = index
            $0.sentAt = instant
        }
    }

    func delivered(at instant: ContinuousClock.Instant) {
        state.withLock { state in
            guard state.current >= 0, let sent = state.sentAt else { return }
            let d = instant - sent
            state.latencies.append(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
            state.deliveries[state.current, default: 0] += 1
        }
    }

    func deliveries(of index: Int) -> Int { state.withLock { $0.deliveries[index] ?? 0 } }
    var latencies: [Double] { state.withLock { $0.latencies } }
}
