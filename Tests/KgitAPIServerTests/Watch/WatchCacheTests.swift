import Crypto
import Foundation
import Synchronization
import KgitAPIMachinery
import KgitStore
import Testing
@testable import KgitAPIServer

@Suite("Watch cache")
struct WatchCacheTests {
    /// Lines one reader received, shared with the test body.
    final class Received: Sendable {
        let lines = Mutex<[[UInt8]]>([])
    }

    static let configMaps = "/api/v1/namespaces/default/configmaps"

    /// Reads whole lines from a watch stream until `count` arrived or the stream ended.
    static func lines(_ stream: AsyncStream<[UInt8]>, count: Int) async -> [[UInt8]] {
        var buffer: [UInt8] = []
        var lines: [[UInt8]] = []
        for await chunk in stream {
            buffer += chunk
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(Array(buffer[...newline]))
                buffer.removeSubrange(...newline)
            }
            if lines.count >= count { break }
        }
        return lines
    }

    static func names(_ lines: [[UInt8]]) -> [String] {
        lines.map { line in
            let event = (try? JSONParser.parse(line)) ?? .null
            return "\(event["type"]?.stringValue ?? "") \(event.value(at: ["object", "metadata", "name"])?.stringValue ?? "")"
        }
    }

    static func revisions(_ lines: [[UInt8]]) -> [Int] {
        lines.compactMap { line in
            (try? JSONParser.parse(line))?.value(at: ["object", "metadata", "resourceVersion"])?.stringValue.flatMap(Int.init)
        }
    }

    static func create(_ api: TestAPI, _ name: String, namespace: String = "default", labels: [String: String] = [:])
        async -> Int
    {
        let answer = await api.request("POST", "/api/v1/namespaces/\(namespace)/configmaps",
                                       json: TestAPI.configMap(name, labels: labels))
        return answer.json.value(at: ["metadata", "resourceVersion"])?.stringValue.flatMap(Int.init) ?? -1
    }

    static func cacheWatchers(_ api: TestAPI) async -> Int {
        var total = 0
        for cache in api.handler.watchCaches.all { total += await cache.watcherCount() }
        return total
    }

    @Test("a hundred watchers of one resource, in different namespaces and with selectors, share one store watch")
    func sharedStoreWatch() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces", json: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "other"]])
        var streams: [AsyncStream<[UInt8]>] = []
        for i in 0..<100 {
            let target = switch i % 3 {
            case 0: "/api/v1/configmaps?watch=true&resourceVersion=0"
            case 1: "\(Self.configMaps)?watch=true"
            default: "\(Self.configMaps)?watch=true&labelSelector=app%3Dweb"
            }
            streams.append(try #require(await api.watch(target)))
        }
        #expect(await api.store.watcherCount() == 1)
        #expect(await Self.cacheWatchers(api) == 100)
        _ = await Self.create(api, "elsewhere", namespace: "other")
        _ = await Self.create(api, "web", labels: ["app": "web"])
        for (i, stream) in streams.enumerated() {
            let expected = i % 3 == 0 ? ["ADDED elsewhere", "ADDED web"] : ["ADDED web"]
            #expect(Self.names(await Self.lines(stream, count: expected.count)) == expected, "watcher \(i)")
        }
    }

    @Test("events from the cache are byte for byte what the per-watcher store path sends, selector transitions included")
    func sameBytesAsStorePath() async throws {
        let api = try await TestAPI()
        let base = await api.store.currentRevision()
        var selector = ListOptions()
        selector.labelSelector = try LabelSelector(parsing: "sel=yes")
        let stream = try #require(await api.watch("\(Self.configMaps)?watch=true&labelSelector=sel%3Dyes"))
        _ = await Self.create(api, "out")
        _ = await Self.create(api, "in", labels: ["sel": "yes"])
        _ = await api.request("PATCH", "\(Self.configMaps)/in", body: Array(#"{"data":{"k":"v2"}}"#.utf8),
                              headers: [("Content-Type", "application/merge-patch+json")])
        _ = await api.request("PATCH", "\(Self.configMaps)/out", body: Array(#"{"metadata":{"labels":{"sel":"yes"}}}"#.utf8),
                              headers: [("Content-Type", "application/merge-patch+json")])
        _ = await api.request("PATCH", "\(Self.configMaps)/in", body: Array(#"{"metadata":{"labels":{"sel":"no"}}}"#.utf8),
                              headers: [("Content-Type", "application/merge-patch+json")])
        _ = await api.request("DELETE", "\(Self.configMaps)/out")
        _ = await api.request("DELETE", "\(Self.configMaps)/in")
        let got = await Self.lines(stream, count: 5)
        #expect(Self.names(got) == ["ADDED in", "MODIFIED in", "ADDED out", "DELETED in", "DELETED out"])

        // The old path: the store's own events, decoded and filtered per watcher, encoded as a JSON line.
        let raw = try await api.store.watch(prefix: "/registry/core/configmaps/default/", after: base)
        let info = try #require(api.handler.catalog.lookup(group: "", version: "v1", resource: "configmaps"))
        let encode = api.handler.watchEncoder(info: info, asTable: false, include: .metadata)
        var expected: [[UInt8]] = []
        for await event in raw {
            if let (type, object) = APIHandler.watchEvent(event, options: selector, info: info) {
                expected.append(encode(type, object))
            }
            if event.revision >= (Self.revisions(got).last ?? 0) { break }
        }
        #expect(got == expected)
    }

    @Test("a resourceVersion inside the cache's window replays from it, even after the store compacted that history")
    func replayFromWindow() async throws {
        let api = try await TestAPI(historyLimit: 3)
        let live = try #require(await api.watch("\(Self.configMaps)?watch=true&resourceVersion=0"))
        var revisions: [Int] = []
        for i in 0..<12 { revisions.append(await Self.create(api, "c\(i)")) }
        _ = await Self.lines(live, count: 12)
        let tooOldForStore = await api.request("GET", "/api/v1/namespaces/default/secrets?watch=true&resourceVersion=\(revisions[1])")
        #expect(tooOldForStore.text.contains("Expired"), "the store itself no longer has this history")
        let replay = try #require(await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(revisions[1])"))
        let lines = await Self.lines(replay, count: 10)
        #expect(Self.names(lines) == (2..<12).map { "ADDED c\($0)" })
        #expect(Self.revisions(lines) == Array(revisions[2...]))
    }

    @Test("a resourceVersion older than both the cache's window and the store's history gets 410 Expired")
    func expiredBeyondWindow() async throws {
        let api = try await TestAPI(historyLimit: 3, watchCacheWindow: 4)
        let live = try #require(await api.watch("\(Self.configMaps)?watch=true&resourceVersion=0"))
        var revisions: [Int] = []
        for i in 0..<12 { revisions.append(await Self.create(api, "c\(i)")) }
        _ = await Self.lines(live, count: 12)
        let answer = await api.request("GET", "\(Self.configMaps)?watch=true&resourceVersion=\(revisions[1])")
        let event = try JSONParser.parse(Array(answer.body.prefix { $0 != UInt8(ascii: "\n") }))
        #expect(event["type"] == "ERROR")
        #expect(event.value(at: ["object", "code"]) == 410)
        #expect(event.value(at: ["object", "reason"]) == "Expired")
        // Just inside the window still replays.
        let recent = try #require(await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(revisions[8])"))
        #expect(Self.names(await Self.lines(recent, count: 3)) == ["ADDED c9", "ADDED c10", "ADDED c11"])
    }

    @Test("a resourceVersion older than the window but still in the store's history is served from the store")
    func olderThanWindowFromStore() async throws {
        let api = try await TestAPI(watchCacheWindow: 2)
        let live = try #require(await api.watch("\(Self.configMaps)?watch=true"))
        var revisions: [Int] = []
        for i in 0..<6 { revisions.append(await Self.create(api, "c\(i)")) }
        _ = await Self.lines(live, count: 6)
        let stream = try #require(await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(revisions[0])"))
        #expect(Self.names(await Self.lines(stream, count: 5)) == (1..<6).map { "ADDED c\($0)" })
        #expect(await api.store.watcherCount() == 2, "the cache's watch and this watcher's own")
    }

    @Test("a watcher that stops reading is ended after its buffer fills, and does not hold up one that reads")
    func stalledWatcher() async throws {
        // The watches must outlive the 50 writes however slow a loaded machine makes them (the default
        // 60 s watch timeout ended the reader after 47 events in one CI run).
        let api = try await TestAPI(defaultWatchTimeout: .seconds(3600), watchBuffer: 8)
        let stalled = try #require(await api.watch("\(Self.configMaps)?watch=true"))
        let reader = try #require(await api.watch("\(Self.configMaps)?watch=true"))
        let received = Received()
        let reading = Task {
            var buffer: [UInt8] = []
            for await chunk in reader {
                buffer += chunk
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(buffer[...newline])
                    buffer.removeSubrange(...newline)
                    received.lines.withLock { $0.append(line) }
                }
                if received.lines.withLock({ $0.count }) >= 50 { break }
            }
        }
        for i in 0..<50 {
            _ = await Self.create(api, "c\(i)")
            // Each event reaches the reading watcher while the stalled one's buffer is full.
            let deadline = ContinuousClock.now + .seconds(60)
            while received.lines.withLock({ $0.count }) <= i && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        await reading.value
        #expect(Self.names(received.lines.withLock { $0 }) == (0..<50).map { "ADDED c\($0)" })
        let buffered = await Self.lines(stalled, count: 1_000)
        #expect(buffered.count == 8, "the stalled watcher kept only its buffer, then its stream ended")
        #expect(Self.names(buffered) == (0..<8).map { "ADDED c\($0)" })
    }

    @Test("watchers starting while others write concurrently see every later change once, in revision order")
    func concurrentWrites() async throws {
        let api = try await TestAPI()
        let writers = Task {
            await withTaskGroup(of: [Int].self) { group in
                for w in 0..<4 {
                    group.addTask {
                        var revisions: [Int] = []
                        for i in 0..<25 { revisions.append(await Self.create(api, "w\(w)-\(i)")) }
                        return revisions
                    }
                }
                var all: [Int] = []
                for await revisions in group { all += revisions }
                return all.sorted()
            }
        }
        var watches: [(from: Int, stream: AsyncStream<[UInt8]>)] = []
        for _ in 0..<8 {
            let from = Int(await api.store.currentRevision())
            watches.append((from, try #require(await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(from)"))))
            try await Task.sleep(for: .milliseconds(5))
        }
        let written = await writers.value
        #expect(written.count == 100 && !written.contains(-1))
        for (from, stream) in watches {
            let expected = written.filter { $0 > from }
            guard !expected.isEmpty else { continue }
            let revisions = Self.revisions(await Self.lines(stream, count: expected.count))
            #expect(revisions == expected, "watch from \(from)")
        }
    }

    @Test("when the cache's store watch breaks, its watchers end cleanly and the next watch re-lists the current state")
    func storeWatchBreaks() async throws {
        let api = try await TestAPI()
        _ = await Self.create(api, "before")
        let first = try #require(await api.watch("\(Self.configMaps)?watch=true"))
        #expect(Self.names(await Self.lines(first, count: 1)) == ["ADDED before"])
        let cache = try #require(api.handler.watchCaches.all.first)
        await cache.stop()
        #expect(await Self.lines(first, count: 10).isEmpty, "the stream ended without an error")
        _ = await Self.create(api, "after")
        let second = try #require(await api.watch("\(Self.configMaps)?watch=true"))
        #expect(Self.names(await Self.lines(second, count: 2)) == ["ADDED after", "ADDED before"])
        #expect(await cache.lists == 2)
        #expect(await api.store.watcherCount() == 1)
    }

    @Test("a burst larger than a client watch's buffer does not end the cache's store watch (SQLite's store, as kgit up)")
    func burstKeepsStoreWatch() async throws {
        // kgit up's store: KgitStore behind KgitStoreBackend, whose client watches end 10,000 events behind.
        let backend = KgitStoreBackend(KgitStore.MemoryStore())
        let prefix = "/registry/things/"
        let start = await backend.currentRevision()
        let burst = KgitStoreBackend.watchBuffer + 5_000
        for i in 0..<burst { _ = try await backend.create("\(prefix)t\(i)", value: Array("{\"i\":\(i)}".utf8)) }
        let cache = WatchCache(prefix: prefix, store: backend, capacity: burst * 2) { value in
            try? JSONParser.parse(value.value)
        }
        // Starting inside the window replays the whole burst: the store hands it over in one response, so
        // the cache's stream receives all of it before the cache has read anything.
        let (output, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingOldest(burst * 2))
        let watcher = WatchCache.Watcher(
            keyPrefix: prefix, options: ListOptions(), sharesLines: true, encode: { _, _ in [] }, kind: "Thing",
            apiVersion: "v1", output: continuation)
        #expect(await cache.subscribe(WatchCache.nextID(), watcher, from: .after(start)))
        let lines = await Self.lines(output, count: burst)
        #expect(lines.count == burst)
        let statistics = await cache.statistics()
        #expect(statistics.storeWatchRestarts == 0, "the burst ended the cache's store watch")
        #expect(statistics.resets == 0 && statistics.lists == 1 && statistics.watchers == 1)
        await cache.stop()
    }

    @Test("secrets are decrypted once for the cache and reach watchers in plaintext, while the store stays sealed")
    func encryptedSecrets() async throws {
        let api = try await TestAPI(encryption: EncryptionAtRest(key: SymmetricKey(size: .bits256)))
        let stream = try #require(await api.watch("/api/v1/namespaces/default/secrets?watch=true"))
        let secret: JSONValue = ["metadata": ["name": "db"], "stringData": ["password": "hunter2"]]
        _ = await api.request("POST", "/api/v1/namespaces/default/secrets", json: secret)
        let line = try #require(await Self.lines(stream, count: 1).first)
        let event = try JSONParser.parse(line)
        let password = try #require(event.value(at: ["object", "data", "password"])?.stringValue)
        #expect(Data(base64Encoded: password) == Data("hunter2".utf8))
        let raw = try #require(try await api.store.get("/registry/core/secrets/default/db"))
        #expect(String(decoding: raw.value, as: UTF8.self).hasPrefix("k8s:enc:aesgcm:v1:key1:"))
    }

    @Test("a watcher that goes away is removed from the cache, whose one store watch stays")
    func watcherCleanup() async throws {
        let api = try await TestAPI()
        do {
            let stream = try #require(await api.watch("\(Self.configMaps)?watch=true&resourceVersion=0"))
            _ = await Self.create(api, "a")
            _ = await Self.lines(stream, count: 1)
        }
        // The stream's termination handler removes the watcher; the deadline is a hang guard (100 tries of
        // 20 ms, 2 s, may not be enough on a loaded machine).
        let deadline = ContinuousClock.now + .seconds(60)
        while await Self.cacheWatchers(api) > 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await Self.cacheWatchers(api) == 0)
        #expect(await api.store.watcherCount() == 1)
    }

    @Test("WatchLine builds the encoder's line for any type around one object encoding")
    func watchLine() {
        let object: JSONValue = ["metadata": ["name": "a\"b"], "data": ["k": "v"]]
        for type in ["ADDED", "MODIFIED", "DELETED"] {
            let expected = (["type": .string(type), "object": object] as JSONValue).serializedBytes() + [10]
            #expect(WatchLine.make(type, encodedObject: object.serializedBytes()) == expected)
            #expect(WatchLine.retype(WatchLine.make("ADDED", encodedObject: object.serializedBytes()), from: "ADDED", to: type)
                == expected)
        }
    }
}
