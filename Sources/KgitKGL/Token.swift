/// One token of KGL source, as the lexer produced it.
///
/// `kind.rawValue` is the terminal's name in `grammar/kgl.ebnf` (`IDENT`, `STRING`, `SEP`, or the
/// quoted spelling of a keyword or punctuation), which is how the grammar tests drive a recognizer
/// from the EBNF over the same tokens the parser sees.
struct Token: Sendable, Hashable {
    /// The token's class.
    var kind: Kind
    /// The token's spelling in the source (for SEP made from a line break: `"\n"`; for EOF: empty).
    var text: String
    /// For STRING, the decoded contents (escapes applied, quotes removed); otherwise `text`.
    var value: String
    /// Where the token is.
    var range: SourceRange
}
