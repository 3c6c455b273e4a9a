import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("Watch")
struct WatchTests {
    /// Reads watch lines until `count` events arrived or the stream ended.
    static func events(_ stream: AsyncStream<[UInt8]>, count: Int) async -> [JSONValue] {
        var buffer: [UInt8] = []
        var events: [JSONValue] = []
        for await chunk in stream {
            buffer += chunk
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                if let event = try? JSONParser.parse(Array(buffer[..<newline])) { events.append(event) }
                buffer.removeSubrange(...newline)
            }
            if events.count >= count { break }
        }
        return events
    }

    static func summary(_ events: [JSONValue]) -> [String] {
        events.map { "\($0["type"]?.stringValue ?? "") \($0.value(at: ["object", "metadata", "name"])?.stringValue ?? "")" }
    }

    @Test("a watch from a list's resourceVersion sees later ADDED, MODIFIED and DELETED events in order")
    func fromResourceVersion() async throws {
        let api = try await TestAPI()
        let list = await api.request("GET", "/api/v1/namespaces/default/configmaps")
        let rv = try #require(list.json.value(at: ["metadata", "resourceVersion"])?.stringValue)
        let stream = try #require(await api.watch("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=\(rv)"))
        let created = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("a"))
        var changed = created.json
        changed["data"] = ["k": "v2"]
        _ = await api.request("PUT", "/api/v1/namespaces/default/configmaps/a", json: changed)
        _ = await api.request("DELETE", "/api/v1/namespaces/default/configmaps/a")
        let events = await Self.events(stream, count: 3)
        #expect(Self.summary(events) == ["ADDED a", "MODIFIED a", "DELETED a"])
        let rvs = events.compactMap { $0.value(at: ["object", "metadata", "resourceVersion"])?.stringValue.flatMap(Int.init) }
        #expect(rvs == rvs.sorted() && Set(rvs).count == 3)
    }

    @Test("a watch without a resourceVersion starts with ADDED for existing objects (the Python client)")
    func synthesizedAdds() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("old"))
        // The timeout only ends the stream should the events never come; 5 s could end it on a loaded machine.
        let stream = try #require(await api.watch("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=600"))
        _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("new"))
        #expect(Self.summary(await Self.events(stream, count: 2)) == ["ADDED old", "ADDED new"])
    }

    @Test("label selectors apply to events; objects leaving the selection are DELETED")
    func selectorTransitions() async throws {
        let api = try await TestAPI()
        let stream = try #require(await api.watch("/api/v1/namespaces/default/configmaps?watch=1&labelSelector=sel%3Dyes"))
        _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("other"))
        _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("a", labels: ["sel": "yes"]))
        _ = await api.request("PATCH", "/api/v1/namespaces/default/configmaps/a",
                              body: Array(#"{"metadata":{"labels":{"sel":"no"}}}"#.utf8),
                              headers: [("Content-Type", "application/merge-patch+json")])
        #expect(Self.summary(await Self.events(stream, count: 2)) == ["ADDED a", "DELETED a"])
    }

    @Test("a resourceVersion older than the retained history gets a 410 Expired ERROR event")
    func expired() async throws {
        let api = try await TestAPI(historyLimit: 3)
        for i in 0..<12 {
            _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("c\(i)"))
        }
        let answer = await api.request("GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1")
        #expect(answer.status == 200)
        let event = try JSONParser.parse(Array(answer.body.prefix { $0 != UInt8(ascii: "\n") }))
        #expect(event["type"] == "ERROR")
        #expect(event.value(at: ["object", "code"]) == 410)
        #expect(event.value(at: ["object", "reason"]) == "Expired")
    }

    /// Without `timeoutSeconds` this server's watches stay open for an hour, so a server that ignored it would
    /// keep the request open past the test's time limit (three minutes); no wall-clock bound is needed.
    @Test("timeoutSeconds ends the stream", .timeLimit(.minutes(3)))
    func timeout() async throws {
        let api = try await TestAPI(defaultWatchTimeout: .seconds(3600))
        let answer = await api.request("GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&timeoutSeconds=1")
        #expect(answer.status == 200)
    }

    @Test("watch events are one-row Tables when the client asks for tables (kubectl get -w)")
    func tableEvents() async throws {
        let api = try await TestAPI()
        let stream = try #require(await api.watch("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1",
                                                  headers: [("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")]))
        _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("a"))
        let event = try #require(await Self.events(stream, count: 1).first)
        #expect(event.value(at: ["object", "kind"]) == "Table")
        #expect(event.value(at: ["object", "rows"])?.arrayValue?.count == 1)
    }

    @Test("allowWatchBookmarks=true brings BOOKMARK events carrying the latest resourceVersion; none otherwise")
    func bookmarks() async throws {
        let api = try await TestAPI(bookmarkInterval: .milliseconds(100))
        let created = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("a"))
        let rv = try #require(created.json.value(at: ["metadata", "resourceVersion"])?.stringValue)
        let stream = try #require(await api.watch(
            "/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=1"))
        let events = await Self.events(stream, count: 2)
        #expect(events.map { $0["type"]?.stringValue ?? "" } == ["ADDED", "BOOKMARK"])
        #expect(events.last?.value(at: ["object", "metadata", "resourceVersion"])?.stringValue == rv)
        #expect(events.last?.value(at: ["object", "kind"]) == "ConfigMap")
        let plain = await api.request(
            "GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=\(rv)&timeoutSeconds=1")
        #expect(!plain.text.contains("BOOKMARK"))
    }
}
