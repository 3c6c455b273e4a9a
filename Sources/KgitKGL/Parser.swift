import KgitSchema
import KgitYAML

/// The hand-written recursive-descent parser for KGL.
///
/// It has one function per production of `grammar/kgl.ebnf`, named `parse` + the production's
/// name (`Module` is `parseModule`); `grammar/README.md` lists the mapping, and a test checks it.
/// Each function starts at the first token of its production and stops after its last, choosing
/// among alternatives by the current token only (the grammar is LL(1)).
///
/// Errors and recovery: a function that finds a token the grammar does not allow throws
/// `SyntaxError`. The loops over list-like productions (declarations, block members, patch
/// statements, object fields...) catch it, record one diagnostic, skip to the next SEP or closing
/// brace at their own nesting level, and go on, so one run reports independent errors. At most one
/// diagnostic is kept per token, which keeps a single mistake from cascading. Nesting is bounded by
/// `maxNesting`, so no input can exhaust the stack.
struct Parser {
    /// A syntax error on its way to the nearest recovery point.
    struct SyntaxError: Error {
        var diagnostic: Diagnostic
    }

    /// How deeply blocks, lists, parentheses and unary operators may nest.
    static let maxNesting = 64

    let file: String
    var tokens: [Token]
    var position = 0
    /// The `{`, `(`, `[` tokens consumed and not yet closed, innermost last. A closer closes its
    /// nearest matching opener and any unclosed ones inside it, as the lexer does.
    var openers: [Token.Kind] = []
    var bracketDepth: Int { openers.count }
    var nesting = 0
    var diagnostics: [Diagnostic] = []
    private var reportedOffsets: Set<Int> = []

    init(tokens: [Token], file: String) {
        self.tokens = tokens.isEmpty ? [Token(kind: .eof, text: "", value: "", range: .at(Mark(line: 1, column: 1, offset: 0)))] : tokens
        self.file = file
    }

    // MARK: - Token access

    var current: Token { tokens[min(position, tokens.count - 1)] }
    var kind: Token.Kind { current.kind }

    func peekKind(_ ahead: Int) -> Token.Kind { tokens[min(position + ahead, tokens.count - 1)].kind }

    /// The end of the last consumed token (the start of the file before any).
    var previousEnd: Mark {
        position > 0 ? tokens[min(position, tokens.count) - 1].range.end : current.range.start
    }

    /// Consumes the current token (never moves past EOF).
    @discardableResult
    mutating func advance() -> Token {
        let token = current
        switch token.kind {
        case .lbrace, .lparen, .lbracket: openers.append(token.kind)
        case .rbrace, .rparen, .rbracket:
            let opener: Token.Kind = token.kind == .rbrace ? .lbrace : token.kind == .rparen ? .lparen : .lbracket
            if let at = openers.lastIndex(of: opener) { openers.removeSubrange(at...) }
        case .eof: return token
        default: break
        }
        position += 1
        return token
    }

    /// Consumes the current token if it is `kind`.
    mutating func accept(_ kind: Token.Kind) -> Token? {
        self.kind == kind ? advance() : nil
    }

    /// Consumes a token of `kind`, or throws "expected `what`".
    @discardableResult
    mutating func expect(_ kind: Token.Kind, _ what: String? = nil) throws(SyntaxError) -> Token {
        if self.kind == kind { return advance() }
        throw unexpected(expected: what ?? kind.displayName)
    }

    /// Consumes the closer of `opener`, or throws; at EOF the error names the unclosed opener.
    @discardableResult
    mutating func expectClosing(_ kind: Token.Kind, of opener: Token) throws(SyntaxError) -> Token {
        if self.kind == kind { return advance() }
        if self.kind == .eof {
            throw SyntaxError(
                diagnostic: Diagnostic(
                    .unclosedDelimiter, "expected '\(kind.rawValue)' before end of file", file: file,
                    range: current.range,
                    notes: ["'\(opener.kind.rawValue)' opened at \(file):\(opener.range.start)"]))
        }
        throw unexpected(expected: "'\(kind.rawValue)'")
    }

