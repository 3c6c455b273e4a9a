/// A parsed JSON value, as the schema compiler reads it.
///
/// Objects keep their members in source order as key/value pairs; schema objects are small, so a
/// linear lookup is faster than hashing.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// The member named `key`, when this is an object that has it.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for (name, value) in members where name == key { return value }
        return nil
    }

    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var number: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// A non-negative whole number that fits in `Int` (a length or a count); nil for anything else,
    /// so a schema saying `maxLength: 1e300` or `-1` cannot trap the compiler.
    var count: Int? {
        guard case .number(let n) = self, n.isFinite, n >= 0, n < 9.0e18, n == n.rounded() else { return nil }
        return Int(n)
    }

    var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    var members: [(String, JSONValue)]? {
        if case .object(let m) = self { return m }
        return nil
    }

    /// The strings of an array of strings (non-strings are dropped); nil when this is not an array.
    var strings: [String]? {
        guard case .array(let items) = self else { return nil }
        return items.compactMap(\.string)
    }
}
