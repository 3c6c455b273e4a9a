import KgitSchema
import KgitYAML

// Patch statements checked against the type of the object they patch, before any merging.
extension EnvironmentChecker {
    /// The schema of a patch's target type; resolution errors are reported.
    mutating func targetType(_ name: QualIdent) -> Schema? {
        guard var compiler else { return nil }
        let before = compiler.diagnostics.count
        let schema = compiler.resolve(name)
        diagnostics += compiler.diagnostics[before...]
        self.compiler = compiler
        return schema
    }

    /// Reports a path that leaves the type, or a value that does not fit the node it sets.
    mutating func checkStatement(_ statement: PatchStatement, against type: Schema) {
        switch statement {
        case .set(let path, let value, let append, _, _):
            guard let node = walk(path, in: type) else { return }
            if append {
                guard case .array(let array)? = node.resolved?.shape else {
                    report(.invalidPatchValue, "+= appends to a list, but \(pathText(path)) is a \(node.typeDescription)", at: path.range)
                    return
                }
                if !array.elementKeys.isEmpty || node.patchMergeKey != nil {
                    report(
                        .invalidPatchPath, "\(pathText(path)) is a keyed list: set elements by key, as \(pathText(path))[key=\"...\"]",
                        at: path.range)
                    return
                }
                if case .list = value.kind { checkValue(value, against: node) } else { checkValue(value, against: array.items) }
            } else {
                checkValue(value, against: node)
            }
        case .delete(let path, _):
            _ = walk(path, in: type)
        }
    }

    /// The schema of the node `path` addresses inside `type`, or nil (reported, or unknowable).
    private mutating func walk(_ path: Path, in type: Schema) -> Schema? {
        var current = type
        for step in path.steps {
            guard let resolved = current.resolved else { return nil }
            switch (step, resolved.shape) {
            case (.field(let label), .object(let object)):
                if let property = object.properties[label.name] {
                    current = property
                    continue
                }
                switch object.additionalProperties {
                case .typed(let values): current = values
                case .preserveUnknown: return nil
                case .closed:
                    let notes = NameSuggestion.closest(to: label.name, among: object.propertyNames).map { ["did you mean \($0)?"] } ?? []
                    report(.unknownPatchField, "the target type has no field \(label.name) here", at: label.range, notes: notes)
                    return nil
                }
            case (.index(let n), .array(let array)):
                if !array.elementKeys.isEmpty || current.patchMergeKey != nil {
                    let key = array.elementKeys.first ?? current.patchMergeKey ?? "name"
                    report(
                        .invalidPatchPath, "elements of a keyed list are addressed by key, not by position [\(n.text)]",
                        at: n.range, notes: ["write [\(key)=\"...\"]"])
                    return nil
                }
                current = array.items
            case (.key(let matches, let range), .array(let array)):
                let keys = array.elementKeys.isEmpty ? current.patchMergeKey.map { [$0] } ?? [] : array.elementKeys
                guard !keys.isEmpty else {
                    report(.invalidPatchPath, "this list has no key fields; address its elements by position", at: range)
                    return nil
                }
                if let bad = matches.first(where: { !keys.contains($0.label.name) }) {
                    report(
                        .invalidPatchPath, "\(bad.label.name) is not a key of this list (keys: \(keys.joined(separator: ", ")))",
                        at: bad.label.range)
                    return nil
                }
                current = array.items
            case (_, .any):
                return nil
            default:
                report(.invalidPatchPath, "this step does not fit a \(resolved.typeDescription)", at: path.range)
                return nil
            }
        }
        return current
    }

    private mutating func checkValue(_ value: Value, against schema: Schema) {
        let yaml = TypeCompiler.yamlText(value)
        guard let root = (try? YAMLParser.parse(yaml))?.first?.root else { return }
        for problem in Validator.validate(root, against: schema) {
            report(.invalidPatchValue, "\(yaml) does not fit: \(problem.message)", at: value.range)
        }
    }

    private func pathText(_ path: Path) -> String {
        path.steps.enumerated().map { i, step in
            switch step {
            case .field(let label): return i == 0 ? label.text : "." + label.text
            case .every: return "[*]"
            case .index(let n): return "[\(n.text)]"
            case .key(let matches, _): return "[" + matches.map { "\($0.label.text)=..." }.joined(separator: ", ") + "]"
            }
        }.joined()
    }
}
