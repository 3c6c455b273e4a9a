import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

/// Optimistic concurrency and no-op writes, in process.
@Suite("Optimistic concurrency and no-op writes", .timeLimit(.minutes(3)))
struct ConcurrencyTests {
    static let path = "/api/v1/namespaces/default/configmaps"

    static func rv(_ object: JSONValue) -> String {
        object.value(at: ["metadata", "resourceVersion"])?.stringValue ?? ""
    }

    @Test("a PUT carrying a stale resourceVersion gets 409 even when its body equals the stored object")
    func staleIdenticalPut() async throws {
        let api = try await TestAPI()
        let created = await api.request("POST", Self.path, json: TestAPI.configMap("cm"))
        var changed = created.json
        changed["data"] = ["k": "v2"]
        let updated = await api.request("PUT", "\(Self.path)/cm", json: changed)
        #expect(updated.status == 200)
        var stale = updated.json
        stale.setValue(.string(Self.rv(created.json)), at: ["metadata", "resourceVersion"])
        let answer = await api.request("PUT", "\(Self.path)/cm", json: stale)
        #expect(answer.status == 409, "\(answer.text)")
        #expect(answer.json["reason"] == "Conflict")
        #expect(answer.json["message"]?.stringValue?.contains("the object has been modified") == true)
    }

    @Test("a merge patch naming a stale resourceVersion gets 409")
    func stalePatch() async throws {
        let api = try await TestAPI()
        let created = await api.request("POST", Self.path, json: TestAPI.configMap("cm"))
        _ = await api.request("PUT", "\(Self.path)/cm", json: {
            var o = created.json; o["data"] = ["k": "v2"]; return o
        }())
        let body = #"{"metadata":{"resourceVersion":"\#(Self.rv(created.json))"},"data":{"k":"v2"}}"#
        let answer = await api.request("PATCH", "\(Self.path)/cm", body: Array(body.utf8),
                                       headers: [("Content-Type", "application/merge-patch+json")])
        #expect(answer.status == 409, "\(answer.text)")
    }

    @Test("no-op PUT, merge, JSON and strategic patches and a repeated apply keep the resourceVersion and emit no event")
    func noOps() async throws {
        let api = try await TestAPI()
        let created = await api.request("POST", Self.path, json: TestAPI.configMap("cm", labels: ["a": "1"]))
        let applyBody = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"x":"1"}}"#
        let applied = await api.request("PATCH", "\(Self.path)/applied?fieldManager=tester", body: Array(applyBody.utf8),
                                        headers: [("Content-Type", "application/apply-patch+yaml")])
        #expect(applied.status == 201, "\(applied.text)")
        let list = await api.request("GET", Self.path)
        let listRV = Self.rv(list.json)
        let stream = try #require(await api.watch("\(Self.path)?watch=true&resourceVersion=\(listRV)"))

        let put = await api.request("PUT", "\(Self.path)/cm", json: created.json)
        #expect(put.status == 200 && Self.rv(put.json) == Self.rv(created.json), "\(put.text)")
        let writes: [(String, String)] = [
            ("application/merge-patch+json", #"{"metadata":{"labels":{"a":"1"}}}"#),
            ("application/json-patch+json", #"[{"op":"replace","path":"/data/k","value":"v"}]"#),
            ("application/strategic-merge-patch+json", #"{"data":{"k":"v"}}"#),
        ]
        for (type, body) in writes {
            let answer = await api.request("PATCH", "\(Self.path)/cm", body: Array(body.utf8),
                                           headers: [("Content-Type", type)])
            #expect(answer.status == 200, "\(type): \(answer.text)")
            #expect(Self.rv(answer.json) == Self.rv(created.json), "\(type) wrote a new revision")
        }
        let again = await api.request("PATCH", "\(Self.path)/applied?fieldManager=tester", body: Array(applyBody.utf8),
                                      headers: [("Content-Type", "application/apply-patch+yaml")])
        #expect(again.status == 200 && Self.rv(again.json) == Self.rv(applied.json), "\(again.text)")
        #expect(again.json.value(at: ["metadata", "managedFields"]) == applied.json.value(at: ["metadata", "managedFields"]))

        // The first event the watch sees is the real change made after the no-ops.
        _ = await api.request("PATCH", "\(Self.path)/cm", body: Array(#"{"data":{"k":"changed"}}"#.utf8),
                              headers: [("Content-Type", "application/merge-patch+json")])
        let events = await WatchTests.events(stream, count: 1)
        #expect(WatchTests.summary(events) == ["MODIFIED cm"])
        #expect(events.first?.value(at: ["object", "data", "k"]) == "changed")
    }
}
