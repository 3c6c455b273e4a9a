import KgitYAML

extension Parser {
    // MARK: - Blocks

    /// `Block ::= '{' ( Member ( SEP Member )* )? '}'`.
    mutating func parseBlock() throws(SyntaxError) -> Block {
        let open = try expect(.lbrace, "'{'")
        let members = parseSeparatedList(until: .rbrace) { p throws(SyntaxError) in try p.parseMember() }
        try expectClosing(.rbrace, of: open)
        return Block(members: members, range: range(from: open.range.start))
    }

    /// `Member ::= FieldMember | MapMember | OpenMember | Rule`.
    mutating func parseMember() throws(SyntaxError) -> Block.Member {
        switch kind {
        case .lbracket: return try parseMapMember()
        case .ellipsis: return try parseOpenMember()
        case .kwRule: return .rule(try parseRule())
        default:
            guard isHeadLabel(kind) else {
                throw unexpected(expected: "a field, '[K]: V', '...' or 'rule'")
            }
            return .field(try parseFieldMember())
        }
    }

    /// `FieldMember ::= Path '?'? ':' TypeExpr ( '=' Value )?`.
    mutating func parseFieldMember() throws(SyntaxError) -> Block.Field {
        let path = try parsePath()
        let optional = accept(.question) != nil
        try expect(.colon, optional ? "':'" : "'?', ':', '.' or '['")
        let type = try parseTypeExpr()
        var defaultValue: Value?
        if accept(.assign) != nil { defaultValue = try parseValue() }
        return Block.Field(
            path: path, optional: optional, type: type, defaultValue: defaultValue, range: range(from: path.range.start))
    }

    /// `MapMember ::= '[' TypeExpr ']' ':' TypeExpr`.
    mutating func parseMapMember() throws(SyntaxError) -> Block.Member {
        let open = try expect(.lbracket)
        let key = try parseTypeExpr()
        try expectClosing(.rbracket, of: open)
        try expect(.colon, "':'")
        let value = try parseTypeExpr()
        return .map(key: key, value: value, range: range(from: open.range.start))
    }

    /// `OpenMember ::= '...'`.
    mutating func parseOpenMember() throws(SyntaxError) -> Block.Member {
        .open(try expect(.ellipsis).range)
    }

    /// `Rule ::= 'rule' STRING ( 'at' Path )? ( 'when' Expr )? '{' Expr '}'`.
    mutating func parseRule() throws(SyntaxError) -> Rule {
        let start = try expect(.kwRule).range.start
        let message = stringLiteral(try expect(.string, "the rule's message, a string"))
        var at: Path?
        if accept(.kwAt) != nil { at = try parsePath() }
        var when: Expr?
        if accept(.kwWhen) != nil { when = try parseExpr() }
        let open = try expect(.lbrace, at == nil && when == nil ? "'at', 'when' or '{'" : "'{'")
        let body = try parseExpr()
        try expectClosing(.rbrace, of: open)
        return Rule(message: message, at: at, when: when, body: body, range: range(from: start))
    }

    // MARK: - Paths

    /// `Path ::= HeadLabel PathStep*`.
    mutating func parsePath() throws(SyntaxError) -> Path {
        let head = try parseHeadLabel()
        var steps: [Path.Step] = [.field(head)]
        while kind == .dot || kind == .lbracket { steps.append(try parsePathStep()) }
        return Path(steps: steps, range: range(from: head.range.start))
    }

    /// `PathStep ::= '.' Label | '[' Selector ']'`.
    mutating func parsePathStep() throws(SyntaxError) -> Path.Step {
        if accept(.dot) != nil { return .field(try parseLabel()) }
        let open = try expect(.lbracket, "'.' or '['")
        let step = try parseSelector(from: open.range.start)
        try expectClosing(.rbracket, of: open)
        switch step {
        case .key(let matches, _): return .key(matches, range(from: open.range.start))
        case .every: return .every(range(from: open.range.start))
        default: return step
        }
    }

    /// `Selector ::= '*' | INT | KeyMatch ( ',' KeyMatch )*`.
    mutating func parseSelector(from start: Mark) throws(SyntaxError) -> Path.Step {
        if let star = accept(.star) { return .every(star.range) }
        if let int = accept(.int) { return .index(NumberLiteral(kind: .int, text: int.text, range: int.range)) }
        guard isLabel(kind) else { throw unexpected(expected: "'*', an index or a key match such as name=\"web\"") }
        var matches = [try parseKeyMatch()]
        while accept(.comma) != nil { matches.append(try parseKeyMatch()) }
        return .key(matches, range(from: start))
    }

