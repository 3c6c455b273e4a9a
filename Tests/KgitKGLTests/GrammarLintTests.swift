import Foundation
import Testing

@testable import KgitKGL

/// grammar/kgl.ebnf is well formed: every symbol defined and reachable, no left recursion, LL(1),
/// and its terminals are exactly the tokens the lexer makes.
@Suite struct GrammarLintTests {
    /// LL(1) conflicts accepted on purpose, each documented in grammar/README.md. None today.
    static let documentedConflicts: Set<String> = []

    @Test func bothGrammarFilesReadAndDefineEachNameOnce() throws {
        let syntax = try EBNF(Corpus.read("kgl.ebnf"))
        let lexical = try EBNF(Corpus.read("kgl-lexical.ebnf"))
        #expect(syntax.productions.count > 40)
        #expect(lexical.productions.count > 10)
        for grammar in [syntax, lexical] {
            #expect(Set(grammar.names).count == grammar.names.count, "duplicates in \(grammar.names)")
        }
    }

    @Test func everySymbolOfTheSyntaxIsDefinedThereOrInTheLexicalGrammar() throws {
        let syntax = try #require(Grammars.syntax)
        let lexical = try #require(Grammars.lexical)
        for production in syntax.productions {
            for case .symbol(let name) in production.expr.references {
                let defined = EBNF.isTokenClass(name) ? lexical[name] != nil : syntax[name] != nil
                #expect(defined, "\(production.name) (line \(production.line)) uses undefined \(name)")
            }
        }
    }

    @Test func everySymbolOfTheLexicalGrammarIsDefined() throws {
        let lexical = try #require(Grammars.lexical)
        for production in lexical.productions {
            for case .symbol(let name) in production.expr.references {
                #expect(lexical[name] != nil, "\(production.name) uses undefined \(name)")
            }
        }
    }

    @Test func everyProductionIsReachableFromModule() throws {
        let analysis = try #require(Grammars.analysis)
        let unreachable = Set(analysis.grammar.names).subtracting(analysis.reachable())
        #expect(unreachable.isEmpty, "unreachable: \(unreachable.sorted())")
    }

    @Test func noProductionIsLeftRecursive() throws {
        let analysis = try #require(Grammars.analysis)
        #expect(analysis.leftRecursive() == [])
    }

    @Test func theGrammarIsLL1ApartFromDocumentedExceptions() throws {
        let analysis = try #require(Grammars.analysis)
        let conflicts = analysis.conflicts().map(\.description)
        let undocumented = conflicts.filter { !Self.documentedConflicts.contains($0) }
        #expect(undocumented == [], "LL(1) conflicts")
    }

    @Test func everyQuotedTerminalLexesAsExactlyOneTokenOfThatSpelling() throws {
        let syntax = try #require(Grammars.syntax)
        let literals = Set(syntax.productions.flatMap(\.expr.references).compactMap { ref -> String? in
            if case .literal(let s) = ref { return s } else { return nil }
        })
        #expect(literals.count > 40)
        for literal in literals.sorted() {
            // Inside parentheses, so that ',' is a comma rather than a separator.
            let tokens = Lexer.tokenize("(" + literal).tokens
            #expect(tokens.count >= 2 && tokens[1].kind.rawValue == literal && tokens[1].text == literal, "\(literal)")
            #expect(tokens.dropFirst(2).allSatisfy { $0.kind == .sep || $0.kind == .eof }, "\(literal)")
        }
    }

    @Test func theLexersKeywordsAndPunctuationAreThoseOfTheLexicalGrammar() throws {
        let keywords = Set(Token.Kind.allCases.filter(\.isKeyword).map(\.rawValue))
        #expect(keywords == Grammars.literals(of: "Keyword", in: Grammars.lexical))
        let classes: Set<Token.Kind> = [.ident, .string, .int, .float, .quantity, .sep, .eof]
        let punctuation = Set(Token.Kind.allCases.filter { !$0.isKeyword && !classes.contains($0) }.map(\.rawValue))
        #expect(punctuation == Grammars.literals(of: "Punctuation", in: Grammars.lexical))
    }

    @Test func everyTerminalOfTheSyntaxIsATokenKind() throws {
        let analysis = try #require(Grammars.analysis)
        let kinds = Set(Token.Kind.allCases.map(\.rawValue))
        for production in analysis.grammar.productions {
            for ref in production.expr.references {
                if let terminal = analysis.terminal(ref) { #expect(kinds.contains(terminal), "\(terminal)") }
            }
        }
    }

    @Test func theParsersKeywordSetsAreTheGrammarsProductions() {
        #expect(Set(Parser.softKeywords.map(\.rawValue)) == Grammars.literals(of: "SoftKeyword", in: Grammars.syntax))
        #expect(
            Set(Parser.relationalOperators.map(\.rawValue)) == Grammars.literals(of: "RelOp", in: Grammars.syntax))
    }

    @Test func theReadmeMapsEveryProductionToAParserFunctionThatExists() throws {
        let syntax = try #require(Grammars.syntax)
        let readme = Corpus.read("README.md")
        let sourcesDirectory = Corpus.root.appendingPathComponent("Sources/KgitKGL")
        let files = try FileManager.default.contentsOfDirectory(atPath: sourcesDirectory.path)
            .filter { $0.hasPrefix("Parser") }
        let sources = try files.map { try String(contentsOf: sourcesDirectory.appendingPathComponent($0), encoding: .utf8) }
            .joined()
        var mapping: [String: String] = [:]
        for line in readme.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2 else { continue }
            mapping[cells[0].trimmingCharacters(in: ["`"])] = cells[1].trimmingCharacters(in: ["`"])
        }
        for name in syntax.names {
            let function = try #require(mapping[name], "grammar/README.md does not map \(name)")
            let defined = sources.contains("func \(function)(") || sources.contains("static let \(function):")
            #expect(defined, "\(name) maps to \(function), which the parser does not define")
        }
    }

    // MARK: - The lint itself can fail

    @Test func theLintFindsOverlappingAlternatives() throws {
        let grammar = try EBNF("Start ::= 'x' Next | 'x'\nNext ::= 'y'")
        let conflicts = GrammarAnalysis(grammar, start: "Start").conflicts()
        #expect(conflicts.map(\.tokens) == [["x"]])
    }

    @Test func theLintFindsAnOptionalPartThatCouldAlsoBeWhatFollows() throws {
        let grammar = try EBNF("Start ::= Next? 'y'\nNext ::= 'y'")
        #expect(GrammarAnalysis(grammar, start: "Start").conflicts().map(\.tokens) == [["y"]])
    }

    @Test func theLintFindsLeftRecursionAndUnreachableProductions() throws {
        let grammar = try EBNF("Start ::= Start 'x' | 'y'\nOther ::= 'z'")
        let analysis = GrammarAnalysis(grammar, start: "Start")
        #expect(analysis.leftRecursive() == ["Start"])
        #expect(analysis.reachable() == ["Start"])
    }

    @Test func theReaderUnderstandsTheW3CNotation() throws {
        let grammar = try EBNF("/* c */ A ::= ( 'a' | B )+ C? [a-z]* - 'q' #x41\nB ::= \"b\"\nC ::= 'c'")
        #expect(grammar.names == ["A", "B", "C"])
        #expect(grammar["A"]?.description == "(('a' | B)+ C? ([a-z]* - 'q') #x41)")
    }
}
