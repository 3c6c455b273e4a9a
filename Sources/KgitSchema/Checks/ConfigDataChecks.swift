import KgitYAML

/// Checks on the keys of ConfigMap and Secret data.
enum ConfigDataChecks {
    static func keys(_ name: String, fields: [String]) -> SchemaCheck {
        SchemaCheck(name: name) { object, context in
            var seen: [String: String] = [:]
            for field in fields {
                for pair in object.member(field)?.mapping ?? [] {
                    guard let key = pair.key.scalar?.text else { continue }
                    if let problem = NameRules.configMapKey(key) {
                        context.report(.invalidDataKey, "invalid key \(key.debugDescription): \(problem)", at: pair.key, path: [.field(field), .field(key)])
                    }
                    if let other = seen[key], other != field, !(other == "data" && field == "stringData") {
                        context.report(
                            .invalidDataKey, "key \(key.debugDescription) is in both `\(other)` and `\(field)`", at: pair.key,
                            path: [.field(field), .field(key)])
                    }
                    seen[key] = field
                }
            }
        }
    }
}
