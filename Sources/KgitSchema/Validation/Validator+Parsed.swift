import KgitYAML

/// The documents of one source, already parsed (or built): what `Validator.validate(parsed:)` checks.
///
/// KGL renders environments into node trees whose nodes come from several files (the manifests and
/// the overlays); validating those trees directly keeps every node's position.
public struct ParsedSource: Sendable {
    /// The display path diagnostics name.
    public var path: String
    /// The documents, each with its index in the source.
    public var documents: [Document]

    /// A source at `path` holding `documents`.
    public init(path: String, documents: [Document]) {
        self.path = path
        self.documents = documents
    }
}

extension Validator {
    /// Validates documents that are already parsed, exactly as `validate(_:)` validates files:
    /// CustomResourceDefinitions among them and in the schema files first, then every document in
    /// parallel, then duplicate objects.
    public func validate(parsed sources: [ParsedSource]) -> ValidationReport {
        var report = ValidationReport()
        var registry = SchemaRegistry(catalog: catalog)
        var crdProblems: [String: [Int: [Diagnostic]]] = [:]
        var schemaSources: [ParsedSource] = []
        for file in schemaFiles {
            do {
                schemaSources.append(ParsedSource(path: file.path, documents: try YAMLParser.parse(file.bytes)))
            } catch {
                report.fileDiagnostics.append(Self.diagnostic(error, file: file.path))
            }
        }
        for source in schemaSources + sources {
            for document in source.documents {
                guard let root = document.root, root.member("kind")?.string == "CustomResourceDefinition",
                    root.member("apiVersion")?.string == "apiextensions.k8s.io/v1"
                else { continue }
                var problems: [(node: Node, path: [PathComponent], message: String)] = []
                if let crd = CustomResourceDefinition.compile(root, catalog: catalog, problems: &problems) {
                    for version in crd.versions { registry.customResources[version.kind] = version.schema }
                }
                let object = "apiextensions.k8s.io/v1 CustomResourceDefinition \(root.member("metadata")?.member("name")?.string ?? "")"
                for problem in problems {
                    crdProblems[source.path, default: [:]][document.index, default: []].append(
                        Diagnostic(
                            code: DiagnosticCode.invalidCRD.rawValue, message: problem.message, file: source.path,
                            start: problem.node.start, end: problem.node.end, path: PathComponent.render(problem.path),
                            document: document.index, object: object))
                }
            }
        }
        for source in schemaSources {
            report.fileDiagnostics += crdProblems[source.path]?.values.flatMap { $0 } ?? []
        }

        let work = sources.flatMap { source in source.documents.map { Work(file: source.path, document: $0) } }
        checkDocuments(work, registry: registry, crdProblems: crdProblems, into: &report)
        return report
    }
}
