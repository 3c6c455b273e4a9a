import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

/// Waits until `condition` holds (the caller's time limit bounds the wait).
func eventually(_ condition: () async -> Bool) async throws {
    while !(await condition()) { try await Task.sleep(for: .milliseconds(20)) }
}

/// DELETE semantics: finalizers and namespace termination, in process.
@Suite("Deletion: finalizers and namespace termination", .timeLimit(.minutes(1)))
struct DeleteTests {
    @Test("an object with finalizers gets a deletionTimestamp and goes when its last finalizer is removed")
    func finalizers() async throws {
        let api = try await TestAPI()
        var cm = TestAPI.configMap("held")
        cm.setValue(["example.com/cleanup"], at: ["metadata", "finalizers"])
        _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: cm)
        let deleted = await api.request("DELETE", "/api/v1/namespaces/default/configmaps/held")
        #expect(deleted.status == 200)
        #expect(deleted.json["kind"] == "ConfigMap", "the pending object is returned")
        #expect(deleted.json.value(at: ["metadata", "deletionTimestamp"]) != nil)
        let again = await api.request("DELETE", "/api/v1/namespaces/default/configmaps/held")
        #expect(again.json.value(at: ["metadata", "deletionTimestamp"]) == deleted.json.value(at: ["metadata", "deletionTimestamp"]))
        let cleared = await api.request("PATCH", "/api/v1/namespaces/default/configmaps/held",
                                        body: Array(#"{"metadata":{"finalizers":null}}"#.utf8),
                                        headers: [("Content-Type", "application/merge-patch+json")])
        #expect(cleared.status == 200, "\(cleared.text)")
        #expect(await api.request("GET", "/api/v1/namespaces/default/configmaps/held").status == 404)
    }

    @Test("deleting a namespace makes it Terminating, refuses new content, deletes its objects, then removes it")
    func namespaceTermination() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces", json: ["metadata": ["name": "team"]])
        _ = await api.request("POST", "/api/v1/namespaces/team/configmaps", json: TestAPI.configMap("plain"))
        var held = TestAPI.configMap("held")
        held.setValue(["example.com/cleanup"], at: ["metadata", "finalizers"])
        _ = await api.request("POST", "/api/v1/namespaces/team/configmaps", json: held)

        let deleted = await api.request("DELETE", "/api/v1/namespaces/team")
        #expect(deleted.status == 200)
        #expect(deleted.json["kind"] == "Namespace")
        #expect(deleted.json.value(at: ["status", "phase"]) == "Terminating")

        let refused = await api.request("POST", "/api/v1/namespaces/team/configmaps", json: TestAPI.configMap("late"))
        #expect(refused.status == 403)
        #expect(refused.json["message"] == #"configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated"#)

        try await eventually { await api.request("GET", "/api/v1/namespaces/team/configmaps/plain").status == 404 }
        let waiting = await api.request("GET", "/api/v1/namespaces/team/configmaps/held")
        #expect(waiting.json.value(at: ["metadata", "deletionTimestamp"]) != nil)
        #expect(await api.request("GET", "/api/v1/namespaces/team").status == 200, "the namespace waits for finalizers")

        _ = await api.request("PATCH", "/api/v1/namespaces/team/configmaps/held",
                              body: Array(#"{"metadata":{"finalizers":null}}"#.utf8),
                              headers: [("Content-Type", "application/merge-patch+json")])
        try await eventually { await api.request("GET", "/api/v1/namespaces/team").status == 404 }
    }

    @Test("default, kube-system and kube-public cannot be deleted")
    func protectedNamespaces() async throws {
        let api = try await TestAPI()
        for name in ["default", "kube-system", "kube-public"] {
            let answer = await api.request("DELETE", "/api/v1/namespaces/\(name)")
            #expect(answer.status == 403)
        }
    }

    @Test("deletecollection deletes what the selector matches and nothing else")
    func deleteCollection() async throws {
        let api = try await TestAPI()
        for (name, tier) in [("a", "web"), ("b", "web"), ("c", "db")] {
            _ = await api.request("POST", "/api/v1/namespaces/default/configmaps",
                                  json: TestAPI.configMap(name, labels: ["tier": tier]))
        }
        let answer = await api.request("DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=tier%3Dweb")
        #expect(answer.json["items"]?.arrayValue?.count == 2)
        let left = await api.request("GET", "/api/v1/namespaces/default/configmaps")
        let names = left.json["items"]?.arrayValue?.compactMap { $0.value(at: ["metadata", "name"])?.stringValue }
        #expect(names?.contains("c") == true && names?.contains("a") == false)
    }
}
