import KgitStore
import Testing

/// One suite, run unchanged against every backend: the in-memory twin, SQLite and a real etcd 3.4; the tests
/// with `Backend.withTLS` also run against etcd serving TLS with client certificates.
@Suite("Store conformance", .timeLimit(.minutes(5)))
struct StoreConformanceTests {
    // MARK: - Revisions

    @Test("a new store is at revision 1 and each put creates the next revision", arguments: Backend.withTLS)
    func revisionsStartAtOne(_ backend: Backend) async throws {
        try await backend.withStore { store in
            #expect(try await store.status().revision == 1)
            let first = try await store.put(PutRequest("a", "1"))
            #expect(first.revision == 2)
            let kv = try #require(try await store.get("a"))
            #expect(kv.createRevision == 2 && kv.modRevision == 2 && kv.version == 1 && kv.value.s == "1")
        }
    }

    @Test("a put keeps the create revision, bumps the version, and a delete resets both", arguments: Backend.allCases)
    func versionsAndCreateRevisions(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.put("k", "1")
            try await store.put("k", "2")
            let kv = try #require(try await store.get("k"))
            #expect(kv.createRevision == 2 && kv.modRevision == 3 && kv.version == 2)
            #expect(try await store.delete("k") == 1)
            #expect(try await store.get("k") == nil)
            try await store.put("k", "3")
            let again = try #require(try await store.get("k"))
            #expect(again.createRevision == 5 && again.modRevision == 5 && again.version == 1)
        }
    }

    @Test("deleting nothing does not advance the revision", arguments: Backend.allCases)
    func emptyDeleteKeepsRevision(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.put("a", "1")
            let response = try await store.deleteRange(DeleteRangeRequest(.key("missing")))
            #expect(response.deleted == 0)
            #expect(response.revision == 2)
            #expect(try await store.status().revision == 2)
        }
    }

    // MARK: - Range

    @Test("range reads a prefix, a range end, keys from a key, with limit, count and more", arguments: Backend.allCases)
    func rangeShapes(_ backend: Backend) async throws {
        try await backend.withStore { store in
            for key in ["a", "b/1", "b/2", "b/3", "c"] { try await store.put(key, "v-" + key) }
            let prefix = try await store.range(RangeRequest(.prefix("b/")))
            #expect(prefix.kvs.map(\.key.s) == ["b/1", "b/2", "b/3"])
            #expect(prefix.count == 3 && !prefix.more && prefix.revision == 6)
            let between = try await store.range(RangeRequest(.range(from: [UInt8](utf8: "b/2"), to: [UInt8](utf8: "c"))))
            #expect(between.kvs.map(\.key.s) == ["b/2", "b/3"])
            let from = try await store.range(RangeRequest(.from([UInt8](utf8: "b/3"))))
            #expect(from.kvs.map(\.key.s) == ["b/3", "c"])
            let limited = try await store.range(RangeRequest(.all, limit: 2))
            #expect(limited.kvs.map(\.key.s) == ["a", "b/1"])
            #expect(limited.count == 5 && limited.more)
            let keysOnly = try await store.range(RangeRequest(.prefix("b/"), keysOnly: true))
            #expect(keysOnly.kvs.allSatisfy { $0.value.isEmpty } && keysOnly.kvs.count == 3)
            #expect(keysOnly.kvs[0].modRevision == 3)
            let countOnly = try await store.range(RangeRequest(.all, countOnly: true))
            #expect(countOnly.kvs.isEmpty && countOnly.count == 5)
        }
    }

    @Test("a range at a past revision sees the values of then; a future revision is an error", arguments: Backend.allCases)
    func rangeAtRevision(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.put("k", "old")  // 2
            try await store.put("k", "new")  // 3
            try await store.put("j", "x")  // 4
            try await store.delete("k")  // 5
            let past = try await store.range(RangeRequest(.prefix(""), revision: 2))
            #expect(past.kvs.map(\.value.s) == ["old"])
            #expect(past.revision == 5)
            let mid = try await store.range(RangeRequest(.all, revision: 4))
            #expect(mid.kvs.map(\.key.s) == ["j", "k"])
            #expect(mid.kvs.map(\.version) == [1, 2])
            #expect(try await store.range(RangeRequest(.key("k"))).kvs.isEmpty)
            await #expect(throws: StoreError.self) { try await store.range(RangeRequest(.key("k"), revision: 6)) }
        }
    }

    // MARK: - Put and delete

    @Test("put returns the previous value when asked and deleteRange returns the deleted ones", arguments: Backend.allCases)
    func prevKV(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let first = try await store.put(PutRequest("k", "1", prevKV: true))
            #expect(first.prevKV == nil)
            let second = try await store.put(PutRequest("k", "2", prevKV: true))
            #expect(second.prevKV?.value.s == "1" && second.prevKV?.modRevision == 2)
            try await store.put("k2", "x")
            let deleted = try await store.deleteRange(DeleteRangeRequest(.prefix("k"), prevKV: true))
            #expect(deleted.deleted == 2 && deleted.revision == 5)
            #expect(deleted.prevKVs.map(\.key.s) == ["k", "k2"])
            #expect(deleted.prevKVs.map(\.value.s) == ["2", "x"])
        }
    }

    @Test("a value over 1.5 MiB is rejected as too large", arguments: Backend.allCases)
    func requestTooLarge(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let big = [UInt8](repeating: 7, count: 1_600_000)
            await #expect {
                try await store.put(PutRequest(key: [UInt8](utf8: "big"), value: big))
            } throws: { error in
                if case StoreError.requestTooLarge = error { return true }
                return false
            }
            let fits = [UInt8](repeating: 7, count: 1_000_000)
            let fitted = try await store.put(PutRequest(key: [UInt8](utf8: "fits"), value: fits))
            #expect(fitted.revision == 2)
        }
    }

    @Test("writes past the size quota fail with quota exceeded, deletes still work", arguments: Backend.allCases)
    func quota(_ backend: Backend) async throws {
        try await backend.withStore(limits: StoreLimits(quotaBytes: 4 * 1024 * 1024)) { store in
            let value = [UInt8](repeating: 1, count: 1_000_000)
            var failure: (any Error)?
            for i in 0..<40 {
                do {
                    _ = try await store.put(PutRequest(key: [UInt8](utf8: "q\(i)"), value: value))
                } catch {
                    failure = error
                    break
                }
            }
            let error = try #require(failure)
            guard case StoreError.quotaExceeded = error else {
                Issue.record("want quotaExceeded, got \(error)")
                return
            }
            #expect(try await store.delete("q0") == 1)
        }
    }

    // MARK: - Transactions

    @Test("txn compares value, version, create and mod revision with every operator", arguments: Backend.allCases)
    func txnCompares(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.put("k", "b")  // 2
            try await store.put("k", "b")  // 3 (version 2)
            let cases: [(Compare, Bool)] = [
                (Compare("k", .equal, .value([UInt8](utf8: "b"))), true),
                (Compare("k", .notEqual, .value([UInt8](utf8: "b"))), false),
                (Compare("k", .less, .value([UInt8](utf8: "c"))), true),
                (Compare("k", .greater, .value([UInt8](utf8: "c"))), false),
                (Compare("k", .equal, .version(2)), true),
                (Compare("k", .less, .version(2)), false),
                (Compare("k", .greater, .version(1)), true),
                (Compare("k", .equal, .createRevision(2)), true),
                (Compare("k", .notEqual, .createRevision(2)), false),
                (Compare("k", .equal, .modRevision(3)), true),
                (Compare("k", .less, .modRevision(3)), false),
                (Compare("k", .greater, .modRevision(2)), true),
                (Compare("missing", .equal, .version(0)), true),
                (Compare("missing", .equal, .createRevision(0)), true),
                (Compare("missing", .equal, .value([])), false),
            ]
            for (compare, want) in cases {
                let got = try await store.txn(TxnRequest(compare: [compare])).succeeded
                #expect(got == want, "\(compare)")
            }
            #expect(try await store.status().revision == 3, "read-only txns do not advance the revision")
        }
    }

    @Test("txn runs the chosen branch atomically at one revision", arguments: Backend.withTLS)
    func txnBranches(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.put("x", "1")  // 2
            try await store.put("gone", "1")  // 3
            let txn = TxnRequest(
                compare: [Compare("x", .equal, .value([UInt8](utf8: "1")))],
                success: [
                    .put(PutRequest("x", "2", prevKV: true)), .put(PutRequest("y", "new")),
                    .deleteRange(DeleteRangeRequest(.key("gone"))), .range(RangeRequest(.prefix(""))),
                ],
                failure: [.put(PutRequest("failed", "yes"))])
            let ok = try await store.txn(txn)
            #expect(ok.succeeded && ok.revision == 4)
            #expect(ok.responses.count == 4)
            guard case .put(let put) = ok.responses[0], case .range(let read) = ok.responses[3] else {
                Issue.record("unexpected responses \(ok.responses)")
                return
            }
            #expect(put.prevKV?.value.s == "1")
            #expect(read.kvs.map(\.key.s) == ["x", "y"], "a range in the txn sees the txn's own writes")
            #expect(try await store.get("x")?.modRevision == 4)
            #expect(try await store.get("y")?.modRevision == 4)
            let again = try await store.txn(txn)
            #expect(!again.succeeded && again.revision == 5)
            #expect(try await store.get("failed")?.value.s == "yes")
        }
    }

    @Test("txn rejects writing one key twice", arguments: Backend.allCases)
    func txnDuplicateKeys(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let txn = TxnRequest(success: [.put(PutRequest("d", "1")), .put(PutRequest("d", "2"))])
            await #expect(throws: StoreError.self) { try await store.txn(txn) }
            let status = try await store.status()
            #expect(status.revision == 1)
        }
    }

    // MARK: - Watch

    @Test("watch delivers puts and deletes in order with previous values", arguments: Backend.withTLS)
    func watchLive(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let stream = try await store.watch(WatchRequest(.prefix("w/"), prevKV: true))
            try await store.put("w/a", "1")
            try await store.put("other", "x")
            try await store.put("w/a", "2")
            try await store.delete("w/a")
            let events = try await stream.events(3)
            try #require(events.count == 3, "\(events)")
            #expect(events.map(\.kind) == [.put, .put, .delete])
            #expect(events.map(\.kv.modRevision) == [2, 4, 5])
            #expect(events[1].prevKV?.value.s == "1")
            #expect(events[2].prevKV?.value.s == "2")
            #expect(events[2].kv.key.s == "w/a")
        }
    }

    @Test("a watch from a past revision replays history, then continues live", arguments: Backend.withTLS)
    func watchReplay(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.put("r", "1")  // 2
            try await store.put("r", "2")  // 3
            try await store.put("r", "3")  // 4
            let stream = try await store.watch(WatchRequest(.key("r"), startRevision: 3, prevKV: true))
            try await store.put("r", "4")  // 5
            let events = try await stream.events(3)
            #expect(events.map(\.kv.value.s) == ["2", "3", "4"])
            #expect(events.map(\.kv.modRevision) == [3, 4, 5])
            #expect(events.first?.prevKV?.value.s == "1")
        }
    }

    @Test("a txn's events arrive together in one batch", arguments: Backend.allCases)
    func watchBatchesRevisions(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let stream = try await store.watch(WatchRequest(.prefix("t/")))
            _ = try await store.txn(TxnRequest(success: [.put(PutRequest("t/1", "a")), .put(PutRequest("t/2", "b"))]))
            let batches = try await stream.collect { $0.reduce(0) { $0 + $1.events.count } >= 2 }
            let first = try #require(batches.first(where: { !$0.events.isEmpty }))
            #expect(first.events.map(\.kv.key.s) == ["t/1", "t/2"])
        }
    }

    @Test("an idle watch with progress notify gets an empty batch at the current revision", arguments: Backend.allCases)
    func watchProgress(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.put("p", "1")
            let stream = try await store.watch(
                WatchRequest(.key("idle"), progressNotify: true, progressInterval: .milliseconds(100)))
            let batches = try await stream.collect { $0.contains { $0.isProgressNotification } }
            #expect(batches.last?.isProgressNotification == true)
            #expect(batches.last?.revision == 2)
        }
    }

    @Test("a watcher sees every write of concurrent writers exactly once, in revision order", arguments: Backend.allCases)
    func watchUnderConcurrentWrites(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let stream = try await store.watch(WatchRequest(.prefix("cw/")))
            let acked = try await withThrowingTaskGroup(of: Int64.self) { group in
                for w in 0..<8 {
                    group.addTask {
                        var last: Int64 = 0
                        for i in 0..<25 { last = try await store.put("cw/\(w)/\(i)", "v") }
                        return last
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            let events = try await stream.events(200)
            let revisions = events.map(\.kv.modRevision)
            #expect(events.count == 200)
            #expect(revisions == revisions.sorted() && Set(revisions).count == 200)
            #expect(Set(acked).isSubset(of: Set(revisions)))
        }
    }

    @Test("a watch from the past started during concurrent writes replays then goes live without gap or repeat", arguments: Backend.allCases)
    func watchReplayDuringWrites(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let writers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for w in 0..<4 {
                        group.addTask { for i in 0..<50 { try await store.put("rw/\(w)/\(i)", "v") } }
                    }
                    try await group.waitForAll()
                }
            }
            try await Task.sleep(for: .milliseconds(20))
            let stream = try await store.watch(WatchRequest(.prefix("rw/"), startRevision: 2))
            try await writers.value
            let events = try await stream.events(200)
            #expect(events.map(\.kv.modRevision) == Array(2...201))
        }
    }

    @Test("a watcher that falls more than its buffer limit behind is cancelled with the revision to resume from", arguments: Backend.withTLS)
    func slowWatcherIsCancelled(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let slow = try await store.watch(WatchRequest(.prefix("slow/"), bufferLimit: 4))
            let sentinel = try await store.watch(WatchRequest(.prefix("slow/")))
            var revisions: [Int64] = []
            for i in 0..<40 { revisions.append(try await store.put("slow/\(i)", "v")) }
            // Every event has reached the watchers once one that keeps up has seen the last one.
            _ = try await sentinel.events(40)
            var delivered: [Event] = []
            var cancel: StoreError?
            do {
                for try await batch in slow { delivered += batch.events }
            } catch let error as StoreError {
                cancel = error
            }
            guard case .watchCancelled(let resume, let limit)? = cancel else {
                Issue.record("expected watchCancelled, got \(String(describing: cancel)) after \(delivered.count) events")
                return
            }
            #expect(limit == 4)
            #expect(delivered.count < 40, "a watcher four responses behind cannot have got all forty")
            #expect(delivered.map(\.kv.modRevision) == Array(revisions.prefix(delivered.count)), "what it got is a prefix, in order")
            #expect(resume == (delivered.last?.kv.modRevision ?? revisions[0] - 1) + 1, "it resumes right after the last delivered")
            let rest = try await store.watch(WatchRequest(.prefix("slow/"), startRevision: resume))
            let resumed = try await rest.events(40 - delivered.count)
            #expect((delivered + resumed).map(\.kv.modRevision) == revisions, "nothing is lost or repeated across the cancel")
        }
    }

    // MARK: - Compaction

    @Test("after compaction, reads and watches below it fail as compacted", arguments: Backend.withTLS)
    func compaction(_ backend: Backend) async throws {
        try await backend.withStore { store in
            for i in 1...5 { try await store.put("c", "\(i)") }  // revisions 2...6
            try await store.put("d", "kept")  // 7
            try await store.compact(5)
            await #expect {
                try await store.range(RangeRequest(.key("c"), revision: 4))
            } throws: { isCompacted($0) }
            #expect(try await store.range(RangeRequest(.key("c"), revision: 5)).kvs.first?.value.s == "4")
            #expect(try await store.range(RangeRequest(.key("d"), revision: 5)).kvs.isEmpty)
            #expect(try await store.get("c")?.value.s == "5")
            #expect(try await store.get("c")?.version == 5)
            await #expect(throws: StoreError.self) { try await store.compact(4) }
            await #expect(throws: StoreError.self) { try await store.compact(99) }
            let stream = try await store.watch(WatchRequest(.key("c"), startRevision: 3))
            await #expect(throws: StoreError.compacted(compactRevision: 5), "a compacted watch says where history starts") {
                _ = try await stream.events(1)
            }
            let replay = try await store.watch(WatchRequest(.key("c"), startRevision: 5))
            #expect(try await replay.events(2).map(\.kv.value.s) == ["4", "5"])
        }
    }

    @Test("a key deleted before the compaction point stays gone in history and can be created again", arguments: Backend.allCases)
    func compactionOfDeletedKeys(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.put("a", "1")  // 2
            try await store.delete("a")  // 3
            try await store.put("b", "1")  // 4
            try await store.put("c", "1")  // 5
            try await store.compact(5)
            #expect(try await store.range(RangeRequest(.all, revision: 5)).kvs.map(\.key.s) == ["b", "c"])
            try await store.put("a", "2")  // 6
            #expect(try await store.range(RangeRequest(.all, revision: 5)).kvs.map(\.key.s) == ["b", "c"])
            let now = try await store.range(RangeRequest(.all))
            #expect(now.kvs.map(\.key.s) == ["a", "b", "c"])
            #expect(now.kvs.first?.createRevision == 6 && now.kvs.first?.version == 1)
            let watch = try await store.watch(WatchRequest(.all, startRevision: 5))
            #expect(try await watch.events(2).map(\.kv.key.s) == ["c", "a"])
        }
    }

    // MARK: - Leases

    @Test("a lease reports its TTL and keys, keep-alive renews it, revoke deletes its keys", arguments: Backend.withTLS)
    func leases(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let lease = try await store.grantLease(ttl: 600, id: 0)
            #expect(lease.id > 0 && lease.ttl == 600)
            try await store.put("l/1", "a", lease: lease.id)
            try await store.put("l/2", "b", lease: lease.id)
            try await store.put("l/free", "c")
            #expect(try await store.get("l/1")?.lease == lease.id)
            let ttl = try await store.leaseTimeToLive(lease.id, keys: true)
            // Seconds left depend on how busy the machine is; it must be positive and not above the grant.
            #expect(ttl.grantedTTL == 600 && ttl.ttl > 0 && ttl.ttl <= 600)
            #expect(ttl.keys.map(\.s).sorted() == ["l/1", "l/2"])
            #expect(try await store.keepAliveLease(lease.id) == 600)
            let watch = try await store.watch(WatchRequest(.prefix("l/")))
            try await store.revokeLease(lease.id)
            let events = try await watch.events(2)
            #expect(events.map(\.kind) == [.delete, .delete])
            #expect(Set(events.map(\.kv.modRevision)).count == 1, "a revocation is one revision")
            #expect(try await store.range(RangeRequest(.prefix("l/"))).kvs.map(\.key.s) == ["l/free"])
            await #expect(throws: StoreError.leaseNotFound(lease.id)) { try await store.revokeLease(lease.id) }
            await #expect(throws: StoreError.leaseNotFound(lease.id)) { try await store.keepAliveLease(lease.id) }
            await #expect(throws: StoreError.leaseNotFound(lease.id)) {
                _ = try await store.leaseTimeToLive(lease.id, keys: false)
            }
        }
    }

    @Test("a put with an unknown lease fails and a duplicate lease ID is rejected", arguments: Backend.allCases)
    func leaseErrors(_ backend: Backend) async throws {
        try await backend.withStore { store in
            await #expect(throws: StoreError.leaseNotFound(424242)) { try await store.put("k", "v", lease: 424242) }
            #expect(try await store.status().revision == 1)
            // Long enough that the lease cannot expire between the two grants, however loaded the machine.
            _ = try await store.grantLease(ttl: 600, id: 77)
            await #expect(throws: StoreError.leaseExists(77)) { _ = try await store.grantLease(ttl: 600, id: 77) }
        }
    }

    @Test("keys die with their lease when it expires", arguments: Backend.allCases)
    func leaseExpiry(_ backend: Backend) async throws {
        try await backend.withStore { store in
            // A machine stalled for the whole TTL between the grant and the put loses the lease before the
            // key is attached; that is the lease working, so grant a fresh one and try again.
            var attached: (lease: Lease, rev: Int64)?
            for _ in 0..<5 where attached == nil {
                let lease = try await store.grantLease(ttl: 3, id: 0)
                do {
                    attached = (lease, try await store.put("e/1", "a", lease: lease.id))
                } catch StoreError.leaseNotFound(lease.id) {
                    continue
                }
            }
            let (lease, rev) = try #require(attached, "five leases of 3 s each expired before a put")
            // From the next revision, so a revocation that beats the watch's registration is replayed.
            let watch = try await store.watch(WatchRequest(.key("e/1"), startRevision: rev + 1))
            let events = try await watch.events(1)
            #expect(events.first?.kind == .delete)
            #expect(try await store.get("e/1") == nil)
            await #expect(throws: StoreError.leaseNotFound(lease.id)) { try await store.keepAliveLease(lease.id) }
        }
    }
}

/// Whether `error` is `StoreError.compacted` (etcd does not say the revision for a compacted range).
func isCompacted(_ error: any Error) -> Bool {
    if case StoreError.compacted = error { return true }
    return false
}
