import Foundation
import KgitStore
import Testing

/// What only the embedded SQLite store promises: durability across reopen, one owner per directory, group
/// commit, snapshots.
@Suite("SQLite store", .timeLimit(.minutes(3)))
struct SQLiteStoreTests {
    @Test("reopening a store continues its revisions with no gap or reuse, and keeps its leases")
    func recovery() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/s"
        let first = try SQLiteStore(directory: path)
        try await first.put("a", "1")
        try await first.put("b", "2")
        let lease = try await first.grantLease(ttl: 600, id: 0)  // outlives the reopen however slow
        try await first.put("c", "3", lease: lease.id)  // 4
        await first.close()

        let second = try SQLiteStore(directory: path)
        #expect(try await second.status().revision == 4)
        #expect(try await second.put("d", "4") == 5)
        #expect(try await second.get("c")?.lease == lease.id)
        #expect(try await second.leaseTimeToLive(lease.id, keys: true).keys.map(\.s) == ["c"])
        let history = try await second.range(RangeRequest(.all, revision: 3))
        #expect(history.kvs.map(\.key.s) == ["a", "b"])
        await second.close()
        withExtendedLifetime(dir) {}
    }

    @Test("a directory already open is refused with a clear error")
    func exclusiveOpen() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path + "/s")
        #expect {
            _ = try SQLiteStore(directory: dir.path + "/s")
        } throws: { error in
            "\(error)".contains("in use by another process")
        }
        await store.close()
        let again = try SQLiteStore(directory: dir.path + "/s")
        await again.close()
        withExtendedLifetime(dir) {}
    }

    @Test("concurrent writers share commits but each gets its own consecutive revision")
    func groupCommit() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path + "/s")
        let revisions = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 0..<300 { group.addTask { try await store.put("g/\(i)", "v\(i)") } }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(revisions.sorted() == Array(2...301))
        let all = try await store.range(RangeRequest(.prefix("g/")))
        #expect(all.count == 300)
        #expect(Set(all.kvs.map(\.modRevision)) == Set(revisions))
        #expect(try store.integrityCheck() == "ok")
        await store.close()
        withExtendedLifetime(dir) {}
    }

    @Test("a snapshot taken online opens as a working store with the same data")
    func snapshot() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path + "/s")
        for i in 0..<50 { try await store.put("s/\(i)", "v\(i)") }
        try FileManager.default.createDirectory(atPath: dir.path + "/copy", withIntermediateDirectories: true)
        try await store.snapshot(to: dir.path + "/copy/store.db")
        await #expect(throws: StoreError.self) { try await store.snapshot(to: dir.path + "/copy/store.db") }
        try await store.put("after", "x")
        await store.close()
        let copy = try SQLiteStore(directory: dir.path + "/copy")
        #expect(try await copy.status().revision == 51)
        #expect(try await copy.range(RangeRequest(.prefix("s/"))).count == 50)
        #expect(try await copy.get("after") == nil)
        #expect(try await copy.put("new", "y") == 52)
        await copy.close()
        withExtendedLifetime(dir) {}
    }

    @Test("compacting a long history keeps every key's latest version and the database sound")
    func compactionOfLongHistory() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path + "/s")
        for round in 0..<150 {
            _ = try await withThrowingTaskGroup(of: Int64.self) { group in
                for k in 0..<10 { group.addTask { try await store.put("h/\(k)", "r\(round)") } }
                return try await group.reduce(0) { max($0, $1) }
            }
        }
        let head = try await store.status().revision
        #expect(head == 1501)
        try await store.compact(head - 5)
        let latest = try await store.range(RangeRequest(.prefix("h/")))
        #expect(latest.kvs.allSatisfy { $0.value.s == "r149" && $0.version == 150 })
        let atFloor = try await store.range(RangeRequest(.prefix("h/"), revision: head - 5))
        #expect(atFloor.count == 10)
        await #expect(throws: StoreError.self) { try await store.range(RangeRequest(.prefix("h/"), revision: head - 6)) }
        #expect(try store.integrityCheck() == "ok")
        await store.close()
        withExtendedLifetime(dir) {}
    }
}
