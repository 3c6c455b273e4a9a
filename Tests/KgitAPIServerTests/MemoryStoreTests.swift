import Foundation
import Testing
@testable import KgitAPIServer

@Suite("MemoryStore: MVCC, watch and the journal")
struct MemoryStoreTests {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test("every write bumps one global revision; modRevision and createRevision are tracked")
    func revisions() async throws {
        let store = MemoryStore()
        let r1 = try await store.create("/a", value: Self.bytes("1"))
        let r2 = try await store.create("/b", value: Self.bytes("2"))
        let r3 = try await store.update("/a", value: Self.bytes("3"), expectedRevision: r1)
        #expect([r1, r2, r3] == [1, 2, 3])
        let a = try #require(try await store.get("/a"))
        #expect(a.createRevision == 1 && a.modRevision == 3)
        await #expect(throws: StoreError.conflict(current: 3)) {
            try await store.update("/a", value: Self.bytes("x"), expectedRevision: 1)
        }
        await #expect(throws: StoreError.alreadyExists) { try await store.create("/a", value: []) }
    }

    @Test("a list at a past revision sees the keys as they were")
    func listAtRevision() async throws {
        let store = MemoryStore()
        _ = try await store.create("/p/a", value: Self.bytes("1"))
        _ = try await store.create("/p/b", value: Self.bytes("2"))
        _ = try await store.delete("/p/a", expectedRevision: nil)
        _ = try await store.create("/q/c", value: [])
        let past = try await store.list(prefix: "/p/", startAfter: nil, limit: nil, at: 2)
        #expect(past.items.map(\.key) == ["/p/a", "/p/b"])
        let now = try await store.list(prefix: "/p/", startAfter: nil, limit: nil, at: nil)
        #expect(now.items.map(\.key) == ["/p/b"])
    }

    @Test("compaction drops old history: older reads and watches are compacted errors")
    func compaction() async throws {
        let store = MemoryStore(historyLimit: 2)
        for i in 0..<10 { _ = try await store.create("/k\(i)", value: []) }
        await #expect(throws: StoreError.self) { try await store.list(prefix: "/", startAfter: nil, limit: nil, at: 1) }
        await #expect(throws: StoreError.self) { try await store.watch(prefix: "/", after: 1) }
        #expect(try await store.list(prefix: "/", startAfter: nil, limit: nil, at: nil).items.count == 10)
    }

    @Test("the journal restores keys and revisions after a restart")
    func journal() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kgit-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("journal.log")
        do {
            let store = try MemoryStore(journalAt: url)
            _ = try await store.create("/a", value: Self.bytes("1"))
            _ = try await store.create("/b", value: Self.bytes("2"))
            _ = try await store.update("/a", value: Self.bytes("3"), expectedRevision: nil)
            _ = try await store.delete("/b", expectedRevision: nil)
        }
        // A torn last line (a crash mid-write) is ignored.
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"r":99,"k":"/torn","v":"#.utf8))
        try handle.close()
        let reopened = try MemoryStore(journalAt: url)
        #expect(await reopened.currentRevision() == 4)
        let a = try #require(try await reopened.get("/a"))
        #expect(a.value == Self.bytes("3") && a.modRevision == 3 && a.createRevision == 1)
        #expect(try await reopened.get("/b") == nil)
        #expect(try await reopened.get("/torn") == nil)
        #expect(try await reopened.create("/c", value: []) == 5)
        let again = try MemoryStore(journalAt: url)
        #expect(try await again.get("/c")?.modRevision == 5)
    }
}
