import KgitAPIMachinery
@testable import KgitAPIServer
import KgitSchema
import Testing

/// The validator's input built from a decoded object must report exactly what parsing the object's
/// JSON text reported: same diagnostics, same messages, same field paths, same order.
@Suite("Validation of decoded objects without printing and parsing them")
struct ValidationTreeTests {
    static let validator: Validator? = try? Validator(options: ValidationOptions(allowUnknownFields: true))

    /// What a diagnostic says, without its position (the tree's positions are only an order).
    static func said(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map { "\($0.severity) \($0.code) \($0.path): \($0.message) \($0.notes)" }
    }

    /// The diagnostics of `object` through its JSON text, and through its tree (nil when none is built).
    static func both(_ object: JSONValue) throws -> (text: [String], tree: [String]?) {
        let validator = try #require(validator)
        let text = validator.validate([SourceFile(path: "request", bytes: object.serializedBytes())]).diagnostics
        let tree = ValidationTree(object).map {
            validator.validate(parsed: [ParsedSource(path: "request", documents: [$0.document])]).diagnostics
        }
        return (said(text), tree.map(said))
    }

    static let brokenPod: JSONValue = [
        "apiVersion": "v1", "kind": "Pod",
        "metadata": ["name": "Bad_Name", "namespace": "default", "labels": ["app": .int(5), "ok": "yes"],
                     "annotations": ["note": "line one\nline \"two\" <&>"]],
        "spec": [
            "containers": [
                ["name": "web", "image": "nginx", "ports": [["containerPort": "http"], ["containerPort": .int(70_000)]],
                 "resources": ["requests": ["cpu": "lots", "memory": .double(1.5)], "limits": ["cpu": .double(1e-5)]],
                 "env": [["name": "A", "value": .bool(true)], ["name": "A", "value": .null]]],
                ["image": .int(3), "imagePullPolicy": "Sometimes"],
            ],
            "restartPolicy": "Whenever", "terminationGracePeriodSeconds": .double(2.5),
            "activeDeadlineSeconds": .double(1e20), "priority": .int(-7), "hostNetwork": "true",
            "nodeSelector": ["zone": "é—ünïcødé ✓ 🚀"], "tolerations": .null,
        ],
    ]

    @Test("valid and invalid objects of several kinds report the same diagnostics, in the same order")
    func sameDiagnostics() throws {
        let objects: [JSONValue] = [
            ["apiVersion": "v1", "kind": "Pod",
             "metadata": ["name": "web", "namespace": "default", "labels": ["app": "bench"]],
             "spec": ["containers": [["name": "web", "image": "registry.example/web:1.27",
                                      "ports": [["containerPort": .int(8080)]],
                                      "resources": ["requests": ["cpu": "100m", "memory": "64Mi"]]]]]],
            ValidationTreeTests.brokenPod,
            ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"],
             "spec": ["replicas": "three", "selector": ["matchLabels": ["app": "web"]],
                      "template": ["metadata": ["labels": ["app": "other"]],
                                   "spec": ["containers": [["name": "app"]]]]]],
            ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "svc"],
             "spec": ["type": "Nowhere", "ports": [["port": .int(0), "protocol": "SCTPX"]], "clusterIP": .int(10)]],
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"],
             "data": ["k": .int(5), "b": .bool(false), "n": .null, "tab": "a\tb", "": "empty key"]],
            ["apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
             "metadata": ["name": "widgets.example.com"],
             "spec": ["group": "example.com", "scope": "Sideways",
                      "names": ["plural": "widgets", "kind": "Widget"],
                      "versions": [["name": "v1", "served": .bool(true), "storage": .bool(true),
                                    "schema": ["openAPIV3Schema": ["type": "object",
                                                                   "properties": ["spec": ["type": "objekt"]]]]]]]],
            ["apiVersion": "v1", "kind": "Pod", "metadata": .array([]), "spec": .string("none")],
            .array([.int(1), .string("two")]),
            .string("just a string"),
        ]
        for object in objects {
            let (text, tree) = try Self.both(object)
            #expect(tree == text, "\(object.serialized())")
        }
        // The broken pod has plenty to report, so the comparison above is not between two empty lists.
        #expect(try Self.both(ValidationTreeTests.brokenPod).text.count > 10)
    }

    @Test("nesting past the parser's limit is left to the text, which reports it as before")
    func deepNestingFallsBackToText() {
        var deep: JSONValue = ["leaf": .int(1)]
        for _ in 0..<ValidationTree.maxDepth { deep = ["d": deep] }
        #expect(ValidationTree(deep) == nil)
        var shallow: JSONValue = ["leaf": .int(1)]
        for _ in 0..<100 { shallow = ["d": shallow] }
        #expect(ValidationTree(shallow) != nil)
    }

    @Test("strings libyaml would refuse or fold (DEL, C1 controls, NEL) are validated as the strings they are")
    func stringsAreTheObjectsOwn() async throws {
        let api = try await TestAPI()
        // The object's text once went to libyaml, which refused DEL: a 422 about YAML instead of the field.
        let broken: JSONValue = [
            "metadata": ["name": "p", "annotations": ["note": "del \u{7F}, csi \u{9B}"]],
            "spec": ["containers": [["name": "web", "image": "nginx", "ports": [["containerPort": "http"]]]]],
        ]
        let refused = await api.request("POST", "/api/v1/namespaces/default/pods", json: broken)
        #expect(refused.status == 422, "\(refused.text)")
        let fields = (refused.json.value(at: ["details", "causes"])?.arrayValue ?? []).compactMap { $0["field"]?.stringValue }
        #expect(fields.count == 1 && fields.allSatisfy { $0.hasPrefix("spec.containers") && $0.hasSuffix(".containerPort") },
                "\(refused.text)")

        let note = "next line \u{85} stays, del \u{7F} too"
        let valid: JSONValue = [
            "metadata": ["name": "q", "annotations": ["note": .string(note)]],
            "spec": ["containers": [["name": "web", "image": "nginx"]]],
        ]
        let created = await api.request("POST", "/api/v1/namespaces/default/pods", json: valid)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json.value(at: ["metadata", "annotations", "note"]) == .string(note))
    }
}
