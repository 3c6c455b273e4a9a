import KgitAPIMachinery
import KgitYAML

/// A CEL value. YAML mappings and sequences are read in place (`yamlMap`, `yamlList`), so a rule
/// only pays for the parts of a document it looks at.
public enum CELValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([CELValue])
    /// A map built by the rule (`{"a": 1}`), in insertion order.
    case map([(String, CELValue)])
    /// A YAML mapping, read lazily.
    case yamlMap(Node)
    /// A YAML sequence, read lazily.
    case yamlList(Node)
    /// A Kubernetes quantity (`quantity("1Gi")`).
    case quantity(Quantity)

    /// The value of a YAML node as CEL sees it.
    public init(_ node: Node) {
        switch node.content {
        case .mapping: self = .yamlMap(node)
        case .sequence: self = .yamlList(node)
        case .scalar(let scalar):
            switch scalar.value {
            case .null: self = .null
            case .bool(let b): self = .bool(b)
            case .int(let i): self = .int(i)
            case .float(let f): self = .double(f)
            case .string(let s): self = .string(s)
            }
        }
    }

    /// The CEL type name, for messages.
    public var typeName: String {
        switch self {
        case .null: return "null_type"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "double"
        case .string: return "string"
        case .list, .yamlList: return "list"
        case .map, .yamlMap: return "map"
        case .quantity: return "Quantity"
        }
    }

    /// The elements, when the value is a list.
    var elements: [CELValue]? {
        switch self {
        case .list(let items): return items
        case .yamlList(let node): return node.sequence?.map(CELValue.init)
        default: return nil
        }
    }

    /// The number of elements or entries, when the value is a list or a map.
    var count: Int? {
        switch self {
        case .list(let items): return items.count
        case .yamlList(let node): return node.sequence?.count
        case .map(let entries): return entries.count
        case .yamlMap(let node): return node.mapping?.count
        default: return nil
        }
    }

    /// The keys, when the value is a map.
    var keys: [String]? {
        switch self {
        case .map(let entries): return entries.map(\.0)
        case .yamlMap(let node): return node.mapping?.compactMap { $0.key.scalar?.text }
        default: return nil
        }
    }

    /// True when the value is a map.
    var isMap: Bool {
        switch self {
        case .map, .yamlMap: return true
        default: return false
        }
    }

    /// The entry `key`: `.some(nil)` when the map lacks it, nil when the value is not a map.
    func member(_ key: String) -> CELValue?? {
        switch self {
        case .map(let entries): return .some(entries.first { $0.0 == key }.map(\.1))
        case .yamlMap(let node):
            guard let pairs = node.mapping else { return nil }
            return .some(pairs.first { $0.key.scalar?.text == key }.map { CELValue($0.value) })
        default: return nil
        }
    }

    /// The value as text in messages (`"web"`, `3`, `[1, 2]`).
    public var display: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s.debugDescription
        case .list, .yamlList: return "[" + (elements ?? []).map(\.display).joined(separator: ", ") + "]"
        case .map, .yamlMap:
            return "{" + (keys ?? []).map { key in "\(key.debugDescription): \((member(key) ?? nil)?.display ?? "null")" }.joined(separator: ", ") + "}"
        case .quantity(let q): return "quantity(\(q.text.debugDescription))"
        }
    }

    /// The value as `string(x)` renders it.
    var stringValue: String {
        switch self {
        case .string(let s): return s
        case .quantity(let q): return q.text
        default: return display
        }
    }
}

extension CELValue {
    /// CEL equality: numbers compare across int and double; lists and maps element by element.
    static func equal(_ a: CELValue, _ b: CELValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.int(let x), .double(let y)): return Double(x) == y
        case (.double(let x), .int(let y)): return x == Double(y)
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.quantity(let x), .quantity(let y)): return x.value == y.value
        default:
            if let xs = a.elements, let ys = b.elements {
                return xs.count == ys.count && zip(xs, ys).allSatisfy { equal($0, $1) }
            }
            if let xk = a.keys, let yk = b.keys {
                guard Set(xk) == Set(yk), xk.count == yk.count else { return false }
                return xk.allSatisfy { key in
                    guard case .some(.some(let x)) = a.member(key), case .some(.some(let y)) = b.member(key) else { return false }
                    return equal(x, y)
                }
            }
            return false
        }
    }
}
