extension YAMLEmitter {
    /// The node as JSON text (no trailing newline).
    ///
    /// Scalars are typed as they resolved: null, booleans, integers, floats (shortest round-tripping
    /// form) and strings. JSON has no infinities or NaN, so those floats are written as the strings
    /// `".inf"`, `"-.inf"` and `".nan"`. Mapping keys become strings as in `YAMLValue(_:)`: non-string
    /// scalar keys are written canonically (`"1"`, `"true"`), collection keys as their compact JSON.
    public func json(_ node: Node) -> String {
        var out = Output()
        writeJSON(node, level: 0, &out)
        return out.string
    }

    /// A plain value as JSON text (no trailing newline).
    public func json(_ value: YAMLValue) -> String {
        json(Node(value))
    }

    /// Every document's root as JSON, one per line (JSON Lines); empty documents are written as `null`.
    public func json(_ documents: [Document]) -> String {
        var out = Output()
        for document in documents {
            if let root = document.root { writeJSON(root, level: 0, &out) } else { out.append("null") }
            out.append("\n")
        }
        return out.string
    }

    private func writeJSON(_ node: Node, level: Int, _ out: inout Output) {
        switch node.content {
        case .scalar(let s):
            switch s.value {
            case .null: out.append("null")
            case .bool(let b): out.append(b ? "true" : "false")
            case .int(let i): out.append(String(i))
            case .float(let d):
                if let text = NumberFormat.json(d) { out.append(text) } else { Self.jsonString(NumberFormat.yaml(d), &out) }
            case .string(let text): Self.jsonString(text, &out)
            }
        case .sequence(let items):
            if items.isEmpty {
                out.append("[]")
                return
            }
            out.append("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(",") }
                newline(level + 1, &out)
                writeJSON(item, level: level + 1, &out)
            }
            newline(level, &out)
            out.append("]")
        case .mapping(let pairs):
            if pairs.isEmpty {
                out.append("{}")
                return
            }
            var entries = pairs.map { (key: YAMLValue.keyString($0.key), value: $0.value) }
            if sortKeys {
                entries = entries.enumerated().sorted { a, b in
                    if a.element.key == b.element.key { return a.offset < b.offset }
                    return a.element.key.utf8.lexicographicallyPrecedes(b.element.key.utf8)
                }.map { $0.element }
            }
            out.append("{")
            for (i, entry) in entries.enumerated() {
                if i > 0 { out.append(",") }
                newline(level + 1, &out)
                Self.jsonString(entry.key, &out)
                out.append(prettyJSON ? ": " : ":")
                writeJSON(entry.value, level: level + 1, &out)
            }
            newline(level, &out)
            out.append("}")
        }
    }

    private func newline(_ level: Int, _ out: inout Output) {
        guard prettyJSON else { return }
        out.append("\n")
        out.spaces(level * 2)
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as `\n`, `\t`, ... or `\u00XX`.
    static func jsonString(_ text: String, _ out: inout Output) {
        out.append(byte: UInt8(ascii: "\""))
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append("\\\"")
            case UInt8(ascii: "\\"): out.append("\\\\")
            case 0x0A: out.append("\\n")
            case 0x0D: out.append("\\r")
            case 0x09: out.append("\\t")
            case 0x08: out.append("\\b")
            case 0x0C: out.append("\\f")
            case 0x00..<0x20:
                out.append("\\u")
                out.append(ScalarText.hex4(UInt32(b)))
            default:
                out.append(byte: b)
            }
        }
        out.append(byte: UInt8(ascii: "\""))
    }
}
