import Testing

@testable import KgitKGL

@Suite struct LexerTests {
    static func kinds(_ source: String) -> [String] {
        Lexer.tokenize(source).tokens.map { $0.kind == .sep ? "SEP" : $0.kind.rawValue }
    }

    static func codes(_ source: String) -> [String] {
        Lexer.tokenize(source).diagnostics.map { "\($0.start) \($0.code)" }
    }

    @Test func aLineBreakAfterANameSeparatesButOneAfterAnOperatorContinues() {
        #expect(Self.kinds("a\nb") == ["IDENT", "SEP", "IDENT", "SEP", "EOF"])
        #expect(Self.kinds("a |\nb") == ["IDENT", "|", "IDENT", "SEP", "EOF"])
        #expect(Self.kinds("a\n| b") == ["IDENT", "SEP", "|", "IDENT", "SEP", "EOF"])
    }

    @Test func lineBreaksInsideParenthesesAndBracketsAreWhiteSpace() {
        #expect(Self.kinds("f(a\n,\nb)") == ["IDENT", "(", "IDENT", ",", "IDENT", ")", "SEP", "EOF"])
        #expect(Self.kinds("[a\n]") == ["[", "IDENT", "]", "SEP", "EOF"])
    }

    @Test func commasAndSemicolonsInBracesAreSeparatorsAndRunsCollapse() {
        #expect(Self.kinds("{a, b;\n\n c}") == ["{", "IDENT", "SEP", "IDENT", "SEP", "IDENT", "}", "SEP", "EOF"])
        #expect(Self.kinds("{[a, b]}") == ["{", "[", "IDENT", ",", "IDENT", "]", "}", "SEP", "EOF"])
    }

    @Test func noSeparatorFollowsAnOpeningBraceOrPrecedesAClosingOne() {
        #expect(Self.kinds("{\n a\n}\n") == ["{", "IDENT", "}", "SEP", "EOF"])
        #expect(Self.kinds("{ a, }") == ["{", "IDENT", "}", "SEP", "EOF"])
    }

    @Test func anEmptyOrCommentOnlyFileIsJustEOF() {
        #expect(Self.kinds("") == ["EOF"])
        #expect(Self.kinds("\n\n// only a comment\n") == ["EOF"])
    }

    @Test func columnsCountUnicodeScalarsAndOffsetsCountBytes() {
        let tokens = Lexer.tokenize("\"é😀\" x").tokens
        #expect(tokens[1].range.start.column == 6)
        #expect(tokens[1].range.start.offset == 9)
        #expect(tokens[0].value == "é😀")
    }

    @Test func crlfAndCRLineEndingsCountAsOneLineBreak() {
        let tokens = Lexer.tokenize("a\r\nb\rc").tokens
        #expect(tokens.map(\.range.start.line) == [1, 1, 2, 2, 3, 3, 3])
    }

    @Test func aByteOrderMarkIsSkipped() {
        #expect(Self.kinds("\u{FEFF}type") == ["type", "SEP", "EOF"])
    }

    @Test(arguments: [
        ("1..50", ["INT", "..", "INT"]), ("1.5", ["FLOAT"]), ("1e3", ["FLOAT"]), ("2E-3", ["FLOAT"]),
        ("1.5Gi", ["QUANTITY"]), ("500m", ["QUANTITY"]), ("1E", ["QUANTITY"]), ("...", ["..."]),
        (">=3", [">=", "INT"]), ("=~\"x\"", ["=~", "STRING"]), ("a+=b", ["IDENT", "+=", "IDENT"]),
        ("x=>y", ["IDENT", "=>", "IDENT"]), ("!~!=!", ["!~", "!=", "!"]), ("&&&", ["&&", "&"]),
    ])
    func numbersAndPunctuationLexAsTheLongestToken(_ source: String, _ want: [String]) {
        #expect(Array(Self.kinds(source).dropLast(2)) == want)
    }

    @Test func keywordsLexAsThemselvesAndSimilarNamesAsNames() {
        #expect(Self.kinds("type types env_ null") == ["type", "IDENT", "IDENT", "null", "SEP", "EOF"])
    }

    @Test func escapesAreDecoded() {
        let token = Lexer.tokenize(#""a\"b\\c\/d\n\t\u{41}""#).tokens[0]
        #expect(token.value == "a\"b\\c/d\n\tA")
    }

    @Test func rawStringsKeepBackslashesAndEndAtTheMatchingHashes() {
        let tokens = Lexer.tokenize(###"#"a\d"# ##"x"#y"##"###).tokens
        #expect(tokens[0].value == #"a\d"#)
        #expect(tokens[1].value == "x\"#y")
    }

    @Test(arguments: [
        ("type T = 8Gb", "1:10 kgl-invalid-number"), ("\"abc", "1:1 kgl-unterminated-string"), ("#\"abc", "1:1 kgl-unterminated-string"), ("\"a\\qb\"", "1:3 kgl-invalid-escape"),
        ("\"\\u{110000}\"", "1:2 kgl-invalid-escape"), ("a @ b", "1:3 kgl-invalid-character"), ("a # b", "1:3 kgl-invalid-character"), ("é", "1:1 kgl-invalid-character"),
        ("1e3k", "1:1 kgl-invalid-number"),
    ])
    func malformedInputIsReportedWithItsPositionAndCode(_ source: String, _ want: String) {
        #expect(Self.codes(source) == [want])
    }

    @Test func lexingContinuesAfterABadCharacter() {
        #expect(Self.kinds("a $ b") == ["IDENT", "IDENT", "SEP", "EOF"])
        #expect(Lexer.tokenize("a $ b").diagnostics.first?.message == "unexpected character '$' (U+0024)")
    }

    @Test func commentsAreKeptAsideWithWhetherTheyOwnTheirLine() {
        let lexed = Lexer.tokenize("// top\na // trailing  \n  // indented\n")
        #expect(lexed.comments.map(\.text) == ["// top", "// trailing", "// indented"])
        #expect(lexed.comments.map(\.ownLine) == [true, false, true])
        #expect(Self.kinds("a // c\nb") == ["IDENT", "SEP", "IDENT", "SEP", "EOF"])
    }
}
