import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

/// CustomResourceDefinitions served dynamically, driven through the API handler in process.
@Suite("CustomResourceDefinitions and their custom resources")
struct CustomResourceDefinitionTests {
    /// A namespaced `Widget` CRD in `example.com` with status and scale subresources and printer columns.
    static func widgetCRD(group: String = "example.com", kind: String = "Widget", plural: String = "widgets")
        -> JSONValue
    {
        [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": .string("\(plural).\(group)")],
            "spec": [
                "group": .string(group), "scope": "Namespaced",
                "names": ["plural": .string(plural), "singular": .string(kind.lowercased()), "kind": .string(kind),
                          "shortNames": ["wd"], "categories": ["all"]],
                "versions": [[
                    "name": "v1", "served": true, "storage": true,
                    "subresources": ["status": [:],
                                     "scale": ["specReplicasPath": ".spec.size", "statusReplicasPath": ".status.size",
                                               "labelSelectorPath": ".status.selector"]],
                    "additionalPrinterColumns": [
                        ["name": "Colour", "type": "string", "jsonPath": ".spec.colour"],
                        ["name": "Size", "type": "integer", "jsonPath": ".spec.size"],
                        ["name": "Ready", "type": "string", "jsonPath": #".status.conditions[?(@.type=="Ready")].status"#],
                        ["name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"],
                    ],
                    "schema": ["openAPIV3Schema": [
                        "type": "object",
                        "description": "A Widget is a thing with a colour.",
                        "properties": [
                            "spec": [
                                "type": "object", "required": ["colour"],
                                "properties": [
                                    "colour": ["type": "string", "enum": ["red", "green", "blue"],
                                               "description": "The colour of the widget."],
                                    "size": ["type": "integer", "minimum": 0],
                                    "extra": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                                ],
                            ],
                            "status": [
                                "type": "object",
                                "properties": [
                                    "size": ["type": "integer"], "selector": ["type": "string"],
                                    "conditions": ["type": "array", "items": [
                                        "type": "object",
                                        "properties": ["type": ["type": "string"], "status": ["type": "string"]],
                                    ]],
                                ],
                            ],
                        ],
                    ]],
                ]],
            ],
        ]
    }

    static func widget(_ name: String, colour: String = "red", size: Int64 = 1) -> JSONValue {
        ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": .string(name)],
         "spec": ["colour": .string(colour), "size": .int(size)]]
    }

    static let widgets = "/apis/example.com/v1/namespaces/default/widgets"

