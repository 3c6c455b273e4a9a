import Testing

@testable import KgitKGL

@Suite struct ParserTests {
    static func tree(_ source: String) -> String {
        SExpressionOf(ParsedFile(source: source)).text
    }

    /// The first declaration's tree, flat.
    struct SExpressionOf {
        var text: String
        init(_ parsed: ParsedFile) {
            text = parsed.module.decls.first?.sexpression.flat ?? "(none)"
        }
    }

    static func errors(_ source: String) -> [String] {
        ParsedFile(source: source, file: "t.kgl").diagnostics.map { "\($0.start) \($0.code)" }
    }

    @Test func intersectionBindsTighterThanUnionAndElseLoosest() {
        #expect(Self.tree("type T = A | B & C else \"m\"") == #"(type T (else (or A (and B C)) "m"))"#)
    }

    @Test func andBindsTighterThanOrAndComparisonsTighterThanBoth() {
        #expect(
            Self.tree("type T = { rule \"r\" { a || b && c == d + e * f } }")
                == "(type T (struct (rule \"r\" (|| a (&& b (== c (+ d (* e f))))))))")
    }

    @Test func arithmeticIsLeftAssociative() {
        #expect(Self.tree("type T = { rule \"r\" { a - b - c } }") == "(type T (struct (rule \"r\" (- (- a b) c))))")
    }

    @Test func aRefinementNeedsItsBraceOnTheSameLine() {
        #expect(Self.tree("type T = Base {\n a: int\n}") == "(type T (refine Base (struct (field (path a) int))))")
        #expect(Self.errors("type T = Base\n{ a: int }") == ["2:1 kgl-unexpected-token"])
    }

    @Test func errorsSayWhatWasExpectedAndWhatWasFound() {
        let parsed = ParsedFile(source: "type T = {\n  name string\n}\n", file: "t.kgl")
        #expect(parsed.diagnostics.map(\.message) == ["expected '?', ':', '.' or '[', found 'string'"])
        #expect(parsed.diagnostics.first?.file == "t.kgl")
    }

    @Test func anUnclosedBlockPointsAtItsOpeningBrace() {
        let parsed = ParsedFile(source: "type T = {\n  a: int\n", file: "t.kgl")
        #expect(parsed.diagnostics.map(\.code) == ["kgl-unclosed-delimiter"])
        #expect(parsed.diagnostics.first?.notes == ["'{' opened at t.kgl:1:10"])
    }

    @Test func independentErrorsInOneFileAreAllReported() {
        let source = """
            type A = {
              a string
              b: int
              c: = 3
              d: int
            }
            type B = |
            type C = int
            env e { bogus }
            """
        #expect(Self.errors(source) == ["2:5 kgl-unexpected-token", "4:6 kgl-unexpected-token", "7:10 kgl-unexpected-token", "9:9 kgl-unexpected-token"])
        let parsed = ParsedFile(source: source)
        // A (with b and d), C (the error's line ended in '|', but a declaration keyword starts a line) and e.
        #expect(parsed.module.decls.count == 3, "\(parsed.syntaxTree)")
    }

    @Test func aMisplacedImportIsReportedAndTheRestStillParses() {
        let parsed = ParsedFile(source: "type A = int\nimport x \"y\"\ntype B = int\n")
        #expect(parsed.diagnostics.map(\.code) == ["kgl-misplaced-declaration"])
        #expect(parsed.module.decls.count == 2)
    }

    /// Each case nests one construct 10 000 levels deep.
    @Test(arguments: ["type parens", "rule negations", "rule parens", "value lists", "blocks"])
    func deepNestingIsAnErrorNotACrash(_ construct: String) {
        let n = 10_000
        let source: String
        switch construct {
        case "type parens": source = "type T = " + String(repeating: "(", count: n)
        case "rule negations": source = "type T = { rule \"r\" { " + String(repeating: "!", count: n) + "a } }"
        case "rule parens": source = "type T = { rule \"r\" { " + String(repeating: "(", count: n) + "a } }"
        case "value lists": source = "type T = { a?: int = " + String(repeating: "[", count: n) + " }"
        default: source = "type T = " + String(repeating: "{ a: ", count: n)
        }
        #expect(ParsedFile(source: source).diagnostics.first?.code == "kgl-nesting-too-deep")
    }

    /// Random bytes and random token soup: the parser returns, and every diagnostic points inside
    /// the input.
    @Test func arbitraryInputNeverCrashesTheParser() {
        var random = SplitMix(seed: 0x5EED)
        let vocabulary = [
            "type", "T", "=", "{", "}", "[", "]", "(", ")", ":", "?", "|", "&", "\"s\"", "1", "..", "\n", ",", "rule",
            "env", "patch", "delete", "final", "+=", "=>", "bind", "...", "len", ".", "*", "!", "-", "8Gi", "#\"r\"#",
            "else", "when", "at", "&&", "||", "@", "\"", "é", "//c\n",
        ]
        for round in 0..<1500 {
            let source: String
            if round % 2 == 0 {
                let bytes = (0..<Int(random.next() % 80)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                source = String(decoding: bytes, as: UTF8.self)
            } else {
                source = (0..<Int(random.next() % 60)).map { _ in vocabulary[Int(random.next() % UInt64(vocabulary.count))] }
                    .joined(separator: random.next() % 3 == 0 ? "" : " ")
            }
            let parsed = ParsedFile(source: source)
            let length = source.utf8.count
            for diagnostic in parsed.diagnostics {
                #expect(diagnostic.start.offset <= length && diagnostic.start.line >= 1, "\(source.debugDescription)")
            }
        }
    }

    @Test func nodeRangesCoverTheirSource() throws {
        let parsed = ParsedFile(source: "type T = {\n  spec.replicas?: int = 2\n}\n")
        guard case .type(let decl) = parsed.module.decls.first, case .block(let block) = decl.type.kind,
            case .field(let field) = block.members.first
        else {
            Issue.record("unexpected tree \(parsed.syntaxTree)")
            return
        }
        #expect("\(field.range.start)-\(field.range.end)" == "2:3-2:26")
        #expect("\(decl.range.start)-\(decl.range.end)" == "1:1-3:2")
    }
}

/// A small deterministic random number generator (SplitMix64), so fuzz-style tests repeat exactly.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
