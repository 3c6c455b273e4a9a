import KgitYAML

extension Node {
    /// The value of the mapping entry whose key is the scalar `key`, when this node is a mapping.
    ///
    /// Unlike `Node.subscript(_:)` it scans the entries in place and copies only the value it returns,
    /// which matters on the validator's hot path.
    func member(_ key: String) -> Node? {
        guard case .mapping(let pairs) = content, let index = pairs.index(ofKey: key) else { return nil }
        // Through a buffer pointer: `pairs[index]` would copy the whole entry (key and value) first.
        return pairs.withUnsafeBufferPointer { $0[index].value }
    }

    /// The text of the scalar value of the mapping entry `key`, unless it is null; nil otherwise.
    /// Reads the scalar in place, without copying its node.
    func memberText(_ key: String) -> String? {
        guard case .mapping(let pairs) = content, let index = pairs.index(ofKey: key) else { return nil }
        return pairs.withUnsafeBufferPointer { entries in
            guard case .scalar(let scalar) = entries[index].value.content, !scalar.isNull else { return nil }
            return scalar.text
        }
    }

    /// The text of the scalar value of the mapping entry `key`, whatever it resolved to (`member(key)?.string`
    /// without copying the node); nil when there is no such entry or its value is not a scalar.
    func rawMemberText(_ key: String) -> String? {
        guard case .mapping(let pairs) = content, let index = pairs.index(ofKey: key) else { return nil }
        return pairs.withUnsafeBufferPointer { entries in
            guard case .scalar(let scalar) = entries[index].value.content else { return nil }
            return scalar.text
        }
    }

    /// The value of the mapping entry `key` when it is a scalar that resolved to an integer
    /// (`member(key)?.intValue` without copying the node).
    func memberInt(_ key: String) -> Int? {
        guard case .mapping(let pairs) = content, let index = pairs.index(ofKey: key) else { return nil }
        return pairs.withUnsafeBufferPointer { entries in
            guard case .scalar(let scalar) = entries[index].value.content, case .int(let value) = scalar.value else { return nil }
            return value
        }
    }

    /// `memberText(key)` of the mapping entry `parent` (`memberText("name", in: "metadata")`).
    func memberText(_ key: String, in parent: String) -> String? {
        guard case .mapping(let pairs) = content, let index = pairs.index(ofKey: parent) else { return nil }
        return pairs.withUnsafeBufferPointer { $0[index].value.memberText(key) }
    }

    /// The value of the mapping entry `key` under each mapping in turn (`member("spec", "template")`).
    func member(_ key: String, _ more: String...) -> Node? {
        var node = member(key)
        for next in more { node = node?.member(next) }
        return node
    }
}

extension Node {
    /// The value of the mapping entry `key` of the node at `node`, in place (`member(key)` without copying
    /// either node); nil when there is no such entry or the node is not a mapping.
    ///
    /// The pointer points into the tree's own storage: use it only while the tree is alive and unchanged
    /// (as `NodeValidator.entries(of:)`).
    static func member(_ key: String, of node: UnsafePointer<Node>) -> UnsafePointer<Node>? {
        guard let entries = NodeValidator.entries(of: node), let index = entries.index(ofKey: key),
            let base = entries.baseAddress
        else { return nil }
        let offset = MemoryLayout<Node.Pair>.offset(of: \Node.Pair.value) ?? MemoryLayout<Node>.stride
        return (UnsafeRawPointer(base + index) + offset).assumingMemoryBound(to: Node.self)
    }
}

extension Node {
    /// `memberText(key)` of the node at `node`, in place (neither node is copied).
    static func memberText(_ key: String, of node: UnsafePointer<Node>) -> String? {
        guard let value = member(key, of: node), case .scalar = value.pointee.content,
            case .scalar(let scalar) = value.pointee.content, !scalar.isNull
        else { return nil }
        return scalar.text
    }
}

extension Node {
    /// The items of the sequence at `node`, read in place; nil when the node is not a sequence.
    ///
    /// Like `NodeValidator.entries(of:)`, the buffer points into the tree's own storage: use it only
    /// while the tree is alive and unchanged.
    static func items(of node: UnsafePointer<Node>) -> UnsafeBufferPointer<Node>? {
        guard case .sequence(let items) = node.pointee.content else { return nil }
        return items.withUnsafeBufferPointer { $0 }
    }
}

extension Array where Element == Node.Pair {
    /// The index of the entry whose key is the scalar `key`.
    func index(ofKey key: String) -> Int? {
        // Through a buffer pointer, so that no entry (two whole nodes) is copied to look at its key.
        withUnsafeBufferPointer { $0.index(ofKey: key) }
    }
}

extension UnsafeBufferPointer where Element == Node.Pair {
    /// The index of the entry whose key is the scalar `key`.
    func index(ofKey key: String) -> Int? {
        // Lengths first: `==` on two different small strings calls into the runtime's comparison, and
        // most keys a lookup passes differ in length from the one it wants.
        let length = key.utf8.count
        for index in indices {
            if case .scalar(let scalar) = self[index].key.content, scalar.text.utf8.count == length, scalar.text == key {
                return index
            }
        }
        return nil
    }
}
