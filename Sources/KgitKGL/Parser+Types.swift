import KgitYAML

extension Parser {
    /// `TypeExpr ::= UnionType ( 'else' STRING )?`.
    mutating func parseTypeExpr() throws(SyntaxError) -> TypeExpr {
        let start = current.range.start
        let type = try parseUnionType()
        guard accept(.kwElse) != nil else { return type }
        let message = stringLiteral(try expect(.string, "a message string after 'else'"))
        return TypeExpr(kind: .message(type, message), range: range(from: start))
    }

    /// `UnionType ::= IntersectType ( '|' IntersectType )*`.
    mutating func parseUnionType() throws(SyntaxError) -> TypeExpr {
        let start = current.range.start
        var terms = [try parseIntersectType()]
        while accept(.pipe) != nil { terms.append(try parseIntersectType()) }
        return terms.count == 1 ? terms[0] : TypeExpr(kind: .union(terms), range: range(from: start))
    }

    /// `IntersectType ::= TypeTerm ( '&' TypeTerm )*`.
    mutating func parseIntersectType() throws(SyntaxError) -> TypeExpr {
        let start = current.range.start
        var terms = [try parseTypeTerm()]
        while accept(.amp) != nil { terms.append(try parseTypeTerm()) }
        return terms.count == 1 ? terms[0] : TypeExpr(kind: .intersection(terms), range: range(from: start))
    }

    /// `TypeTerm ::= NamedType | LiteralType | NumberType | OpenRange | BoundType | MatchType
    /// | ListType | Block | '(' TypeExpr ')'`.
    mutating func parseTypeTerm() throws(SyntaxError) -> TypeExpr {
        try nested { p throws(SyntaxError) in
            switch p.kind {
            case .ident: return try p.parseNamedType()
            case .string, .kwTrue, .kwFalse, .kwNull: return try p.parseLiteralType()
            case .minus, .int, .float, .quantity: return try p.parseNumberType()
            case .dotDot: return try p.parseOpenRange()
            case .less, .lessEqual, .greater, .greaterEqual: return try p.parseBoundType()
            case .match, .notMatch: return try p.parseMatchType()
            case .lbracket: return try p.parseListType()
            case .lbrace:
                let block = try p.parseBlock()
                return TypeExpr(kind: .block(block), range: block.range)
            case .lparen:
                let open = p.advance()
                let inner = try p.parseTypeExpr()
                try p.expectClosing(.rparen, of: open)
                return TypeExpr(kind: .paren(inner), range: p.range(from: open.range.start))
            default:
                throw p.unexpected(expected: "a type")
            }
        }
    }

    /// `NamedType ::= QualIdent ( Block | TypeArgs )?`.
    mutating func parseNamedType() throws(SyntaxError) -> TypeExpr {
        let name = try parseQualIdent()
        switch kind {
        case .lbrace:
            let block = try parseBlock()
            return TypeExpr(kind: .named(name, refinement: block), range: range(from: name.range.start))
        case .lparen:
            let args = try parseTypeArgs()
            return TypeExpr(kind: .call(name, args), range: range(from: name.range.start))
        default:
            return TypeExpr(kind: .named(name, refinement: nil), range: name.range)
        }
    }

    /// `TypeArgs ::= '(' ( TypeExpr ( ',' TypeExpr )* )? ')'`.
    mutating func parseTypeArgs() throws(SyntaxError) -> [TypeExpr] {
        let open = try expect(.lparen)
        var args: [TypeExpr] = []
        if kind != .rparen {
            args.append(try parseTypeExpr())
            while accept(.comma) != nil { args.append(try parseTypeExpr()) }
        }
        try expectClosing(.rparen, of: open)
        return args
    }

