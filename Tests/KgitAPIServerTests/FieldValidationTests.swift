import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("Field validation (fieldValidation=Strict|Warn|Ignore)")
struct FieldValidationTests {
    static let typo: JSONValue = [
        "metadata": ["name": "web"],
        "spec": ["replica": 2, "selector": ["matchLabels": ["app": "web"]],
                 "template": ["metadata": ["labels": ["app": "web"]],
                              "spec": ["containers": [["name": "app", "image": "nginx", "imagee": "nginx"]]]]],
    ]

    @Test("the schema's declared fields pass, undeclared ones are found with their paths")
    func unknownFields() {
        let found = FieldValidation.unknownFields(in: Self.typo, group: "apps", version: "v1", kind: "Deployment")
        #expect(found == ["spec.replica", "spec.template.spec.containers[0].imagee"])
        let labels: JSONValue = ["metadata": ["name": "x", "labels": ["any-key": "v"]], "data": ["k": "v"]]
        #expect(FieldValidation.unknownFields(in: labels, group: "", version: "v1", kind: "ConfigMap").isEmpty)
    }

    @Test("Strict rejects unknown fields with upstream's strict decoding error (400)")
    func strict() async throws {
        let api = try await TestAPI()
        let answer = await api.request("POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict",
                                       json: Self.typo)
        #expect(answer.status == 400)
        #expect(answer.json["message"] == #"Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].imagee""#)
    }

    @Test("Warn (the default) accepts and sends Warning headers; Ignore sends none")
    func warnAndIgnore() async throws {
        let api = try await TestAPI()
        let warned = await api.request("POST", "/apis/apps/v1/namespaces/default/deployments", json: Self.typo)
        #expect(warned.status == 201)
        #expect(warned.headers.filter { $0.name == "Warning" }.map(\.value).first == #"299 - "unknown field \"spec.replica\"""#)
        var other = Self.typo
        other.setValue("web2", at: ["metadata", "name"])
        let ignored = await api.request("POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Ignore",
                                        json: other)
        #expect(ignored.status == 201)
        #expect(!ignored.headers.contains { $0.name == "Warning" })
    }

    @Test("under Warn and Ignore, unknown fields are dropped before storing, as a typed decoder drops them, on create, update and patch")
    func unknownFieldsAreNotStored() async throws {
        let api = try await TestAPI()
        let created = await api.request("POST", "/apis/apps/v1/namespaces/default/deployments", json: Self.typo)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json.value(at: ["spec", "replica"]) == nil)
        #expect(created.json.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first?["imagee"] == nil)
        #expect(created.json.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first?["image"] == "nginx")
        let stored = await api.request("GET", "/apis/apps/v1/namespaces/default/deployments/web")
        #expect(stored.json.value(at: ["spec", "replica"]) == nil && stored.json.value(at: ["spec", "replicas"]) == 1)
        let generation = stored.json.value(at: ["metadata", "generation"])

        let patched = await api.request(
            "PATCH", "/apis/apps/v1/namespaces/default/deployments/web?fieldValidation=Ignore",
            body: Array(#"{"spec":{"paused2":true},"colour":"blue"}"#.utf8), headers: [("Content-Type", "application/merge-patch+json")])
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.json["colour"] == nil && patched.json.value(at: ["spec", "paused2"]) == nil)
        #expect(patched.json.value(at: ["metadata", "generation"]) == generation, "an unknown field is no change to the spec")

        var replaced = stored.json
        replaced.setValue("x", at: ["spec", "strategyy"])
        let updated = await api.request("PUT", "/apis/apps/v1/namespaces/default/deployments/web", json: replaced)
        #expect(updated.status == 200, "\(updated.text)")
        #expect(updated.json.value(at: ["spec", "strategyy"]) == nil)
        #expect(updated.headers.contains { $0.name == "Warning" && $0.value.contains("spec.strategyy") })
    }

