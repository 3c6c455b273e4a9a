import KgitSchema
import KgitYAML

/// Renders field paths the way KgitSchema's diagnostics do (`.spec.template.spec.containers[name="web"].image`)
/// and walks a schema alongside a value, so provenance recorded at load time and lines rendered by the
/// diff name the same path.
enum FieldPath {
    /// `path` extended by the mapping key `key`.
    static func appending(_ path: String, key: String) -> String {
        isIdentifier(key) ? path + "." + key : path + "[" + quoted(key) + "]"
    }

    /// `path` extended by a list element: `[name="web"]` when the element has the list's key fields,
    /// `[index]` otherwise.
    static func appending(_ path: String, index: Int, element: YAMLValue, keys: [String]) -> String {
        var parts: [String] = []
        for key in keys {
            switch element[key] {
            case .string(let text)?: parts.append("\(key)=\(quoted(text))")
            case .int(let value)?: parts.append("\(key)=\(value)")
            case .bool(let value)?: parts.append("\(key)=\(value)")
            default: continue
            }
        }
        return parts.isEmpty ? path + "[\(index)]" : path + "[" + parts.joined(separator: ",") + "]"
    }

    /// The schema of the value under `key` of a mapping described by `schema`.
    static func child(_ schema: Schema?, key: String) -> Schema? {
        guard let resolved = schema?.resolved else { return nil }
        guard case .object(let object) = resolved.shape else { return nil }
        if let property = object.properties[key] { return property }
        if case .typed(let values) = object.additionalProperties { return values }
        return nil
    }

    /// The element schema and the fields that identify an element, when `schema` describes a list.
    static func elements(_ schema: Schema?) -> (items: Schema?, keys: [String], isSet: Bool) {
        guard let resolved = schema?.resolved, case .array(let array) = resolved.shape else { return (nil, [], false) }
        var keys = array.elementKeys
        if keys.isEmpty, let merge = resolved.patchMergeKey ?? schema?.patchMergeKey,
            array.items.objectSchema != nil
        {
            keys = [merge]
        }
        let isSet = array.listType == .set
        return (array.items, keys, isSet)
    }

    /// True when the schema says the value is a resource quantity.
    static func isQuantity(_ schema: Schema?) -> Bool {
        if case .quantity? = schema?.resolved?.shape { return true }
        return false
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text.unicodeScalars {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where character.value < 0x20 || character.value == 0x7F:
                let hex = String(character.value, radix: 16, uppercase: true)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(character)
            }
        }
        return result + "\""
    }
}

extension FieldPath {
    /// Where the last component of `path` starts (so `path[..<result]` is its parent); nil for the root.
    /// Brackets inside quoted keys are skipped.
    static func parentEnd(of path: Substring) -> Substring.Index? {
        guard !path.isEmpty else { return nil }
        var last: Substring.Index?
        var inQuotes = false
        var escaped = false
        var index = path.startIndex
        while index < path.endIndex {
            let character = path[index]
            if inQuotes {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inQuotes = false
                }
            } else if character == "\"" {
                inQuotes = true
            } else if character == "." || character == "[" {
                last = index
            }
            index = path.index(after: index)
        }
        return last
    }
}
