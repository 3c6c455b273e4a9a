import KgitSchema

// `&` and the constraint terms: bounds, ranges, patterns, len, multipleOf, format.
extension TypeCompiler {
    /// True for terms that constrain a value rather than name its type.
    static func isConstraint(_ type: TypeExpr) -> Bool {
        switch type.kind {
        case .range, .bound, .match: return true
        case .call(let name, _): return name.parts.count == 1
        case .paren(let inner), .message(let inner, _): return isConstraint(inner)
        default: return false
        }
    }

    /// `A & B & ...`. Constraint terms are folded into the type they apply to: `seed` (the refined
    /// field's schema) or the first non-constraint term; further types are added as `allOf`.
    mutating func compileIntersection(_ terms: [TypeExpr], seed: Schema? = nil) -> Schema? {
        var bases: [Schema] = []
        var constraints: [TypeExpr] = []
        var failed = false
        for term in terms {
            if TypeCompiler.isConstraint(term) {
                constraints.append(term)
            } else if let schema = compileType(term) {
                bases.append(schema)
            } else {
                failed = true
            }
        }
        if failed { return nil }
        var schema: Schema
        if let seed {
            schema = bases.isEmpty ? seed : rebuilt(seed, allOf: bases)
        } else if let first = bases.first {
            schema = bases.count == 1 ? first : rebuilt(first, allOf: Array(bases.dropFirst()))
        } else if let first = constraints.first {
            schema = implicitBase(for: first)
        } else {
            return Schema(.any)
        }
        // The constraints fold into the shape of the seed or first type (rebuilt above, so look that one up).
        let base = seed ?? bases.first ?? schema
        for constraint in constraints {
            guard let next = apply(constraint, to: schema) else { return nil }
            schema = next
        }
        if !constraints.isEmpty { recordBounds(of: schema, base: base, terms: constraints) }
        return schema
    }

    /// The type a constraint alone implies: numbers for bounds, strings for patterns, any otherwise.
    private func implicitBase(for constraint: TypeExpr) -> Schema {
        switch constraint.kind {
        case .range(let low, let high):
            if low?.kind == .quantity || high?.kind == .quantity { return Schema(.quantity) }
            return Schema(.number(NumericSchema()))
        case .bound(_, let n):
            return n.kind == .quantity ? Schema(.quantity) : Schema(.number(NumericSchema()))
        case .match: return Schema(.string(StringSchema()))
        case .paren(let inner), .message(let inner, _): return implicitBase(for: inner)
        default: return Schema(.any)
        }
    }

    /// `schema` narrowed by `constraint`, or nil after reporting why it does not apply.
    private mutating func apply(_ constraint: TypeExpr, to schema: Schema) -> Schema? {
        // A constraint on a named type does not change that type: it is checked alongside it.
        if case .reference = schema.shape {
            guard let target = schema.resolved else { return schema }
            // The constraint alone, on a value of the same kind: added to the named type's own
            // constraints (a pattern never replaces the type's pattern), not merged into them.
            guard let alone = apply(constraint, to: Schema(TypeCompiler.unconstrained(target.shape))) else { return nil }
            return rebuilt(schema, allOf: [alone])
        }
        switch constraint.kind {
        case .paren(let inner), .message(let inner, _):
            return apply(inner, to: schema)
        case .range(let low, let high):
            return bounded(schema, low.map { ($0, false) }, high.map { ($0, false) }, at: constraint.range)
        case .bound(let op, let n):
            switch op {
            case .greater: return bounded(schema, (n, true), nil, at: constraint.range)
            case .greaterEqual: return bounded(schema, (n, false), nil, at: constraint.range)
            case .less: return bounded(schema, nil, (n, true), at: constraint.range)
            case .lessEqual: return bounded(schema, nil, (n, false), at: constraint.range)
            }
        case .match(let negated, let pattern):
            guard case .string(var string) = schema.shape else {
                report(.invalidConstraint, "a pattern applies to strings, not to \(schema.typeDescription)", at: constraint.range)
                return nil
            }
            guard let compiled = try? SchemaPattern(pattern.value) else {
                report(.invalidPattern, "invalid regular expression \(pattern.text)", at: pattern.range)
                return nil
            }
            let origin = "\(file):\(constraint.range.start)"
            if negated { return rebuilt(schema, not: Schema(.string(StringSchema(pattern: compiled)), origin: origin)) }
            if string.pattern == nil {
                string.pattern = compiled
                return rebuilt(schema, shape: .string(string)).with(origin: origin)
            }
            // The value must match both: the pattern already there (an imported one) and this one.
            return rebuilt(schema, allOf: [Schema(.string(StringSchema(pattern: compiled)), origin: origin)])
        case .call(let name, let args):
            return call(name, args, on: schema, at: constraint.range)
        default:
            return schema
        }
    }

