import Testing

@testable import KgitKGL

@Suite struct FormatterTests {
    static func fmt(_ source: String) -> String { FormatResult(formatting: source).output }

    // MARK: - Properties, over the whole valid corpus

    @Test(arguments: Corpus.valid)
    func formattingIsIdempotent(_ entry: Corpus.Entry) {
        let once = Self.fmt(entry.source)
        #expect(Self.fmt(once) == once)
    }

    @Test(arguments: Corpus.valid)
    func formattingPreservesTheSyntaxTree(_ entry: Corpus.Entry) {
        let formatted = ParsedFile(source: Self.fmt(entry.source))
        #expect(formatted.diagnostics.map(\.message) == [])
        #expect(formatted.syntaxTree == ParsedFile(source: entry.source).syntaxTree)
    }

    @Test(arguments: Corpus.valid)
    func formattingKeepsEveryCommentInOrder(_ entry: Corpus.Entry) {
        let output = Self.fmt(entry.source)
        var searchFrom = output.startIndex
        for comment in Lexer.tokenize(entry.source).comments {
            guard let found = output.range(of: comment.text, range: searchFrom..<output.endIndex) else {
                Issue.record("lost or reordered comment \(comment.text)")
                return
            }
            searchFrom = found.upperBound
        }
    }

    // MARK: - Layout

    @Test func spacingIsNormalized() {
        #expect(Self.fmt("type   T=A|B&  C  else\"m\"") == "type T = A | B & C else \"m\"\n")
        #expect(
            Self.fmt("type T={a?:int=1,b:[X]keyed(a,b) set,c:>=1&<=2,d:=~#\"x\"#}")
                == "type T = { a?: int = 1, b: [X] keyed(a, b) set, c: >=1 & <=2, d: =~#\"x\"# }\n")
    }

    @Test func aBlockWrittenOverSeveralLinesGetsOneMemberPerLineIndentedByTwo() {
        let source = "type T = Base {\n    a: int, b: string\n        c: {\n x: int\n}\n}\n"
        #expect(Self.fmt(source) == "type T = Base {\n  a: int\n  b: string\n  c: {\n    x: int\n  }\n}\n")
    }

    @Test func blankLinesCollapseToOneAndVanishAfterAnOpeningBrace() {
        let source = "package p\n\n\n\ntype A = int\ntype B = {\n\n  a: int\n\n\n  b: int\n\n}\n\n\n"
        #expect(Self.fmt(source) == "package p\n\ntype A = int\ntype B = {\n  a: int\n\n  b: int\n}\n")
    }

    @Test func commentsStayOnTheirOwnLineOrAtTheEndOfTheirLine() {
        let source = """
            // header

            type T = { // opens
              // before a
              a: int   // after a

              // closing remark
            }
            // trailer
            """
        let want = """
            // header

            type T = { // opens
              // before a
              a: int // after a

              // closing remark
            }
            // trailer

            """
        #expect(Self.fmt(source) == want)
    }

    @Test func aCommentInsideAConstructOnOneLineMovesToTheEndOfThatLine() {
        let source = "type T = [ // element\n  int\n] & len(1..)\n"
        #expect(Self.fmt(source) == "type T = [int] & len(1..) // element\n")
    }

    @Test func lineBreaksAfterOperatorsAreKeptWithAContinuationIndent() {
        let source = "type T = \"a\" |\n\"b\" | \"c\" |\n      \"d\"\ntype R = { rule \"r\" {\nself.a ||\nself.b && self.c\n} }\n"
        let want = """
            type T = "a" |
              "b" | "c" |
              "d"
            type R = {
              rule "r" {
                self.a ||
                  self.b && self.c
              }
            }

            """
        #expect(Self.fmt(source) == want)
    }

    @Test func environmentsPatchesAndMultiLineListsAreLaidOut() {
        let source = """
            env prod extends base {
            patch apps.Deployment "a/b" { final spec.replicas=3
            spec.env+=[
            {name:"A",value:"1"},
            {name:"B",value:"2"}
            ]
            delete  spec.paused }
            require apps.Deployment { spec.replicas: >=3 }
            add "x.yaml"
            }
            """
        let want = """
            env prod extends base {
              patch apps.Deployment "a/b" {
                final spec.replicas = 3
                spec.env += [
                  { name: "A", value: "1" },
                  { name: "B", value: "2" }
                ]
                delete spec.paused
              }
              require apps.Deployment { spec.replicas: >=3 }
              add "x.yaml"
            }

            """
        #expect(Self.fmt(source) == want)
    }

    @Test func stringsAndNumbersKeepTheirSpelling() {
        let source = "type T = \"a\\u{41}\" | #\"raw\\d\"# | 1e3 | 0.50 | 8Gi | -1\n"
        #expect(Self.fmt(source) == source)
    }

    // MARK: - Results

    @Test func aFileWithSyntaxErrorsIsReturnedUnchangedWithItsErrors() {
        let source = "type T = {\n  a int\n}\n"
        let result = Formatter.format(source)
        #expect(result.output == source)
        #expect(!result.changed)
        #expect(result.diagnostics.map(\.code) == ["kgl-unexpected-token"])
    }

    @Test func changedTellsWhetherTheOutputDiffersFromTheInput() {
        #expect(!Formatter.format("type T = int\n").changed)
        #expect(Formatter.format("type T=int\n").changed)
        #expect(format(source: "type T=int") == "type T = int\n")
    }

    @Test func anEmptyOrCommentOnlyFileStaysSo() {
        #expect(Self.fmt("") == "")
        #expect(Self.fmt("\n\n") == "")
        #expect(Self.fmt("// a\n\n\n// b\n") == "// a\n\n// b\n")
    }
}
