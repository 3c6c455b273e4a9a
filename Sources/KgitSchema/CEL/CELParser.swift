/// Parses the CEL subset kgit evaluates: literals (int, uint, double, string, bytes, bool, null),
/// lists, maps, field selection, indexing, function and method calls (which include the macros),
/// `!` and unary `-`, `* / %`, `+ -`, comparisons and `in`, `&&`, `||` and `?:`.
///
/// Recursion is bounded, so no rule text can exhaust the stack; every error is a `CELError` with its
/// offset.
public enum CELParser {
    /// The deepest nesting of sub-expressions accepted.
    public static let maxDepth = 64
    /// The longest rule text accepted, in characters.
    public static let maxLength = 16_384

    /// Parses `text` as one expression.
    public static func parse(_ text: String) throws(CELError) -> CELExpression {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= maxLength else {
            throw CELError(.syntax, "the rule is longer than \(maxLength) characters", at: 0)
        }
        var parser = Parser(tokens: try Lexer.tokens(scalars))
        let expression = try parser.expression()
        guard case .end = parser.current.kind else {
            throw CELError(.syntax, "unexpected \(parser.current.kind.text) after the end of the expression", at: parser.current.offset)
        }
        return expression
    }

    struct Token {
        enum Kind: Equatable {
            case identifier(String)
            case int(Int)
            case uint(UInt)
            case double(Double)
            case string(String)
            case punct(String)
            case end

            var text: String {
                switch self {
                case .identifier(let s): return "`\(s)`"
                case .int(let i): return "`\(i)`"
                case .uint(let u): return "`\(u)u`"
                case .double(let d): return "`\(d)`"
                case .string: return "a string"
                case .punct(let p): return "`\(p)`"
                case .end: return "the end of the rule"
                }
            }
        }
        var kind: Kind
        var offset: Int
    }

    enum Lexer {
        static let punctuation = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "+", "-", "*", "/", "%", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}"]

        static func tokens(_ s: [Unicode.Scalar]) throws(CELError) -> [Token] {
            var tokens: [Token] = []
            var i = 0
            func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
            func isIdentStart(_ c: Unicode.Scalar) -> Bool { c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
            while i < s.count {
                let c = s[i]
                if c == " " || c == "\t" || c == "\n" || c == "\r" {
                    i += 1
                    continue
                }
                if c == "/", i + 1 < s.count, s[i + 1] == "/" {
                    while i < s.count, s[i] != "\n" { i += 1 }
                    continue
                }
                let start = i
                // Strings, with optional r (raw) or b (bytes) prefixes.
                var raw = false
                var j = i
                if (c == "r" || c == "R" || c == "b" || c == "B"), j + 1 < s.count, s[j + 1] == "\"" || s[j + 1] == "'" {
                    raw = c == "r" || c == "R"
                    j += 1
                }
                if s[j] == "\"" || s[j] == "'" {
                    let quote = s[j]
                    j += 1
                    var value = String.UnicodeScalarView()
                    var closed = false
                    while j < s.count {
                        let d = s[j]
                        if d == quote {
                            closed = true
                            j += 1
                            break
                        }
                        if d == "\n" { break }
                        if d == "\\", !raw {
                            guard j + 1 < s.count else { break }
                            let e = s[j + 1]
                            j += 2
                            switch e {
                            case "n": value.append("\n")
                            case "t": value.append("\t")
                            case "r": value.append("\r")
                            case "\\", "\"", "'", "`", "?": value.append(e)
                            case "u":
                                guard j + 4 <= s.count, let code = UInt32(String(String.UnicodeScalarView(s[j..<(j + 4)])), radix: 16),
                                    let scalar = Unicode.Scalar(code)
                                else { throw CELError(.syntax, "invalid \\u escape", at: j - 2) }
                                value.append(scalar)
                                j += 4
                            default:
                                throw CELError(.syntax, "invalid escape \\\(e)", at: j - 2)
                            }
                            continue
                        }
                        value.append(d)
                        j += 1
                    }
                    guard closed else { throw CELError(.syntax, "unterminated string", at: start) }
                    tokens.append(Token(kind: .string(String(value)), offset: start))
                    i = j
                    continue
                }
                if isDigit(c) || (c == "." && i + 1 < s.count && isDigit(s[i + 1])) {
                    var j = i
                    if c == "0", j + 1 < s.count, s[j + 1] == "x" || s[j + 1] == "X" {
                        j += 2
                        let digitsStart = j
                        while j < s.count, s[j].properties.isASCIIHexDigit { j += 1 }
                        guard let value = Int(String(String.UnicodeScalarView(s[digitsStart..<j])), radix: 16) else {
                            throw CELError(.syntax, "invalid hexadecimal literal", at: start)
                        }
                        if j < s.count, s[j] == "u" || s[j] == "U" {
                            j += 1
                            tokens.append(Token(kind: .uint(UInt(value)), offset: start))
                        } else {
                            tokens.append(Token(kind: .int(value), offset: start))
                        }
                        i = j
                        continue
                    }
                    var isDouble = false
                    while j < s.count, isDigit(s[j]) { j += 1 }
                    if j < s.count, s[j] == ".", j + 1 < s.count, isDigit(s[j + 1]) {
                        isDouble = true
                        j += 1
                        while j < s.count, isDigit(s[j]) { j += 1 }
                    }
                    if j < s.count, s[j] == "e" || s[j] == "E" {
                        var k = j + 1
                        if k < s.count, s[k] == "+" || s[k] == "-" { k += 1 }
                        if k < s.count, isDigit(s[k]) {
                            isDouble = true
                            j = k
                            while j < s.count, isDigit(s[j]) { j += 1 }
                        }
                    }
                    let text = String(String.UnicodeScalarView(s[start..<j]))
                    if isDouble {
                        guard let value = Double(text) else { throw CELError(.syntax, "invalid number \(text)", at: start) }
                        tokens.append(Token(kind: .double(value), offset: start))
                    } else if j < s.count, s[j] == "u" || s[j] == "U" {
                        guard let value = UInt(text) else { throw CELError(.syntax, "integer \(text) is out of range", at: start) }
                        j += 1
                        tokens.append(Token(kind: .uint(value), offset: start))
                    } else {
                        guard let value = Int(text) else { throw CELError(.syntax, "integer \(text) is out of range", at: start) }
                        tokens.append(Token(kind: .int(value), offset: start))
                    }
                    i = j
                    continue
                }
                if isIdentStart(c) {
                    var j = i + 1
                    while j < s.count, isIdentStart(s[j]) || isDigit(s[j]) { j += 1 }
                    tokens.append(Token(kind: .identifier(String(String.UnicodeScalarView(s[i..<j]))), offset: start))
                    i = j
                    continue
                }
                var matched = false
                for p in punctuation {
                    let ps = Array(p.unicodeScalars)
                    if i + ps.count <= s.count, Array(s[i..<(i + ps.count)]) == ps {
                        tokens.append(Token(kind: .punct(p), offset: start))
                        i += ps.count
                        matched = true
                        break
                    }
                }
                if !matched { throw CELError(.syntax, "unexpected character `\(c)`", at: start) }
            }
            tokens.append(Token(kind: .end, offset: s.count))
            return tokens
        }
    }

