import KgitYAML

/// Checks on the keys of ConfigMap and Secret data.
enum ConfigDataChecks {
    static func keys(_ name: String, fields: [String]) -> SchemaCheck {
        SchemaCheck(name: name, inPlace: { root, context in
            // Read in place (copying each field's node and each entry retained them), and the keys are
            // filed only when two fields have entries: most objects have one, so no key can repeat.
            var present = 0
            for field in fields where !(Node.member(field, of: root).flatMap(NodeValidator.entries(of:))?.isEmpty ?? true) {
                present += 1
            }
            var seen: [String: String] = [:]
            for field in fields {
                guard let value = Node.member(field, of: root), let pairs = NodeValidator.entries(of: value) else { continue }
                for index in pairs.indices {
                    guard case .scalar(let scalar) = pairs[index].key.content else { continue }
                    let key = scalar.text
                    if let problem = NameRules.configMapKey(key) {
                        context.report(
                            .invalidDataKey, "invalid key \(key.debugDescription): \(problem)", at: pairs[index].key,
                            path: [.field(field), .field(key)])
                    }
                    guard present > 1 else { continue }
                    if let other = seen[key], other != field, !(other == "data" && field == "stringData") {
                        context.report(
                            .invalidDataKey, "key \(key.debugDescription) is in both `\(other)` and `\(field)`", at: pairs[index].key,
                            path: [.field(field), .field(key)])
                    }
                    seen[key] = field
                }
            }
        })
    }
}
