// kgit-bench apiserver: the API server's request path over HTTPS (TLS, HTTP/1.1, authentication, routing,
// authorization, admission, validation, the registry, the audit log), a real `APIServer` on loopback driven by
// KgitClient's HTTPS transport, against the same operations sent straight to a store of the same kind
// (KgitStore's SQLite store), same process, same objects (pods). Prints throughput and p50/p99 latency for
// create, get, list of 10,000 pods and watch fan-out at several concurrencies, the ratio API/store, and
// PASS/MISS against the issue's two targets: mutating p99 under 50 ms at 1,000 requests/s (create and merge
// patch, paced, open loop) and listing 10,000 pods under 100 ms.
import Foundation
import KgitAPIMachinery
import KgitAPIServer
import KgitClient
import KgitStore
import Synchronization

enum APIServerBench {
    struct Options {
        var requests = 2000
        var listObjects = 10_000
        var lists = 10
        var watchers = 100
        var watchEvents = 100
        var concurrencies = [1, 16, 64]
        var rate = 1000
        var pacedSeconds = 3
        var fanOutWatchers = [1, 100, 1000]
        var fanOutWrites = 200
        var only: String?
        /// Open every client connection before the paced rows, so they measure requests, not TLS handshakes.
        var warmConnections = true
    }

