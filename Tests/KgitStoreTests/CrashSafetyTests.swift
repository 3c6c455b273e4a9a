import Foundation
import KgitStore
import Testing

/// Acknowledged writes survive crashes: SIGKILL a writer process at random moments, and a real etcd cluster
/// member under load.
@Suite("Crash safety", .serialized, .timeLimit(.minutes(6)))
struct CrashSafetyTests {
    @Test("every write acknowledged before a SIGKILL survives it, and revisions never skip or repeat")
    func sqliteWriterKilled() async throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/s"
        var acknowledged: [String: Int64] = [:]
        for run in 0..<20 {
            let writer = try RunningKgit([
                "store", "crash-writer", "--data-dir", data, "--prefix", "run\(run)", "--writers", "16",
            ])
            // Kill at a random moment once the writer is under way: a fixed sleep after the start assumed a rate,
            // and on a loaded machine the process may not have written anything by then.
            let underWay = try await writer.waitForAcknowledged(5, within: .seconds(120))
            try #require(underWay, "run \(run): the writer acknowledged fewer than 5 writes in 120 s")
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...300)))
            let lines = await writer.killAndCollect()
            for line in lines where line.hasPrefix("ack ") {
                let parts = line.split(separator: " ")
                if parts.count == 3, let rev = Int64(parts[2]) { acknowledged[String(parts[1])] = rev }
            }
            let store = try SQLiteStore(directory: data)
            #expect(try store.integrityCheck() == "ok", "run \(run)")
            let all = try await store.range(RangeRequest(.all))
            let stored = Dictionary(all.kvs.map { ($0.keyString, $0.modRevision) }, uniquingKeysWith: { a, _ in a })
            let lost = acknowledged.filter { stored[$0.key] != $0.value }
            #expect(lost.isEmpty, "run \(run): \(lost.count) acknowledged writes lost or changed, e.g. \(lost.first.map { "\($0)" } ?? "")")
            let revisions = all.kvs.map(\.modRevision).sorted()
            #expect(revisions == Array(2..<(2 + Int64(revisions.count))), "run \(run): revisions have gaps or repeats")
            #expect(all.revision == revisions.last ?? 1)
            await store.close()
        }
        withExtendedLifetime(dir) {}
    }

    @Test("killing one member of a three-member etcd cluster under load loses no acknowledged write")
    func etcdMemberKilled() async throws {
        await EtcdGate.shared.enter()
        defer { Task { await EtcdGate.shared.leave() } }
        try await EtcdProcess.withCluster(3) { members in
            let store = try EtcdStore(endpoints: members.map(\.clientURL))
            let acked = Acked()
            let writers = Task {
                await withTaskGroup(of: Void.self) { group in
                    for w in 0..<8 {
                        group.addTask {
                            var n = 0
                            while !Task.isCancelled {
                                let key = "load/\(w)/\(n)"
                                n += 1
                                if let rev = try? await store.put(key, "v") { acked.add(key, rev) }
                            }
                        }
                    }
                }
            }
            // Kill once writes are flowing (a fixed 700 ms assumed a rate a loaded machine does not always reach).
            let clock = ContinuousClock()
            let flowing = clock.now + .seconds(120)
            while acked.count < 200 && clock.now < flowing { try await Task.sleep(for: .milliseconds(50)) }
            try #require(acked.count >= 200, "only \(acked.count) writes acknowledged in 120 s before the kill")
            await members[0].kill()
            let atKill = acked.count
            // A new leader may take a few election rounds on a loaded two-core machine; wait for progress (the
            // deadline is a hang guard).
            let deadline = clock.now + .seconds(120)
            while acked.count < atKill + 200 && clock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            writers.cancel()
            await writers.value
            #expect(acked.count > atKill, "writes went on after the kill (\(atKill) -> \(acked.count))")
            await store.close()

            let survivor = try EtcdStore(endpoints: [members[1].clientURL, members[2].clientURL])
            let all = try await survivor.range(RangeRequest(.prefix("load/")))
            let stored = Dictionary(all.kvs.map { ($0.keyString, $0.modRevision) }, uniquingKeysWith: { a, _ in a })
            let lost = acked.all.filter { stored[$0.key] != $0.value }
            #expect(lost.isEmpty, "\(lost.count) of \(acked.count) acknowledged writes lost")
            await survivor.close()
        }
    }
}

final class Acked: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Int64] = [:]
    func add(_ key: String, _ rev: Int64) { lock.withLock { values[key] = rev } }
    var count: Int { lock.withLock { values.count } }
    var all: [String: Int64] { lock.withLock { values } }
}
