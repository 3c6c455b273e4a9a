import KgitSchema

/// One KGL file after lexing and parsing: its syntax tree and its syntax diagnostics.
///
/// Parsing never fails and never traps: on invalid input the tree holds what could be parsed and
/// `diagnostics` says what could not, each with a stable `kgl-` code (see `KGLDiagnosticCode`) and a position.
public struct ParsedFile: Sendable {
    /// The file's display path, as given.
    public let file: String
    /// The source text.
    public let source: String
    /// Lexical and syntax errors, in source order.
    public let diagnostics: [Diagnostic]
    let module: Module
    let tokens: [Token]
    let comments: [Lexer.Comment]

    /// Lexes and parses `source`; `file` names it in diagnostics (`-` for standard input).
    public init(source: String, file: String = "-") {
        let lexed = Lexer.tokenize(source, file: file)
        var parser = Parser(tokens: lexed.tokens, file: file)
        self.module = parser.parseModule()
        self.file = file
        self.source = source
        self.tokens = lexed.tokens
        self.comments = lexed.comments
        self.diagnostics = (lexed.diagnostics + parser.diagnostics).sorted(by: Diagnostic.sortedOrder)
    }

    /// True when the file has no syntax errors.
    public var isValid: Bool { diagnostics.isEmpty }

    /// The syntax tree as an S-expression, one node per line once it does not fit in 100 columns:
    /// the format of the `grammar/corpus/valid/*.tree` files.
    public var syntaxTree: String { module.sexpression.rendered(width: 100) + "\n" }
}