    static let usage = """
        usage: kgit-bench apiserver [--requests N] [--list-objects N] [--lists N] [--watchers N] [--watch-events N]
                                    [--concurrency 1,16,64] [--rate 1000] [--paced-seconds 3]
                                    [--fan-out 1,100,1000] [--fan-out-writes 200] [--only fan-out|list]
                                    [--warm-connections 1|0]
        """

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var it = args.makeIterator()
        while let a = it.next() {
            let value = it.next() ?? ""
            switch a {
            case "--requests": o.requests = Int(value) ?? o.requests
            case "--list-objects": o.listObjects = Int(value) ?? o.listObjects
            case "--lists": o.lists = Int(value) ?? o.lists
            case "--watchers": o.watchers = Int(value) ?? o.watchers
            case "--watch-events": o.watchEvents = Int(value) ?? o.watchEvents
            case "--concurrency": o.concurrencies = value.split(separator: ",").compactMap { Int($0) }
            case "--rate": o.rate = Int(value) ?? o.rate
            case "--paced-seconds": o.pacedSeconds = Int(value) ?? o.pacedSeconds
            case "--fan-out": o.fanOutWatchers = value.split(separator: ",").compactMap { Int($0) }
            case "--fan-out-writes": o.fanOutWrites = Int(value) ?? o.fanOutWrites
            case "--only": o.only = value
            case "--warm-connections": o.warmConnections = value != "0"
            default:
                print(usage)
                exit(2)
            }
        }
        if o.concurrencies.isEmpty { o.concurrencies = [1] }
        return o
    }

    /// Latencies of one run, with its wall time and how many operations failed.
    struct Sample {
        var latencies: [Double]  // seconds
        var elapsed: Double
        var failures = 0

        var throughput: Double { Double(latencies.count) / max(elapsed, 1e-9) }
        /// The `p` quantile in milliseconds.
        func percentile(_ p: Double) -> Double {
            let sorted = latencies.sorted()
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Runs `count` operations on `concurrency` tasks (closed loop); `operation(i)` performs the i-th and
    /// says whether it succeeded.
    static func measure(count: Int, concurrency: Int, _ operation: @escaping @Sendable (Int, Int) async -> Bool) async
        -> Sample
    {
        let start = ContinuousClock.now
        let results = await withTaskGroup(of: ([Double], Int).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var mine: [Double] = []
                    var failed = 0
                    var i = worker
                    while i < count {
                        let t0 = ContinuousClock.now
                        if !(await operation(worker, i)) { failed += 1 }
                        mine.append(seconds(ContinuousClock.now - t0))
                        i += concurrency
                    }
                    return (mine, failed)
                }
            }
            var all: [Double] = []
            var failed = 0
            for await (part, f) in group {
                all += part
                failed += f
            }
            return (all, failed)
        }
        return Sample(latencies: results.0, elapsed: seconds(ContinuousClock.now - start), failures: results.1)
    }

    /// Starts `rate` operations per second for `total` operations (open loop: each starts at its
    /// scheduled time whether or not earlier ones finished); latency counts from the scheduled start, so
    /// a server that falls behind is charged for the wait.
    static func paced(rate: Int, total: Int, _ operation: @escaping @Sendable (Int) async -> Bool) async -> Sample {
        let start = ContinuousClock.now
        let interval = Duration.nanoseconds(1_000_000_000 / max(rate, 1))
        let results = await withTaskGroup(of: (Int, Double, Bool).self) { group in
            for i in 0..<total {
                let scheduled = start + interval * i
                try? await Task.sleep(until: scheduled, clock: .continuous)
                group.addTask {
                    let ok = await operation(i)
                    return (i, seconds(ContinuousClock.now - scheduled), ok)
                }
            }
            var latencies: [Double] = []
            var slowest: [(Int, Double)] = []
            var failed = 0
            for await (i, latency, ok) in group {
                latencies.append(latency)
                slowest.append((i, latency))
                if !ok { failed += 1 }
            }
            if ProcessInfo.processInfo.environment["KGIT_BENCH_DEBUG"] != nil {
                // Which requests make the tail: their index (= start time in intervals) and latency.
                let worst = slowest.sorted { $0.1 > $1.1 }.prefix(max(10, total / 100))
                print("paced tail (index: ms):", worst.map { "\($0.0): \(String(format: "%.1f", $0.1 * 1000))" }
                    .joined(separator: ", "))
            }
            return (latencies, failed)
        }
        return Sample(latencies: results.0, elapsed: seconds(ContinuousClock.now - start), failures: results.1)
    }

    static func pod(_ name: String, namespace: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "Pod",
         "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": ["app": "bench", "tier": "web"]],
         "spec": ["containers": [["name": "web", "image": "registry.example/web:1.27",
                                  "ports": [["containerPort": 8080]],
                                  "resources": ["requests": ["cpu": "100m", "memory": "64Mi"]]]]]]
    }

    /// The benchmark's view of the server: HTTPS transports (one per worker, so each keeps its
    /// connection) and helpers.
    struct Client: Sendable {
        let transports: [HTTPSTransport]

        func send(_ worker: Int, _ method: String, _ path: String, json: JSONValue? = nil,
                  contentType: String = "application/json", accept: String? = nil) async -> TransportResponse? {
            var headers: [TransportRequest.Header] = []
            if json != nil { headers.append(.init("Content-Type", contentType)) }
            if let accept { headers.append(.init("Accept", accept)) }
            let request = TransportRequest(method: method, path: path, headers: headers, body: json?.serializedBytes() ?? [])
            return try? await transports[worker % transports.count].send(request)
        }

        /// Connections the transports have opened so far.
        var connectionsOpened: Int { transports.reduce(0) { $0 + $1.connectionsOpened } }

        func ok(_ worker: Int, _ method: String, _ path: String, json: JSONValue? = nil,
                contentType: String = "application/json", accept: String? = nil) async -> Bool {
            await send(worker, method, path, json: json, contentType: contentType, accept: accept)?.isSuccess ?? false
        }
    }

    static func run(_ args: [String]) async throws {
        let o = parse(args)
        if o.only == "fan-out" {
            try await runFanOut(o)
            return
        }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kgit-apiserver-bench-\(getpid())")
        try? FileManager.default.removeItem(at: base)
        defer { try? FileManager.default.removeItem(at: base) }
        try FileManager.default.createDirectory(at: base.appendingPathComponent("raw"), withIntermediateDirectories: true)
        let rawStore = KgitStoreBackend(try SQLiteStore(directory: base.appendingPathComponent("raw").path))

        // The server as `kgit server` runs it (SQLite store, audit log, encryption of secrets), except that
        // the per-client rate limit is lifted: the benchmark is one identity sending far more than a
        // client's fair share, which is what the limiter exists to refuse.
        var configuration = APIServer.Configuration(dataDirectory: base.appendingPathComponent("server"), port: 0)
        configuration.rateLimits = .init(requestsPerSecond: 1e9, burst: 1e9, maxInFlight: 1 << 30)
        let server = try await APIServer.start(configuration)
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        let kubeconfig = try Kubeconfig.load(file: base.appendingPathComponent("server/kubeconfig").path)
        let connection = try kubeconfig.connection()
        let workers = max(o.concurrencies.max() ?? 1, 32)
        let client = Client(transports: try (0..<workers).map { _ in try HTTPSTransport(connection: connection) })
        defer { for transport in client.transports { Task { await transport.shutdown() } } }

        for namespace in ["bench", "big"] {
            guard await client.ok(0, "POST", "/api/v1/namespaces", json: ["metadata": ["name": .string(namespace)]]) else {
                print("kgit-bench apiserver: cannot create namespace \(namespace)")
                exit(1)
            }
        }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
            .joined(separator: " ") ?? "?"
        print("kgit-bench apiserver: pods (~1 KB stored), \(o.requests) requests per step; API = kgit server over HTTPS on")
        print("loopback (one TLS connection per client task, admin client certificate, audit log on, rate limit lifted);")
        print("store = the same operations on a KgitStore SQLite store in the same process. Load average at start: \(load)")
        print("")
        print("| operation | concurrency | API req/s | API p50 / p99 ms | store req/s | store p50 / p99 ms | API/store (time per op; paced and watch rows: p50) | errors |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        // Closed-loop rows compare time per operation through throughput; paced rows (same rate on both
        // sides) and lists compare median latency.
        func row(_ op: String, _ c: String, _ api: Sample, _ raw: Sample, byLatency: Bool = false) {
            let f = { (v: Double) in String(format: "%.2f", v) }
            let ratio = byLatency ? api.percentile(0.5) / max(raw.percentile(0.5), 1e-9)
                : raw.throughput / max(api.throughput, 1e-9)
            print("| \(op) | \(c) | \(Int(api.throughput)) | \(f(api.percentile(0.5))) / \(f(api.percentile(0.99))) | \(Int(raw.throughput)) | \(f(raw.percentile(0.5))) / \(f(raw.percentile(0.99))) | \(String(format: "%.1f", ratio))x | \(api.failures + raw.failures) |")
        }

        let listOnly = o.only == "list"
        // Create and get, closed loop.
        for c in listOnly ? [] : o.concurrencies {
            let api = await measure(count: o.requests, concurrency: c) { w, i in
                await client.ok(w, "POST", "/api/v1/namespaces/bench/pods", json: pod("c\(c)-\(i)", namespace: "bench"))
            }
            let raw = await measure(count: o.requests, concurrency: c) { _, i in
                (try? await rawStore.create("/registry/core/pods/bench/c\(c)-\(i)",
                                            value: pod("c\(c)-\(i)", namespace: "bench").serializedBytes())) != nil
            }
            row("create", "\(c)", api, raw)
        }
        let first = o.concurrencies[0]
        for c in listOnly ? [] : o.concurrencies {
            let api = await measure(count: o.requests, concurrency: c) { w, i in
                await client.ok(w, "GET", "/api/v1/namespaces/bench/pods/c\(first)-\(i)")
            }
            let raw = await measure(count: o.requests, concurrency: c) { _, i in
                (try? await rawStore.get("/registry/core/pods/bench/c\(first)-\(i)")) != nil
            }
            row("get", "\(c)", api, raw)
        }

        // Mutations at a fixed rate (open loop): creates, then merge patches of the pods just created.
        // Paced request i goes to client task i % workers; the closed-loop rows above used only the first
        // `concurrency` of them. A client sending 1,000 requests/s steadily has its connections open, so
        // they are opened first (one GET each): otherwise the first request on each pays a TLS handshake
        // (client certificate included) while the rest arrive on schedule behind it.
        if o.warmConnections && !listOnly {
            await withTaskGroup(of: Void.self) { group in
                for w in 0..<workers {
                    group.addTask { _ = await client.ok(w, "GET", "/api/v1/namespaces/bench") }
                }
            }
        }
        let total = listOnly ? 0 : o.rate * o.pacedSeconds
        let openedBeforePaced = client.connectionsOpened
        let pacedCPU = cpuSeconds()
        let pacedCreate = await paced(rate: o.rate, total: total) { i in
            await client.ok(i, "POST", "/api/v1/namespaces/bench/pods", json: pod("p\(i)", namespace: "bench"))
        }
        let pacedCreateCPU = (cpuSeconds() - pacedCPU) / Double(max(total, 1))
        let debug = ProcessInfo.processInfo.environment["KGIT_BENCH_DEBUG"] != nil
        let openedBeforePatches = client.connectionsOpened
        if debug {
            // A paced request whose transport is still busy with the one before opens a new connection (a TLS
            // handshake with client certificate, on the same two cores): one stall can snowball through these.
            print("connections opened: \(openedBeforePaced) before the paced creates, \(openedBeforePatches - openedBeforePaced) during them")
        }
        let rawPacedCreate = await paced(rate: o.rate, total: total) { i in
            (try? await rawStore.create("/registry/core/pods/bench/p\(i)",
                                        value: pod("p\(i)", namespace: "bench").serializedBytes())) != nil
        }
        row("create at \(o.rate)/s (paced)", "open loop", pacedCreate, rawPacedCreate, byLatency: true)
        let patchCPU = cpuSeconds()
        let pacedPatch = await paced(rate: o.rate, total: total) { i in
            await client.ok(i, "PATCH", "/api/v1/namespaces/bench/pods/p\(i)",
                            json: ["metadata": ["labels": ["patched": .string("r\(i)")]]],
                            contentType: "application/merge-patch+json")
        }
        let pacedPatchCPU = (cpuSeconds() - patchCPU) / Double(max(total, 1))
        if debug { print("connections opened during the paced merge patches: \(client.connectionsOpened - openedBeforePatches)") }
        let rawPacedPatch = await paced(rate: o.rate, total: total) { i in
            // The store's equivalent: read, change, compare-and-swap.
            let key = "/registry/core/pods/bench/p\(i)"
            guard let current = try? await rawStore.get(key), var object = try? JSONParser.parse(current.value) else {
                return false
            }
            object.setValue(.string("r\(i)"), at: ["metadata", "labels", "patched"])
            return (try? await rawStore.update(key, value: object.serializedBytes(), expectedRevision: current.modRevision))
                != nil
        }
        row("merge patch at \(o.rate)/s (paced)", "open loop", pacedPatch, rawPacedPatch, byLatency: true)

        // Lists: fill a namespace with listObjects pods on both sides, then list it whole.
        let fill = await measure(count: o.listObjects, concurrency: 16) { w, i in
            await client.ok(w, "POST", "/api/v1/namespaces/big/pods", json: pod("l\(i)", namespace: "big"))
        }
        let admin = UserInfo(name: "bench", groups: ["system:masters"])
        let sample = await server.handler.handle(APIRequest(method: "GET", target: "/api/v1/namespaces/big/pods/l0",
                                                            transportUser: admin))
        if case .bytes(let one) = sample.body {
            // The raw side stores what the server stored, so both list the same bytes.
            _ = await measure(count: o.listObjects, concurrency: 16) { _, i in
                var object = (try? JSONParser.parse(one)) ?? pod("l\(i)", namespace: "big")
                object.setValue(.string("l\(i)"), at: ["metadata", "name"])
                object.setValue(nil, at: ["metadata", "resourceVersion"])
                return (try? await rawStore.create("/registry/core/pods/big/l\(i)", value: object.serializedBytes())) != nil
            }
        }
        let listBytes = Atomic<Int>(0)
        // Process CPU (server and client: both run here) of the first list and of the others.
        let listCPU = Mutex<[Double]>([])
        let apiList = await measure(count: o.lists, concurrency: 1) { w, _ in
            let cpu = cpuSeconds()
            defer { listCPU.withLock { $0.append(cpuSeconds() - cpu) } }
            guard let response = await client.send(w, "GET", "/api/v1/namespaces/big/pods"), response.isSuccess else {
                return false
            }
            listBytes.store(response.body.count, ordering: .relaxed)
            return true
        }
        let rawList = await measure(count: o.lists, concurrency: 1) { _, _ in
            (try? await rawStore.list(prefix: "/registry/core/pods/big/", startAfter: nil, limit: nil, at: nil)) != nil
        }
        let handlerList = await measure(count: o.lists, concurrency: 1) { _, _ in
            let response = await server.handler.handle(APIRequest(method: "GET", target: "/api/v1/namespaces/big/pods",
                                                                  transportUser: admin))
            return response.status == 200
        }
        let tableList = await measure(count: max(1, o.lists / 2), concurrency: 1) { w, _ in
            await client.ok(w, "GET", "/api/v1/namespaces/big/pods?limit=500",
                            accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        }
        row("list \(o.listObjects) pods (\(listBytes.load(ordering: .relaxed) / 1024) KB)", "1", apiList, rawList)
        row("list \(o.listObjects) pods, in process (no HTTPS)", "1", handlerList, rawList)
        row("list 500 pods as a Table (kubectl get)", "1", tableList, rawList)
        let cpus = listCPU.withLock { $0 }
        let warmCPU = cpus.dropFirst().sorted()
        print(String(format: "process CPU (server and client) per list over HTTPS: first (cold) %.1f ms, others p50 %.1f ms; per paced create %.2f ms, per paced merge patch %.2f ms",
                     (cpus.first ?? 0) * 1000, (warmCPU.isEmpty ? 0 : warmCPU[warmCPU.count / 2]) * 1000,
                     pacedCreateCPU * 1000, pacedPatchCPU * 1000))
        if listOnly {
            print(String(format: "list: p50 %.2f ms, first (cold) %.2f ms; load average at the end: %@", apiList.percentile(0.5),
                         (apiList.latencies.first ?? 0) * 1000,
                         (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
                             .joined(separator: " ") ?? "?"))
            serving.cancel()
            _ = await serving.result
            await rawStore.store.close()
            return
        }

        // Watch: watchers on each side; each write's delivery latency to every watcher.
        let apiWatch = await watchLatency(watchers: o.watchers, events: o.watchEvents) { w in
            let request = TransportRequest(method: "GET", path: "/api/v1/namespaces/bench/configmaps?watch=true")
            guard let stream = try? await client.transports[w % client.transports.count].stream(request) else {
                return AsyncStream { $0.finish() }
            }
            return AsyncStream { continuation in
                let task = Task {
                    do {
                        for try await chunk in stream.body {
                            for byte in chunk where byte == UInt8(ascii: "\n") { continuation.yield(()) }
                        }
                    } catch {}
                    continuation.finish()
                }
                continuation.onTermination = { _ in task.cancel() }
            }
        } write: { i in
            await client.ok(0, "POST", "/api/v1/namespaces/bench/configmaps",
                            json: ["metadata": ["name": .string("w\(i)")], "data": ["k": "v"]])
        }
        let rawWatch = await watchLatency(watchers: o.watchers, events: o.watchEvents) { _ in
            guard let events = try? await rawStore.watch(prefix: "/registry/core/configmaps/bench/",
                                                         after: await rawStore.currentRevision())
            else { return AsyncStream { $0.finish() } }
            return AsyncStream { continuation in
                let task = Task { for await _ in events { continuation.yield(()) }; continuation.finish() }
                continuation.onTermination = { _ in task.cancel() }
            }
        } write: { i in
            (try? await rawStore.create("/registry/core/configmaps/bench/w\(i)",
                                        value: (["metadata": ["name": .string("w\(i)")]] as JSONValue).serializedBytes()))
                != nil
        }
        row("watch: one write delivered to \(o.watchers) watchers", "\(o.watchers)", apiWatch, rawWatch, byLatency: true)
        print("")
        try await fanOutTable(o, base: base.appendingPathComponent("fan-out"))

        // The targets.
        print("")
        let mutatingP99 = max(pacedCreate.percentile(0.99), pacedPatch.percentile(0.99))
        let mutatingRate = min(pacedCreate.throughput, pacedPatch.throughput)
        let mutatingPass = mutatingP99 < 50 && pacedCreate.failures + pacedPatch.failures == 0
            && mutatingRate >= Double(o.rate) * 0.95
        print(String(format: "target: mutating p99 under 50 ms at %d requests/s (create, merge patch; HTTPS): p99 %.2f ms at %.0f/s, %d errors: %@",
                     o.rate, mutatingP99, mutatingRate, pacedCreate.failures + pacedPatch.failures,
                     mutatingPass ? "PASS" : "MISS"))
        let listP50 = apiList.percentile(0.5), listP99 = apiList.percentile(0.99)
        let listPass = listP99 < 100 && apiList.failures == 0 && o.listObjects >= 10_000
        // A run counts from sending the request until the client holds every byte of the body in one
        // buffer (the transport reads the whole response, as any client must); it does not include
        // decoding the JSON, which kubectl would do after that. The first run is the cold one: nothing of
        // the list has been served before.
        let listFirst = (apiList.latencies.first ?? 0) * 1000
        print(String(format: "target: listing %d pods under 100 ms (HTTPS, whole body received, not decoded; %d runs): p50 %.2f ms, first (cold) %.2f ms, worst %.2f ms: %@",
                     o.listObjects, o.lists, listP50, listFirst, listP99, listPass ? "PASS" : "MISS"))
        if fill.failures > 0 { print("note: \(fill.failures) of the \(o.listObjects) pods to list failed to create") }
        let after = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
            .joined(separator: " ") ?? "?"
        print("load average at the end: \(after)")
        serving.cancel()
        _ = await serving.result
        await rawStore.store.close()
    }

    /// Opens `watchers` streams (each yields once per event line), then writes `events` objects one at a
    /// time, waiting each time until every watcher received it; the samples are the per-watcher delivery
    /// latencies.
    static func watchLatency(watchers: Int, events: Int, open: @escaping @Sendable (Int) async -> AsyncStream<Void>,
                             write: @escaping @Sendable (Int) async -> Bool) async -> Sample
    {
        let tracker = WatchTracker()
        var tasks: [Task<Void, Never>] = []
        for w in 0..<watchers {
            let stream = await open(w)
            tasks.append(Task { [tracker] in
                for await _ in stream { tracker.delivered(at: ContinuousClock.now) }
            })
        }
        // Let every watch register before the first write.
        try? await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        var failures = 0
        for i in 0..<events {
            tracker.sending(i, at: ContinuousClock.now)
            if !(await write(i)) { failures += 1 }
            var spins = 0
            while tracker.deliveries(of: i) < watchers && spins < 20_000 {
                try? await Task.sleep(for: .microseconds(100))
                spins += 1
            }
            if tracker.deliveries(of: i) < watchers { failures += 1 }
        }
        let elapsed = seconds(ContinuousClock.now - start)
        for task in tasks { task.cancel() }
        return Sample(latencies: tracker.latencies, elapsed: elapsed, failures: failures)
    }
}

extension APIServerBench {
    /// `--only fan-out`: just the watch fan-out table.
    static func runFanOut(_ o: Options) async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kgit-apiserver-fanout-\(getpid())")
        try? FileManager.default.removeItem(at: base)
        defer { try? FileManager.default.removeItem(at: base) }
        try await fanOutTable(o, base: base)
    }

    /// Watch fan-out: N watchers of pods in one namespace, then a burst of M pod creates (8 at a time);
    /// the time until every watcher has every event and the process CPU time meanwhile, for the API
    /// server in process (no HTTPS) with its watch cache, without it (each watch its own store watch),
    /// and N watches straight on a SQLite store.
    static func fanOutTable(_ o: Options, base: URL) async throws {
        try FileManager.default.createDirectory(at: base.appendingPathComponent("raw"), withIntermediateDirectories: true)
        let rawStore = KgitStoreBackend(try SQLiteStore(directory: base.appendingPathComponent("raw").path))
        var servers: [(String, APIServer)] = []
        var serving: [Task<Void, any Error>] = []
        for (name, window) in [("cache", 4096), ("no-cache", 0)] {
            var configuration = APIServer.Configuration(dataDirectory: base.appendingPathComponent(name), port: 0)
            configuration.rateLimits = .init(requestsPerSecond: 1e9, burst: 1e9, maxInFlight: 1 << 30)
            configuration.watchCacheWindow = window
            let server = try await APIServer.start(configuration)
            servers.append((name, server))
            serving.append(Task { try await server.run() })
        }
        defer { for task in serving { task.cancel() } }
        print("watch fan-out: \(o.fanOutWrites) pod creates (8 at a time) to N watchers of one namespace's pods;")
        print("time until every watcher has every event, and process CPU seconds meanwhile. API = the handler in")
        print("process (no HTTPS), with the watch cache and with it turned off; store = N watches on a SQLite store.")
        print("")
        print("| watchers | API, cache: s / CPU s | API, no cache: s / CPU s | store: s / CPU s | cache/store (time) |")
        print("| --- | --- | --- | --- | --- |")
        var round = 0
        for watchers in o.fanOutWatchers {
            round += 1
            var figures: [String] = []
            var cachedSeconds = 0.0
            for (_, server) in servers {
                let namespace = "fan\(round)"
                let result = await fanOutAPI(server.handler, namespace: namespace, watchers: watchers,
                                             writes: o.fanOutWrites)
                if figures.isEmpty { cachedSeconds = result.seconds }
                figures.append(result.description)
            }
            let raw = await fanOutStore(rawStore, prefix: "/registry/core/pods/fan\(round)/", watchers: watchers,
                                        writes: o.fanOutWrites)
            figures.append(raw.description)
            print("| \(watchers) | \(figures.joined(separator: " | ")) | \(String(format: "%.2f", cachedSeconds / max(raw.seconds, 1e-9))) |")
        }
        for task in serving {
            task.cancel()
            _ = await task.result
        }
        await rawStore.store.close()
    }

    struct FanOutResult: CustomStringConvertible {
        var seconds: Double
        var cpu: Double
        var complete: Bool
        var description: String {
            String(format: "%.3f / %.2f", seconds, cpu) + (complete ? "" : " (incomplete)")
        }
    }

    static func cpuSeconds() -> Double { processCPUSeconds() }

    /// Runs `write(i)` for every i in 0..<writes on 8 concurrent workers.
    static func writeInParallel(_ writes: Int, _ write: @escaping @Sendable (Int) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var i = worker
                    while i < writes {
                        await write(i)
                        i += 8
                    }
                }
            }
        }
    }

    /// Counts lines per watcher until each has `writes`; `completed` says how many have.
    final class FanOutCounter: Sendable {
        let completed = Atomic<Int>(0)
    }

    static func consume(_ stream: AsyncStream<[UInt8]>, writes: Int, counter: FanOutCounter) -> Task<Void, Never> {
        Task {
            var lines = 0
            for await chunk in stream {
                for byte in chunk where byte == UInt8(ascii: "\n") { lines += 1 }
                if lines >= writes {
                    counter.completed.add(1, ordering: .relaxed)
                    break
                }
            }
        }
    }

    static func awaitAll(_ counter: FanOutCounter, watchers: Int) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(300)
        while counter.completed.load(ordering: .relaxed) < watchers && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(1))
        }
        return counter.completed.load(ordering: .relaxed) >= watchers
    }

    static func fanOutAPI(_ handler: APIHandler, namespace: String, watchers: Int, writes: Int) async -> FanOutResult {
        let admin = UserInfo(name: "admin", groups: ["system:masters"])
        @Sendable func send(_ method: String, _ target: String, _ json: JSONValue? = nil) async -> APIResponse {
            await handler.handle(APIRequest(method: method, target: target,
                                            headers: json == nil ? [] : [("Content-Type", "application/json")],
                                            body: json?.serializedBytes() ?? [], transportUser: admin))
        }
        _ = await send("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace",
                                                      "metadata": ["name": .string(namespace)]])
        var rv = "0"
        if let body = await send("GET", "/api/v1/namespaces/\(namespace)/pods").body.completeBytes,
           let list = try? JSONParser.parse(body),
           let listed = list.value(at: ["metadata", "resourceVersion"])?.stringValue { rv = listed }
        let counter = FanOutCounter()
        var tasks: [Task<Void, Never>] = []
        for _ in 0..<watchers {
            let response = await send("GET", "/api/v1/namespaces/\(namespace)/pods?watch=true&resourceVersion=\(rv)")
            guard case .stream(let stream) = response.body else { continue }
            tasks.append(consume(stream, writes: writes, counter: counter))
        }
        let cpu0 = cpuSeconds()
        let start = ContinuousClock.now
        await writeInParallel(writes) { i in
            _ = await send("POST", "/api/v1/namespaces/\(namespace)/pods", pod("p\(i)", namespace: namespace))
        }
        let complete = await awaitAll(counter, watchers: watchers)
        let result = FanOutResult(seconds: seconds(ContinuousClock.now - start), cpu: cpuSeconds() - cpu0,
                                  complete: complete)
        for task in tasks { task.cancel() }
        return result
    }

    static func fanOutStore(_ store: KgitStoreBackend, prefix: String, watchers: Int, writes: Int) async -> FanOutResult {
        let from = await store.currentRevision()
        let counter = FanOutCounter()
        var tasks: [Task<Void, Never>] = []
        for _ in 0..<watchers {
            guard let events = try? await store.watch(prefix: prefix, after: from) else { continue }
            tasks.append(Task {
                var seen = 0
                for await _ in events {
                    seen += 1
                    if seen >= writes {
                        counter.completed.add(1, ordering: .relaxed)
                        break
                    }
                }
            })
        }
        let value = pod("p", namespace: "fan").serializedBytes()
        let cpu0 = cpuSeconds()
        let start = ContinuousClock.now
        await writeInParallel(writes) { i in
            _ = try? await store.create(prefix + "p\(i)", value: value)
        }
        let complete = await awaitAll(counter, watchers: watchers)
        let result = FanOutResult(seconds: seconds(ContinuousClock.now - start), cpu: cpuSeconds() - cpu0,
                                  complete: complete)
        for task in tasks { task.cancel() }
        return result
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
            state.latencies.append(APIServerBench.seconds(instant - sent))
            state.deliveries[state.current, default: 0] += 1
        }
    }

    func deliveries(of index: Int) -> Int { state.withLock { $0.deliveries[index] ?? 0 } }
    var latencies: [Double] { state.withLock { $0.latencies } }
}
