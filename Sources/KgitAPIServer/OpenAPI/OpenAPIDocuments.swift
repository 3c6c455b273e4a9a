import Crypto
import Foundation
import KgitAPIMachinery
import Synchronization

/// The OpenAPI v3 documents: `/openapi/v3` lists every group/version with a hashed URL, and each
/// `/openapi/v3/<api|apis/g>/<v>` document carries, per kind, a `patch` operation with
/// `x-kubernetes-group-version-kind` and the `fieldValidation` parameter (what `kubectl apply`
/// checks to use server-side field validation) and the kind's schemas (what `kubectl explain` reads).
///
/// Strategic merge patch is deliberately not listed in the patch request bodies, so kubectl
/// computes its patches from its compiled-in types, which are exact for built-in kinds.
/// Documents are built on first request and cached.
final class OpenAPIDocuments: Sendable {
    /// A rendered document with its ETag.
    struct Document: Sendable {
        var bytes: [UInt8]
        var etag: String
        var hash: String
    }

    let served: ServedResources
    /// Rendered documents by path, each with the stamp of the custom resources it was built from.
    private let cache = Mutex<[String: (stamp: String, document: Document)]>([:])

    init(served: ServedResources) { self.served = served }

    /// What is served now.
    var catalog: ResourceCatalog { served.catalog }

    /// `api/v1`, `apis/apps/v1`, … for every served group/version.
    var groupVersionPaths: [String] {
        var paths = ["api/v1"]
        for group in catalog.groups {
            for version in group.versions { paths.append("apis/\(group.name)/\(version)") }
        }
        return paths
    }

    /// The root discovery document.
    var root: JSONValue {
        var paths: [String: JSONValue] = [:]
        for path in groupVersionPaths {
            guard let document = document(path) else { continue }
            paths[path] = ["serverRelativeURL": .string("/openapi/v3/\(path)?hash=\(document.hash)")]
        }
        return ["paths": .object(paths)]
    }

    /// The document for one group/version path, or nil when not served.
    func document(_ path: String) -> Document? {
        guard let (group, version) = OpenAPIDocuments.groupVersion(path) else { return nil }
        let stamp = served.stamp(group: group, version: version)
        if let cached = cache.withLock({ $0[path] }), cached.stamp == stamp { return cached.document }
        guard let json = build(group: group, version: version) else {
            cache.withLock { $0[path] = nil }
            return nil
        }
        let bytes = json.serializedBytes()
        let hash = SHA512.hash(data: bytes).map { String(format: "%02X", $0) }.joined()
        let document = Document(bytes: bytes, etag: "\"\(hash)\"", hash: hash)
        cache.withLock { $0[path] = (stamp, document) }
        return document
    }

    /// The group and version of `api/v1` or `apis/<g>/<v>`.
    static func groupVersion(_ path: String) -> (String, String)? {
        let parts = path.split(separator: "/").map(String.init)
        if parts.count == 2, parts[0] == "api" { return ("", parts[1]) }
        if parts.count == 3, parts[0] == "apis" { return (parts[1], parts[2]) }
        return nil
    }

    private func build(group: String, version: String) -> JSONValue? {
        let resources = catalog.resources(group: group, version: version)
        guard !resources.isEmpty else { return nil }
        var paths: [String: JSONValue] = [:]
        var roots: [String] = []
        var schemas: [String: JSONValue] = [:]
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        for r in resources {
            let definition: String?
            if let custom = served.custom(r) {
                let name = OpenAPIDocuments.customSchemaName(custom.info)
                schemas[name] = OpenAPIDocuments.customSchema(custom)
                roots.append("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
                definition = name
            } else {
                definition = KubernetesDefinitions.definitionName(group: group, version: version, kind: r.kind)
                if let definition { roots.append(definition) }
            }
            let gvk: JSONValue = ["group": .string(group), "version": .string(version), "kind": .string(r.kind)]
            let schemaRef: JSONValue = definition.map { ["$ref": .string("#/components/schemas/\($0)")] } ?? ["type": "object"]
            let itemPath = r.namespaced
                ? "\(prefix)/namespaces/{namespace}/\(r.resource)/{name}" : "\(prefix)/\(r.resource)/{name}"
            var parameters: [JSONValue] = [
                ["name": "name", "in": "path", "required": true, "schema": ["type": "string"]],
            ]
            if r.namespaced {
                parameters.append(["name": "namespace", "in": "path", "required": true, "schema": ["type": "string"]])
            }
            let queryParameters: [JSONValue] = ["dryRun", "fieldManager", "fieldValidation", "force"].map {
                ["name": .string($0), "in": "query", "schema": ["type": .string($0 == "force" ? "boolean" : "string")]]
            }
            var operations: [String: JSONValue] = [
                "get": ["operationId": .string("read\(r.kind)"), "x-kubernetes-action": "get",
                        "x-kubernetes-group-version-kind": gvk,
                        "responses": ["200": ["description": "OK", "content": ["application/json": ["schema": schemaRef]]]]],
            ]
            if r.verbs.contains("patch") {
                operations["patch"] = [
                    "operationId": .string("patch\(r.kind)"), "x-kubernetes-action": "patch",
                    "x-kubernetes-group-version-kind": gvk, "parameters": .array(queryParameters),
                    "requestBody": ["content": [
                        "application/json-patch+json": ["schema": ["type": "object"]],
                        "application/merge-patch+json": ["schema": ["type": "object"]],
                        "application/apply-patch+yaml": ["schema": ["type": "object"]],
                    ], "required": true],
                    "responses": ["200": ["description": "OK", "content": ["application/json": ["schema": schemaRef]]]],
                ]
            }
            if r.verbs.contains("update") {
                operations["put"] = [
                    "operationId": .string("replace\(r.kind)"), "x-kubernetes-action": "put",
                    "x-kubernetes-group-version-kind": gvk, "parameters": .array(queryParameters),
                    "requestBody": ["content": ["application/json": ["schema": schemaRef]], "required": true],
                    "responses": ["200": ["description": "OK", "content": ["application/json": ["schema": schemaRef]]]],
                ]
            }
            operations["parameters"] = .array(parameters)
            paths[itemPath] = .object(operations)
            if r.verbs.contains("create") {
                let collectionPath = r.namespaced
                    ? "\(prefix)/namespaces/{namespace}/\(r.resource)" : "\(prefix)/\(r.resource)"
                paths[collectionPath] = [
                    "post": ["operationId": .string("create\(r.kind)"), "x-kubernetes-action": "post",
                             "x-kubernetes-group-version-kind": gvk, "parameters": .array(queryParameters),
                             "requestBody": ["content": ["application/json": ["schema": schemaRef]], "required": true],
                             "responses": ["201": ["description": "Created",
                                                   "content": ["application/json": ["schema": schemaRef]]]]],
                ]
            }
        }
        var pending = roots
        while let name = pending.popLast() {
            guard schemas[name] == nil, let def = KubernetesDefinitions.all[name] else { continue }
            var refs: [String] = []
            schemas[name] = OpenAPIDocuments.convert(def, refs: &refs, isDefinition: name)
            pending.append(contentsOf: refs)
        }
        return [
            "openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.32.0"],
            "paths": .object(paths), "components": ["schemas": .object(schemas)],
        ]
    }

