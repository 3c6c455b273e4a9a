/// A plain value tree: what a YAML document means once positions, styles, anchors and tags are
/// dropped. Mapping keys are strings, as in JSON and Kubernetes objects, and keep their order.
///
/// Build one from a parsed `Node` with `YAMLValue(_:)`, or by hand (for example from evaluated
/// configuration), and write it with `YAMLEmitter`.
public enum YAMLValue: Sendable, Hashable {
    /// `null` (also `~` and the empty scalar).
    case null
    /// A boolean.
    case bool(Bool)
    /// A 64-bit integer.
    case int(Int)
    /// A double, including infinities and NaN.
    case float(Double)
    /// A string.
    case string(String)
    /// A list of values.
    case sequence([YAMLValue])
    /// An object: entries in order (keys are not required to be unique).
    case mapping([Entry])

    /// One key/value entry of a mapping.
    public struct Entry: Sendable, Hashable {
        /// The entry's name.
        public var key: String
        /// The entry's value.
        public var value: YAMLValue
        /// An entry named `key` holding `value`.
        public init(key: String, value: YAMLValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value of a node. Keys become strings the way Kubernetes turns YAML into JSON: a string key
    /// stays as it is, other scalar keys are written canonically (`1`, `true`, `null`, `1.5`), and a
    /// collection used as a key becomes its compact JSON text.
    public init(_ node: Node) {
        switch node.content {
        case .scalar(let s):
            self.init(s.value)
        case .sequence(let items):
            self = .sequence(items.map(YAMLValue.init))
        case .mapping(let pairs):
            self = .mapping(pairs.map { Entry(key: YAMLValue.keyString($0.key), value: YAMLValue($0.value)) })
        }
    }

    /// The value of a resolved scalar.
    public init(_ scalar: ScalarValue) {
        switch scalar {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .float(let d): self = .float(d)
        case .string(let s): self = .string(s)
        }
    }

    /// The value of the entry named `key`, when this is a mapping.
    public subscript(key: String) -> YAMLValue? {
        guard case .mapping(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The string form of a mapping key, as used for JSON object member names.
    static func keyString(_ key: Node) -> String {
        switch key.content {
        case .scalar(let s):
            switch s.value {
            case .string(let text): return text
            case .null: return "null"
            case .bool(let b): return b ? "true" : "false"
            case .int(let i): return String(i)
            case .float(let d): return NumberFormat.yaml(d)
            }
        case .sequence, .mapping:
            return YAMLEmitter().json(key)
        }
    }
}

extension Node {
    /// A node holding `value`, with every mark at the start of an imaginary source (1:1, offset 0).
    /// Strings are plain-style scalars; `YAMLEmitter` quotes them where needed.
    public init(_ value: YAMLValue, document: Int = 0) {
        let origin = Mark(line: 1, column: 1, offset: 0)
        let content: Content
        switch value {
        case .null:
            content = .scalar(Scalar(text: "null", style: .plain, value: .null))
        case .bool(let b):
            content = .scalar(Scalar(text: b ? "true" : "false", style: .plain, value: .bool(b)))
        case .int(let i):
            content = .scalar(Scalar(text: String(i), style: .plain, value: .int(i)))
        case .float(let d):
            content = .scalar(Scalar(text: NumberFormat.yaml(d), style: .plain, value: .float(d)))
        case .string(let s):
            content = .scalar(Scalar(text: s, style: .plain, value: .string(s)))
        case .sequence(let items):
            content = .sequence(items.map { Node($0, document: document) })
        case .mapping(let entries):
            content = .mapping(
                entries.map {
                    Pair(key: Node(.string($0.key), document: document), value: Node($0.value, document: document))
                })
        }
        self.init(content: content, start: origin, end: origin, document: document)
    }
}
