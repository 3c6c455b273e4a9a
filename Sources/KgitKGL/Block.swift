/// A struct block `{ ... }` of a type (the `Block` production).
struct Block: Sendable, Hashable {
    /// `path?: T = default`.
    struct Field: Sendable, Hashable {
        var path: Path
        var optional: Bool
        var type: TypeExpr
        var defaultValue: Value?
        var range: SourceRange
    }

    /// One member of a block (the `Member` production).
    enum Member: Sendable, Hashable {
        case field(Field)
        /// `[K]: V`.
        case map(key: TypeExpr, value: TypeExpr, range: SourceRange)
        /// `...`.
        case open(SourceRange)
        case rule(Rule)

        var range: SourceRange {
            switch self {
            case .field(let f): return f.range
            case .map(_, _, let r), .open(let r): return r
            case .rule(let r): return r.range
            }
        }
    }

    var members: [Member]
    var range: SourceRange
}

/// `rule "message" at path when guard { condition }`.
struct Rule: Sendable, Hashable {
    var message: StringLiteral
    var at: Path?
    var when: Expr?
    var body: Expr
    var range: SourceRange
}
