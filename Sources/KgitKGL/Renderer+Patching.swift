import KgitYAML

// Patch statements applied to YAML node trees.
extension Renderer {
    /// The YAML node for a KGL value; its marks are the value's position in the KGL file.
    static func node(_ value: Value) -> Node {
        let start = value.range.start
        let end = value.range.end
        func scalar(_ text: String, _ style: ScalarStyle, _ resolved: ScalarValue) -> Node {
            Node(content: .scalar(Node.Scalar(text: text, style: style, value: resolved)), start: start, end: end)
        }
        switch value.kind {
        case .string(let s): return scalar(s.value, .doubleQuoted, .string(s.value))
        case .number(let n):
            switch n.kind {
            case .int: return scalar(n.text, .plain, Int(n.text).map { .int($0) } ?? .string(n.text))
            case .float: return scalar(n.text, .plain, Double(n.text).map { .float($0) } ?? .string(n.text))
            case .quantity: return scalar(n.text, .plain, .string(n.text))
            }
        case .bool(let b): return scalar(b ? "true" : "false", .plain, .bool(b))
        case .null: return scalar("null", .plain, .null)
        case .list(let items): return Node(content: .sequence(items.map(node)), start: start, end: end)
        case .object(let fields):
            let pairs = fields.map { field in
                Node.Pair(key: keyNode(field.label.name, at: field.label.range), value: node(field.value))
            }
            return Node(content: .mapping(pairs), start: start, end: end)
        }
    }

    private static func keyNode(_ name: String, at range: SourceRange) -> Node {
        Node(
            content: .scalar(Node.Scalar(text: name, style: .plain, value: .string(name))), start: range.start, end: range.end)
    }

    /// Sets (or, with `append`, appends to) the node at `steps` below `node`, creating missing
    /// mappings and keyed-list elements on the way.
    static func set(_ node: inout Node, _ steps: ArraySlice<Path.Step>, to value: Node, append: Bool) throws(Failure) {
        guard let step = steps.first else {
            guard append else {
                node = value
                return
            }
            var items: [Node]
            switch node.content {
            case .sequence(let existing): items = existing
            case .scalar(let s) where s.value == .null: items = []
            default: throw Failure(message: "+= appends to a list, but the object has a \(node.kindDescription) here")
            }
            if case .sequence(let more) = value.content { items += more } else { items.append(value) }
            node.content = .sequence(items)
            return
        }
        let rest = steps.dropFirst()
        switch step {
        case .field(let label):
            var pairs = try mapping(node, at: label)
            if let index = pairs.firstIndex(where: { $0.key.string == label.name }) {
                try set(&pairs[index].value, rest, to: value, append: append)
            } else {
                var child = empty(for: rest.first, at: value)
                try set(&child, rest, to: value, append: append)
                // Created nodes carry the value's marks, which point into the provenance table.
                pairs.append(Node.Pair(key: keyNode(label.name, at: SourceRange(start: value.start, end: value.end)), value: child))
            }
            node.content = .mapping(pairs)
        case .key(let matches, _):
            var items = try sequence(node)
            if let index = items.firstIndex(where: { matchesKeys($0, matches) }) {
                try set(&items[index], rest, to: value, append: append)
            } else {
                let keys = matches.map { match in
                    var key = self.node(match.value)
                    key.start = value.start
                    key.end = value.end
                    return Node.Pair(key: keyNode(match.label.name, at: SourceRange(start: value.start, end: value.end)), value: key)
                }
                var element = Node(content: .mapping(keys), start: value.start, end: value.end)
                try set(&element, rest, to: value, append: append)
                items.append(element)
            }
            node.content = .sequence(items)
        case .index(let n):
            var items = try sequence(node)
            guard let i = Int(n.text), items.indices.contains(i) else {
                throw Failure(message: "the list has \(items.count) elements, so [\(n.text)] does not exist")
            }
            try set(&items[i], rest, to: value, append: append)
            node.content = .sequence(items)
        case .every:
            throw Failure(message: "[*] cannot be patched")
        }
    }

