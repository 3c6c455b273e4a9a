/// A small S-expression: how syntax trees are printed for the grammar corpus and for debugging.
enum SExpression: Sendable, Hashable {
    case atom(String)
    case list([SExpression])

    /// A list whose head is the atom `head`.
    static func node(_ head: String, _ children: SExpression?...) -> SExpression {
        .list([.atom(head)] + children.compactMap { $0 })
    }

    static func node(_ head: String, all children: [SExpression]) -> SExpression {
        .list([.atom(head)] + children)
    }

    /// A string atom, quoted and escaped so the output is unambiguous.
    static func string(_ value: String) -> SExpression {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return .atom(out + "\"")
    }

    /// The expression on one line.
    var flat: String {
        switch self {
        case .atom(let text): return text
        case .list(let items): return "(" + items.map(\.flat).joined(separator: " ") + ")"
        }
    }

    /// The expression on one line if it fits in `width` columns from `indent`; otherwise the head
    /// and leading atoms on the first line and each further child on its own line, indented by two.
    func rendered(width: Int, indent: Int = 0) -> String {
        let line = flat
        guard case .list(let items) = self, indent + line.count > width, !items.isEmpty else { return line }
        var head: [String] = []
        var rest = items[...]
        while let first = rest.first, case .atom(let text) = first {
            head.append(text)
            rest = rest.dropFirst()
        }
        let pad = String(repeating: " ", count: indent + 2)
        var out = "(" + head.joined(separator: " ")
        for child in rest { out += "\n" + pad + child.rendered(width: width, indent: indent + 2) }
        return out + ")"
    }
}