    /// `LiteralType ::= STRING | 'true' | 'false' | 'null'`.
    mutating func parseLiteralType() throws(SyntaxError) -> TypeExpr {
        let token = current
        switch kind {
        case .string: advance(); return TypeExpr(kind: .string(stringLiteral(token)), range: token.range)
        case .kwTrue: advance(); return TypeExpr(kind: .bool(true), range: token.range)
        case .kwFalse: advance(); return TypeExpr(kind: .bool(false), range: token.range)
        case .kwNull: advance(); return TypeExpr(kind: .null, range: token.range)
        default: throw unexpected(expected: "a literal")
        }
    }

    /// `NumberType ::= Number ( '..' Number? )?`.
    mutating func parseNumberType() throws(SyntaxError) -> TypeExpr {
        let low = try parseNumber()
        guard accept(.dotDot) != nil else { return TypeExpr(kind: .number(low), range: low.range) }
        var high: NumberLiteral?
        if [.minus, .int, .float, .quantity].contains(kind) { high = try parseNumber() }
        return TypeExpr(kind: .range(low, high), range: range(from: low.range.start))
    }

    /// `OpenRange ::= '..' Number`.
    mutating func parseOpenRange() throws(SyntaxError) -> TypeExpr {
        let start = try expect(.dotDot).range.start
        let high = try parseNumber()
        return TypeExpr(kind: .range(nil, high), range: range(from: start))
    }

    /// `Number ::= '-'? ( INT | FLOAT | QUANTITY )`.
    mutating func parseNumber() throws(SyntaxError) -> NumberLiteral {
        let minus = accept(.minus)
        let token = current
        let kind: NumberLiteral.Kind
        switch token.kind {
        case .int: kind = .int
        case .float: kind = .float
        case .quantity: kind = .quantity
        default: throw unexpected(expected: minus == nil ? "a number" : "a number after '-'")
        }
        advance()
        return NumberLiteral(
            kind: kind, text: (minus == nil ? "" : "-") + token.text,
            range: SourceRange(start: minus?.range.start ?? token.range.start, end: token.range.end))
    }

    /// `BoundType ::= ( '<' | '<=' | '>' | '>=' ) Number`.
    mutating func parseBoundType() throws(SyntaxError) -> TypeExpr {
        let token = advance()
        guard let op = TypeExpr.BoundOperator(rawValue: token.kind.rawValue) else {
            throw unexpected(expected: "'<', '<=', '>' or '>='")
        }
        let bound = try parseNumber()
        return TypeExpr(kind: .bound(op, bound), range: range(from: token.range.start))
    }

    /// `MatchType ::= ( '=~' | '!~' ) STRING`.
    mutating func parseMatchType() throws(SyntaxError) -> TypeExpr {
        let token = advance()
        let pattern = stringLiteral(try expect(.string, "a regular expression string"))
        return TypeExpr(
            kind: .match(negated: token.kind == .notMatch, pattern), range: range(from: token.range.start))
    }

    /// `ListType ::= '[' TypeExpr ']' ListModifier*`.
    mutating func parseListType() throws(SyntaxError) -> TypeExpr {
        let open = try expect(.lbracket)
        let element = try parseTypeExpr()
        try expectClosing(.rbracket, of: open)
        var modifiers: [TypeExpr.ListModifier] = []
        while [.kwKeyed, .kwSet, .kwAtomic].contains(kind) { modifiers.append(try parseListModifier()) }
        return TypeExpr(kind: .list(element, modifiers), range: range(from: open.range.start))
    }

    /// `ListModifier ::= 'keyed' '(' Label ( ',' Label )* ')' | 'set' | 'atomic'`.
    mutating func parseListModifier() throws(SyntaxError) -> TypeExpr.ListModifier {
        let token = advance()
        switch token.kind {
        case .kwSet: return .set(token.range)
        case .kwAtomic: return .atomic(token.range)
        case .kwKeyed:
            let open = try expect(.lparen, "'(' after 'keyed'")
            var keys = [try parseLabel()]
            while accept(.comma) != nil { keys.append(try parseLabel()) }
            try expectClosing(.rparen, of: open)
            return .keyed(keys, range(from: token.range.start))
        default:
            throw unexpected(expected: "'keyed', 'set' or 'atomic'")
        }
    }
}
