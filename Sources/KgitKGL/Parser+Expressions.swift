import KgitYAML

extension Parser {
    /// `Expr ::= OrExpr ( '?' OrExpr ':' Expr )?`.
    mutating func parseExpr() throws(SyntaxError) -> Expr {
        let start = current.range.start
        let condition = try parseOrExpr()
        guard accept(.question) != nil else { return condition }
        let then = try parseOrExpr()
        try expect(.colon, "':'")
        let otherwise = try nested { p throws(SyntaxError) in try p.parseExpr() }
        return Expr(kind: .conditional(condition, then, otherwise), range: range(from: start))
    }

    /// `OrExpr ::= AndExpr ( '||' AndExpr )*`.
    mutating func parseOrExpr() throws(SyntaxError) -> Expr {
        var lhs = try parseAndExpr()
        while accept(.pipePipe) != nil {
            let rhs = try parseAndExpr()
            lhs = Expr(kind: .binary(.pipePipe, lhs, rhs), range: lhs.range.union(rhs.range))
        }
        return lhs
    }

    /// `AndExpr ::= RelExpr ( '&&' RelExpr )*`.
    mutating func parseAndExpr() throws(SyntaxError) -> Expr {
        var lhs = try parseRelExpr()
        while accept(.ampAmp) != nil {
            let rhs = try parseRelExpr()
            lhs = Expr(kind: .binary(.ampAmp, lhs, rhs), range: lhs.range.union(rhs.range))
        }
        return lhs
    }

    /// `RelExpr ::= AddExpr ( RelOp AddExpr )?` with
    /// `RelOp ::= '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in'`.
    mutating func parseRelExpr() throws(SyntaxError) -> Expr {
        let lhs = try parseAddExpr()
        guard Parser.relationalOperators.contains(kind) else { return lhs }
        let op = advance().kind
        let rhs = try parseAddExpr()
        return Expr(kind: .binary(op, lhs, rhs), range: lhs.range.union(rhs.range))
    }

    static let relationalOperators: Set<Token.Kind> = [
        .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .kwIn,
    ]

    /// `AddExpr ::= MulExpr ( ( '+' | '-' ) MulExpr )*`.
    mutating func parseAddExpr() throws(SyntaxError) -> Expr {
        var lhs = try parseMulExpr()
        while kind == .plus || kind == .minus {
            let op = advance().kind
            let rhs = try parseMulExpr()
            lhs = Expr(kind: .binary(op, lhs, rhs), range: lhs.range.union(rhs.range))
        }
        return lhs
    }

    /// `MulExpr ::= UnaryExpr ( ( '*' | '/' | '%' ) UnaryExpr )*`.
    mutating func parseMulExpr() throws(SyntaxError) -> Expr {
        var lhs = try parseUnaryExpr()
        while kind == .star || kind == .slash || kind == .percent {
            let op = advance().kind
            let rhs = try parseUnaryExpr()
            lhs = Expr(kind: .binary(op, lhs, rhs), range: lhs.range.union(rhs.range))
        }
        return lhs
    }

    /// `UnaryExpr ::= ( '!' | '-' ) UnaryExpr | PostfixExpr`.
    mutating func parseUnaryExpr() throws(SyntaxError) -> Expr {
        try nested { p throws(SyntaxError) in
            guard p.kind == .bang || p.kind == .minus else { return try p.parsePostfixExpr() }
            let op = p.advance()
            let operand = try p.parseUnaryExpr()
            return Expr(kind: .unary(op.kind, operand), range: op.range.union(operand.range))
        }
    }

    /// `PostfixExpr ::= PrimaryExpr ( '.' Label CallArgs? | '[' Expr ']' )*`.
    mutating func parsePostfixExpr() throws(SyntaxError) -> Expr {
        var expr = try parsePrimaryExpr()
        while true {
            if accept(.dot) != nil {
                let name = try parseLabel()
                if kind == .lparen {
                    let args = try parseCallArgs()
                    expr = Expr(kind: .call(receiver: expr, name: name, args: args), range: range(from: expr.range.start))
                } else {
                    expr = Expr(kind: .member(expr, name), range: expr.range.union(name.range))
                }
            } else if let open = accept(.lbracket) {
                let index = try parseExpr()
                try expectClosing(.rbracket, of: open)
                expr = Expr(kind: .index(expr, index), range: range(from: expr.range.start))
            } else {
                return expr
            }
        }
    }

    /// `PrimaryExpr ::= IDENT CallArgs? | STRING | INT | FLOAT | QUANTITY | 'true' | 'false' | 'null'
    /// | '(' Expr ')' | '[' ( Expr ( ',' Expr )* )? ']'`.
    mutating func parsePrimaryExpr() throws(SyntaxError) -> Expr {
        let token = current
        switch kind {
        case .ident:
            advance()
            guard kind == .lparen else { return Expr(kind: .ident(ident(token)), range: token.range) }
            let args = try parseCallArgs()
            let name = Label(name: token.text, text: token.text, range: token.range)
            return Expr(kind: .call(receiver: nil, name: name, args: args), range: range(from: token.range.start))
        case .string:
            advance()
            return Expr(kind: .string(stringLiteral(token)), range: token.range)
        case .int, .float, .quantity:
            advance()
            let numberKind: NumberLiteral.Kind = token.kind == .int ? .int : token.kind == .float ? .float : .quantity
            return Expr(kind: .number(NumberLiteral(kind: numberKind, text: token.text, range: token.range)), range: token.range)
        case .kwTrue, .kwFalse:
            advance()
            return Expr(kind: .bool(token.kind == .kwTrue), range: token.range)
        case .kwNull:
            advance()
            return Expr(kind: .null, range: token.range)
        case .lparen:
            advance()
            let inner = try nested { p throws(SyntaxError) in try p.parseExpr() }
            try expectClosing(.rparen, of: token)
            return Expr(kind: .paren(inner), range: range(from: token.range.start))
        case .lbracket:
            advance()
            var elements: [Expr] = []
            if kind != .rbracket {
                elements.append(try nested { p throws(SyntaxError) in try p.parseExpr() })
                while accept(.comma) != nil {
                    elements.append(try nested { p throws(SyntaxError) in try p.parseExpr() })
                }
            }
            try expectClosing(.rbracket, of: token)
            return Expr(kind: .list(elements), range: range(from: token.range.start))
        default:
            throw unexpected(expected: "an expression")
        }
    }

    /// `CallArgs ::= '(' ( Expr ( ',' Expr )* )? ')'`.
    mutating func parseCallArgs() throws(SyntaxError) -> [Expr] {
        let open = try expect(.lparen)
        var args: [Expr] = []
        if kind != .rparen {
            args.append(try nested { p throws(SyntaxError) in try p.parseExpr() })
            while accept(.comma) != nil { args.append(try nested { p throws(SyntaxError) in try p.parseExpr() }) }
        }
        try expectClosing(.rparen, of: open)
        return args
    }
}
