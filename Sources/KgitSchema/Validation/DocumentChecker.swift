import KgitYAML

/// Validates one document: finds its kind, then walks it against the kind's schema.
enum DocumentChecker {
    /// The result for `document`, or nil for an empty document (which is skipped).
    static func check(
        _ document: Document, file: String, registry: SchemaRegistry, options: ValidationOptions
    ) -> DocumentResult? {
        guard let root = document.root else { return nil }
        var result = DocumentResult(file: file, index: document.index, start: root.start)
        guard case .mapping = root.content else {
            result.diagnostics.append(
                Diagnostic(
                    code: DiagnosticCode.notAnObject.rawValue,
                    message: "expected a Kubernetes object (a mapping with apiVersion and kind), found \(NodeValidator.describe(root))",
                    file: file, start: root.start, end: root.end, document: document.index))
            return result
        }
        let apiVersionNode = root["apiVersion"]
        let kindNode = root["kind"]
        result.apiVersion = apiVersionNode?.scalar.flatMap { $0.isNull ? nil : $0.text }
        result.kind = kindNode?.scalar.flatMap { $0.isNull ? nil : $0.text }
        if let metadata = root["metadata"] {
            result.name = metadata["name"]?.scalar.flatMap { $0.isNull ? nil : $0.text }
            result.namespace = metadata["namespace"]?.scalar.flatMap { $0.isNull ? nil : $0.text }
        }
        let object = result.objectDescription
        func fail(_ code: DiagnosticCode, _ message: String, at node: Node, path: String = "", notes: [String] = []) {
            result.diagnostics.append(
                Diagnostic(
                    code: code.rawValue, message: message, file: file, start: node.start, end: node.end, path: path,
                    document: document.index, object: object, notes: notes))
        }
        var missing = false
        if result.apiVersion?.isEmpty ?? true {
            missing = true
            fail(.missingAPIVersion, "the object has no `apiVersion` (such as `v1` or `apps/v1`)", at: apiVersionNode ?? root, path: ".apiVersion")
        }
        if result.kind?.isEmpty ?? true {
            missing = true
            fail(.missingKind, "the object has no `kind` (such as `Deployment` or `ConfigMap`)", at: kindNode ?? root, path: ".kind")
        }
        guard !missing, let apiVersion = result.apiVersion, let kindName = result.kind, let kindNode else { return result }
        let kind = GroupVersionKind(apiVersion: apiVersion, kind: kindName)
        if options.skips(kind) {
            result.skipped = true
            return result
        }
        guard let schema = registry.schema(for: kind) else {
            var notes: [String] = []
            let served = registry.groupVersions(servingKind: kindName)
            if !served.isEmpty {
                notes.append("\(kindName) is served as \(served.map { "`\($0.apiVersion)`" }.joined(separator: ", ")); did you mean `apiVersion: \(served[served.count - 1].apiVersion)`?")
            } else if let suggestion = Suggestion.closest(to: kindName, among: registry.kindNames) {
                notes.append("did you mean `\(suggestion)`?")
            } else if !kind.group.isEmpty, !kind.group.hasSuffix(".k8s.io") || kind.group.contains(".") {
                notes.append("if this is a custom resource, pass its CustomResourceDefinition with --schema")
            }
            fail(
                .unknownKind, "unknown kind `\(kindName)` in `\(apiVersion)` for Kubernetes \(registry.catalog.version)",
                at: kindNode, path: ".kind", notes: notes)
            return result
        }
        var validator = NodeValidator(
            file: file, document: document.index, object: object, kind: kind, allowUnknownFields: options.allowUnknownFields)
        validator.validate(root, schema, typeName: kindName)
        var context = CheckContext(kind: kind)
        ObjectNameRule.check(root: root, kind: kind, into: &context)
        for finding in context.findings {
            validator.report(finding.code, finding.message, at: finding.node, notes: finding.notes, severity: finding.severity, extraPath: finding.path)
        }
        result.diagnostics += validator.diagnostics
        return result
    }
}
