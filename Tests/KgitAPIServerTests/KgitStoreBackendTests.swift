import Foundation
import KgitStore
import Testing
@testable import KgitAPIServer

/// The adapter from KgitStore's etcd-style Store to the API server's KeyValueStore, against
/// KgitStore's memory twin and the SQLite store kgit server uses.
@Suite("KgitStoreBackend")
struct KgitStoreBackendTests {
    enum Backend: String, CaseIterable, Sendable { case memory, sqlite }

    static func make(_ backend: Backend) throws -> (KgitStoreBackend, URL?) {
        switch backend {
        case .memory:
            return (KgitStoreBackend(KgitStore.MemoryStore()), nil)
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kgit-sqlite-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            return (KgitStoreBackend(try SQLiteStore(directory: dir.path)), dir)
        }
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test("create, update with a revision precondition, delete and their errors", arguments: Backend.allCases)
    func writes(_ backend: Backend) async throws {
        let (store, dir) = try Self.make(backend)
        defer {
            if let dir { try? FileManager.default.removeItem(at: dir) }
        }
        let created = try await store.create("/r/a", value: Self.bytes("1"))
        await #expect(throws: KgitAPIServer.StoreError.alreadyExists) { try await store.create("/r/a", value: []) }
        let updated = try await store.update("/r/a", value: Self.bytes("2"), expectedRevision: created)
        #expect(updated > created)
        await #expect(throws: KgitAPIServer.StoreError.conflict(current: updated)) {
            try await store.update("/r/a", value: [], expectedRevision: created)
        }
        await #expect(throws: KgitAPIServer.StoreError.notFound) {
            try await store.update("/r/missing", value: [], expectedRevision: nil)
        }
        let current = try #require(try await store.get("/r/a"))
        #expect(current.value == Self.bytes("2") && current.createRevision == created && current.modRevision == updated)
        let (last, deletedAt) = try await store.delete("/r/a", expectedRevision: updated)
        #expect(last.value == Self.bytes("2") && deletedAt > updated)
        #expect(try await store.get("/r/a") == nil)
        await #expect(throws: KgitAPIServer.StoreError.notFound) { try await store.delete("/r/a", expectedRevision: nil) }
    }

    @Test("lists page by key after startAfter and read past revisions", arguments: Backend.allCases)
    func lists(_ backend: Backend) async throws {
        let (store, dir) = try Self.make(backend)
        defer {
            if let dir { try? FileManager.default.removeItem(at: dir) }
        }
        var revisions: [Int64] = []
        for name in ["a", "b", "c"] { revisions.append(try await store.create("/p/\(name)", value: [])) }
        _ = try await store.create("/q/x", value: [])
        let first = try await store.list(prefix: "/p/", startAfter: nil, limit: 2, at: nil)
        #expect(first.items.map(\.key) == ["/p/a", "/p/b"] && first.more)
        let rest = try await store.list(prefix: "/p/", startAfter: "/p/b", limit: 2, at: first.revision)
        #expect(rest.items.map(\.key) == ["/p/c"] && !rest.more)
        _ = try await store.delete("/p/a", expectedRevision: nil)
        let past = try await store.list(prefix: "/p/", startAfter: nil, limit: nil, at: revisions[2])
        #expect(past.items.map(\.key) == ["/p/a", "/p/b", "/p/c"])
    }

    @Test("watch replays from a revision with previous values, including deletes", arguments: Backend.allCases)
    func watch(_ backend: Backend) async throws {
        let (store, dir) = try Self.make(backend)
        defer {
            if let dir { try? FileManager.default.removeItem(at: dir) }
        }
        let start = await store.currentRevision()
        let stream = try await store.watch(prefix: "/w/", after: start)
        let created = try await store.create("/w/a", value: Self.bytes("1"))
        _ = try await store.update("/w/a", value: Self.bytes("2"), expectedRevision: created)
        _ = try await store.create("/other", value: [])
        _ = try await store.delete("/w/a", expectedRevision: nil)
        var events: [StoreEvent] = []
        for await event in stream {
            events.append(event)
            if events.count == 3 { break }
        }
        #expect(events.map(\.kind) == [.put, .put, .delete])
        #expect(events[1].previous?.value == Self.bytes("1"))
        #expect(events[2].value.value == Self.bytes("2"), "a delete carries the last state")
        #expect(events.map(\.revision) == events.map(\.revision).sorted())
    }
}
