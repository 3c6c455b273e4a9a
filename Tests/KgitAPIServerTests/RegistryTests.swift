import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

/// Request semantics of the generic registry, driven through the API handler in process.
@Suite("Registry: create, get, update, delete")
struct RegistryTests {
    @Test("create fills uid, creationTimestamp, resourceVersion and namespace, and answers 201")
    func create() async throws {
        let api = try await TestAPI()
        let answer = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("a"))
        #expect(answer.status == 201)
        let meta = answer.json["metadata"]
        #expect(meta?["uid"]?.stringValue?.count == 36)
        #expect(meta?["namespace"] == "default")
        #expect(meta?["resourceVersion"]?.stringValue.flatMap(Int.init) != nil)
        #expect(meta?["creationTimestamp"]?.stringValue.flatMap(RFC3339.parse) != nil)
        let got = await api.request("GET", "/api/v1/namespaces/default/configmaps/a")
        #expect(got.status == 200)
        #expect(got.json == answer.json)
    }

    @Test("a body without apiVersion and kind (the Python client) gets them from the URL")
    func fillsTypeMeta() async throws {
        let api = try await TestAPI()
        let answer = await api.request("POST", "/api/v1/namespaces/default/configmaps",
                                       body: Array(#"{"metadata":{"name":"p"},"data":{"x":"y"}}"#.utf8))
        #expect(answer.status == 201)
        #expect(answer.json["kind"] == "ConfigMap")
        #expect(answer.json["apiVersion"] == "v1")
    }

    @Test("generateName produces a unique name with a 5-character suffix")
    func generateName() async throws {
        let api = try await TestAPI()
        let body: JSONValue = ["metadata": ["generateName": "job-"], "data": [:]]
        let first = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: body)
        let second = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: body)
        let a = try #require(first.json.value(at: ["metadata", "name"])?.stringValue)
        let b = try #require(second.json.value(at: ["metadata", "name"])?.stringValue)
        #expect(a.hasPrefix("job-") && a.count == 9)
        #expect(a != b)
    }

    @Test("creating a duplicate is 409 AlreadyExists with upstream's message")
    func alreadyExists() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces", json: ["metadata": ["name": "team-a"]])
        let again = await api.request("POST", "/api/v1/namespaces", json: ["metadata": ["name": "team-a"]])
        #expect(again.status == 409)
        #expect(again.json["reason"] == "AlreadyExists")
        #expect(again.json["message"] == #"namespaces "team-a" already exists"#)
        #expect(again.json["kind"] == "Status")
    }

    @Test("a missing object is 404 NotFound naming the resource")
    func notFound() async throws {
        let api = try await TestAPI()
        let answer = await api.request("GET", "/apis/apps/v1/namespaces/default/deployments/nope")
        #expect(answer.status == 404)
        #expect(answer.json["reason"] == "NotFound")
        #expect(answer.json["message"] == #"deployments.apps "nope" not found"#)
    }

    @Test("invalid names are 422 Invalid with a cause naming metadata.name", arguments: ["Bad_Name", "-x", ""])
    func invalidName(_ name: String) async throws {
        let api = try await TestAPI()
        let answer = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap(name))
        #expect(answer.status == 422)
        #expect(answer.json["reason"] == "Invalid")
        #expect(answer.json.value(at: ["details", "causes"])?.arrayValue?.first?["field"] == "metadata.name")
    }

    @Test("writes into a namespace that does not exist are 404")
    func missingNamespace() async throws {
        let api = try await TestAPI()
        let answer = await api.request("POST", "/api/v1/namespaces/ghost/configmaps", json: TestAPI.configMap("a"))
        #expect(answer.status == 404)
        #expect(answer.json["message"] == #"namespaces "ghost" not found"#)
    }

    @Test("a body whose namespace or kind disagrees with the URL is 400 BadRequest")
    func identityMismatch() async throws {
        let api = try await TestAPI()
        var object = TestAPI.configMap("a")
        object.setValue("other", at: ["metadata", "namespace"])
        let namespaceMismatch = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: object)
        #expect(namespaceMismatch.status == 400)
        var wrongKind = TestAPI.configMap("a")
        wrongKind["kind"] = "Secret"
        let kindMismatch = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: wrongKind)
        #expect(kindMismatch.status == 400)
    }

    @Test("malformed JSON is 400 and an unknown content type is 415")
    func badBodies() async throws {
        let api = try await TestAPI()
        let malformed = await api.request("POST", "/api/v1/namespaces/default/configmaps", body: Array("{nope".utf8))
        #expect(malformed.status == 400)
        let xml = await api.request("POST", "/api/v1/namespaces/default/configmaps", body: Array("<x/>".utf8),
                                    headers: [("Content-Type", "application/xml")])
        #expect(xml.status == 415)
        #expect(xml.json["reason"] == "UnsupportedMediaType")
    }

    @Test("update with a stale resourceVersion is 409 Conflict; with the current one it succeeds")
    func optimisticConcurrency() async throws {
        let api = try await TestAPI()
        let created = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("a"))
        var first = created.json
        first["data"] = ["k": "v2"]
        let ok = await api.request("PUT", "/api/v1/namespaces/default/configmaps/a", json: first)
        #expect(ok.status == 200)
        #expect(ok.json.value(at: ["data", "k"]) == "v2")
        var stale = created.json
        stale["data"] = ["k": "v3"]
        let conflict = await api.request("PUT", "/api/v1/namespaces/default/configmaps/a", json: stale)
        #expect(conflict.status == 409)
        #expect(conflict.json["reason"] == "Conflict")
        #expect(conflict.json["message"]?.stringValue?.contains("the object has been modified") == true)
    }

    @Test("update keeps uid and creationTimestamp and bumps generation only when the spec changes")
    func updateKeepsServerFields() async throws {
        let api = try await TestAPI()
        let deployment: JSONValue = [
            "metadata": ["name": "web"],
            "spec": ["selector": ["matchLabels": ["app": "web"]],
                     "template": ["metadata": ["labels": ["app": "web"]],
                                  "spec": ["containers": [["name": "app", "image": "nginx"]]]]],
        ]
        let created = await api.request("POST", "/apis/apps/v1/namespaces/default/deployments", json: deployment)
        #expect(created.json.value(at: ["metadata", "generation"]) == 1)
        var relabeled = created.json
        relabeled.setValue("x", at: ["metadata", "labels", "team"])
        relabeled.setValue("forged", at: ["metadata", "uid"])
        let afterLabel = await api.request("PUT", "/apis/apps/v1/namespaces/default/deployments/web", json: relabeled)
        #expect(afterLabel.json.value(at: ["metadata", "generation"]) == 1)
        #expect(afterLabel.json.value(at: ["metadata", "uid"]) == created.json.value(at: ["metadata", "uid"]))
        var scaled = afterLabel.json
        scaled.setValue(3, at: ["spec", "replicas"])
        let afterScale = await api.request("PUT", "/apis/apps/v1/namespaces/default/deployments/web", json: scaled)
        #expect(afterScale.json.value(at: ["metadata", "generation"]) == 2)
    }

    @Test("delete answers a Success Status, and the object is gone")
    func delete() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("a"))
        let deleted = await api.request("DELETE", "/api/v1/namespaces/default/configmaps/a",
                                        json: ["propagationPolicy": "Background"])
        #expect(deleted.status == 200)
        #expect(deleted.json["status"] == "Success")
        #expect(deleted.json.value(at: ["details", "name"]) == "a")
        #expect(await api.request("GET", "/api/v1/namespaces/default/configmaps/a").status == 404)
        #expect(await api.request("DELETE", "/api/v1/namespaces/default/configmaps/a").status == 404)
    }

    @Test("dryRun=All validates and answers without storing")
    func dryRun() async throws {
        let api = try await TestAPI()
        let answer = await api.request("POST", "/api/v1/namespaces/default/configmaps?dryRun=All",
                                       json: TestAPI.configMap("a"))
        #expect(answer.status == 201)
        #expect(await api.request("GET", "/api/v1/namespaces/default/configmaps/a").status == 404)
        let bad = await api.request("POST", "/api/v1/namespaces/default/configmaps?dryRun=Some",
                                    json: TestAPI.configMap("a"))
        #expect(bad.status == 400)
    }

    @Test("deleting a namespace removes the objects in it", .timeLimit(.minutes(1)))
    func namespaceCascade() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces", json: ["metadata": ["name": "tmp"]])
        _ = await api.request("POST", "/api/v1/namespaces/tmp/configmaps", json: TestAPI.configMap("a"))
        #expect(await api.request("DELETE", "/api/v1/namespaces/tmp").status == 200)
        try await eventually { await api.request("GET", "/api/v1/namespaces/tmp").status == 404 }
        _ = await api.request("POST", "/api/v1/namespaces", json: ["metadata": ["name": "tmp"]])
        #expect(await api.request("GET", "/api/v1/namespaces/tmp/configmaps/a").status == 404)
    }

    @Test("secrets default their type and fold stringData into base64 data")
    func secretDefaults() async throws {
        let api = try await TestAPI()
        let answer = await api.request("POST", "/api/v1/namespaces/default/secrets",
                                       json: ["metadata": ["name": "s"], "stringData": ["pw": "hunter2"]])
        #expect(answer.json["type"] == "Opaque")
        #expect(answer.json.value(at: ["data", "pw"]) == "aHVudGVyMg==")
        #expect(answer.json["stringData"] == nil)
    }

    @Test("unknown resources and paths are 404 Status, wrong methods 405")
    func unknownPaths() async throws {
        let api = try await TestAPI()
        #expect(await api.request("GET", "/api/v1/widgets").status == 404)
        #expect(await api.request("GET", "/apis/nope.example/v1").status == 404)
        #expect(await api.request("GET", "/nothing/here").json["kind"] == "Status")
        #expect(await api.request("POST", "/api/v1/namespaces/default/configmaps/a",
                                  json: TestAPI.configMap("a")).status == 405)
    }

    @Test("default, kube-system and kube-public may not be deleted (403)", arguments: ["default", "kube-system", "kube-public"])
    func protectedNamespaces(_ name: String) async throws {
        let api = try await TestAPI()
        let answer = await api.request("DELETE", "/api/v1/namespaces/\(name)")
        #expect(answer.status == 403)
        #expect(await api.request("GET", "/api/v1/namespaces/\(name)").status == 200)
    }

    @Test("services get distinct cluster IPs unless they ask for one")
    func clusterIPs() async throws {
        let api = try await TestAPI()
        func service(_ name: String, ip: String? = nil) -> JSONValue {
            var spec: JSONValue = ["ports": [["port": 80]], "selector": ["app": .string(name)]]
            if let ip { spec["clusterIP"] = .string(ip) }
            return ["metadata": ["name": .string(name)], "spec": spec]
        }
        let a = await api.request("POST", "/api/v1/namespaces/default/services", json: service("a"))
        let b = await api.request("POST", "/api/v1/namespaces/default/services", json: service("b"))
        let headless = await api.request("POST", "/api/v1/namespaces/default/services", json: service("h", ip: "None"))
        let ipA = try #require(a.json.value(at: ["spec", "clusterIP"])?.stringValue)
        let ipB = try #require(b.json.value(at: ["spec", "clusterIP"])?.stringValue)
        #expect(ipA.hasPrefix("10.96.") && ipB.hasPrefix("10.96.") && ipA != ipB)
        #expect(headless.json.value(at: ["spec", "clusterIP"]) == "None")
        #expect(a.json.value(at: ["spec", "ports"])?.arrayValue?.first?["targetPort"] == 80)
    }

    @Test("pods/log answers text for an existing container and 400 for an unknown one")
    func podLog() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces/default/pods",
                              json: ["metadata": ["name": "p"], "spec": ["containers": [["name": "c", "image": "nginx"]]]])
        let log = await api.request("GET", "/api/v1/namespaces/default/pods/p/log?container=c")
        #expect(log.status == 200)
        #expect(log.header("Content-Type")?.hasPrefix("text/plain") == true)
        #expect(await api.request("GET", "/api/v1/namespaces/default/pods/p/log?container=x").status == 400)
        #expect(await api.request("GET", "/api/v1/namespaces/default/pods/nope/log").status == 404)
    }
}
