import KgitSchema
import KgitYAML

/// Turns KGL source into the tokens `grammar/kgl.ebnf` is written over, following
/// `grammar/kgl-lexical.ebnf`.
///
/// The lexer never fails: a character it cannot use is reported (`kgl-invalid-character`) and skipped, an
/// unterminated string ends at the line break (`kgl-unterminated-string`), so the parser always gets a token stream
/// ending in EOF. Comments are kept aside, with their positions, for the formatter.
///
/// Separators: see the SEP production in `kgl-lexical.ebnf`. The lexer keeps a stack of the open
/// brackets to know whether a line break or a `,` is a separator.
struct Lexer {
    /// A `//` comment and where it is.
    struct Comment: Sendable, Hashable {
        /// The comment's text, including the leading `//`, without trailing spaces.
        var text: String
        var range: SourceRange
        /// True when only white space precedes it on its line.
        var ownLine: Bool
    }

    /// What lexing one file produced.
    struct Result: Sendable {
        var tokens: [Token]
        var comments: [Comment]
        var diagnostics: [Diagnostic]
    }

    private let bytes: [UInt8]
    private let file: String
    private var index = 0
    private var line = 1
    private var column = 1
    private var tokens: [Token] = []
    private var comments: [Comment] = []
    private var diagnostics: [Diagnostic] = []
    /// The open `{`, `(` and `[` tokens, innermost last.
    private var brackets: [Token.Kind] = []
    /// True while only white space has been seen on the current line.
    private var atLineStart = true

