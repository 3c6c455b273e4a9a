import KgitYAML

extension Parser {
    /// `Module ::= PackageDecl? ImportDecl* Decl* EOF`.
    mutating func parseModule() -> Module {
        let start = current.range.start
        var package: Module.PackageDecl?
        var imports: [Module.ImportDecl] = []
        var decls: [Decl] = []
        if kind == .kwPackage {
            recovering { p throws(SyntaxError) in package = try p.parsePackageDecl() }
        }
        while kind == .kwImport {
            recovering { p throws(SyntaxError) in imports.append(try p.parseImportDecl()) }
        }
        while kind != .eof {
            recovering { p throws(SyntaxError) in
                // A misplaced package clause or import is reported, then parsed as usual so that
                // the rest of the file is not disturbed.
                switch p.kind {
                case .kwPackage:
                    p.report(
                        p.unexpected(
                            expected: "a declaration ('package' must come first)", code: .misplacedDeclaration))
                    _ = try p.parsePackageDecl()
                case .kwImport:
                    p.report(
                        p.unexpected(
                            expected: "a declaration (imports must come before declarations)",
                            code: .misplacedDeclaration))
                    imports.append(try p.parseImportDecl())
                default:
                    decls.append(try p.parseDecl())
                }
            }
        }
        return Module(package: package, imports: imports, decls: decls, range: range(from: start))
    }

    /// Runs one top-level item; on an error, reports it and skips past the next top-level SEP.
    private mutating func recovering(_ body: (inout Parser) throws(SyntaxError) -> Void) {
        let start = position
        do throws(SyntaxError) {
            try body(&self)
        } catch {
            report(error)
            synchronize(toDepth: 0)
            // Always make progress: an error at a declaration keyword must not be met again.
            if position == start { advance() }
            _ = accept(.sep)
        }
    }

    /// `PackageDecl ::= 'package' IDENT SEP`.
    mutating func parsePackageDecl() throws(SyntaxError) -> Module.PackageDecl {
        let start = try expect(.kwPackage).range.start
        let name = ident(try expect(.ident, "a package name"))
        let result = Module.PackageDecl(name: name, range: range(from: start))
        try expect(.sep, "a line break after the package clause")
        return result
    }

    /// `ImportDecl ::= 'import' IDENT STRING ( 'sha256' STRING )? SEP`.
    mutating func parseImportDecl() throws(SyntaxError) -> Module.ImportDecl {
        let start = try expect(.kwImport).range.start
        let name = ident(try expect(.ident, "the name to import the package as"))
        let path = stringLiteral(try expect(.string, "the import path, a string"))
        var sha256: StringLiteral?
        if accept(.kwSha256) != nil {
            sha256 = stringLiteral(try expect(.string, "the SHA-256 digest, a string"))
        }
        let result = Module.ImportDecl(name: name, path: path, sha256: sha256, range: range(from: start))
        try expect(.sep, "'sha256' or a line break after the import")
        return result
    }

    /// `Decl ::= TypeDecl | BindDecl | EnvDecl`.
    mutating func parseDecl() throws(SyntaxError) -> Decl {
        switch kind {
        case .kwType: return .type(try parseTypeDecl())
        case .kwBind: return .bind(try parseBindDecl())
        case .kwEnv: return .env(try parseEnvDecl())
        default: throw unexpected(expected: "a declaration ('type', 'bind' or 'env')")
        }
    }

    /// `TypeDecl ::= 'type' IDENT '=' TypeExpr SEP`.
    mutating func parseTypeDecl() throws(SyntaxError) -> TypeDecl {
        let start = try expect(.kwType).range.start
        let name = ident(try expect(.ident, "the type's name"))
        try expect(.assign, "'='")
        let type = try parseTypeExpr()
        let result = TypeDecl(name: name, type: type, range: range(from: start))
        try expect(.sep, "'&', '|', 'else' or a line break after the type")
        return result
    }
}
