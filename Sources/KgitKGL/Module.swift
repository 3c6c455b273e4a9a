/// The syntax tree of one KGL file (the `Module` production).
struct Module: Sendable, Hashable {
    /// `package shop`.
    struct PackageDecl: Sendable, Hashable {
        var name: Ident
        var range: SourceRange
    }

    /// `import apps "kgit:k8s@1.30/apps/v1" sha256 "..."`.
    struct ImportDecl: Sendable, Hashable {
        var name: Ident
        var path: StringLiteral
        var sha256: StringLiteral?
        var range: SourceRange
    }

    var package: PackageDecl?
    var imports: [ImportDecl]
    var decls: [Decl]
    var range: SourceRange
}

/// A top-level declaration (the `Decl` production).
enum Decl: Sendable, Hashable {
    case type(TypeDecl)
    case bind(BindDecl)
    case env(EnvDecl)

    var range: SourceRange {
        switch self {
        case .type(let d): return d.range
        case .bind(let d): return d.range
        case .env(let d): return d.range
        }
    }
}

/// `type Name = TypeExpr`.
struct TypeDecl: Sendable, Hashable {
    var name: Ident
    var type: TypeExpr
    var range: SourceRange
}
