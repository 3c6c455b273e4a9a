/// A grammar in W3C EBNF notation (XML 1.0 section 6), read from text: test-only machinery that
/// lets the tests check `grammar/*.ebnf` and interpret it.
///
/// Supported: `Name ::= expr` productions, `/* comments */`, `|`, juxtaposition, `( )`, postfix
/// `? * +`, `A - B` (exclusion, binding tighter than juxtaposition), quoted terminals `'x'` and
/// `"x"`, character classes `[a-z]` / `[^...]` with `#xN` inside, and `#xN` code points.
struct EBNF: Sendable {
    indirect enum Expr: Hashable, Sendable, CustomStringConvertible {
        /// A quoted terminal: `'type'`.
        case literal(String)
        /// A symbol: a production of this grammar, or an UPPER token class.
        case symbol(String)
        /// A character class, as written between the brackets.
        case charClass(String)
        case codePoint(UInt32)
        case sequence([Expr])
        case choice([Expr])
        case optional(Expr)
        case zeroOrMore(Expr)
        case oneOrMore(Expr)
        case exclusion(Expr, Expr)

        var description: String {
            switch self {
            case .literal(let s): return "'\(s)'"
            case .symbol(let s): return s
            case .charClass(let s): return "[\(s)]"
            case .codePoint(let c): return "#x\(String(c, radix: 16))"
            case .sequence(let items): return "(" + items.map(\.description).joined(separator: " ") + ")"
            case .choice(let items): return "(" + items.map(\.description).joined(separator: " | ") + ")"
            case .optional(let e): return "\(e)?"
            case .zeroOrMore(let e): return "\(e)*"
            case .oneOrMore(let e): return "\(e)+"
            case .exclusion(let a, let b): return "(\(a) - \(b))"
            }
        }

        /// Every symbol and literal inside, in order.
        var references: [Expr] {
            switch self {
            case .literal, .symbol: return [self]
            case .charClass, .codePoint: return []
            case .sequence(let items), .choice(let items): return items.flatMap(\.references)
            case .optional(let e), .zeroOrMore(let e), .oneOrMore(let e): return e.references
            case .exclusion(let a, let b): return a.references + b.references
            }
        }
    }

    struct Production: Hashable, Sendable {
        var name: String
        var expr: Expr
        /// 1-based line of the definition.
        var line: Int
    }

    struct ReadError: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    /// The productions, in file order.
    var productions: [Production]

    /// The production named `name`.
    subscript(name: String) -> Expr? { productions.first { $0.name == name }?.expr }

    var names: [String] { productions.map(\.name) }

    /// True for a token-class name (all upper case: `IDENT`, `SEP`).
    static func isTokenClass(_ name: String) -> Bool {
        name == name.uppercased() && name.first?.isLetter == true
    }

    // MARK: - Reading

    /// Reads grammar text.
    init(_ text: String) throws(ReadError) {
        var reader = Reader(scalars: Array(text.unicodeScalars))
        var productions: [Production] = []
        reader.skipTrivia()
        while !reader.atEnd {
            let line = reader.line
            let name = reader.readName()
            guard !name.isEmpty else { throw ReadError(line: line, message: "expected a production name") }
            reader.skipTrivia()
            guard reader.consume("::=") else { throw ReadError(line: line, message: "expected '::=' after \(name)") }
            let expr = try reader.readChoice()
            productions.append(Production(name: name, expr: expr, line: line))
            reader.skipTrivia()
        }
        self.productions = productions
    }

    private struct Reader {
        var scalars: [Unicode.Scalar]
        var index = 0
        var line = 1

        var atEnd: Bool { index >= scalars.count }
        func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
            index + ahead < scalars.count ? scalars[index + ahead] : nil
        }

        mutating func advance() {
            if scalars[index] == "\n" { line += 1 }
            index += 1
        }