    private mutating func call(_ name: QualIdent, _ args: [TypeExpr], on schema: Schema, at range: SourceRange) -> Schema? {
        switch name.dotted {
        case "len":
            guard args.count == 1, let (low, high) = lengthBounds(args[0]) else {
                report(.invalidConstraint, "len takes one length or range of lengths, as len(1..63)", at: range)
                return nil
            }
            switch schema.shape {
            // An open end keeps the limit already there (`len(..10)` narrows, never drops a minimum).
            case .string(var s):
                s.minLength = low ?? s.minLength
                s.maxLength = high ?? s.maxLength
                return rebuilt(schema, shape: .string(s))
            case .array(var a):
                a.minItems = low ?? a.minItems
                a.maxItems = high ?? a.maxItems
                return rebuilt(schema, shape: .array(a))
            case .object(var o):
                o.minProperties = low ?? o.minProperties
                o.maxProperties = high ?? o.maxProperties
                return rebuilt(schema, shape: .object(o))
            default:
                report(.invalidConstraint, "len applies to strings, lists and maps, not to \(schema.typeDescription)", at: range)
                return nil
            }
        case "multipleOf":
            guard args.count == 1, case .number(let n) = args[0].kind, let value = Double(n.text), value > 0 else {
                report(.invalidConstraint, "multipleOf takes one positive number", at: range)
                return nil
            }
            return numeric(schema, at: range) { $0.multipleOf = value }
        case "format":
            guard args.count == 1, case .string(let f) = args[0].kind, case .string(var s) = schema.shape else {
                report(.invalidConstraint, "format takes one string and applies to strings", at: range)
                return nil
            }
            s.format = f.value
            return rebuilt(schema, shape: .string(s))
        case "ref":
            report(.notSupportedYet, "cross-resource references (ref) are not checked yet", at: range)
            return schema
        default:
            report(.unknownType, "unknown constraint \(name.dotted)", at: name.range)
            return nil
        }
    }

    /// `n` or `a..b` as whole lengths.
    private func lengthBounds(_ arg: TypeExpr) -> (Int?, Int?)? {
        switch arg.kind {
        case .number(let n):
            guard let value = Int(n.text), value >= 0 else { return nil }
            return (value, value)
        case .range(let low, let high):
            let lo = low.flatMap { Int($0.text) }
            let hi = high.flatMap { Int($0.text) }
            if (low != nil && lo == nil) || (high != nil && hi == nil) { return nil }
            return (lo, hi)
        default:
            return nil
        }
    }

    private mutating func bounded(
        _ schema: Schema, _ low: (NumberLiteral, Bool)?, _ high: (NumberLiteral, Bool)?, at range: SourceRange
    ) -> Schema? {
        if case .quantity = schema.shape {
            return quantityBounded(schema, low, high, at: range)
        }
        for bound in [low, high].compactMap({ $0 }) where bound.0.kind == .quantity {
            report(.invalidConstraint, "the bound \(bound.0.text) is a quantity, but the value is a \(schema.typeDescription)", at: range)
            return nil
        }
        return numeric(schema, at: range) { numbers in
            if let (n, exclusive) = low, let value = Double(n.text) {
                numbers.minimum = value
                numbers.exclusiveMinimum = exclusive
            }
            if let (n, exclusive) = high, let value = Double(n.text) {
                numbers.maximum = value
                numbers.exclusiveMaximum = exclusive
            }
        }
    }

    private mutating func numeric(_ schema: Schema, at range: SourceRange, _ change: (inout NumericSchema) -> Void) -> Schema? {
        switch schema.shape {
        case .integer(var n):
            change(&n)
            return rebuilt(schema, shape: .integer(n))
        case .number(var n):
            change(&n)
            return rebuilt(schema, shape: .number(n))
        default:
            report(.invalidConstraint, "a numeric bound applies to numbers, not to \(schema.typeDescription)", at: range)
            return nil
        }
    }

    /// A shape of the same kind as `shape` with none of its constraints.
    static func unconstrained(_ shape: Schema.Shape) -> Schema.Shape {
        switch shape {
        case .string(let s): return .string(StringSchema(format: s.format))
        case .integer(let n): return .integer(NumericSchema(format: n.format))
        case .number(let n): return .number(NumericSchema(format: n.format))
        case .array: return .array(ArraySchema(items: Schema(.any, nullable: true)))
        case .object: return .object(ObjectSchema(additionalProperties: .preserveUnknown))
        default: return shape
        }
    }

    /// A copy of `schema` with a new shape, more `allOf` schemas, a `not`, or more rules.
    func rebuilt(
        _ s: Schema, shape: Schema.Shape? = nil, allOf extra: [Schema] = [], not: Schema? = nil,
        validations: [ValidationRule] = [], checks: [SchemaCheck] = []
    ) -> Schema {
        Schema(
            shape ?? s.shape, nullable: s.nullable, description: s.description, enumValues: s.enumValues,
            allOf: s.allOf + extra, anyOf: s.anyOf, oneOf: s.oneOf, not: not ?? s.not,
            validations: s.validations + validations, checks: s.checks + checks, patchStrategy: s.patchStrategy,
            patchMergeKey: s.patchMergeKey, definitionName: s.definitionName, errorMessage: s.errorMessage, origin: s.origin,
            conditional: s.conditional)
    }
}
