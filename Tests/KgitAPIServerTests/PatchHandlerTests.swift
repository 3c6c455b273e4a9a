import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("PATCH: merge, JSON, strategic, scale and server-side apply")
struct PatchHandlerTests {
    static let deployment: JSONValue = [
        "metadata": ["name": "web", "labels": ["app": "web"]],
        "spec": ["replicas": 1, "selector": ["matchLabels": ["app": "web"]],
                 "template": ["metadata": ["labels": ["app": "web"]],
                              "spec": ["containers": [["name": "app", "image": "nginx:1.25"],
                                                      ["name": "side", "image": "busybox"]]]]],
    ]
    static let path = "/apis/apps/v1/namespaces/default/deployments/web"

    static func withDeployment() async throws -> TestAPI {
        let api = try await TestAPI()
        _ = await api.request("POST", "/apis/apps/v1/namespaces/default/deployments", json: deployment)
        return api
    }

    static func patch(_ api: TestAPI, _ type: String, _ body: String, path: String = path) async -> TestAPI.Answer {
        await api.request("PATCH", path, body: Array(body.utf8), headers: [("Content-Type", type)])
    }

    @Test("a merge patch sets labels (kubectl label)")
    func mergePatch() async throws {
        let api = try await Self.withDeployment()
        let answer = await Self.patch(api, "application/merge-patch+json", #"{"metadata":{"labels":{"tier":"fe"}}}"#)
        #expect(answer.status == 200)
        #expect(answer.json.value(at: ["metadata", "labels"]) == ["app": "web", "tier": "fe"])
    }

    @Test("a strategic merge patch merges containers by name (kubectl apply, set image)")
    func strategicPatch() async throws {
        let api = try await Self.withDeployment()
        let answer = await Self.patch(api, "application/strategic-merge-patch+json",
            #"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"side"}],"containers":[{"name":"app","image":"nginx:1.26"}]}}}}"#)
        #expect(answer.status == 200)
        let containers = answer.json.value(at: ["spec", "template", "spec", "containers"])?.arrayValue ?? []
        #expect(containers.map { $0["image"] } == ["nginx:1.26", "busybox"])
        #expect(answer.json.value(at: ["metadata", "generation"]) == 2)
    }

    @Test("a JSON patch applies operations; a failed test operation is 422")
    func jsonPatch() async throws {
        let api = try await Self.withDeployment()
        let ok = await Self.patch(api, "application/json-patch+json", #"[{"op":"replace","path":"/spec/replicas","value":4}]"#)
        #expect(ok.json.value(at: ["spec", "replicas"]) == 4)
        let failed = await Self.patch(api, "application/json-patch+json", #"[{"op":"test","path":"/spec/replicas","value":9}]"#)
        #expect(failed.status == 422)
    }

    @Test("concurrent merge patches without a resourceVersion all apply: a conflict is retried, not 409",
          arguments: ["application/merge-patch+json", "application/strategic-merge-patch+json"])
    func concurrentPatchesRetry(_ type: String) async throws {
        let api = try await Self.withDeployment()
        // The server tries a conflicting update 8 times. Each time a patch loses, another writer's patch was
        // committed in between, so with 8 writers none can lose 8 times: every patch must apply, however the
        // writers interleave. (With 24, a loaded machine's interleavings made some lose 8 times: 409.)
        let count = 8
        let statuses = await withTaskGroup(of: Int.self) { group in
            for i in 0..<count {
                group.addTask {
                    await Self.patch(api, type, #"{"metadata":{"labels":{"p\#(i)":"x"}}}"#).status
                }
            }
            var all: [Int] = []
            for await status in group { all.append(status) }
            return all
        }
        #expect(statuses.filter { $0 != 200 }.isEmpty, "statuses: \(statuses.sorted())")
        let labels = await api.request("GET", Self.path).json.value(at: ["metadata", "labels"])?.objectValue ?? [:]
        #expect(labels.count == count + 1)
    }

    @Test("a JSON patch testing resourceVersion keeps it as a precondition")
    func jsonPatchNamesVersion() {
        let test: JSONValue = [["op": "test", "path": "/metadata/resourceVersion", "value": "3"]]
        #expect(APIHandler.patchNamesResourceVersion(.json, test))
        #expect(!APIHandler.patchNamesResourceVersion(.json, [["op": "add", "path": "/metadata/labels/a", "value": "b"]]))
        #expect(APIHandler.patchNamesResourceVersion(.merge, ["metadata": ["resourceVersion": "3"]]))
        #expect(!APIHandler.patchNamesResourceVersion(.merge, ["metadata": ["resourceVersion": nil]]))
    }

    @Test("a patch carrying a stale resourceVersion is 409 Conflict")
    func patchPrecondition() async throws {
        let api = try await Self.withDeployment()
        let answer = await Self.patch(api, "application/merge-patch+json", #"{"metadata":{"resourceVersion":"1"},"spec":{"replicas":2}}"#)
        #expect(answer.status == 409)
    }

    @Test("patching a missing object is 404 and an unknown patch type 415")
    func patchErrors() async throws {
        let api = try await Self.withDeployment()
        #expect(await Self.patch(api, "application/merge-patch+json", "{}",
                                 path: "/apis/apps/v1/namespaces/default/deployments/nope").status == 404)
        #expect(await Self.patch(api, "text/plain", "{}").status == 415)
    }

    @Test("deployments/scale reads and writes spec.replicas as an autoscaling/v1 Scale (kubectl scale)")
    func scale() async throws {
        let api = try await Self.withDeployment()
        let scale = await api.request("GET", Self.path + "/scale")
        #expect(scale.json["kind"] == "Scale")
        #expect(scale.json.value(at: ["status", "selector"]) == "app=web")
        let patched = await Self.patch(api, "application/merge-patch+json", #"{"spec":{"replicas":3}}"#, path: Self.path + "/scale")
        #expect(patched.json.value(at: ["spec", "replicas"]) == 3)
        #expect(await api.request("GET", Self.path).json.value(at: ["spec", "replicas"]) == 3)
    }

    static let cmPath = "/api/v1/namespaces/default/configmaps/cfg"

    @Test("server-side apply creates (201) then updates (200), recording managedFields")
    func applyCreatesAndUpdates() async throws {
        let api = try await TestAPI()
        let created = await Self.patch(api, "application/apply-patch+yaml",
                                       #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1","b":"2"}}"#,
                                       path: Self.cmPath + "?fieldManager=kubectl&fieldValidation=Strict&force=false")
        #expect(created.status == 201)
        let entry = try #require(created.json.value(at: ["metadata", "managedFields"])?.arrayValue?.first)
        #expect(entry["manager"] == "kubectl")
        #expect(entry["operation"] == "Apply")
        #expect(entry.value(at: ["fieldsV1", "f:data"]) == ["f:a": [:], "f:b": [:]])
        let updated = await Self.patch(api, "application/apply-patch+yaml",
                                       #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1","c":"3"}}"#,
                                       path: Self.cmPath + "?fieldManager=kubectl")
        #expect(updated.status == 200)
        #expect(updated.json["data"] == ["a": "1", "c": "3"], "b was applied before and is not any more")
    }

    @Test("another manager changing an applied field is a 409 conflict unless forced")
    func applyConflicts() async throws {
        let api = try await TestAPI()
        _ = await Self.patch(api, "application/apply-patch+yaml",
                             #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1"}}"#,
                             path: Self.cmPath + "?fieldManager=first")
        let conflict = await Self.patch(api, "application/apply-patch+yaml",
                                        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"2"}}"#,
                                        path: Self.cmPath + "?fieldManager=second")
        #expect(conflict.status == 409)
        #expect(conflict.json.value(at: ["details", "causes"])?.arrayValue?.first?["reason"] == "FieldManagerConflict")
        #expect(conflict.json.value(at: ["details", "causes"])?.arrayValue?.first?["field"] == ".data.a")
        let forced = await Self.patch(api, "application/apply-patch+yaml",
                                      #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"2"}}"#,
                                      path: Self.cmPath + "?fieldManager=second&force=true")
        #expect(forced.status == 200)
        #expect(forced.json.value(at: ["data", "a"]) == "2")
    }

    @Test("server-side apply without a fieldManager is 400")
    func applyNeedsManager() async throws {
        let api = try await TestAPI()
        let answer = await Self.patch(api, "application/apply-patch+yaml", #"{"metadata":{"name":"cfg"}}"#, path: Self.cmPath)
        #expect(answer.status == 400)
    }
}
