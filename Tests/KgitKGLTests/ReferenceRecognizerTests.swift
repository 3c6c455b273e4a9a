import Testing

@testable import KgitKGL

/// The hand-written parser and a recognizer driven by grammar/kgl.ebnf agree on what is KGL.
@Suite struct ReferenceRecognizerTests {
    /// What the parser made of `source`: nil when it accepted it, else the position of its first
    /// diagnostic and that diagnostic's code.
    static func parserVerdict(_ source: String) -> (tokens: [Token], firstError: (offset: Int, code: String)?) {
        let parsed = ParsedFile(source: source)
        return (parsed.tokens, parsed.diagnostics.first.map { ($0.start.offset, $0.code) })
    }

    /// A recognizer with its tables built, copied for each use.
    static let prototype: ReferenceRecognizer? = Grammars.analysis.map(ReferenceRecognizer.init)

    static func recognize(_ tokens: [Token]) throws -> ReferenceRecognizer.Outcome {
        var recognizer = try #require(prototype)
        return recognizer.recognize(tokens.terminals)
    }

    @Test(arguments: Corpus.valid)
    func theRecognizerAcceptsEveryValidFile(_ entry: Corpus.Entry) throws {
        let tokens = Lexer.tokenize(entry.source).tokens
        #expect(try Self.recognize(tokens) == .accepted)
    }

    @Test(arguments: Corpus.invalid)
    func theRecognizerRejectsEveryInvalidFileAtTheParsersFirstError(_ entry: Corpus.Entry) throws {
        let (tokens, firstError) = Self.parserVerdict(entry.source)
        let error = try #require(firstError)
        let outcome = try Self.recognize(tokens)
        if KGLDiagnosticCode(code: error.code)?.isLexical != false || error.code == KGLDiagnosticCode.nestingTooDeep.code { return }
        guard case .rejected(let index) = outcome else {
            Issue.record("the recognizer accepted \(entry.name), the parser reported \(error.code)")
            return
        }
        #expect(tokens[index].range.start.offset == error.offset, "recognizer failed at \(tokens[index].range.start)")
    }

    @Test func theRecognizerAcceptsTooDeepNestingThatTheParserBoundsAndRejectsAGrammarError() throws {
        let deep = "type T = " + String(repeating: "[", count: 80) + "int" + String(repeating: "]", count: 80)
        #expect(try Self.recognize(Lexer.tokenize(deep).tokens) == .accepted)
        #expect(try Self.recognize(Lexer.tokenize("type = int").tokens) == .rejected(at: 1))
    }

    /// Deleting any one token from a valid file: the parser and the recognizer give the same
    /// verdict and, on rejection, blame the same token.
    @Test(arguments: Corpus.valid)
    func theParserAndTheRecognizerAgreeOnEveryOneTokenDeletion(_ entry: Corpus.Entry) throws {
        let source = entry.source
        let bytes = Array(source.utf8)
        let tokens = Lexer.tokenize(source).tokens
        var compared = 0
        for token in tokens where token.kind != .eof && !token.text.isEmpty {
            let mutated = String(
                decoding: bytes[..<token.range.start.offset] + bytes[token.range.end.offset...], as: UTF8.self)
            let (mutatedTokens, firstError) = Self.parserVerdict(mutated)
            if let code = firstError?.code, KGLDiagnosticCode(code: code)?.isLexical != false { continue }
            let outcome = try Self.recognize(mutatedTokens)
            switch (outcome, firstError) {
            case (.accepted, nil):
                break
            case (.rejected(let index), let error?):
                #expect(
                    mutatedTokens[index].range.start.offset == error.offset,
                    "deleting \(token.text) at \(token.range.start): recognizer at \(mutatedTokens[index].range.start)")
            default:
                Issue.record("deleting \(token.text) at \(token.range.start): recognizer \(outcome), parser \(String(describing: firstError))")
            }
            compared += 1
        }
        #expect(compared > 0 || tokens.count <= 1)
    }

    @Test func theValidCorpusTakesEveryAlternativeAndEveryOptionalPartOfTheGrammar() throws {
        var recognizer = try #require(Self.prototype)
        for entry in Corpus.valid {
            #expect(recognizer.recognize(Lexer.tokenize(entry.source).tokens.terminals) == .accepted, "\(entry.name)")
        }
        let missing = recognizer.coveragePoints.subtracting(recognizer.covered)
        #expect(missing.sorted() == [], "not exercised by grammar/corpus/valid")
        #expect(recognizer.coveragePoints.count > 100)
    }
}
