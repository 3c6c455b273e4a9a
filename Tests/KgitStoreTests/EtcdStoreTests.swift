import KgitStore
import Testing

/// What only the etcd backend does: endpoint handling and failover, and etcd's own error texts.
@Suite("etcd store", .timeLimit(.minutes(1)))
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
            var rev: Int64 = 0
            for attempt in 0..<50 {
                if let r = try? await writer.put("r/2", "after") {
                    rev = r
                    break
                }
                _ = attempt
                try await Task.sleep(for: .milliseconds(200))
            }
            let events = try await watch.events(2, timeout: .seconds(20))
            #expect(events.map(\.kv.valueString) == ["before", "after"])
            #expect(events.last?.kv.modRevision == rev)
            await store.close()
            await writer.close()
        }
    }
}
