import KgitSchema
import KgitYAML

// Defaults are values: they are checked against their field's type like YAML is.
extension TypeCompiler {
    /// Reports each way `value` violates `schema`, at the value.
    mutating func checkDefault(_ value: Value, against schema: Schema) {
        let yaml = TypeCompiler.yamlText(value)
        guard let root = (try? YAMLParser.parse(yaml))?.first?.root else { return }
        for problem in Validator.validate(root, against: schema) {
            report(.invalidDefault, "the default \(yaml) does not fit the field's type: \(problem.message)", at: value.range)
        }
    }

    /// The value as YAML flow text (strings double-quoted, so YAML 1.1 cannot reinterpret them).
    static func yamlText(_ value: Value) -> String {
        switch value.kind {
        case .string(let s): return quoted(s.value)
        case .number(let n): return n.text
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .list(let items): return "[" + items.map(yamlText).joined(separator: ", ") + "]"
        case .object(let fields):
            return "{" + fields.map { quoted($0.label.name) + ": " + yamlText($0.value) }.joined(separator: ", ") + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
