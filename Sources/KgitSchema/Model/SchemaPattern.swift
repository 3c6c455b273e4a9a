/// A compiled regular expression from a schema's `pattern`, with its source text.
///
/// Regex values are immutable once compiled and matching does not mutate them, so sharing one across
/// threads is safe.
public final class SchemaPattern: @unchecked Sendable {
    /// The pattern as written in the schema.
    public let source: String
    private let regex: Regex<AnyRegexOutput>

    /// Compiles `source`; throws when it is not a valid regular expression.
    public init(_ source: String) throws {
        self.source = source
        self.regex = try Regex(source)
    }

    /// True when the pattern matches somewhere in `text` (JSON Schema patterns are not anchored).
    public func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}
