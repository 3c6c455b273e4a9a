import KgitYAML

/// One step of a field path inside an object.
public enum PathComponent: Sendable {
    /// A mapping key: `.spec`, or `["app.kubernetes.io/name"]` when the key is not an identifier.
    case field(String)
    /// A list element addressed by position: `[3]`.
    case index(Int)
    /// A list element addressed by the values of its key fields when it has them:
    /// `[name="web"]`, `[containerPort=80,protocol="TCP"]`; `[index]` when it has none of them.
    case element(Int, item: Node, keys: [String])

    /// Renders a path as `.spec.template.spec.containers[name="web"].image`.
    public static func render<C: Collection>(_ components: C) -> String where C.Element == PathComponent {
        var text = ""
        for component in components { component.append(to: &text) }
        return text
    }

    func append(to text: inout String) {
        switch self {
        case .field(let name):
            if Self.isIdentifier(name) {
                text += "."
                text += name
            } else {
                text += "[\(Self.quoted(name))]"
            }
        case .index(let index):
            text += "[\(index)]"
        case .element(let index, let item, let keys):
            var parts: [String] = []
            for key in keys {
                guard let value = item[key]?.scalar else { continue }
                switch value.value {
                case .string: parts.append("\(key)=\(Self.quoted(value.text))")
                default: parts.append("\(key)=\(value.text)")
                }
            }
            text += parts.isEmpty ? "[\(index)]" : "[\(parts.joined(separator: ","))]"
        }
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || first.isASCIILetter else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || $0.isASCIILetter || $0.isASCIIDigit }
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text.unicodeScalars {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.unicodeScalars.append(character)
            }
        }
        return result + "\""
    }
}

extension UInt8 {
    var isASCIILetter: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
    var isASCIIDigit: Bool { (0x30...0x39).contains(self) }
    var isASCIILower: Bool { (0x61...0x7A).contains(self) }
}
