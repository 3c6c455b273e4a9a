/// A type expression (the `TypeExpr` production and everything below it).
struct TypeExpr: Sendable, Hashable {
    /// A list modifier after `[T]`.
    enum ListModifier: Sendable, Hashable {
        case keyed([Label], SourceRange)
        case set(SourceRange)
        case atomic(SourceRange)
    }

    /// `<`, `<=`, `>`, `>=`.
    enum BoundOperator: String, Sendable, Hashable { case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=" }

    indirect enum Kind: Sendable, Hashable {
        /// A named type, optionally refined: `int`, `apps.Deployment { ... }`.
        case named(QualIdent, refinement: Block?)
        /// A constraint or type call: `len(1..63)`, `multipleOf(2)`.
        case call(QualIdent, [TypeExpr])
        case string(StringLiteral)
        case bool(Bool)
        case null
        case number(NumberLiteral)
        /// `a..b`, `a..`, `..b`.
        case range(NumberLiteral?, NumberLiteral?)
        case bound(BoundOperator, NumberLiteral)
        /// `=~"re"` (negated: `!~"re"`).
        case match(negated: Bool, StringLiteral)
        case list(TypeExpr, [ListModifier])
        case block(Block)
        case paren(TypeExpr)
        case union([TypeExpr])
        case intersection([TypeExpr])
        /// `T else "message"`.
        case message(TypeExpr, StringLiteral)
    }

    var kind: Kind
    var range: SourceRange
}