    /// The error for the current token, which is not what the grammar allows here.
    func unexpected(expected: String, code: KGLDiagnosticCode = .unexpectedToken) -> SyntaxError {
        SyntaxError(
            diagnostic: Diagnostic(
                code, "expected \(expected), found \(describe(current))", file: file, range: current.range))
    }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .sep:
            switch token.text {
            case "\n": return "end of line"
            case "": return "end of file"
            default: return "'\(token.text)'"
            }
        case .ident: return "'\(token.text)'"
        case .string, .int, .float, .quantity:
            let text = token.text.count > 40 ? String(token.text.prefix(37)) + "..." : token.text
            return "\(token.kind.displayName) \(text)"
        default: return token.kind.displayName
        }
    }

    /// Runs `body` one level deeper, failing when nesting would exceed `maxNesting`.
    mutating func nested<T>(_ body: (inout Parser) throws(SyntaxError) -> T) throws(SyntaxError) -> T {
        guard nesting < Parser.maxNesting else {
            throw SyntaxError(
                diagnostic: Diagnostic(
                    .nestingTooDeep, "nesting deeper than \(Parser.maxNesting) levels", file: file,
                    range: current.range))
        }
        nesting += 1
        defer { nesting -= 1 }
        return try body(&self)
    }

    // MARK: - Recovery

    /// Records `error` unless a diagnostic was already recorded at its position.
    mutating func report(_ error: SyntaxError) {
        guard reportedOffsets.insert(error.diagnostic.start.offset).inserted else { return }
        diagnostics.append(error.diagnostic)
    }

    /// Skips to the next SEP or `}` at bracket depth `depth` (or EOF), after an error in a list item.
    mutating func synchronize(toDepth depth: Int) {
        while kind != .eof {
            if kind == .sep, bracketDepth <= depth { return }
            if depth == 0, bracketDepth == 0, startsDeclarationLine { return }
            if kind == .rbrace, let at = openers.lastIndex(of: .lbrace), at < depth { return }
            advance()
        }
    }

    /// True when the current token is a top-level keyword at the start of a line: after an error
    /// whose line did not end (a trailing operator), a new declaration still starts there.
    private var startsDeclarationLine: Bool {
        guard [.kwType, .kwBind, .kwEnv, .kwImport, .kwPackage].contains(kind), position > 0 else { return false }
        return tokens[position - 1].range.end.line < current.range.start.line
    }

    /// Parses a SEP-separated list of items up to `closer` (not consumed), recovering from errors
    /// in single items. `isItemStart` tells whether the current token can begin an item.
    mutating func parseSeparatedList<Item>(
        until closer: Token.Kind, item: (inout Parser) throws(SyntaxError) -> Item
    ) -> [Item] {
        var items: [Item] = []
        let depth = bracketDepth
        if kind == closer || kind == .eof { return items }
        while true {
            do throws(SyntaxError) {
                items.append(try item(&self))
                if kind != .sep && kind != closer { throw unexpected(expected: "a line break, ',' or '\(closer.rawValue)'") }
            } catch {
                report(error)
                let start = position
                synchronize(toDepth: depth)
                if position == start, kind != .sep, kind != closer { advance() }
            }
            if kind == .sep, bracketDepth <= depth {
                advance()
                // A SEP before the closer only survives error recovery (the lexer drops it otherwise);
                // at EOF, the caller reports the unclosed delimiter.
                if kind == closer || kind == .eof { return items }
                continue
            }
            return items
        }
    }

    // MARK: - Shared small productions

    /// `QualIdent ::= IDENT ( '.' IDENT )*`.
    mutating func parseQualIdent() throws(SyntaxError) -> QualIdent {
        var parts = [ident(try expect(.ident, "a type name"))]
        while kind == .dot {
            advance()
            parts.append(ident(try expect(.ident, "a name after '.'")))
        }
        return QualIdent(parts: parts, range: parts[0].range.union(parts[parts.count - 1].range))
    }

    func ident(_ token: Token) -> Ident { Ident(name: token.text, range: token.range) }

    func stringLiteral(_ token: Token) -> StringLiteral {
        StringLiteral(value: token.value, text: token.text, range: token.range)
    }

    /// The range from `start` to the end of the last consumed token.
    func range(from start: Mark) -> SourceRange { SourceRange(start: start, end: max(start, previousEnd)) }
}
