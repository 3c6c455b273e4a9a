import Testing

@testable import KgitKGL

/// The lexer's tokens are what grammar/kgl-lexical.ebnf says they are.
@Suite struct LexicalGrammarTests {
    static func classProduction(_ kind: Token.Kind) -> String? {
        switch kind {
        case .ident, .string, .int, .float, .quantity, .sep: return kind.rawValue
        case .eof: return nil
        default: return kind.isKeyword ? "Keyword" : "Punctuation"
        }
    }

    @Test(arguments: Corpus.valid + Corpus.invalid)
    func everyTokenOfTheCorpusMatchesItsLexicalProduction(_ entry: Corpus.Entry) throws {
        let matcher = LexicalMatcher(grammar: try #require(Grammars.lexical))
        let lexed = Lexer.tokenize(entry.source)
        for token in lexed.tokens {
            guard let production = Self.classProduction(token.kind), !token.text.isEmpty else { continue }
            // A token the lexer reported as malformed is not expected to match.
            let span = token.range.start.offset..<max(token.range.end.offset, token.range.start.offset + 1)
            if lexed.diagnostics.contains(where: { span.contains($0.start.offset) }) { continue }
            #expect(matcher.matches(token.text, production), "\(token.text) as \(production) at \(token.range.start)")
        }
    }

    @Test(arguments: [
        ("type", "IDENT"), ("9lives", "IDENT"), ("1..2", "FLOAT"), ("8Gb", "QUANTITY"), ("\"a\nb\"", "STRING"),
        ("\"\\q\"", "STRING"), ("1.", "FLOAT"), ("=<", "Punctuation"),
    ])
    func theLexicalGrammarRejects(_ text: String, _ production: String) throws {
        let matcher = LexicalMatcher(grammar: try #require(Grammars.lexical))
        #expect(!matcher.matches(text, production))
    }

    @Test(arguments: [
        ("types", "IDENT"), ("_x9", "IDENT"), ("#\"a\\d\"#", "STRING"), ("\"\\u{1F600}\"", "STRING"), ("1e-3", "FLOAT"),
        ("1.5Gi", "QUANTITY"), ("500m", "QUANTITY"), ("...", "Punctuation"), ("\n", "SEP"),
    ])
    func theLexicalGrammarAccepts(_ text: String, _ production: String) throws {
        let matcher = LexicalMatcher(grammar: try #require(Grammars.lexical))
        #expect(matcher.matches(text, production))
    }
}
