import KgitStore
import Testing

/// What only the etcd backend does: endpoint handling and failover, and etcd's own error texts.
@Suite("etcd store", .timeLimit(.minutes(5)))
struct EtcdStoreTests {
    @Test("bad endpoint URLs are refused up front", arguments: ["ftp://127.0.0.1:2379", "127.0.0.1", "http://host:port", "https://:2379"])
    func badEndpoints(_ url: String) {
        #expect(throws: StoreError.self) { _ = try EtcdStore(endpoints: [url]) }
    }

    @Test("with the first endpoint down, requests fail over to the next one")
    func failover() async throws {
        await EtcdGate.shared.enter()
        defer { Task { await EtcdGate.shared.leave() } }
        try await EtcdProcess.withMember { etcd in
            let dead = "http://127.0.0.1:\(try EtcdProcess.freePorts(1)[0])"
            let store = try EtcdStore(endpoints: [dead, etcd.clientURL])
            #expect(try await store.put("f", "1") == 2)
            #expect(try await store.get("f")?.valueString == "1")
            let watch = try await store.watch(WatchRequest(.key("f")))
            try await store.put("f", "2")
            #expect(try await watch.events(1).first?.kv.valueString == "2")
            await store.close()
        }
    }

    @Test("an unreachable cluster is reported as unavailable")
    func unreachable() async throws {
        let store = try EtcdStore(endpoints: ["http://127.0.0.1:\(try EtcdProcess.freePorts(1)[0])"])
        await #expect {
            _ = try await store.get("x")
        } throws: { error in
            if case StoreError.unavailable = error { return true }
            return false
        }
        await store.close()
    }

    @Test("a watch survives its member going away by resuming on another endpoint")
    func watchResumes() async throws {
        await EtcdGate.shared.enter()
        defer { Task { await EtcdGate.shared.leave() } }
        try await EtcdProcess.withCluster(3) { members in
            let store = try EtcdStore(endpoints: members.map(\.clientURL))
            let watch = try await store.watch(WatchRequest(.prefix("r/")))
            let writer = try EtcdStore(endpoints: [members[1].clientURL, members[2].clientURL])
            try await writer.put("r/1", "before")
            await members[0].kill()
            // The two members left elect a leader; on a loaded machine that can take longer than the 10 s
            // this allowed before. The deadline is a hang guard.
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(120)
            var rev: Int64?
            while rev == nil && clock.now < deadline {
                rev = try? await writer.put("r/2", "after")
                if rev == nil { try await Task.sleep(for: .milliseconds(200)) }
            }
            let written = try #require(rev, "no write succeeded in 120 s after the kill")
            let events = try await watch.events(2)
            #expect(events.map(\.kv.valueString) == ["before", "after"])
            #expect(events.last?.kv.modRevision == written)
            await store.close()
            await writer.close()
        }
    }
}
