/// An expression of the CEL subset used in rules (the `Expr` production and below).
struct Expr: Sendable, Hashable {
    indirect enum Kind: Sendable, Hashable {
        case ident(Ident)
        case string(StringLiteral)
        case number(NumberLiteral)
        case bool(Bool)
        case null
        case list([Expr])
        case paren(Expr)
        /// `!e`, `-e` (the operator is `.bang` or `.minus`).
        case unary(Token.Kind, Expr)
        /// `a op b`, with `op` one of `|| && == != < <= > >= in + - * / %`.
        case binary(Token.Kind, Expr, Expr)
        /// `c ? a : b`.
        case conditional(Expr, Expr, Expr)
        /// `e.label`.
        case member(Expr, Label)
        /// `f(args)` (no receiver) or `e.f(args)`.
        case call(receiver: Expr?, name: Label, args: [Expr])
        /// `e[i]`.
        case index(Expr, Expr)
    }

    var kind: Kind
    var range: SourceRange
}