    /// `KeyMatch ::= Label '=' Scalar`.
    mutating func parseKeyMatch() throws(SyntaxError) -> Path.KeyMatch {
        let label = try parseLabel()
        try expect(.assign, "'='")
        return Path.KeyMatch(label: label, value: try parseScalar())
    }

    /// `Label ::= HeadLabel | 'rule' | 'final' | 'delete'`.
    mutating func parseLabel() throws(SyntaxError) -> Label {
        switch kind {
        case .kwRule, .kwFinal, .kwDelete:
            let token = advance()
            return Label(name: token.text, text: token.text, range: token.range)
        default:
            return try parseHeadLabel()
        }
    }

    /// `HeadLabel ::= IDENT | STRING | SoftKeyword`.
    mutating func parseHeadLabel() throws(SyntaxError) -> Label {
        guard isHeadLabel(kind) else { throw unexpected(expected: "a field name") }
        let token = advance()
        return Label(name: token.value, text: token.text, range: token.range)
    }

    /// True when `kind` can begin a path (`HeadLabel`).
    func isHeadLabel(_ kind: Token.Kind) -> Bool {
        kind == .ident || kind == .string || Parser.softKeywords.contains(kind)
    }

    /// True when `kind` is a `Label` (any field name, including `rule`, `final`, `delete`).
    func isLabel(_ kind: Token.Kind) -> Bool {
        isHeadLabel(kind) || kind == .kwRule || kind == .kwFinal || kind == .kwDelete
    }

    /// The `SoftKeyword` production: keywords that may begin a path.
    static let softKeywords: Set<Token.Kind> = [
        .kwPackage, .kwImport, .kwSha256, .kwType, .kwElse, .kwKeyed, .kwSet, .kwAtomic, .kwAt, .kwWhen,
        .kwBind, .kwEnv, .kwExtends, .kwPatch, .kwRequire, .kwAdd, .kwIn, .kwTrue, .kwFalse, .kwNull,
    ]

    // MARK: - Values

    /// `Value ::= Scalar | ListValue | ObjectValue`.
    mutating func parseValue() throws(SyntaxError) -> Value {
        try nested { p throws(SyntaxError) in
            switch p.kind {
            case .lbracket: return try p.parseListValue()
            case .lbrace: return try p.parseObjectValue()
            default: return try p.parseScalar()
            }
        }
    }

    /// `Scalar ::= STRING | Number | 'true' | 'false' | 'null'`.
    mutating func parseScalar() throws(SyntaxError) -> Value {
        let token = current
        switch kind {
        case .string: advance(); return Value(kind: .string(stringLiteral(token)), range: token.range)
        case .kwTrue: advance(); return Value(kind: .bool(true), range: token.range)
        case .kwFalse: advance(); return Value(kind: .bool(false), range: token.range)
        case .kwNull: advance(); return Value(kind: .null, range: token.range)
        case .minus, .int, .float, .quantity:
            let number = try parseNumber()
            return Value(kind: .number(number), range: number.range)
        default:
            throw unexpected(expected: "a value")
        }
    }

    /// `ListValue ::= '[' ( Value ( ',' Value )* )? ']'`.
    mutating func parseListValue() throws(SyntaxError) -> Value {
        let open = try expect(.lbracket)
        var elements: [Value] = []
        if kind != .rbracket {
            elements.append(try parseValue())
            while accept(.comma) != nil { elements.append(try parseValue()) }
        }
        try expectClosing(.rbracket, of: open)
        return Value(kind: .list(elements), range: range(from: open.range.start))
    }

    /// `ObjectValue ::= '{' ( ObjectField ( SEP ObjectField )* )? '}'`.
    mutating func parseObjectValue() throws(SyntaxError) -> Value {
        let open = try expect(.lbrace)
        let fields = parseSeparatedList(until: .rbrace) { p throws(SyntaxError) in try p.parseObjectField() }
        try expectClosing(.rbrace, of: open)
        return Value(kind: .object(fields), range: range(from: open.range.start))
    }

    /// `ObjectField ::= Label ':' Value`.
    mutating func parseObjectField() throws(SyntaxError) -> Value.Field {
        let label = try parseLabel()
        try expect(.colon, "':'")
        return Value.Field(label: label, value: try parseValue())
    }
}
