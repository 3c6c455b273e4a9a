import Testing

@testable import KgitKGL

/// One-token deletions of the valid corpus files (every third token, to keep the suite fast; the
/// recognizer tests take every one), through every stage: nothing crashes, and whatever still
/// parses formats idempotently to the same tree.
@Suite struct MutationTests {
    static func deletions(of source: String) -> [String] {
        let bytes = Array(source.utf8)
        let tokens = Lexer.tokenize(source).tokens.filter { $0.kind != .eof && !$0.text.isEmpty }
        return stride(from: 0, to: tokens.count, by: 3).map { tokens[$0] }.map { token in
            String(decoding: bytes[..<token.range.start.offset] + bytes[token.range.end.offset...], as: UTF8.self)
        }
    }

    @Test(arguments: Corpus.valid)
    func everyStageSurvivesEveryOneTokenDeletion(_ entry: Corpus.Entry) {
        var parsedCount = 0
        let deletions = Self.deletions(of: entry.source)
        for mutated in deletions {
            let parsed = ParsedFile(source: mutated)
            let types = CompiledTypes(source: mutated)
            let environments = CheckedEnvironments(source: mutated)
            for diagnostic in parsed.diagnostics + types.diagnostics + environments.diagnostics {
                #expect(diagnostic.start.offset <= mutated.utf8.count)
            }
            guard parsed.isValid else { continue }
            parsedCount += 1
            let once = FormatResult(formatting: mutated).output
            #expect(FormatResult(formatting: once).output == once, "not idempotent on \(mutated.debugDescription)")
            #expect(ParsedFile(source: once).syntaxTree == parsed.syntaxTree, "tree changed on \(mutated.debugDescription)")
        }
        #expect(parsedCount > 0 || deletions.isEmpty)
    }
}
