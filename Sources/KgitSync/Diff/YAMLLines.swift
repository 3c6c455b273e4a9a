import KgitSchema
import KgitYAML

/// Renders a value as block YAML, one `Line` per output line, each with the field path it writes so a
/// changed line can be traced to its source. Keys are sorted, so both sides of a diff line up.
enum YAMLLines {
    struct Line: Hashable, Sendable {
        var text: String
        var path: String
    }

    static func render(_ value: YAMLValue, schema: Schema?) -> [Line] {
        var lines: [Line] = []
        switch value {
        case .mapping(let entries) where !entries.isEmpty:
            mapping(entries, indent: "", path: "", schema: schema, into: &lines)
        case .sequence(let items) where !items.isEmpty:
            sequence(items, indent: "", path: "", schema: schema, into: &lines)
        default:
            lines.append(Line(text: scalar(value), path: ""))
        }
        return lines
    }

    static func mapping(
        _ entries: [YAMLValue.Entry], indent: String, path: String, schema: Schema?, into lines: inout [Line]
    ) {
        for entry in entries.sorted(by: { $0.key < $1.key }) {
            let childPath = FieldPath.appending(path, key: entry.key)
            let childSchema = FieldPath.child(schema, key: entry.key)
            let key = plainSafe(entry.key) ? entry.key : FieldPath.quoted(entry.key)
            switch entry.value {
            case .mapping(let children) where !children.isEmpty:
                lines.append(Line(text: indent + key + ":", path: childPath))
                mapping(children, indent: indent + "  ", path: childPath, schema: childSchema, into: &lines)
            case .sequence(let items) where !items.isEmpty:
                lines.append(Line(text: indent + key + ":", path: childPath))
                sequence(items, indent: indent, path: childPath, schema: childSchema, into: &lines)
            default:
                if let block = literalBlock(entry.value, indent: indent + "  ") {
                    lines.append(Line(text: indent + key + ": " + block.header, path: childPath))
                    lines += block.body.map { Line(text: $0, path: childPath) }
                } else {
                    lines.append(Line(text: indent + key + ": " + scalar(entry.value), path: childPath))
                }
            }
        }
    }

    static func sequence(_ items: [YAMLValue], indent: String, path: String, schema: Schema?, into lines: inout [Line])
    {
        let (itemSchema, keys, _) = FieldPath.elements(schema)
        for (index, item) in items.enumerated() {
            let childPath = FieldPath.appending(path, index: index, element: item, keys: keys)
            switch item {
            case .mapping(let children) where !children.isEmpty:
                var nested: [Line] = []
                mapping(children, indent: indent + "  ", path: childPath, schema: itemSchema, into: &nested)
                for (offset, line) in nested.enumerated() {
                    if offset == 0 {
                        let trimmed = line.text.dropFirst(indent.count + 2)
                        lines.append(Line(text: indent + "- " + trimmed, path: line.path))
                    } else {
                        lines.append(line)
                    }
                }
            case .sequence(let children) where !children.isEmpty:
                lines.append(Line(text: indent + "-", path: childPath))
                sequence(children, indent: indent + "  ", path: childPath, schema: itemSchema, into: &lines)
            default:
                if let block = literalBlock(item, indent: indent + "  ") {
                    lines.append(Line(text: indent + "- " + block.header, path: childPath))
                    lines += block.body.map { Line(text: $0, path: childPath) }
                } else {
                    lines.append(Line(text: indent + "- " + scalar(item), path: childPath))
                }
            }
        }
    }

    /// A multi-line string as a literal block (`|` keeps the final newline, `|-` has none), one output line
    /// per line of text so a diff shows the lines that changed; nil for other values and for text a
    /// literal block cannot hold exactly (carriage returns, tabs or other control characters, a leading
    /// space or blank line, trailing blank lines).
    static func literalBlock(_ value: YAMLValue, indent: String) -> (header: String, body: [String])? {
        guard case .string(let text) = value, text.contains("\n") else { return nil }
        let unsafe = text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F }
        guard !unsafe, !text.hasPrefix(" "), !text.hasPrefix("\n"), !text.hasSuffix("\n\n") else { return nil }
        let keepsNewline = text.hasSuffix("\n")
        let content = keepsNewline ? text.dropLast() : Substring(text)
        let body = content.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.isEmpty ? "" : indent + line
        }
        return (keepsNewline ? "|" : "|-", body)
    }

    static func scalar(_ value: YAMLValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .float(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) + ".0" : String(number)
        case .string(let text): return plainSafe(text) && !looksLikeNonString(text) ? text : FieldPath.quoted(text)
        case .mapping: return "{}"
        case .sequence: return "[]"
        }
    }

    /// Text made only of characters that never need quoting in a plain scalar.
    static func plainSafe(_ text: String) -> Bool {
        // A colon is plain only inside a word (`nginx:1.27`), never before a space or at the end.
        if text.hasSuffix(":") || text.contains(": ") { return false }
        guard let first = text.unicodeScalars.first, first != "-", first != ".", first != "/" else {
            return !text.isEmpty && text.unicodeScalars.allSatisfy(isPlainCharacter) && text != "-"
                && !text.hasPrefix("-")
        }
        return text.unicodeScalars.allSatisfy(isPlainCharacter)
    }

    private static func isPlainCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/", ":", "@", "+", "=": return true
        default: return false
        }
    }

    /// Text a YAML 1.1 reader would take for a number, boolean or null.
    static func looksLikeNonString(_ text: String) -> Bool {
        let lower = text.lowercased()
        if ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"].contains(lower) { return true }
        return Double(text) != nil || Int(text) != nil || text.first?.isNumber == true
    }
}
