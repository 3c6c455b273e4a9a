import KgitAPIMachinery
import KgitYAML

/// A request object as the node tree KgitSchema's validator walks, built straight from the decoded
/// JSON instead of printing the object and parsing the text back with libyaml.
///
/// The tree is the one the parser would build from the object's compact JSON (``JSONValue/write(to:)``):
/// keys in the encoder's sorted order, strings and keys as double-quoted scalars, numbers, booleans and
/// null as plain scalars with the encoder's text, resolved by KgitYAML's rules (`Node.Scalar(plain:)`).
/// Every node starts at a position after the one before it in that order, so diagnostics sort as they
/// did by line and column (only their order is used: API errors name field paths, not positions).
///
/// Strings are the object's own strings. The text path read some differently, since the encoder escapes
/// only what JSON must: libyaml refuses DEL and C1 controls unescaped (the object got a 422 about YAML
/// rather than its fields) and folds NEL as a line break; here they are validated as the strings they
/// are, which is what gets stored. Nesting deeper than the parser accepts is left to the text path
/// (``init(_:)`` returns nil), which reports it as before.
struct ValidationTree {
    /// The document to validate.
    let document: Document

    /// The tree of `object`, or nil when only parsing its text gives the validator's exact input.
    init?(_ object: JSONValue) {
        var builder = Builder()
        guard let root = builder.node(object, depth: 1) else { return nil }
        document = Document(root: root, index: 0, start: root.start)
    }

    /// Nesting the builder takes on (the parser refuses more than `ParserLimits.default.maxDepth`).
    static let maxDepth = ParserLimits.default.maxDepth

    private struct Builder {
        /// The position of the next node, in nodes built so far.
        var position = 0

        /// A position after every one handed out before.
        mutating func mark() -> Mark {
            defer { position += 1 }
            return Mark(line: 1, column: position + 1, offset: position)
        }

        mutating func node(_ value: JSONValue, depth: Int) -> Node? {
            let start = mark()
            let content: Node.Content
            switch value {
            case .null:
                content = .scalar(Node.Scalar(plain: "null"))
            case .bool(let b):
                content = .scalar(Node.Scalar(plain: b ? "true" : "false"))
            case .int, .double:
                // The encoder's text for the number (integral doubles as integers, non-finite ones as null).
                var text: [UInt8] = []
                value.write(to: &text)
                content = .scalar(Node.Scalar(plain: String(decoding: text, as: UTF8.self)))
            case .string(let s):
                content = .scalar(Node.Scalar(text: s, style: .doubleQuoted, value: .string(s)))
            case .array(let items):
                guard depth < ValidationTree.maxDepth else { return nil }
                var nodes: [Node] = []
                nodes.reserveCapacity(items.count)
                for item in items {
                    guard let child = node(item, depth: depth + 1) else { return nil }
                    nodes.append(child)
                }
                content = .sequence(nodes)
            case .object(let members):
                guard depth < ValidationTree.maxDepth else { return nil }
                var pairs: [Node.Pair] = []
                pairs.reserveCapacity(members.count)
                for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                    let keyStart = mark()
                    let keyScalar = Node.Scalar(text: key, style: .doubleQuoted, value: .string(key))
                    let keyNode = Node(content: .scalar(keyScalar), start: keyStart, end: keyStart)
                    guard let child = node(member, depth: depth + 1) else { return nil }
                    pairs.append(Node.Pair(key: keyNode, value: child))
                }
                content = .mapping(pairs)
            }
            return Node(content: content, start: start, end: Mark(line: 1, column: position + 1, offset: position))
        }

    }
}
