/// A compiled regular expression from a schema's `pattern`, with its source text.
///
/// Patterns have the syntax and meaning Kubernetes gives them: Go's `regexp` (RE2). `RE2Syntax` refuses
/// what RE2 does not support (backreferences, lookaround, possessive quantifiers...) and spells out for
/// Swift's `Regex` what the two dialects read differently; matching is by Unicode scalar, as RE2
/// matches runes.
///
/// Regex values are immutable once compiled and matching does not mutate them, so sharing one across
/// threads is safe.
public final class SchemaPattern: @unchecked Sendable {
    /// Why a pattern cannot be used.
    public struct InvalidPattern: Error, CustomStringConvertible {
        /// The pattern as written.
        public var source: String
        /// What is wrong, as a phrase that follows "the pattern `...`".
        public var reason: String
        /// "the pattern `...` <reason>".
        public var description: String { "the pattern `\(source)` \(reason)" }
    }

    /// The pattern as written in the schema.
    public let source: String
    private let regex: Regex<AnyRegexOutput>

    /// Compiles `source` as an RE2 pattern.
    /// - Throws: `InvalidPattern` when RE2 would not accept it.
    public init(_ source: String) throws(InvalidPattern) {
        self.source = source
        let translated: String
        do throws(RE2Syntax.Unsupported) {
            translated = try RE2Syntax.translate(source)
        } catch {
            throw InvalidPattern(source: source, reason: error.reason)
        }
        do {
            self.regex = try Regex(translated).matchingSemantics(.unicodeScalar).wordBoundaryKind(.simple)
                .asciiOnlyWordCharacters()
        } catch {
            throw InvalidPattern(source: source, reason: "is not a valid regular expression")
        }
    }

    /// True when the pattern matches somewhere in `text` (JSON Schema patterns are not anchored).
    public func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}