    /// Lexes `source`; `file` names it in diagnostics.
    static func tokenize(_ source: String, file: String = "-") -> Result {
        var lexer = Lexer(bytes: Array(source.utf8), file: file)
        lexer.run()
        return Result(tokens: lexer.tokens, comments: lexer.comments, diagnostics: lexer.diagnostics)
    }

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // a UTF-8 byte order mark
    }

    // MARK: - Driver

    private mutating func run() {
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x20, 0x09:
                advance()
            case 0x0A, 0x0D:
                let start = mark
                advance()
                if byte == 0x0D, peek() == 0x0A { advance() }
                newline(at: start)
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                lexComment()
            default:
                atLineStart = false
                lexToken()
            }
        }
        appendSeparator(text: "", range: .at(mark))
        tokens.append(Token(kind: .eof, text: "", value: "", range: .at(mark)))
    }

    private mutating func newline(at start: Mark) {
        line += 1
        column = 1
        atLineStart = true
        if let top = brackets.last, top != .lbrace { return }
        if let last = tokens.last, last.kind.endsLine {
            appendSeparator(text: "\n", range: SourceRange(start: start, end: start))
        }
    }

    private mutating func appendSeparator(text: String, range: SourceRange) {
        guard let last = tokens.last, last.kind != .sep, last.kind != .lbrace else { return }
        tokens.append(Token(kind: .sep, text: text, value: text, range: range))
    }

    private mutating func lexComment() {
        let start = mark
        let ownLine = atLineStart
        let from = index
        while index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D { advance() }
        var to = index
        while to > from, bytes[to - 1] == 0x20 || bytes[to - 1] == 0x09 { to -= 1 }
        comments.append(
            Comment(text: string(from, to), range: SourceRange(start: start, end: mark), ownLine: ownLine))
    }

    // MARK: - Tokens

    private mutating func lexToken() {
        let start = mark
        let from = index
        let byte = bytes[index]
        if isIdentStart(byte) {
            while index < bytes.count, isIdentPart(bytes[index]) { advance() }
            let text = string(from, index)
            emit(Token.Kind.keyword(text) ?? .ident, from: from, start: start)
            return
        }
        if isDigit(byte) {
            lexNumber(from: from, start: start)
            return
        }
        if byte == UInt8(ascii: "\"") {
            lexQuotedString(from: from, start: start)
            return
        }
        if byte == UInt8(ascii: "#") {
            lexRawString(from: from, start: start)
            return
        }
        if let kind = punctuation() {
            lexPunctuation(kind, from: from, start: start)
            return
        }
        let scalar = decodeScalar()
        diagnostics.append(
            Diagnostic(
                .invalidCharacter, "unexpected character \(describe(scalar))", file: file,
                range: SourceRange(start: start, end: mark)))
    }

    private mutating func lexPunctuation(_ kind: Token.Kind, from: Int, start: Mark) {
        for _ in 0..<(kind == .sep ? 1 : kind.rawValue.utf8.count) { advance() }
        let range = SourceRange(start: start, end: mark)
        switch kind {
        case .sep:
            appendSeparator(text: ";", range: range)
            return
        case .comma where brackets.last == nil || brackets.last == .lbrace:
            appendSeparator(text: ",", range: range)
            return
        case .lbrace, .lparen, .lbracket:
            brackets.append(kind)
        case .rbrace, .rparen, .rbracket:
            let opener: Token.Kind = kind == .rbrace ? .lbrace : kind == .rparen ? .lparen : .lbracket
            if let at = brackets.lastIndex(of: opener) { brackets.removeSubrange(at...) }
            if kind == .rbrace, tokens.last?.kind == .sep { tokens.removeLast() }
        default:
            break
        }
        emit(kind, from: from, start: start)
    }

    /// The longest punctuation token at the current position (`.sep` stands for `;`).
    private func punctuation() -> Token.Kind? {
        let c0 = bytes[index]
        let c1 = peek(1) ?? 0
        let c2 = peek(2) ?? 0
        func ascii(_ s: Unicode.Scalar) -> UInt8 { UInt8(ascii: s) }
        switch c0 {
        case ascii("{"): return .lbrace
        case ascii("}"): return .rbrace
        case ascii("["): return .lbracket
        case ascii("]"): return .rbracket
        case ascii("("): return .lparen
        case ascii(")"): return .rparen
        case ascii(","): return .comma
        case ascii(";"): return .sep
        case ascii(":"): return .colon
        case ascii("?"): return .question
        case ascii("."):
            if c1 == ascii(".") { return c2 == ascii(".") ? .ellipsis : .dotDot }
            return .dot
        case ascii("="):
            switch c1 {
            case ascii("="): return .equal
            case ascii(">"): return .arrow
            case ascii("~"): return .match
            default: return .assign
            }
        case ascii("+"): return c1 == ascii("=") ? .plusAssign : .plus
        case ascii("!"):
            switch c1 {
            case ascii("="): return .notEqual
            case ascii("~"): return .notMatch
            default: return .bang
            }
        case ascii("<"): return c1 == ascii("=") ? .lessEqual : .less
        case ascii(">"): return c1 == ascii("=") ? .greaterEqual : .greater
        case ascii("&"): return c1 == ascii("&") ? .ampAmp : .amp
        case ascii("|"): return c1 == ascii("|") ? .pipePipe : .pipe
        case ascii("-"): return .minus
        case ascii("*"): return .star
        case ascii("/"): return .slash
        case ascii("%"): return .percent
        default: return nil
        }
    }

    private static let quantitySuffixes: Set<String> = [
        "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E",
    ]

    private mutating func lexNumber(from: Int, start: Mark) {
        var kind = Token.Kind.int
        skipDigits()
        if peek() == UInt8(ascii: "."), let next = peek(1), isDigit(next) {
            kind = .float
            advance()
            skipDigits()
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var ahead = 1
            if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { ahead = 2 }
            if let digit = peek(ahead), isDigit(digit) {
                kind = .float
                for _ in 0..<ahead { advance() }
                skipDigits()
            }
        }
        let suffixStart = index
        while index < bytes.count, isIdentPart(bytes[index]) { advance() }
        if suffixStart < index {
            let suffix = string(suffixStart, index)
            let hasExponent = string(from, suffixStart).contains { $0 == "e" || $0 == "E" }
            if hasExponent || !Lexer.quantitySuffixes.contains(suffix) {
                diagnostics.append(
                    Diagnostic(
                        .invalidNumber,
                        "invalid number '\(string(from, index))': '\(suffix)' is not a quantity suffix",
                        file: file, range: SourceRange(start: start, end: mark),
                        notes: ["quantity suffixes are Ki Mi Gi Ti Pi Ei and n u m k M G T P E"]))
            }
            kind = .quantity
        }
        emit(kind, from: from, start: start)
    }

    private mutating func lexQuotedString(from: Int, start: Mark) {
        advance()  // the opening quote
        var value = String.UnicodeScalarView()
        var chunk = index
        while true {
            guard index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D else {
                value.append(contentsOf: string(chunk, index).unicodeScalars)
                diagnostics.append(
                    Diagnostic(
                        .unterminatedString, "unterminated string: expected '\"' before the end of the line",
                        file: file, range: SourceRange(start: start, end: mark)))
                break
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                value.append(contentsOf: string(chunk, index).unicodeScalars)
                advance()
                break
            }
            if byte == UInt8(ascii: "\\") {
                value.append(contentsOf: string(chunk, index).unicodeScalars)
                if let scalar = lexEscape() { value.append(scalar) }
                chunk = index
                continue
            }
            advance()
        }
        tokens.append(
            Token(
                kind: .string, text: string(from, index), value: String(value),
                range: SourceRange(start: start, end: mark)))
    }

    /// Reads one escape sequence at the backslash; reports and skips a bad one.
    private mutating func lexEscape() -> Unicode.Scalar? {
        let start = mark
        advance()  // the backslash
        guard let byte = peek(), byte != 0x0A, byte != 0x0D else {
            diagnostics.append(
                Diagnostic(.invalidEscape, "a '\\' must be followed by an escape", file: file, range: .at(start)))
            return nil
        }
        let simple: [UInt8: Unicode.Scalar] = [
            UInt8(ascii: "\""): "\"", UInt8(ascii: "\\"): "\\", UInt8(ascii: "/"): "/", UInt8(ascii: "b"): "\u{8}",
            UInt8(ascii: "f"): "\u{C}", UInt8(ascii: "n"): "\n", UInt8(ascii: "r"): "\r", UInt8(ascii: "t"): "\t",
        ]
        if let scalar = simple[byte] {
            advance()
            return scalar
        }
        if byte == UInt8(ascii: "u"), peek(1) == UInt8(ascii: "{") {
            advance()
            advance()
            var digits = 0
            var code: UInt32 = 0
            while let d = peek(), let v = hexValue(d), digits < 6 {
                code = code << 4 | v
                digits += 1
                advance()
            }
            if digits > 0, peek() == UInt8(ascii: "}"), let scalar = Unicode.Scalar(code) {
                advance()
                return scalar
            }
            diagnostics.append(
                Diagnostic(
                    .invalidEscape, "invalid Unicode escape: expected \\u{ then 1 to 6 hex digits of a scalar, then }",
                    file: file, range: SourceRange(start: start, end: mark)))
            return nil
        }
        let scalar = decodeScalar()
        diagnostics.append(
            Diagnostic(
                .invalidEscape, "invalid escape '\\\(scalar.map { String($0) } ?? "?")'", file: file,
                range: SourceRange(start: start, end: mark),
                notes: ["for regular expressions, a raw string such as #\"^\\d+$\"# needs no escapes"]))
        return nil
    }

    private mutating func lexRawString(from: Int, start: Mark) {
        var hashes = 0
        while peek() == UInt8(ascii: "#") {
            hashes += 1
            advance()
        }
        guard peek() == UInt8(ascii: "\"") else {
            diagnostics.append(
                Diagnostic(
                    .invalidCharacter, "unexpected character '#': a raw string starts with #\"", file: file,
                    range: SourceRange(start: start, end: mark)))
            return
        }
        advance()
        let contentStart = index
        var contentEnd = index
        var closed = false
        while index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D {
            if bytes[index] == UInt8(ascii: "\"") {
                var count = 0
                while count < hashes, index + 1 + count < bytes.count, bytes[index + 1 + count] == UInt8(ascii: "#") {
                    count += 1
                }
                if count == hashes {
                    contentEnd = index
                    for _ in 0...hashes { advance() }
                    closed = true
                    break
                }
            }
            advance()
        }
        if !closed {
            contentEnd = index
            diagnostics.append(
                Diagnostic(
                    .unterminatedString,
                    "unterminated raw string: expected '\"' and \(hashes) '#' before the end of the line", file: file,
                    range: SourceRange(start: start, end: mark)))
        }
        tokens.append(
            Token(
                kind: .string, text: string(from, index), value: string(contentStart, contentEnd),
                range: SourceRange(start: start, end: mark)))
    }

    private mutating func emit(_ kind: Token.Kind, from: Int, start: Mark) {
        let text = string(from, index)
        tokens.append(Token(kind: kind, text: text, value: text, range: SourceRange(start: start, end: mark)))
    }

    // MARK: - Characters

    private var mark: Mark { Mark(line: line, column: column, offset: index) }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    /// Moves past one byte; the column counts Unicode scalars, so continuation bytes do not count.
    private mutating func advance() {
        guard index < bytes.count else { return }
        if bytes[index] & 0xC0 != 0x80 { column += 1 }
        index += 1
        while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
    }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { advance() }
    }

    /// Decodes the scalar at the current position and moves past it.
    private mutating func decodeScalar() -> Unicode.Scalar? {
        let from = index
        advance()
        return string(from, index).unicodeScalars.first
    }

    private func describe(_ scalar: Unicode.Scalar?) -> String {
        guard let scalar else { return "(invalid UTF-8)" }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if scalar.properties.isWhitespace || scalar.value < 0x20 { return code }
        return "'\(scalar)' (\(code))"
    }

    private func string(_ from: Int, _ to: Int) -> String {
        String(decoding: bytes[from..<max(from, to)], as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private func isIdentStart(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "_")
    }
    private func isIdentPart(_ byte: UInt8) -> Bool { isIdentStart(byte) || isDigit(byte) }
    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        default: return nil
        }
    }
}
