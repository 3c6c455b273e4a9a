import Foundation
import KgitAPIMachinery

/// Typed, path-aware reads of a Kubernetes object decoded as a ``JSONValue``.
///
/// A missing field or `null` reads as absent; a field of the wrong type throws an
/// ``ObjectDecodingError`` naming the object and the field path.
struct JSONReader {
    let root: JSONValue
    let object: String
    /// Where `root` sits in the object, for error paths (`["spec", "template"]`).
    let prefix: [String]

    init(_ root: JSONValue, object: String, prefix: [String] = []) {
        self.root = root
        self.object = object
        self.prefix = prefix
    }

    func fail(_ path: [String], _ message: String) -> ObjectDecodingError {
        let components = prefix + path
        var field = ""
        for c in components { field += c.hasPrefix("[") ? c : "." + c }
        return ObjectDecodingError(object: object, field: field.isEmpty ? "." : field, message: message)
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return "boolean \(b)"
        case .int(let i): return "integer \(i)"
        case .double(let d): return "number \(d)"
        case .string(let s): return "string \"\(s)\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    func value(_ path: [String]) -> JSONValue? {
        guard let v = root.value(at: path), !v.isNull else { return nil }
        return v
    }

    func string(_ path: [String]) throws(ObjectDecodingError) -> String? {
        guard let v = value(path) else { return nil }
        guard let s = v.stringValue else { throw fail(path, "expected a string, found \(Self.describe(v))") }
        return s
    }

    func int(_ path: [String]) throws(ObjectDecodingError) -> Int? {
        guard let v = value(path) else { return nil }
        guard let i = v.intValue, let n = Int(exactly: i) else {
            throw fail(path, "expected an integer, found \(Self.describe(v))")
        }
        return n
    }

    func bool(_ path: [String]) throws(ObjectDecodingError) -> Bool? {
        guard let v = value(path) else { return nil }
        guard let b = v.boolValue else { throw fail(path, "expected a boolean, found \(Self.describe(v))") }
        return b
    }

    func array(_ path: [String]) throws(ObjectDecodingError) -> [JSONValue] {
        guard let v = value(path) else { return [] }
        guard let a = v.arrayValue else { throw fail(path, "expected an array, found \(Self.describe(v))") }
        return a
    }

    func object(_ path: [String]) throws(ObjectDecodingError) -> [String: JSONValue]? {
        guard let v = value(path) else { return nil }
        guard let o = v.objectValue else { throw fail(path, "expected an object, found \(Self.describe(v))") }
        return o
    }

    func stringMap(_ path: [String]) throws(ObjectDecodingError) -> [String: String] {
        guard let members = try object(path) else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in members {
            if v.isNull { continue }
            guard let s = v.stringValue else {
                throw fail(path + [k], "expected a string, found \(Self.describe(v))")
            }
            out[k] = s
        }
        return out
    }

    func time(_ path: [String]) throws(ObjectDecodingError) -> Date? {
        guard let s = try string(path) else { return nil }
        guard let d = RFC3339.parse(s) else { throw fail(path, "expected an RFC 3339 time, found \"\(s)\"") }
        return d
    }

    /// A reader of a nested value at `path` below this one (`["[2]"]` for an array element),
    /// keeping the full path for errors.
    func child(_ value: JSONValue, at path: [String]) -> JSONReader {
        JSONReader(value, object: object, prefix: prefix + path)
    }

    /// Readers of each element of the array at `path`.
    func elements(_ path: [String]) throws(ObjectDecodingError) -> [JSONReader] {
        try array(path).enumerated().map { child($0.element, at: path + ["[\($0.offset)]"]) }
    }
}
