import Foundation
import KgitStore
import Testing

/// The backends the conformance suite runs against, each fresh per test.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case sqlite
    case etcd
    /// etcd serving its clients over TLS with client certificates required.
    case etcdTLS = "etcd-tls"

    /// The three backends the whole suite runs on.
    static var allCases: [Backend] { [.memory, .sqlite, .etcd] }
    /// The backends of the part of the suite that also runs over TLS.
    static var withTLS: [Backend] { allCases + [.etcdTLS] }

    var testDescription: String { rawValue }

    /// Opens a fresh, empty store of this kind, runs `body`, then closes and removes it.
    func withStore<T: Sendable>(
        limits: StoreLimits = .etcd, _ body: (any Store) async throws -> T
    ) async throws -> T {
        switch self {
        case .memory:
            let store = MemoryStore(limits: limits)
            defer { Task { await store.close() } }
            return try await body(store)
        case .sqlite:
            let dir = try TemporaryDirectory()
            let store = try SQLiteStore(directory: dir.path + "/store", limits: limits)
            do {
                let result = try await body(store)
                await store.close()
                withExtendedLifetime(dir) {}
                return result
            } catch {
                await store.close()
                withExtendedLifetime(dir) {}
                throw error
            }
        case .etcd, .etcdTLS:
            let pki = self == .etcdTLS ? try await EtcdPKI.shared() : nil
            await EtcdGate.shared.enter()
            defer { Task { await EtcdGate.shared.leave() } }
            let etcd = try await EtcdProcess.start(
                quotaBytes: limits.quotaBytes < StoreLimits.etcd.quotaBytes ? limits.quotaBytes : nil, tls: pki)
            let store = try EtcdStore(endpoints: [etcd.clientURL], tls: etcd.clientTLS)
            do {
                let result = try await body(store)
                await store.close()
                await etcd.stop()
                return result
            } catch {
                await store.close()
                await etcd.stop()
                throw error
            }
        }
    }
}

/// A temporary directory removed when the value is deallocated.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kgit-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

extension WatchStream {
    /// Collects batches until `count` events arrived or `timeout` passed; returns the events. The timeout is a
    /// hang guard (events that never come fail the test with `WatchTimeout`), long enough for a loaded machine.
    func events(_ count: Int, timeout: Duration = .seconds(60)) async throws -> [Event] {
        try await collect(timeout: timeout) { $0.reduce(0) { $0 + $1.events.count } >= count }.flatMap(\.events)
    }

    /// Collects batches until `done` holds for what arrived, or `timeout` passes (a hang guard).
    func collect(timeout: Duration = .seconds(60), until done: @escaping @Sendable ([WatchResponse]) -> Bool)
        async throws -> [WatchResponse]
    {
        try await withThrowingTaskGroup(of: [WatchResponse]?.self) { group in
            group.addTask {
                var got: [WatchResponse] = []
                for try await batch in self {
                    got.append(batch)
                    if done(got) { break }
                }
                // A cancelled test (its time limit) ends the stream early: that is not a result.
                try Task.checkCancellation()
                return got
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let first else { throw WatchTimeout() }
            return first
        }
    }
}

struct WatchTimeout: Error {}

extension Array where Element == UInt8 {
    var s: String { String(decoding: self, as: UTF8.self) }
}

/// Bounds how many etcd processes the parallel tests run at once: on a 2-core machine a dozen members starve
/// each other's raft heartbeats.
actor EtcdGate {
    static let shared = EtcdGate(limit: 3)
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { free = limit }

    func enter() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
