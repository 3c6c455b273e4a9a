import Foundation

/// JSON patch (RFC 6902): an array of `add`, `remove`, `replace`, `move`, `copy` and `test` operations
/// addressed by JSON pointers (RFC 6901).
public enum JSONPatch {
    /// Why a JSON patch could not be applied.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Applies the operations in order; the whole patch fails if any operation fails.
    public static func apply(_ patch: JSONValue, to target: JSONValue) throws(Failure) -> JSONValue {
        guard let operations = patch.arrayValue else { throw Failure(message: "a JSON patch must be an array") }
        var document = target
        for operation in operations {
            guard let op = operation["op"]?.stringValue else { throw Failure(message: "missing op in \(operation.serialized())") }
            guard let pathText = operation["path"]?.stringValue else { throw Failure(message: "missing path in \(op) operation") }
            let path = try pointer(pathText)
            switch op {
            case "add":
                guard let value = operation["value"] else { throw Failure(message: "missing value in add operation") }
                document = try add(value, at: path, in: document)
            case "remove":
                document = try remove(at: path, in: document).0
            case "replace":
                guard let value = operation["value"] else { throw Failure(message: "missing value in replace operation") }
                _ = try get(path, in: document)
                document = try remove(at: path, in: document).0
                document = try add(value, at: path, in: document)
            case "move":
                guard let fromText = operation["from"]?.stringValue else { throw Failure(message: "missing from in move") }
                let (without, value) = try remove(at: try pointer(fromText), in: document)
                document = try add(value, at: path, in: without)
            case "copy":
                guard let fromText = operation["from"]?.stringValue else { throw Failure(message: "missing from in copy") }
                document = try add(try get(try pointer(fromText), in: document), at: path, in: document)
            case "test":
                guard let value = operation["value"] else { throw Failure(message: "missing value in test operation") }
                let actual = try get(path, in: document)
                guard numericallyEqual(actual, value) else {
                    throw Failure(message: "testing value \(pathText) failed")
                }
            default:
                throw Failure(message: "unexpected kind: \(op)")
            }
        }
        return document
    }

    static func numericallyEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.intValue, let y = b.intValue, case .int = a, case .int = b { return x == y }
        switch (a, b) {
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(numericallyEqual)
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { k, v in y[k].map { numericallyEqual(v, $0) } ?? false }
        default: return a == b
        }
    }

    /// Splits a JSON pointer into unescaped tokens.
    static func pointer(_ text: String) throws(Failure) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw Failure(message: "JSON pointer must be empty or start with a \"/\": \(text)") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func index(_ token: String, count: Int, allowEnd: Bool) throws(Failure) -> Int {
        if allowEnd && token == "-" { return count }
        guard let i = Int(token), i >= 0, String(i) == token, allowEnd ? i <= count : i < count else {
            throw Failure(message: "invalid array index \(token)")
        }
        return i
    }

    static func get(_ path: [String], in document: JSONValue) throws(Failure) -> JSONValue {
        var current = document
        for token in path {
            switch current {
            case .object(let members):
                guard let next = members[token] else { throw Failure(message: "path not found: \(token)") }
                current = next
            case .array(let items):
                current = items[try index(token, count: items.count, allowEnd: false)]
            default:
                throw Failure(message: "path not found: \(token)")
            }
        }
        return current
    }

    static func add(_ value: JSONValue, at path: [String], in document: JSONValue) throws(Failure) -> JSONValue {
        guard let token = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var members):
            if rest.isEmpty {
                members[token] = value
            } else {
                guard let child = members[token] else { throw Failure(message: "missing path: \(token)") }
                members[token] = try add(value, at: rest, in: child)
            }
            return .object(members)
        case .array(var items):
            if rest.isEmpty {
                items.insert(value, at: try index(token, count: items.count, allowEnd: true))
            } else {
                let i = try index(token, count: items.count, allowEnd: false)
                items[i] = try add(value, at: rest, in: items[i])
            }
            return .array(items)
        default:
            throw Failure(message: "cannot add at \(token): parent is not a container")
        }
    }

    static func remove(at path: [String], in document: JSONValue) throws(Failure) -> (JSONValue, JSONValue) {
        guard let token = path.first else { throw Failure(message: "cannot remove the whole document") }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var members):
            guard let child = members[token] else { throw Failure(message: "unable to remove nonexistent key: \(token)") }
            if rest.isEmpty {
                members[token] = nil
                return (.object(members), child)
            }
            let (updated, removed) = try remove(at: rest, in: child)
            members[token] = updated
            return (.object(members), removed)
        case .array(var items):
            let i = try index(token, count: items.count, allowEnd: false)
            if rest.isEmpty {
                let removed = items.remove(at: i)
                return (.array(items), removed)
            }
            let (updated, removed) = try remove(at: rest, in: items[i])
            items[i] = updated
            return (.array(items), removed)
        default:
            throw Failure(message: "cannot remove \(token): parent is not a container")
        }
    }
}
