import Foundation
import KgitAPIMachinery
import KgitSchema

/// The Kubernetes 1.33 API definitions (JSON Schema with the `x-kubernetes-*` extensions), parsed
/// once from KgitSchema's bundled copy (the one definitions file in the repository). Used for OpenAPI v3 documents (`kubectl explain`, apply's
/// field-validation check) and for strategic-merge-patch list semantics.
///
/// Source: the Kubernetes project's OpenAPI specification (Apache-2.0), as packaged in
/// `kubernetes-validate` 1.37.0; see NOTICE.
enum KubernetesDefinitions {
    /// Every definition by name (`io.k8s.api.apps.v1.Deployment`); empty if the resource is missing.
    static let all: [String: JSONValue] = {
        guard let catalog = try? KubernetesCatalog.load(version: "1.33"),
              let json = try? JSONParser.parse(catalog.definitionsJSON),
              let defs = json["$defs"]?.objectValue
        else { return [:] }
        return defs
    }()

    /// Definition names by group/version/kind.
    static let byKind: [String: String] = {
        var index: [String: String] = [:]
        for (name, def) in all {
            for gvk in def["x-kubernetes-group-version-kind"]?.arrayValue ?? [] {
                let key = "\(gvk["group"]?.stringValue ?? "")/\(gvk["version"]?.stringValue ?? "")/\(gvk["kind"]?.stringValue ?? "")"
                // Prefer the definition in the kind's own API package over meta/v1 re-registrations.
                if index[key] == nil || !name.hasPrefix("io.k8s.apimachinery") { index[key] = name }
            }
        }
        return index
    }()

    /// The definition name for a kind, if known.
    static func definitionName(group: String, version: String, kind: String) -> String? {
        byKind["\(group)/\(version)/\(kind)"]
    }

    /// Resolves `$ref` (directly or through a one-element `allOf`) to the referenced definition.
    static func resolve(_ schema: JSONValue) -> JSONValue {
        referencedName(schema).flatMap { all[$0] } ?? schema
    }

    /// The name of the definition `schema` stands for: its `$ref`, or the one `$ref` of a single-member
    /// `allOf` (how the schemas wrap a reference that carries a description); nil for an inline schema.
    static func referencedName(_ schema: JSONValue) -> String? {
        if let ref = schema["$ref"]?.stringValue { return refName(ref) }
        if let allOf = schema["allOf"]?.arrayValue, allOf.count == 1, let ref = allOf[0]["$ref"]?.stringValue {
            return refName(ref)
        }
        return nil
    }

    static func refName(_ ref: String) -> String {
        String(ref.split(separator: "/").last ?? Substring(ref))
    }

    /// The strategic-merge-patch view of a kind's schema.
    static func patchSchema(group: String, version: String, kind: String) -> PatchSchema? {
        guard let name = definitionName(group: group, version: version, kind: kind), let def = all[name] else {
            return nil
        }
        return patchSchema(for: def)
    }

    static func patchSchema(for property: JSONValue) -> PatchSchema {
        let resolved = resolve(property)
        return PatchSchema(
            field: { name in
                guard let child = resolved["properties"]?[name] else {
                    if let additional = resolved["additionalProperties"], case .object = additional {
                        return patchSchema(for: additional)
                    }
                    return nil
                }
                return patchSchema(for: child)
            },
            items: { resolved["items"].map(patchSchema(for:)) },
            patchStrategy: property["x-kubernetes-patch-strategy"]?.stringValue,
            patchMergeKey: property["x-kubernetes-patch-merge-key"]?.stringValue)
    }
}
