/// The stable codes of KGL diagnostics, each with the paragraph `kgit explain CODE` prints.
///
/// Codes follow the project's convention (kebab-case, as `KgitSchema.DiagnosticCode` does for
/// manifests), with a `kgl-` prefix so the two catalogs never collide. A code never changes meaning
/// once released; a retired code stays in the catalog, marked so.
public enum KGLDiagnosticCode: String, Sendable, CaseIterable {
    case invalidCharacter = "kgl-invalid-character"
    case unterminatedString = "kgl-unterminated-string"
    case invalidEscape = "kgl-invalid-escape"
    case invalidNumber = "kgl-invalid-number"

    case unexpectedToken = "kgl-unexpected-token"
    case unclosedDelimiter = "kgl-unclosed-delimiter"
    case nestingTooDeep = "kgl-nesting-too-deep"
    case misplacedDeclaration = "kgl-misplaced-declaration"

    /// The code as printed in diagnostics (`kgl-unexpected-token`).
    public var code: String { rawValue }

    /// A few words naming the problem.
    public var title: String {
        switch self {
        case .invalidCharacter: return "invalid character"
        case .unterminatedString: return "unterminated string"
        case .invalidEscape: return "invalid escape sequence"
        case .invalidNumber: return "invalid number"
        case .unexpectedToken: return "unexpected token"
        case .unclosedDelimiter: return "unclosed delimiter"
        case .nestingTooDeep: return "nesting too deep"
        case .misplacedDeclaration: return "misplaced declaration"
        }
    }

    /// What the code means, why it is an error, and how to fix it: the text of `kgit explain CODE`.
    public var explanation: String {
        switch self {
        case .invalidCharacter:
            return """
                The source holds a character that cannot start any KGL token, such as `@`, `$` or a \
                non-ASCII letter outside a string or comment. Names are ASCII letters, digits and `_`; \
                put anything else inside a quoted string ("app.kubernetes.io/name") or a comment.
                """
        case .unterminatedString:
            return """
                A string was opened but not closed on the same line. Strings do not span lines: close \
                the `"` (or, for a raw string such as #"a\\d"#, the `"` followed by as many `#` as it \
                opened with) before the end of the line, and write a line break inside a string as `\\n`.
                """
        case .invalidEscape:
            return """
                A backslash inside a double-quoted string starts an escape, and only `\\"`, `\\\\`, \
                `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\u{1F600}` (one to six hex digits naming a \
                Unicode scalar) are escapes. For regular expressions, which are full of backslashes, use \
                a raw string: #"^\\d+$"#.
                """
        case .invalidNumber:
            return """
                A number is followed by letters that are not a Kubernetes quantity suffix. The binary \
                suffixes are Ki Mi Gi Ti Pi Ei, the decimal ones n u m k M G T P E, as in `8Gi` or \
                `500m`. Durations and other unit-bearing values are strings: write "30s".
                """
        case .unexpectedToken:
            return """
                The parser found a token where the grammar does not allow it; the message says what \
                it expected instead. A frequent cause is a line break in the middle of an expression: \
                a newline ends a member unless the line ends with an operator, so break long lines \
                after `&`, `|`, `&&` or `||`, not before. grammar/kgl.ebnf is the full syntax.
                """
        case .unclosedDelimiter:
            return """
                The file ended while a `{`, `[` or `(` was still open. The note points at the opening \
                delimiter; add its closing partner where the construct ends.
                """
        case .nestingTooDeep:
            return """
                Blocks, lists, parentheses or expressions are nested more deeply than the parser \
                allows (a fixed bound that keeps checking fast and safe on any input). Name the inner \
                parts with `type` declarations instead of nesting them inline.
                """
        case .misplacedDeclaration:
            return """
                A file starts with an optional `package` clause, then its `import` declarations, then \
                its `type`, `bind` and `env` declarations. A `package` clause after anything else, or \
                an `import` after a declaration, is an error: move it to the top of the file.
                """
        }
    }

    /// The code whose printed form is `code` (case-insensitive), if any.
    public init?(code: String) {
        self.init(rawValue: code.lowercased())
    }

    /// True for errors found while reading characters into tokens (before any grammar applies).
    public var isLexical: Bool {
        switch self {
        case .invalidCharacter, .unterminatedString, .invalidEscape, .invalidNumber: return true
        default: return false
        }
    }
}
