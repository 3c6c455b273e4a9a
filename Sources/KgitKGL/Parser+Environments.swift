import KgitYAML

extension Parser {
    // MARK: - Bindings

    /// `BindDecl ::= 'bind' STRING '{' ( BindRule ( SEP BindRule )* )? '}' SEP`.
    mutating func parseBindDecl() throws(SyntaxError) -> BindDecl {
        let start = try expect(.kwBind).range.start
        let glob = stringLiteral(try expect(.string, "a file glob, a string"))
        let open = try expect(.lbrace, "'{'")
        let rules = parseSeparatedList(until: .rbrace) { p throws(SyntaxError) in try p.parseBindRule() }
        try expectClosing(.rbrace, of: open)
        let result = BindDecl(glob: glob, rules: rules, range: range(from: start))
        try expect(.sep, "a line break after '}'")
        return result
    }

    /// `BindRule ::= QualIdent '=>' QualIdent`.
    mutating func parseBindRule() throws(SyntaxError) -> BindDecl.Rule {
        let from = try parseQualIdent()
        try expect(.arrow, "'=>'")
        let to = try parseQualIdent()
        return BindDecl.Rule(from: from, to: to, range: range(from: from.range.start))
    }

    // MARK: - Environments

    /// `EnvDecl ::= 'env' IDENT ( 'extends' IDENT )? '{' ( EnvItem ( SEP EnvItem )* )? '}' SEP`.
    mutating func parseEnvDecl() throws(SyntaxError) -> EnvDecl {
        let start = try expect(.kwEnv).range.start
        let name = ident(try expect(.ident, "the environment's name"))
        var parent: Ident?
        if accept(.kwExtends) != nil { parent = ident(try expect(.ident, "the name of the environment to extend")) }
        let open = try expect(.lbrace, parent == nil ? "'extends' or '{'" : "'{'")
        let items = parseSeparatedList(until: .rbrace) { p throws(SyntaxError) in try p.parseEnvItem() }
        try expectClosing(.rbrace, of: open)
        let result = EnvDecl(name: name, parent: parent, items: items, range: range(from: start))
        try expect(.sep, "a line break after '}'")
        return result
    }

    /// `EnvItem ::= PatchBlock | RequireBlock | AddItem`.
    mutating func parseEnvItem() throws(SyntaxError) -> EnvDecl.Item {
        switch kind {
        case .kwPatch: return .patch(try parsePatchBlock())
        case .kwRequire: return .require(try parseRequireBlock())
        case .kwAdd: return try parseAddItem()
        default: throw unexpected(expected: "'patch', 'require' or 'add'")
        }
    }

    /// `PatchBlock ::= 'patch' QualIdent STRING '{' ( PatchStmt ( SEP PatchStmt )* )? '}'`.
    mutating func parsePatchBlock() throws(SyntaxError) -> EnvDecl.Patch {
        let start = try expect(.kwPatch).range.start
        let type = try parseQualIdent()
        let object = stringLiteral(try expect(.string, "the object's \"namespace/name\""))
        let open = try expect(.lbrace, "'{'")
        let statements = parseSeparatedList(until: .rbrace) { p throws(SyntaxError) in try p.parsePatchStmt() }
        try expectClosing(.rbrace, of: open)
        return EnvDecl.Patch(type: type, object: object, statements: statements, range: range(from: start))
    }

    /// `PatchStmt ::= 'final'? Path ( '=' | '+=' ) Value | 'delete' Path`.
    mutating func parsePatchStmt() throws(SyntaxError) -> PatchStatement {
        let start = current.range.start
        if accept(.kwDelete) != nil {
            let path = try parsePath()
            return .delete(path, range(from: start))
        }
        let final = accept(.kwFinal) != nil
        let path = try parsePath()
        let append: Bool
        switch kind {
        case .assign: append = false
        case .plusAssign: append = true
        default: throw unexpected(expected: "'=', '+=', '.' or '['")
        }
        advance()
        let value = try parseValue()
        return .set(path: path, value: value, append: append, final: final, range: range(from: start))
    }

    /// `RequireBlock ::= 'require' QualIdent STRING? Block`.
    mutating func parseRequireBlock() throws(SyntaxError) -> EnvDecl.Require {
        let start = try expect(.kwRequire).range.start
        let type = try parseQualIdent()
        let object = accept(.string).map(stringLiteral)
        guard kind == .lbrace else { throw unexpected(expected: object == nil ? "'.', a string or '{'" : "'{'") }
        let block = try parseBlock()
        return EnvDecl.Require(type: type, object: object, block: block, range: range(from: start))
    }

    /// `AddItem ::= 'add' STRING`.
    mutating func parseAddItem() throws(SyntaxError) -> EnvDecl.Item {
        let start = try expect(.kwAdd).range.start
        let file = stringLiteral(try expect(.string, "a YAML file name, a string"))
        return .add(file, range(from: start))
    }
}