    /// The node at `steps` below `node`, if there is one.
    static func lookup(_ node: Node, _ steps: ArraySlice<Path.Step>) -> Node? {
        guard let step = steps.first else { return node }
        switch step {
        case .field(let label):
            guard let child = node.mapping?.first(where: { $0.key.string == label.name })?.value else { return nil }
            return lookup(child, steps.dropFirst())
        case .key(let matches, _):
            guard let child = node.sequence?.first(where: { matchesKeys($0, matches) }) else { return nil }
            return lookup(child, steps.dropFirst())
        case .index(let n):
            guard let items = node.sequence, let i = Int(n.text), items.indices.contains(i) else { return nil }
            return lookup(items[i], steps.dropFirst())
        case .every:
            return nil
        }
    }

    /// Removes the node at `steps`; nothing happens when it is already absent.
    static func delete(_ node: inout Node, _ steps: ArraySlice<Path.Step>) throws(Failure) {
        guard let step = steps.first else { return }
        let last = steps.count == 1
        switch step {
        case .field(let label):
            guard case .mapping(var pairs) = node.content,
                let index = pairs.firstIndex(where: { $0.key.string == label.name })
            else { return }
            if last { pairs.remove(at: index) } else { try delete(&pairs[index].value, steps.dropFirst()) }
            node.content = .mapping(pairs)
        case .key(let matches, _):
            guard case .sequence(var items) = node.content, let index = items.firstIndex(where: { matchesKeys($0, matches) })
            else { return }
            if last { items.remove(at: index) } else { try delete(&items[index], steps.dropFirst()) }
            node.content = .sequence(items)
        case .index(let n):
            guard case .sequence(var items) = node.content, let i = Int(n.text), items.indices.contains(i) else { return }
            if last { items.remove(at: i) } else { try delete(&items[i], steps.dropFirst()) }
            node.content = .sequence(items)
        case .every:
            throw Failure(message: "[*] cannot be patched")
        }
    }

    private static func mapping(_ node: Node, at label: Label) throws(Failure) -> [Node.Pair] {
        switch node.content {
        case .mapping(let pairs): return pairs
        case .scalar(let s) where s.value == .null: return []
        default: throw Failure(message: "field \(label.name) needs a mapping, but the object has a \(node.kindDescription) here")
        }
    }

    private static func sequence(_ node: Node) throws(Failure) -> [Node] {
        switch node.content {
        case .sequence(let items): return items
        case .scalar(let s) where s.value == .null: return []
        default: throw Failure(message: "a list selector needs a list, but the object has a \(node.kindDescription) here")
        }
    }

    /// An empty node of the shape the next step needs (a null for the last step).
    private static func empty(for step: Path.Step?, at value: Node) -> Node {
        let content: Node.Content
        switch step {
        case .field?: content = .mapping([])
        case .key?, .index?, .every?: content = .sequence([])
        case nil: content = .scalar(Node.Scalar(text: "null", style: .plain, value: .null))
        }
        return Node(content: content, start: value.start, end: value.end)
    }

    /// True when `element` is a mapping whose key fields have the selector's values.
    static func matches(_ element: Node, _ matches: [Path.KeyMatch]) -> Bool { matchesKeys(element, matches) }

    /// True when `element` is a mapping whose key fields have the selector's values.
    private static func matchesKeys(_ element: Node, _ matches: [Path.KeyMatch]) -> Bool {
        matches.allSatisfy { match in
            guard let text = element.text(at: [match.label.name]) else { return false }
            switch match.value.kind {
            case .string(let s): return text == s.value
            case .number(let n): return text == n.text
            case .bool(let b): return text == (b ? "true" : "false")
            case .null: return text == "null" || text == "~" || text.isEmpty
            case .list, .object: return false
            }
        }
    }
}