    struct Parser {
        let tokens: [Token]
        var position = 0
        var depth = 0

        init(tokens: [Token]) { self.tokens = tokens }

        var current: Token { tokens[min(position, tokens.count - 1)] }

        mutating func advance() { position = min(position + 1, tokens.count - 1) }

        func isPunct(_ p: String) -> Bool { current.kind == .punct(p) }

        mutating func accept(_ p: String) -> Bool {
            guard isPunct(p) else { return false }
            advance()
            return true
        }

        mutating func expect(_ p: String) throws(CELError) {
            guard accept(p) else { throw CELError(.syntax, "expected `\(p)`, found \(current.kind.text)", at: current.offset) }
        }

        mutating func enter() throws(CELError) {
            depth += 1
            if depth > CELParser.maxDepth {
                throw CELError(.syntax, "the expression is nested more than \(CELParser.maxDepth) levels deep", at: current.offset)
            }
        }

        mutating func expression() throws(CELError) -> CELExpression {
            try enter()
            defer { depth -= 1 }
            let condition = try or()
            guard isPunct("?") else { return condition }
            advance()
            let then = try or()
            try expect(":")
            let otherwise = try expression()
            return CELExpression(kind: .conditional(condition, then, otherwise), offset: condition.offset)
        }

        mutating func or() throws(CELError) -> CELExpression {
            var left = try and()
            while isPunct("||") {
                let offset = current.offset
                advance()
                let right = try and()
                left = CELExpression(kind: .binary(.or, left, right), offset: offset)
            }
            return left
        }

        mutating func and() throws(CELError) -> CELExpression {
            var left = try relation()
            while isPunct("&&") {
                let offset = current.offset
                advance()
                let right = try relation()
                left = CELExpression(kind: .binary(.and, left, right), offset: offset)
            }
            return left
        }

        mutating func relation() throws(CELError) -> CELExpression {
            var left = try addition()
            while true {
                let op: CELExpression.BinaryOperator
                switch current.kind {
                case .punct("=="): op = .equal
                case .punct("!="): op = .notEqual
                case .punct("<"): op = .less
                case .punct("<="): op = .lessEqual
                case .punct(">"): op = .greater
                case .punct(">="): op = .greaterEqual
                case .identifier("in"): op = .in
                default: return left
                }
                let offset = current.offset
                advance()
                let right = try addition()
                left = CELExpression(kind: .binary(op, left, right), offset: offset)
            }
        }

