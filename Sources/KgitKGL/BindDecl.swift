/// `bind "glob" { A => B }` (the `BindDecl` production).
struct BindDecl: Sendable, Hashable {
    /// `apps.Deployment => shop.WebDeployment`.
    struct Rule: Sendable, Hashable {
        var from: QualIdent
        var to: QualIdent
        var range: SourceRange
    }

    var glob: StringLiteral
    var rules: [Rule]
    var range: SourceRange
}
