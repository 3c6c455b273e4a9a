import KgitStore
import Synchronization
import Testing

/// Concurrent clients hammer one key with reads, writes and compare-and-sets; the recorded history must be
/// linearizable, and write revisions must be unique and follow real time.
@Suite("Store linearizability", .timeLimit(.minutes(5)))
struct StoreLinearizabilityTests {
    static let clients = 4
    static let opsPerClient = 10

    @Test("concurrent register histories are linearizable", arguments: Backend.allCases)
    func registerHistories(_ backend: Backend) async throws {
        try await backend.withStore { store in
            for round in 0..<3 {
                let key = "reg/\(round)"
                let recorder = Recorder()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for client in 0..<Self.clients {
                        group.addTask {
                            var rng = SystemRandomNumberGenerator()
                            for n in 0..<Self.opsPerClient {
                                let value = client * 1000 + n
                                let invoked = ContinuousClock.now.nanos
                                let op: RegisterHistory.Op
                                var rev: Int64?
                                switch Int.random(in: 0..<3, using: &rng) {
                                case 0:
                                    let kv = try await store.get(key)
                                    op = .read(kv.map { Int($0.valueString) ?? -1 })
                                case 1:
                                    rev = try await store.put(key, String(value))
                                    op = .write(value)
                                default:
                                    let expected = Int.random(in: 0..<Self.clients, using: &rng) * 1000
                                        + Int.random(in: 0..<3, using: &rng)
                                    let r = try await store.txn(
                                        TxnRequest(
                                            compare: [Compare(key, .equal, .value([UInt8](utf8: String(expected))))],
                                            success: [.put(PutRequest(key, String(value)))]))
                                    if r.succeeded { rev = r.revision }
                                    op = .cas(expected: expected, new: value, succeeded: r.succeeded)
                                }
                                let returned = ContinuousClock.now.nanos
                                recorder.log.withLock { $0.append(.init(client: client, op: op, invoked: invoked, returned: returned)) }
                                if let rev { recorder.revisions.withLock { $0.append((rev, invoked, returned)) } }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let history = RegisterHistory(entries: recorder.log.withLock { $0 })
                #expect(history.isLinearizable(), "history: \(history.entries)")
                let writes = recorder.revisions.withLock { $0 }
                #expect(Set(writes.map(\.rev)).count == writes.count, "write revisions are unique")
                for a in writes {
                    for b in writes where a.returned < b.invoked {
                        #expect(a.rev < b.rev, "a write that finished first has the lower revision")
                    }
                }
            }
        }
    }
}

extension ContinuousClock.Instant {
    /// Nanoseconds since an arbitrary origin, for ordering history entries.
    var nanos: UInt64 {
        let c = (self - ContinuousClock.Instant.origin).components
        return UInt64(c.seconds) * 1_000_000_000 + UInt64(c.attoseconds / 1_000_000_000)
    }

    static let origin = ContinuousClock.now - .seconds(1_000_000)
}

/// What the concurrent clients of one round recorded.
final class Recorder: Sendable {
    let log = Mutex<[RegisterHistory.Entry]>([])
    let revisions = Mutex<[(rev: Int64, invoked: UInt64, returned: UInt64)]>([])
}
