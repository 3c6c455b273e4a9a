/// A name as written (an IDENT token): a type, package, import or environment name, or a CEL
/// identifier.
struct Ident: Sendable, Hashable {
    var name: String
    var range: SourceRange
}

/// A possibly qualified type name: `int`, `apps.Deployment`.
struct QualIdent: Sendable, Hashable {
    var parts: [Ident]
    var range: SourceRange

    /// The name with its qualifiers, joined by dots.
    var dotted: String { parts.map(\.name).joined(separator: ".") }
}

/// A field name in a path, an object value or a key selector: a name, a keyword or a quoted string.
struct Label: Sendable, Hashable {
    /// The field name (for a quoted label, the decoded string).
    var name: String
    /// The label as written (`"app.kubernetes.io/name"` keeps its quotes).
    var text: String
    var range: SourceRange
}

/// A string literal: decoded value plus source spelling (quoted or raw).
struct StringLiteral: Sendable, Hashable {
    var value: String
    var text: String
    var range: SourceRange
}

/// A number as written, optionally negated: `3`, `-1.5`, `8Gi`, `1e3`.
struct NumberLiteral: Sendable, Hashable {
    enum Kind: String, Sendable, Hashable { case int, float, quantity }
    var kind: Kind
    /// The spelling, with a leading `-` for a negated number.
    var text: String
    var range: SourceRange
}
