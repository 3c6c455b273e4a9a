/// Constraints on a string value.
public struct StringSchema: Sendable {
    /// The `format` (`date-time`, `byte`, `int-or-string`...), kept as declared; the validator checks
    /// the formats it knows (`date-time`, `byte`) and accepts the others.
    public var format: String?
    /// A regular expression the whole string must match somewhere (JSON Schema semantics: unanchored).
    public var pattern: SchemaPattern?
    /// Fewest characters allowed.
    public var minLength: Int?
    /// Most characters allowed.
    public var maxLength: Int?

    public init(format: String? = nil, pattern: SchemaPattern? = nil, minLength: Int? = nil, maxLength: Int? = nil) {
        self.format = format
        self.pattern = pattern
        self.minLength = minLength
        self.maxLength = maxLength
    }
}
