/// `env prod extends base { ... }` (the `EnvDecl` production).
struct EnvDecl: Sendable, Hashable {
    /// `patch T "ns/name" { ... }`.
    struct Patch: Sendable, Hashable {
        var type: QualIdent
        var object: StringLiteral
        var statements: [PatchStatement]
        var range: SourceRange
    }

    /// `require T "ns/name"? { ... }`.
    struct Require: Sendable, Hashable {
        var type: QualIdent
        var object: StringLiteral?
        var block: Block
        var range: SourceRange
    }

    /// One item of an environment (the `EnvItem` production).
    enum Item: Sendable, Hashable {
        case patch(Patch)
        case require(Require)
        /// `add "file.yaml"`.
        case add(StringLiteral, SourceRange)

        var range: SourceRange {
            switch self {
            case .patch(let p): return p.range
            case .require(let r): return r.range
            case .add(_, let r): return r
            }
        }
    }

    var name: Ident
    var parent: Ident?
    var items: [Item]
    var range: SourceRange
}

/// One statement of a patch block (the `PatchStmt` production).
enum PatchStatement: Sendable, Hashable {
    /// `final? path = value` (append: `path += value`).
    case set(path: Path, value: Value, append: Bool, final: Bool, range: SourceRange)
    /// `delete path`.
    case delete(Path, SourceRange)

    var range: SourceRange {
        switch self {
        case .set(_, _, _, _, let r), .delete(_, let r): return r
        }
    }
}
