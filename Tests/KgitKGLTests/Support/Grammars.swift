@testable import KgitKGL

/// The project's grammars, read once.
enum Grammars {
    static let syntax: EBNF? = try? EBNF(Corpus.read("kgl.ebnf"))
    static let lexical: EBNF? = try? EBNF(Corpus.read("kgl-lexical.ebnf"))
    static let analysis: GrammarAnalysis? = syntax.map { GrammarAnalysis($0, start: "Module") }

    /// The alternatives of a production that is a plain choice of quoted terminals.
    static func literals(of name: String, in grammar: EBNF?) -> Set<String> {
        Set((grammar?[name]?.references ?? []).compactMap { if case .literal(let s) = $0 { return s } else { return nil } })
    }
}

extension Array where Element == Token {
    /// The terminal names the grammar uses for these tokens.
    var terminals: [String] { map(\.kind.rawValue) }
}
