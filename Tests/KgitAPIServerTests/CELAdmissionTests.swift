import Foundation
import KgitAPIMachinery
import KgitTesting
import Testing
@testable import KgitAPIServer

/// CRD `x-kubernetes-validations` (CEL) enforced on create and update, transition rules included.
@Suite("CRD CEL validation rules at admission", .timeLimit(.minutes(3)))
struct CELAdmissionTests {
    static let crdYAML = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gadgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: gadgets, singular: gadget, kind: Gadget}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                    - rule: self.minReplicas <= self.maxReplicas
                      message: minReplicas must not exceed maxReplicas
                    - rule: self.maxReplicas >= oldSelf.maxReplicas
                      message: maxReplicas may not shrink
                      fieldPath: .maxReplicas
                    properties:
                      minReplicas: {type: integer}
                      maxReplicas: {type: integer}
                      mode:
                        type: string
                        x-kubernetes-validations:
                        - rule: self == oldSelf
                          message: mode is immutable
        """

    static func gadget(min: Int64, max: Int64, mode: String = "fast") -> JSONValue {
        ["apiVersion": "example.com/v1", "kind": "Gadget", "metadata": ["name": "g"],
         "spec": ["minReplicas": .int(min), "maxReplicas": .int(max), "mode": .string(mode)]]
    }

    static let path = "/apis/example.com/v1/namespaces/default/gadgets"

    static func api() async throws -> TestAPI {
        let api = try await TestAPI()
        let crd = await api.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                    body: Array(crdYAML.utf8), headers: [("Content-Type", "application/yaml")])
        #expect(crd.status == 201, "\(crd.text)")
        return api
    }

    static func merge(_ api: TestAPI, _ body: String) async -> TestAPI.Answer {
        await api.request("PATCH", "\(path)/g", body: Array(body.utf8), headers: [("Content-Type", "application/merge-patch+json")])
    }

    @Test("a rule that fails on create is a 422 naming the field and the rule's message")
    func create() async throws {
        let api = try await Self.api()
        let answer = await api.request("POST", Self.path, json: Self.gadget(min: 5, max: 2))
        #expect(answer.status == 422, "\(answer.text)")
        #expect(answer.json["reason"] == "Invalid")
        #expect(answer.json["message"] == #"Gadget.example.com "g" is invalid: spec: Invalid value: "object": minReplicas must not exceed maxReplicas"#)
        #expect(answer.json.value(at: ["details", "causes"])?.arrayValue?.first?["field"] == "spec")
        #expect(await api.request("POST", Self.path, json: Self.gadget(min: 1, max: 2)).status == 201,
                "a transition rule does not run on create")
    }

    @Test("transition rules compare with oldSelf on update; plain rules run on update too")
    func update() async throws {
        let api = try await Self.api()
        #expect(await api.request("POST", Self.path, json: Self.gadget(min: 1, max: 4)).status == 201)
        #expect(await Self.merge(api, #"{"spec":{"maxReplicas":6}}"#).status == 200)
        let shrink = await Self.merge(api, #"{"spec":{"maxReplicas":3}}"#)
        #expect(shrink.status == 422, "\(shrink.text)")
        #expect(shrink.json["message"] == #"Gadget.example.com "g" is invalid: spec.maxReplicas: Invalid value: "object": maxReplicas may not shrink"#)
        let mode = await Self.merge(api, #"{"spec":{"mode":"slow"}}"#)
        #expect(mode.status == 422)
        #expect(mode.json.value(at: ["details", "causes"])?.arrayValue?.first?["field"] == "spec.mode")
        #expect(mode.json.value(at: ["details", "causes"])?.arrayValue?.first?["message"] == #"Invalid value: "string": mode is immutable"#)
        let crossed = await Self.merge(api, #"{"spec":{"minReplicas":9}}"#)
        #expect(crossed.status == 422)
        #expect(crossed.json["message"]?.stringValue?.contains("minReplicas must not exceed maxReplicas") == true)
        let stored = await api.request("GET", "\(Self.path)/g")
        #expect(stored.json.value(at: ["spec", "maxReplicas"]) == 6 && stored.json.value(at: ["spec", "mode"]) == "fast")
    }

    @Test("kubectl apply and patch print the rule's message", .enabled(if: Tools.endToEnd))
    func withKubectl() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        #expect(try await server.kubectl(["apply", "-f", "-"], stdin: Self.crdYAML).status == 0)
        let resource = "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec: {minReplicas: 1, maxReplicas: 4, mode: fast}\n"
        var created = try await server.kubectl(["apply", "-f", "-"], stdin: resource)
        // Discovery may not list the new type yet; the deadline is a hang guard (it was 50 tries, about 10 s,
        // which a loaded machine can use up).
        let deadline = ContinuousClock.now + .seconds(120)
        while created.status != 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            created = try await server.kubectl(["apply", "-f", "-"], stdin: resource)
        }
        #expect(created.status == 0, "\(created)")
        let shrink = try await server.kubectl(["patch", "gadget", "g", "--type", "merge", "-p", #"{"spec":{"maxReplicas":2}}"#])
        #expect(shrink.status != 0)
        #expect(shrink.stderr.contains(#"The Gadget "g" is invalid: spec.maxReplicas: Invalid value: "object": maxReplicas may not shrink"#),
                "\(shrink)")
    }
}