    @Test("a body whose metadata is not an object is a 400, on create, update and patch")
    func metadataMustBeAnObject() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("live"))
        let body = Array(#"{"metadata":[],"data":{"k":"v"}}"#.utf8)
        for (method, path, type) in [("POST", "/api/v1/namespaces/default/configmaps", "application/json"),
                                     ("PUT", "/api/v1/namespaces/default/configmaps/live", "application/json"),
                                     ("PATCH", "/api/v1/namespaces/default/configmaps/live", "application/merge-patch+json")] {
            let answer = await api.request(method, path, body: body, headers: [("Content-Type", type)])
            #expect(answer.status == 400, "\(method): \(answer.text)")
            #expect(answer.json["message"] == #"ConfigMap in version "v1" cannot be handled as a ConfigMap: metadata must be an object, found an array"#)
        }
    }

    @Test("strategic merge patch directives are not unknown fields")
    func patchDirectives() async throws {
        let api = try await TestAPI()
        var valid = Self.typo
        valid["spec"] = ["selector": ["matchLabels": ["app": "web"]],
                         "template": ["metadata": ["labels": ["app": "web"]],
                                      "spec": ["containers": [["name": "app", "image": "nginx"]]]]]
        _ = await api.request("POST", "/apis/apps/v1/namespaces/default/deployments", json: valid)
        let answer = await api.request(
            "PATCH", "/apis/apps/v1/namespaces/default/deployments/web?fieldValidation=Strict",
            body: Array(#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"name":"app","image":"nginx:2"}]}}}}"#.utf8),
            headers: [("Content-Type", "application/strategic-merge-patch+json")])
        #expect(answer.status == 200, "\(answer.text)")
    }
}

@Suite("Schema validation through KgitSchema")
struct ObjectValidationTests {
    @Test("a wrongly typed or missing required field is 422 Invalid with causes naming the fields")
    func invalidObjects() async throws {
        let api = try await TestAPI()
        let deployment: JSONValue = [
            "metadata": ["name": "web"],
            "spec": ["replicas": "three", "selector": ["matchLabels": ["app": "web"]],
                     "template": ["metadata": ["labels": ["app": "web"]],
                                  "spec": ["containers": [["name": "app"]]]]],
        ]
        let answer = await api.request("POST", "/apis/apps/v1/namespaces/default/deployments", json: deployment)
        #expect(answer.status == 422, "\(answer.text)")
        #expect(answer.json["reason"] == "Invalid")
        let fields = (answer.json.value(at: ["details", "causes"])?.arrayValue ?? []).compactMap { $0["field"]?.stringValue }
        #expect(fields.contains("spec.replicas"), "\(fields)")
        #expect(fields.contains { $0.hasPrefix("spec.template.spec.containers") && $0.hasSuffix("image") }, "\(fields)")
        #expect(await api.request("GET", "/apis/apps/v1/namespaces/default/deployments/web").status == 404)
    }

    @Test("an update that breaks the schema is rejected and the stored object is unchanged")
    func invalidUpdate() async throws {
        let api = try await TestAPI()
        let created = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("a"))
        var broken = created.json
        broken["data"] = ["k": 5]
        let answer = await api.request("PUT", "/api/v1/namespaces/default/configmaps/a", json: broken)
        #expect(answer.status == 422, "\(answer.text)")
        #expect(await api.request("GET", "/api/v1/namespaces/default/configmaps/a").json == created.json)
    }
}

@Suite("Field validation: the compiled schema walk")
struct FieldTreeTests {
    @Test("recursive definitions are followed (a CRD's nested JSONSchemaProps), maps and lists too")
    func recursiveDefinitions() {
        let crd: JSONValue = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "widgets.example.com", "labels": ["any": "label"], "bogus": "x"],
            "spec": ["group": "example.com", "names": ["plural": "widgets", "kind": "Widget"], "scope": "Namespaced",
                     "versions": [["name": "v1", "served": .bool(true), "storage": .bool(true),
                                   "schema": ["openAPIV3Schema": [
                                       "type": "object",
                                       "properties": ["spec": ["type": "object", "typo": .bool(true),
                                                               "properties": ["size": ["type": "integer", "minimun": .int(1)]]]],
                                   ]]]]],
        ]
        let unknown = FieldValidation.unknownFields(in: crd, group: "apiextensions.k8s.io", version: "v1",
                                                    kind: "CustomResourceDefinition")
        #expect(unknown == [
            "metadata.bogus",
            "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.minimun",
            "spec.versions[0].schema.openAPIV3Schema.properties.spec.typo",
        ])
    }

    @Test("a ConfigMap's data map and a pod's containers list are walked; nothing unknown, nothing copied")
    func cleanObjects() {
        let pod: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p", "annotations": ["a": "b"]],
                              "spec": ["containers": [["name": "web", "image": "nginx", "imagee": "typo"]]]]
        #expect(FieldValidation.unknownFields(in: pod, group: "", version: "v1", kind: "Pod") == ["spec.containers[0].imagee"])
        let map: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"], "data": ["k": "v"]]
        #expect(FieldValidation.unknownFields(in: map, group: "", version: "v1", kind: "ConfigMap").isEmpty)
    }
}