        mutating func consume(_ text: String) -> Bool {
            let wanted = Array(text.unicodeScalars)
            guard index + wanted.count <= scalars.count, Array(scalars[index..<index + wanted.count]) == wanted else {
                return false
            }
            for _ in wanted { advance() }
            return true
        }

        mutating func skipTrivia() {
            while let c = peek() {
                if c == " " || c == "\t" || c == "\n" || c == "\r" {
                    advance()
                } else if c == "/", peek(1) == "*" {
                    advance()
                    advance()
                    while !atEnd, !(peek() == "*" && peek(1) == "/") { advance() }
                    if !atEnd {
                        advance()
                        advance()
                    }
                } else {
                    return
                }
            }
        }

        static func isNameChar(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_"
        }

        mutating func readName() -> String {
            var name = ""
            while let c = peek(), Reader.isNameChar(c) {
                name.unicodeScalars.append(c)
                advance()
            }
            return name
        }

        /// True when a production definition (`Name ::=`) starts here: the end of the current one.
        func atDefinition() -> Bool {
            var i = index
            while i < scalars.count, Reader.isNameChar(scalars[i]) { i += 1 }
            guard i > index else { return false }
            while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
            return i + 2 < scalars.count && scalars[i] == ":" && scalars[i + 1] == ":" && scalars[i + 2] == "="
        }

        mutating func readChoice() throws(ReadError) -> Expr {
            var alternatives = [try readSequence()]
            while true {
                skipTrivia()
                guard peek() == "|" else { break }
                advance()
                alternatives.append(try readSequence())
            }
            return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
        }

        mutating func readSequence() throws(ReadError) -> Expr {
            var items: [Expr] = []
            while true {
                skipTrivia()
                guard let c = peek(), c != "|", c != ")", !atDefinition() else { break }
                items.append(try readExclusion())
            }
            return items.count == 1 ? items[0] : .sequence(items)
        }

        mutating func readExclusion() throws(ReadError) -> Expr {
            let item = try readPostfix()
            skipTrivia()
            guard peek() == "-" else { return item }
            advance()
            skipTrivia()
            return .exclusion(item, try readPostfix())
        }

        mutating func readPostfix() throws(ReadError) -> Expr {
            var item = try readPrimary()
            while let c = peek() {
                switch c {
                case "?": item = .optional(item)
                case "*": item = .zeroOrMore(item)
                case "+": item = .oneOrMore(item)
                default: return item
                }
                advance()
            }
            return item
        }

        mutating func readPrimary() throws(ReadError) -> Expr {
            guard let c = peek() else { throw ReadError(line: line, message: "unexpected end of grammar") }
            switch c {
            case "'", "\"":
                advance()
                var text = ""
                while let d = peek(), d != c, d != "\n" {
                    text.unicodeScalars.append(d)
                    advance()
                }
                guard peek() == c else { throw ReadError(line: line, message: "unterminated terminal") }
                advance()
                return .literal(text)
            case "(":
                advance()
                let inner = try readChoice()
                skipTrivia()
                guard peek() == ")" else { throw ReadError(line: line, message: "expected ')'") }
                advance()
                return inner
            case "[":
                advance()
                var text = ""
                while let d = peek(), d != "]" || text.isEmpty || text == "^" {
                    text.unicodeScalars.append(d)
                    advance()
                }
                guard peek() == "]" else { throw ReadError(line: line, message: "unterminated character class") }
                advance()
                return .charClass(text)
            case "#":
                guard consume("#x") else { throw ReadError(line: line, message: "expected #x") }
                var digits = ""
                while let d = peek(), d.properties.isASCIIHexDigit {
                    digits.unicodeScalars.append(d)
                    advance()
                }
                guard let value = UInt32(digits, radix: 16) else { throw ReadError(line: line, message: "bad #x") }
                return .codePoint(value)
            default:
                let name = readName()
                guard !name.isEmpty else { throw ReadError(line: line, message: "unexpected '\(c)'") }
                return .symbol(name)
            }
        }
    }
}