        mutating func addition() throws(CELError) -> CELExpression {
            var left = try multiplication()
            while isPunct("+") || isPunct("-") {
                let op: CELExpression.BinaryOperator = isPunct("+") ? .add : .subtract
                let offset = current.offset
                advance()
                let right = try multiplication()
                left = CELExpression(kind: .binary(op, left, right), offset: offset)
            }
            return left
        }

        mutating func multiplication() throws(CELError) -> CELExpression {
            var left = try unary()
            while isPunct("*") || isPunct("/") || isPunct("%") {
                let op: CELExpression.BinaryOperator = isPunct("*") ? .multiply : isPunct("/") ? .divide : .remainder
                let offset = current.offset
                advance()
                let right = try unary()
                left = CELExpression(kind: .binary(op, left, right), offset: offset)
            }
            return left
        }

        mutating func unary() throws(CELError) -> CELExpression {
            let offset = current.offset
            if isPunct("!") || isPunct("-") {
                let op: CELExpression.UnaryOperator = isPunct("!") ? .not : .negate
                advance()
                try enter()
                defer { depth -= 1 }
                // `-9223372036854775808` is a literal, not the negation of an out-of-range one.
                if op == .negate, case .int(let value) = current.kind {
                    advance()
                    return try member(CELExpression(kind: .literal(.int(-value)), offset: offset))
                }
                let operand = try unary()
                return CELExpression(kind: .unary(op, operand), offset: offset)
            }
            return try member(try primary())
        }

        mutating func member(_ start: CELExpression) throws(CELError) -> CELExpression {
            var expression = start
            while true {
                if accept(".") {
                    guard case .identifier(let name) = current.kind else {
                        throw CELError(.syntax, "expected a field name after `.`, found \(current.kind.text)", at: current.offset)
                    }
                    let offset = current.offset
                    advance()
                    if isPunct("(") {
                        let arguments = try callArguments()
                        expression = CELExpression(kind: .call(name, target: expression, arguments: arguments), offset: offset)
                    } else {
                        expression = CELExpression(kind: .select(expression, name), offset: offset)
                    }
                } else if isPunct("[") {
                    let offset = current.offset
                    advance()
                    let index = try self.expression()
                    try expect("]")
                    expression = CELExpression(kind: .index(expression, index), offset: offset)
                } else {
                    return expression
                }
            }
        }

        mutating func callArguments() throws(CELError) -> [CELExpression] {
            try expect("(")
            var arguments: [CELExpression] = []
            if accept(")") { return arguments }
            repeat {
                arguments.append(try expression())
            } while accept(",")
            try expect(")")
            return arguments
        }

        mutating func primary() throws(CELError) -> CELExpression {
            let token = current
            switch token.kind {
            case .int(let v):
                advance()
                return CELExpression(kind: .literal(.int(v)), offset: token.offset)
            case .uint(let v):
                advance()
                return CELExpression(kind: .literal(v <= UInt(Int.max) ? .int(Int(v)) : .double(Double(v))), offset: token.offset)
            case .double(let v):
                advance()
                return CELExpression(kind: .literal(.double(v)), offset: token.offset)
            case .string(let v):
                advance()
                return CELExpression(kind: .literal(.string(v)), offset: token.offset)
            case .identifier(let name):
                advance()
                switch name {
                case "true": return CELExpression(kind: .literal(.bool(true)), offset: token.offset)
                case "false": return CELExpression(kind: .literal(.bool(false)), offset: token.offset)
                case "null": return CELExpression(kind: .literal(.null), offset: token.offset)
                default: break
                }
                if isPunct("(") {
                    return CELExpression(kind: .call(name, target: nil, arguments: try callArguments()), offset: token.offset)
                }
                return CELExpression(kind: .identifier(name), offset: token.offset)
            case .punct("("):
                advance()
                let inner = try expression()
                try expect(")")
                return inner
            case .punct("["):
                advance()
                var items: [CELExpression] = []
                while !isPunct("]") {
                    items.append(try expression())
                    if !accept(",") { break }
                }
                try expect("]")
                return CELExpression(kind: .list(items), offset: token.offset)
            case .punct("{"):
                advance()
                var entries: [(CELExpression, CELExpression)] = []
                while !isPunct("}") {
                    let key = try expression()
                    try expect(":")
                    entries.append((key, try expression()))
                    if !accept(",") { break }
                }
                try expect("}")
                return CELExpression(kind: .map(entries), offset: token.offset)
            default:
                throw CELError(.syntax, "expected an expression, found \(token.kind.text)", at: token.offset)
            }
        }
    }
}
