extension Token {
    /// The class of a token; the raw value is its terminal's name in `grammar/kgl.ebnf`.
    enum Kind: String, Sendable, Hashable, CaseIterable {
        case ident = "IDENT", string = "STRING", int = "INT", float = "FLOAT", quantity = "QUANTITY"
        case sep = "SEP", eof = "EOF"

        // Keywords.
        case kwPackage = "package", kwImport = "import", kwSha256 = "sha256", kwType = "type", kwElse = "else"
        case kwKeyed = "keyed", kwSet = "set", kwAtomic = "atomic", kwRule = "rule", kwAt = "at", kwWhen = "when"
        case kwBind = "bind", kwEnv = "env", kwExtends = "extends", kwPatch = "patch", kwRequire = "require"
        case kwAdd = "add", kwDelete = "delete", kwFinal = "final", kwIn = "in"
        case kwTrue = "true", kwFalse = "false", kwNull = "null"

        // Punctuation.
        case lbrace = "{", rbrace = "}", lbracket = "[", rbracket = "]", lparen = "(", rparen = ")"
        case comma = ",", colon = ":", question = "?", dot = ".", dotDot = "..", ellipsis = "..."
        case assign = "=", plusAssign = "+=", arrow = "=>", equal = "==", notEqual = "!="
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", match = "=~", notMatch = "!~"
        case amp = "&", pipe = "|", ampAmp = "&&", pipePipe = "||", bang = "!"
        case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"

        /// The keyword spelled `text`, if it is one.
        static func keyword(_ text: String) -> Kind? { keywords[text] }

        private static let keywords: [String: Kind] = {
            var table: [String: Kind] = [:]
            for kind in Kind.allCases where kind.isKeyword { table[kind.rawValue] = kind }
            return table
        }()

        /// True for the reserved words (`type`, `env`, `true`...).
        var isKeyword: Bool {
            guard let first = rawValue.unicodeScalars.first else { return false }
            return rawValue != rawValue.uppercased() && ("a"..."z").contains(Character(first))
        }

        /// True when a line break after this token ends a member (so the lexer makes it a SEP).
        var endsLine: Bool {
            switch self {
            case .ident, .string, .int, .float, .quantity, .rparen, .rbracket, .rbrace, .ellipsis: return true
            default: return isKeyword
            }
        }

        /// How a diagnostic names this kind of token: `'{'`, `keyword 'type'`, `a name`.
        var displayName: String {
            switch self {
            case .ident: return "a name"
            case .string: return "a string"
            case .int, .float: return "a number"
            case .quantity: return "a quantity"
            case .sep: return "a separator"
            case .eof: return "end of file"
            default: return isKeyword ? "keyword '\(rawValue)'" : "'\(rawValue)'"
            }
        }
    }
}
