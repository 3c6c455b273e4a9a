import KgitAPIMachinery
import KgitSchema

/// One served version of a CustomResourceDefinition, compiled for serving: how it is addressed
/// (a ``ResourceInfo``), its structural schema (for pruning, field validation and OpenAPI), its
/// printer columns, its scale subresource, and the KgitSchema validator that checks its objects
/// exactly as `kgit validate --schema crd.yaml` would.
struct CustomResource: Sendable {
    /// How the version is addressed and discovered.
    var info: ResourceInfo
    /// The CRD's `metadata.name` (`<plural>.<group>`).
    var definitionName: String
    /// The version's `schema.openAPIV3Schema` (nil: none given; everything is preserved).
    var schema: JSONValue?
    /// `additionalPrinterColumns`, defaulted to an Age column when the CRD lists none.
    var printerColumns: [PrinterColumn]
    /// The scale subresource's paths, when the version has one.
    var scale: ScalePaths?
    /// Checks objects against the CRD (nil only when the validator could not be prepared).
    var validator: Validator?
    /// A stamp that changes whenever the CRD changes (its uid and resourceVersion).
    var stamp: String

    /// One `additionalPrinterColumns` entry.
    struct PrinterColumn: Sendable, Equatable {
        var name: String
        var type: String
        var format: String
        var description: String
        var priority: Int
        var jsonPath: String
    }

    /// Where a custom resource keeps what the `autoscaling/v1 Scale` view shows.
    struct ScalePaths: Sendable, Equatable {
        var specReplicasPath: String
        var statusReplicasPath: String
        var labelSelectorPath: String?
    }

    /// The served versions of a CRD object (one per `spec.versions[]` with `served: true`).
    ///
    /// The names used are the CRD's accepted names; a CRD whose names are not accepted yields
    /// nothing. Versions without `served: true` are not served.
    static func versions(of crd: JSONValue) -> [CustomResource] {
        guard let spec = crd["spec"], let group = spec["group"]?.stringValue,
              let kind = spec.value(at: ["names", "kind"])?.stringValue, !kind.isEmpty,
              let plural = spec.value(at: ["names", "plural"])?.stringValue, !plural.isEmpty
        else { return [] }
        let names = spec["names"] ?? [:]
        let singular = names["singular"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? kind.lowercased()
        let shortNames = (names["shortNames"]?.arrayValue ?? []).compactMap(\.stringValue)
        let categories = (names["categories"]?.arrayValue ?? []).compactMap(\.stringValue)
        let namespaced = spec["scope"]?.stringValue != "Cluster"
        let definitionName = crd.value(at: ["metadata", "name"])?.stringValue ?? "\(plural).\(group)"
        let stamp = (crd.value(at: ["metadata", "uid"])?.stringValue ?? "") + "/"
            + (crd.value(at: ["metadata", "resourceVersion"])?.stringValue ?? "")
        let validator = try? Validator(
            options: ValidationOptions(allowUnknownFields: true),
            schemaFiles: [SourceFile(path: "customresourcedefinition \(definitionName)", bytes: crd.serializedBytes())])

        var served: [CustomResource] = []
        for version in spec["versions"]?.arrayValue ?? [] {
            guard let name = version["name"]?.stringValue, !name.isEmpty, version["served"]?.boolValue == true else {
                continue
            }
            var subresources: [ResourceInfo.Subresource] = []
            if version.value(at: ["subresources", "status"]) != nil {
                subresources.append(.init(name: "status", group: group, version: name, kind: kind,
                                          verbs: ["get", "patch", "update"]))
            }
            var scale: ScalePaths?
            if let scaleSpec = version.value(at: ["subresources", "scale"]) {
                subresources.append(.init(name: "scale", group: "autoscaling", version: "v1", kind: "Scale",
                                          verbs: ["get", "patch", "update"]))
                scale = ScalePaths(
                    specReplicasPath: scaleSpec["specReplicasPath"]?.stringValue ?? ".spec.replicas",
                    statusReplicasPath: scaleSpec["statusReplicasPath"]?.stringValue ?? ".status.replicas",
                    labelSelectorPath: scaleSpec["labelSelectorPath"]?.stringValue)
            }
            let info = ResourceInfo(
                group: group, version: name, resource: plural, singular: singular, kind: kind,
                namespaced: namespaced, verbs: ResourceCatalog.crud, shortNames: shortNames, categories: categories,
                subresources: subresources, stored: true)
            var columns = (version["additionalPrinterColumns"]?.arrayValue ?? []).compactMap { column -> PrinterColumn? in
                guard let title = column["name"]?.stringValue, let path = column["jsonPath"]?.stringValue else {
                    return nil
                }
                return PrinterColumn(
                    name: title, type: column["type"]?.stringValue ?? "string",
                    format: column["format"]?.stringValue ?? "", description: column["description"]?.stringValue ?? "",
                    priority: Int(column["priority"]?.intValue ?? 0), jsonPath: path)
            }
            if columns.isEmpty {
                columns = [PrinterColumn(
                    name: "Age", type: "date", format: "",
                    description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
                    priority: 0, jsonPath: ".metadata.creationTimestamp")]
            }
            served.append(CustomResource(
                info: info, definitionName: definitionName, schema: version.value(at: ["schema", "openAPIV3Schema"]),
                printerColumns: columns, scale: scale, validator: validator, stamp: stamp))
        }
        return served
    }

    /// The CRD's storage version (the one with `storage: true`), or the first served one.
    static func storageVersion(of crd: JSONValue) -> String? {
        let versions = crd.value(at: ["spec", "versions"])?.arrayValue ?? []
        return (versions.first { $0["storage"]?.boolValue == true } ?? versions.first)?["name"]?.stringValue
    }
}
