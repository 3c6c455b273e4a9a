import KgitYAML

/// The custom resource kinds of a file of CustomResourceDefinitions, compiled into `Schema`s: what a
/// KGL `import cm "crd:vendor/cm.yaml"` brings in.
public enum CustomResourceSchemas {
    /// One kind of one served version.
    public struct Kind: Sendable {
        /// The group, version and kind.
        public var kind: GroupVersionKind
        /// The schema of the whole object.
        public var schema: Schema
        /// True for the version the CRD stores (`storage: true`).
        public var storage: Bool
    }

    /// The kinds the CRDs in `bytes` (a YAML stream) define, and the problems found, as messages
    /// with their line. `file`, when given, names the file in the `origin` of enumerations and
    /// patterns (for diagnostics that name where a constraint was declared).
    public static func load(
        _ bytes: [UInt8], kubernetesVersion: String = "1.33", file: String? = nil
    ) -> (kinds: [Kind], problems: [String]) {
        let documents: [Document]
        do {
            documents = try YAMLParser.parse(bytes)
        } catch {
            return ([], ["\(error.mark): \(error.message)"])
        }
        let catalog: KubernetesCatalog
        do {
            catalog = try KubernetesCatalog.load(version: kubernetesVersion)
        } catch {
            return ([], [error.message])
        }
        var kinds: [Kind] = []
        var problems: [String] = []
        for document in documents {
            guard let root = document.root, root.member("kind")?.string == "CustomResourceDefinition" else { continue }
            var found: [(node: Node, path: [PathComponent], message: String)] = []
            guard let crd = CustomResourceDefinition.compile(root, catalog: catalog, problems: &found, file: file) else { continue }
            problems += found.map { "\($0.node.start): \($0.message)" }
            let storageVersions = Set((root.member("spec")?.member("versions")?.sequence ?? []).compactMap { version -> String? in
                version.member("storage")?.scalar?.value == .bool(true) ? version.member("name")?.string : nil
            })
            for version in crd.versions {
                kinds.append(Kind(kind: version.kind, schema: version.schema, storage: storageVersions.contains(version.kind.version)))
            }
        }
        return (kinds, problems)
    }
}