    /// The component name of a custom resource's schema, upstream style: `dev.kgit.v1.Application`.
    static func customSchemaName(_ info: ResourceInfo) -> String {
        (info.group.split(separator: ".").reversed().map(String.init) + [info.version, info.kind]).joined(separator: ".")
    }

    /// A custom resource's schema as `kubectl explain` reads it: the CRD's `openAPIV3Schema` with
    /// `apiVersion`, `kind` and `metadata` (ObjectMeta) declared, and its group/version/kind.
    static func customSchema(_ custom: CustomResource) -> JSONValue {
        var schema = custom.schema ?? ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        if schema["type"] == nil { schema["type"] = "object" }
        var properties = schema["properties"]?.objectValue ?? [:]
        properties["apiVersion"] = [
            "type": "string",
            "description": "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
        ]
        properties["kind"] = [
            "type": "string",
            "description": "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
        ]
        properties["metadata"] = [
            "allOf": [["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]],
            "description": "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        ]
        schema["properties"] = .object(properties)
        schema["x-kubernetes-group-version-kind"] = [[
            "group": .string(custom.info.group), "version": .string(custom.info.version),
            "kind": .string(custom.info.kind),
        ]]
        return schema
    }

    /// Converts a JSON Schema 2020-12 definition to OpenAPI 3.0: `#/$defs/` refs become
    /// `#/components/schemas/` (wrapped in `allOf` when they have siblings), nullable type arrays
    /// collapse, and int-or-string becomes `type: string, format: int-or-string`.
    static func convert(_ schema: JSONValue, refs: inout [String], isDefinition: String? = nil) -> JSONValue {
        switch schema {
        case .object(var members):
            if isDefinition?.hasSuffix("util.intstr.IntOrString") == true {
                return ["type": "string", "format": "int-or-string"]
            }
            if let oneOf = members["oneOf"]?.arrayValue, oneOf.allSatisfy({ $0["$ref"] == nil }) {
                members["oneOf"] = nil
                if members["type"] == nil, let first = oneOf.first { members["type"] = first["type"] }
                if isDefinition?.hasSuffix("api.resource.Quantity") == true {
                    members["type"] = "string"
                }
            }
            if let types = members["type"]?.arrayValue {
                let nonNull = types.filter { $0.stringValue != "null" }
                members["type"] = nonNull.first ?? .null
                if members["type"]?.isNull == true { members["type"] = nil }
            }
            if let enumValues = members["enum"]?.arrayValue {
                members["enum"] = .array(enumValues.filter { !$0.isNull })
            }
            var out: [String: JSONValue] = [:]
            for (key, value) in members {
                switch key {
                case "$ref":
                    let name = KubernetesDefinitions.refName(value.stringValue ?? "")
                    refs.append(name)
                    out[key] = .string("#/components/schemas/\(name)")
                case "properties", "patternProperties":
                    var props: [String: JSONValue] = [:]
                    for (p, v) in value.objectValue ?? [:] { props[p] = convert(v, refs: &refs) }
                    out[key] = .object(props)
                case "x-kubernetes-group-version-kind", "enum", "required", "x-kubernetes-list-map-keys":
                    out[key] = value
                case "$schema", "$id":
                    continue
                default:
                    out[key] = convert(value, refs: &refs)
                }
            }
            if let ref = out["$ref"], out.count > 1 {
                out["$ref"] = nil
                out["allOf"] = [["$ref": ref]]
            }
            return .object(out)
        case .array(let items):
            return .array(items.map { convert($0, refs: &refs) })
        default:
            return schema
        }
    }
}