    /// A TestAPI with the Widget CRD created.
    static func apiWithWidgets() async throws -> TestAPI {
        let api = try await TestAPI()
        let created = await api.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                        json: widgetCRD())
        try #require(created.status == 201, "\(created.text)")
        return api
    }

    static func condition(_ crd: JSONValue, _ type: String) -> JSONValue? {
        crd.value(at: ["status", "conditions"])?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    @Test("a created CRD is NamesAccepted and Established, with accepted names and stored versions")
    func conditions() async throws {
        let api = try await TestAPI()
        let created = await api.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                        json: Self.widgetCRD())
        #expect(created.status == 201, "\(created.text)")
        #expect(Self.condition(created.json, "Established")?["status"] == "True")
        let got = await api.request("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
        #expect(Self.condition(got.json, "NamesAccepted")?["reason"] == "NoConflicts")
        #expect(Self.condition(got.json, "Established")?["reason"] == "InitialNamesAccepted")
        #expect(got.json.value(at: ["status", "acceptedNames", "kind"]) == "Widget")
        #expect(got.json.value(at: ["status", "acceptedNames", "listKind"]) == "WidgetList")
        #expect(got.json.value(at: ["status", "storedVersions"]) == ["v1"])
    }

    @Test("a CRD whose kind another CRD of the group holds is not accepted and not served")
    func kindConflict() async throws {
        let api = try await Self.apiWithWidgets()
        var gadgets = Self.widgetCRD(plural: "gadgets")
        gadgets.setValue("gadget", at: ["spec", "names", "singular"])
        gadgets.setValue(["gd"], at: ["spec", "names", "shortNames"])
        let second = await api.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                       json: gadgets)
        #expect(second.status == 201, "\(second.text)")
        #expect(Self.condition(second.json, "NamesAccepted")?["status"] == "False")
        #expect(Self.condition(second.json, "NamesAccepted")?["reason"] == "KindConflict")
        #expect(Self.condition(second.json, "Established")?["status"] == "False")
        let list = await api.request("GET", "/apis/example.com/v1/namespaces/default/gadgets")
        #expect(list.status == 404)
    }

    @Test("a CRD whose plural a built-in type of its group holds is not accepted")
    func builtInConflict() async throws {
        let api = try await TestAPI()
        let answer = await api.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                       json: Self.widgetCRD(group: "apps", kind: "Gizmo", plural: "deployments"))
        #expect(answer.status == 201, "\(answer.text)")
        #expect(Self.condition(answer.json, "NamesAccepted")?["message"] == #""deployments" is already in use"#)
    }

    @Test("an invalid CRD (name not <plural>.<group>) is 422 naming metadata.name")
    func invalidCRD() async throws {
        let api = try await TestAPI()
        var crd = Self.widgetCRD()
        crd.setValue("wrong.example.com", at: ["metadata", "name"])
        let answer = await api.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: crd)
        #expect(answer.status == 422, "\(answer.text)")
        let fields = answer.json.value(at: ["details", "causes"])?.arrayValue?.compactMap { $0["field"]?.stringValue }
        #expect(fields?.contains("metadata.name") == true, "\(answer.text)")
    }

    @Test("the custom resource appears in legacy and aggregated discovery with its names and subresources")
    func discovery() async throws {
        let api = try await Self.apiWithWidgets()
        let groups = await api.request("GET", "/apis")
        let group = groups.json["groups"]?.arrayValue?.first { $0["name"] == "example.com" }
        #expect(group?.value(at: ["preferredVersion", "groupVersion"]) == "example.com/v1")
        let resources = await api.request("GET", "/apis/example.com/v1")
        let names = resources.json["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["widgets", "widgets/status", "widgets/scale"])
        let widgets = resources.json["resources"]?.arrayValue?.first
        #expect(widgets?["kind"] == "Widget")
        #expect(widgets?["namespaced"] == true)
        #expect(widgets?["shortNames"] == ["wd"])
        #expect(widgets?["categories"] == ["all"])

        let aggregated = await api.request("GET", "/apis", headers: [("Accept", Discovery.aggregatedContentType)])
        let item = aggregated.json["items"]?.arrayValue?.first { $0.value(at: ["metadata", "name"]) == "example.com" }
        let resource = item?["versions"]?.arrayValue?.first?["resources"]?.arrayValue?.first
        #expect(resource?["resource"] == "widgets")
        #expect(resource?["subresources"]?.arrayValue?.compactMap { $0["subresource"]?.stringValue } == ["status", "scale"])
    }

    @Test("OpenAPI v3 lists the group/version, with the CRD's schema and a patch operation kubectl checks")
    func openAPI() async throws {
        let api = try await Self.apiWithWidgets()
        let root = await api.request("GET", "/openapi/v3")
        let url = try #require(root.json.value(at: ["paths", "apis/example.com/v1", "serverRelativeURL"])?.stringValue)
        let document = await api.request("GET", url)
        #expect(document.status == 200)
        let schema = document.json.value(at: ["components", "schemas", "com.example.v1.Widget"])
        #expect(schema?["description"] == "A Widget is a thing with a colour.")
        #expect(schema?.value(at: ["properties", "spec", "properties", "colour", "description"]) == "The colour of the widget.")
        #expect(schema?["x-kubernetes-group-version-kind"] == [["group": "example.com", "version": "v1", "kind": "Widget"]])
        #expect(document.json.value(at: ["components", "schemas", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]) != nil)
        let patch = document.json.value(at: ["paths", "/apis/example.com/v1/namespaces/{namespace}/widgets/{name}", "patch"])
        #expect(patch?["x-kubernetes-group-version-kind"] == ["group": "example.com", "version": "v1", "kind": "Widget"])
        #expect(patch?["parameters"]?.arrayValue?.contains { $0["name"] == "fieldValidation" } == true)
    }

    @Test("custom resources are created, read, listed, updated and deleted like built-in ones")
    func crud() async throws {
        let api = try await Self.apiWithWidgets()
        let created = await api.request("POST", Self.widgets, json: Self.widget("w1"))
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json.value(at: ["metadata", "namespace"]) == "default")
        #expect(created.json.value(at: ["metadata", "generation"]) == 1)
        let got = await api.request("GET", "\(Self.widgets)/w1")
        #expect(got.json == created.json)
        var changed = got.json
        changed.setValue("blue", at: ["spec", "colour"])
        let updated = await api.request("PUT", "\(Self.widgets)/w1", json: changed)
        #expect(updated.status == 200, "\(updated.text)")
        #expect(updated.json.value(at: ["metadata", "generation"]) == 2)
        let merged = await api.request("PATCH", "\(Self.widgets)/w1", body: Array(#"{"spec":{"size":3}}"#.utf8),
                                       headers: [("Content-Type", "application/merge-patch+json")])
        #expect(merged.json.value(at: ["spec", "size"]) == 3, "\(merged.text)")
        let list = await api.request("GET", "/apis/example.com/v1/widgets")
        #expect(list.json["kind"] == "WidgetList")
        #expect(list.json["items"]?.arrayValue?.count == 1)
        let deleted = await api.request("DELETE", "\(Self.widgets)/w1")
        #expect(deleted.status == 200)
        #expect(await api.request("GET", "\(Self.widgets)/w1").status == 404)
    }

    @Test("a custom resource is checked against the CRD's schema: enum, required and minimum are 422 naming the field")
    func schemaValidation() async throws {
        let api = try await Self.apiWithWidgets()
        let badEnum = await api.request("POST", Self.widgets, json: Self.widget("w1", colour: "purple"))
        #expect(badEnum.status == 422, "\(badEnum.text)")
        #expect(badEnum.json.value(at: ["details", "causes"])?.arrayValue?.first?["field"] == "spec.colour", "\(badEnum.text)")
        let negative = await api.request("POST", Self.widgets, json: Self.widget("w2", size: -1))
        #expect(negative.status == 422)
        #expect(negative.json.value(at: ["details", "causes"])?.arrayValue?.first?["field"] == "spec.size", "\(negative.text)")
        var missing = Self.widget("w3")
        missing.setValue(nil, at: ["spec", "colour"])
        let required = await api.request("POST", Self.widgets, json: missing)
        #expect(required.status == 422)
        #expect(required.json.value(at: ["details", "causes"])?.arrayValue?.first?["reason"] == "FieldValueRequired",
                "\(required.text)")
    }

    @Test("unknown fields are rejected under Strict, warned about and pruned under Warn, pruned under Ignore")
    func unknownFields() async throws {
        let api = try await Self.apiWithWidgets()
        var object = Self.widget("w1")
        object.setValue("x", at: ["spec", "shape"])
        object.setValue(["deep": ["kept": true]], at: ["spec", "extra"])
        let strict = await api.request("POST", "\(Self.widgets)?fieldValidation=Strict", json: object)
        #expect(strict.status == 400)
        #expect(strict.json["message"]?.stringValue?.contains(#"unknown field "spec.shape""#) == true, "\(strict.text)")

        let warn = await api.request("POST", "\(Self.widgets)?fieldValidation=Warn", json: object)
        #expect(warn.status == 201, "\(warn.text)")
        #expect(warn.header("Warning") == #"299 - "unknown field \"spec.shape\"""#)
        #expect(warn.json.value(at: ["spec", "shape"]) == nil)
        #expect(warn.json.value(at: ["spec", "extra", "deep", "kept"]) == true)

        object.setValue("w2", at: ["metadata", "name"])
        let ignore = await api.request("POST", "\(Self.widgets)?fieldValidation=Ignore", json: object)
        #expect(ignore.status == 201)
        #expect(ignore.header("Warning") == nil)
        #expect(ignore.json.value(at: ["spec", "shape"]) == nil)
    }

    @Test("with a status subresource, the main endpoint ignores status and /status changes only status")
    func statusSubresource() async throws {
        let api = try await Self.apiWithWidgets()
        var object = Self.widget("w1")
        object["status"] = ["size": 5]
        let created = await api.request("POST", Self.widgets, json: object)
        #expect(created.json["status"] == nil)
        var withStatus = created.json
        withStatus["status"] = ["size": 2, "conditions": [["type": "Ready", "status": "True"]]]
        withStatus.setValue("green", at: ["spec", "colour"])
        let updated = await api.request("PUT", "\(Self.widgets)/w1/status", json: withStatus)
        #expect(updated.status == 200, "\(updated.text)")
        #expect(updated.json.value(at: ["status", "size"]) == 2)
        #expect(updated.json.value(at: ["spec", "colour"]) == "red")
        #expect(updated.json.value(at: ["metadata", "generation"]) == 1)
    }

    @Test("the scale subresource reads and writes the CRD's replica paths")
    func scaleSubresource() async throws {
        let api = try await Self.apiWithWidgets()
        _ = await api.request("POST", Self.widgets, json: Self.widget("w1", size: 2))
        let scale = await api.request("GET", "\(Self.widgets)/w1/scale")
        #expect(scale.json["kind"] == "Scale")
        #expect(scale.json.value(at: ["spec", "replicas"]) == 2)
        let patched = await api.request("PATCH", "\(Self.widgets)/w1/scale",
                                        body: Array(#"{"spec":{"replicas":4}}"#.utf8),
                                        headers: [("Content-Type", "application/merge-patch+json")])
        #expect(patched.json.value(at: ["spec", "replicas"]) == 4, "\(patched.text)")
        let got = await api.request("GET", "\(Self.widgets)/w1")
        #expect(got.json.value(at: ["spec", "size"]) == 4)
    }

    @Test("Tables show Name and the CRD's printer columns, with dates as ages and filters evaluated")
    func printerColumns() async throws {
        let api = try await Self.apiWithWidgets()
        let created = await api.request("POST", Self.widgets, json: Self.widget("w1", colour: "green", size: 3))
        var withStatus = created.json
        withStatus["status"] = ["conditions": [["type": "Synced", "status": "False"], ["type": "Ready", "status": "True"]]]
        _ = await api.request("PUT", "\(Self.widgets)/w1/status", json: withStatus)
        let table = await api.request("GET", Self.widgets, headers: [("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")])
        #expect(table.json["kind"] == "Table")
        let columns = table.json["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(columns == ["Name", "Colour", "Size", "Ready", "Age"])
        let cells = table.json["rows"]?.arrayValue?.first?["cells"]?.arrayValue
        #expect(cells?.prefix(4).map { $0 } == ["w1", "green", 3, "True"])
        #expect(cells?.last?.stringValue?.hasSuffix("s") == true, "\(table.text)")
    }

    @Test("strategic merge patch is 415 for custom resources, as upstream")
    func strategicMergePatchRefused() async throws {
        let api = try await Self.apiWithWidgets()
        _ = await api.request("POST", Self.widgets, json: Self.widget("w1"))
        let answer = await api.request("PATCH", "\(Self.widgets)/w1", body: Array(#"{"spec":{"size":2}}"#.utf8),
                                       headers: [("Content-Type", "application/strategic-merge-patch+json")])
        #expect(answer.status == 415)
        #expect(answer.json["reason"] == "UnsupportedMediaType")
    }

    @Test("server-side apply creates and then updates a custom resource")
    func serverSideApply() async throws {
        let api = try await Self.apiWithWidgets()
        let first = await api.request("PATCH", "\(Self.widgets)/w1?fieldManager=me", json: Self.widget("w1"),
                                      headers: [("Content-Type", "application/apply-patch+yaml")])
        #expect(first.status == 201, "\(first.text)")
        let second = await api.request("PATCH", "\(Self.widgets)/w1?fieldManager=me",
                                       json: Self.widget("w1", colour: "blue"),
                                       headers: [("Content-Type", "application/apply-patch+yaml")])
        #expect(second.status == 200, "\(second.text)")
        #expect(second.json.value(at: ["spec", "colour"]) == "blue")
        #expect(second.json.value(at: ["metadata", "managedFields"])?.arrayValue?.first?["manager"] == "me")
    }

    @Test("deleting the CRD deletes its objects and stops serving the resource")
    func deleteCRD() async throws {
        let api = try await Self.apiWithWidgets()
        _ = await api.request("POST", Self.widgets, json: Self.widget("w1"))
        _ = await api.request("POST", "/api/v1/namespaces", json: ["metadata": ["name": "other"]])
        _ = await api.request("POST", "/apis/example.com/v1/namespaces/other/widgets", json: Self.widget("w2"))
        let deleted = await api.request("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
        #expect(deleted.status == 200, "\(deleted.text)")
        #expect(await api.request("GET", "/apis/example.com/v1/widgets").status == 404)
        let groups = await api.request("GET", "/apis")
        #expect(groups.json["groups"]?.arrayValue?.contains { $0["name"] == "example.com" } == false)
        let remaining = try await api.store.list(prefix: "/registry/example.com/", startAfter: nil, limit: nil, at: nil)
        #expect(remaining.items.isEmpty)
        // Created again, the CRD starts with no objects.
        _ = await api.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: Self.widgetCRD())
        let list = await api.request("GET", "/apis/example.com/v1/widgets")
        #expect(list.status == 200)
        #expect(list.json["items"]?.arrayValue?.isEmpty == true)
    }

    @Test("a cluster-scoped CRD serves its resource without namespaces")
    func clusterScoped() async throws {
        let api = try await TestAPI()
        var crd = Self.widgetCRD()
        crd.setValue("Cluster", at: ["spec", "scope"])
        _ = await api.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: crd)
        let created = await api.request("POST", "/apis/example.com/v1/widgets", json: Self.widget("global"))
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json.value(at: ["metadata", "namespace"]) == nil)
        #expect(await api.request("GET", "/apis/example.com/v1/namespaces/default/widgets").status == 404)
    }

    @Test("a watch on a custom resource sees its objects as they change")
    func watch() async throws {
        let api = try await Self.apiWithWidgets()
        let list = await api.request("GET", Self.widgets)
        let rv = try #require(list.json.value(at: ["metadata", "resourceVersion"])?.stringValue)
        _ = await api.request("POST", Self.widgets, json: Self.widget("w1"))
        _ = await api.request("DELETE", "\(Self.widgets)/w1")
        let answer = await api.request("GET", "\(Self.widgets)?watch=true&resourceVersion=\(rv)&timeoutSeconds=1")
        let types = answer.text.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8))["type"]?.stringValue }
        #expect(types == ["ADDED", "DELETED"], "\(answer.text)")
    }

    @Test("a CRD stored before the server started is served after bootstrap")
    func servedAfterRestart() async throws {
        let api = try await Self.apiWithWidgets()
        let restarted = APIHandler(store: api.store, authenticator: api.handler.authenticator,
                                   authorizer: api.handler.authorizer, serverAddress: "127.0.0.1:6443")
        try await restarted.bootstrap()
        let answer = await restarted.handle(APIRequest(method: "GET", target: Self.widgets, transportUser: TestAPI.admin))
        #expect(answer.status == 200)
    }
}
