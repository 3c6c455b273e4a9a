import KgitAPIMachinery
import KgitSchema
import KgitYAML

// A refinement may only narrow: its bounds and length limits are compared with the base's, wherever
// the base declared them (on the field, or on a named type the field has, through any number of
// names and `&`s), and a looser one is reported naming both declarations.
extension TypeCompiler {
    /// The numeric (or quantity) bounds and length limits a schema's own constraints declare, with
    /// where each was written when that is known (KGL constraints; not imported definitions).
    struct DeclaredBounds {
        /// One end of a range.
        struct End {
            /// The bound as a number (a quantity's canonical value).
            var value: Double
            var exclusive: Bool
            /// The bound as messages show it (`8`, `8Gi`).
            var shown: String
            /// Where it was written: the file and the constraint's position.
            var origin: (file: String, mark: Mark)?

            /// The bound for messages: `10`, or `10 (exclusive)`.
            var described: String { exclusive ? "\(shown) (exclusive)" : shown }

            /// True when `self`, as an upper (or lower) bound, admits values `other` excludes.
            func isLooser(than other: End, upper: Bool) -> Bool {
                if value == other.value { return other.exclusive && !exclusive }
                return upper ? value > other.value : value < other.value
            }

            /// The tighter of two bounds of the same side.
            static func tighter(_ a: End?, _ b: End?, upper: Bool) -> End? {
                guard let a else { return b }
                guard let b else { return a }
                return a.isLooser(than: b, upper: upper) ? b : a
            }
        }

        var lower: End?
        var upper: End?
        var minLength: End?
        var maxLength: End?

        var isEmpty: Bool { lower == nil && upper == nil && minLength == nil && maxLength == nil }

        /// Both sets of constraints hold: the tighter bound of each side.
        mutating func tighten(with other: DeclaredBounds) {
            lower = End.tighter(lower, other.lower, upper: false)
            upper = End.tighter(upper, other.upper, upper: true)
            minLength = End.tighter(minLength, other.minLength, upper: false)
            maxLength = End.tighter(maxLength, other.maxLength, upper: true)
        }

        /// `other`'s bounds replace these where it has one (constraints folded into one shape).
        mutating func override(with other: DeclaredBounds) {
            lower = other.lower ?? lower
            upper = other.upper ?? upper
            minLength = other.minLength ?? minLength
            maxLength = other.maxLength ?? maxLength
        }
    }

    /// The bounds that constraint terms (`1..50`, `<=8Gi`, `len(1..63)`) declare; `quantity` when they
    /// apply to a quantity (then `8` is a quantity too).
    func termBounds(_ terms: [TypeExpr], quantity: Bool) -> DeclaredBounds {
        var bounds = DeclaredBounds()
        func end(_ n: NumberLiteral, exclusive: Bool, at range: SourceRange) -> DeclaredBounds.End? {
            let origin = (file, range.start)
            if quantity || n.kind == .quantity {
                guard let q = try? Quantity(parsing: n.text) else { return nil }
                return .init(value: q.doubleValue, exclusive: exclusive, shown: n.text, origin: origin)
            }
            guard let value = Double(n.text) else { return nil }
            return .init(value: value, exclusive: exclusive, shown: NumberText.format(value), origin: origin)
        }
        func add(_ term: TypeExpr) {
            switch term.kind {
            case .paren(let inner), .message(let inner, _):
                add(inner)
            case .range(let low, let high):
                if let low { bounds.lower = end(low, exclusive: false, at: term.range) }
                if let high { bounds.upper = end(high, exclusive: false, at: term.range) }
            case .bound(let op, let n):
                switch op {
                case .greater: bounds.lower = end(n, exclusive: true, at: term.range)
                case .greaterEqual: bounds.lower = end(n, exclusive: false, at: term.range)
                case .less: bounds.upper = end(n, exclusive: true, at: term.range)
                case .lessEqual: bounds.upper = end(n, exclusive: false, at: term.range)
                }
            case .call(let name, let args) where name.dotted == "len" && args.count == 1:
                func length(_ n: NumberLiteral?) -> DeclaredBounds.End? {
                    guard let n, let value = Int(n.text) else { return nil }
                    return .init(value: Double(value), exclusive: false, shown: String(value), origin: (file, term.range.start))
                }
                switch args[0].kind {
                case .number(let n):
                    bounds.minLength = length(n)
                    bounds.maxLength = length(n)
                case .range(let low, let high):
                    if let low { bounds.minLength = length(low) }
                    if let high { bounds.maxLength = length(high) }
                default:
                    break
                }
            default:
                break
            }
        }
        terms.forEach(add)
        return bounds
    }

    /// Records where the bounds of `schema` were declared: those of `base` (what the constraints
    /// were folded into) with `terms`' replacing them.
    mutating func recordBounds(of schema: Schema, base: Schema?, terms: [TypeExpr]) {
        var bounds = base.map(ownBounds) ?? DeclaredBounds()
        bounds.override(with: termBounds(terms, quantity: Self.isQuantity(schema)))
        guard !bounds.isEmpty else { return }
        declaredBounds[ObjectIdentifier(schema)] = (schema, bounds)
    }

    /// `to` (a copy of `from` with another message or nullability) declares what `from` declared.
    mutating func carryBounds(from: Schema, to: Schema) -> Schema {
        if let entry = declaredBounds[ObjectIdentifier(from)] { declaredBounds[ObjectIdentifier(to)] = (to, entry.bounds) }
        return to
    }

    static func isQuantity(_ schema: Schema) -> Bool {
        if case .quantity? = schema.resolved?.shape { return true }
        return false
    }

    /// The bounds `schema` itself declares (not through references or `allOf`): recorded ones with
    /// their positions, else those of its shape, whose positions are not known.
    func ownBounds(_ schema: Schema) -> DeclaredBounds {
        if let entry = declaredBounds[ObjectIdentifier(schema)] { return entry.bounds }
        func end(_ value: Double?, _ exclusive: Bool = false) -> DeclaredBounds.End? {
            value.map { .init(value: $0, exclusive: exclusive, shown: NumberText.format($0), origin: nil) }
        }
        func count(_ value: Int?) -> DeclaredBounds.End? { end(value.map(Double.init)) }
        var bounds = DeclaredBounds()
        switch schema.shape {
        case .integer(let n), .number(let n):
            bounds.lower = end(n.minimum, n.exclusiveMinimum)
            bounds.upper = end(n.maximum, n.exclusiveMaximum)
        case .string(let s):
            bounds.minLength = count(s.minLength)
            bounds.maxLength = count(s.maxLength)
        case .array(let a):
            bounds.minLength = count(a.minItems)
            bounds.maxLength = count(a.maxItems)
        case .object(let o):
            bounds.minLength = count(o.minProperties)
            bounds.maxLength = count(o.maxProperties)
        default:
            break
        }
        return bounds
    }

    /// Every bound a value of `schema` must meet: its own, its named type's (through references) and
    /// those of its `allOf` schemas, the tightest of each side.
    func effectiveBounds(_ schema: Schema, depth: Int = 0) -> DeclaredBounds {
        var bounds = ownBounds(schema)
        guard depth < Parser.maxNesting else { return bounds }
        if case .reference(let reference) = schema.shape, let target = reference.target {
            bounds.tighten(with: effectiveBounds(target, depth: depth + 1))
        }
        for sub in schema.allOf { bounds.tighten(with: effectiveBounds(sub, depth: depth + 1)) }
        return bounds
    }

    /// Reports each bound of `refinement` (what a refinement's field declares) that is looser than
    /// the bound of `base` (the field's type before the refinement) on the same side, naming where
    /// the base declared it when that is in KGL.
    mutating func checkNarrows(_ base: Schema, refinement: DeclaredBounds, field: Block.Field) {
        let old = effectiveBounds(base)
        let names: (lower: String, upper: String)
        switch base.resolved?.shape {
        case .string?: names = ("minimum length", "maximum length")
        case .array?: names = ("minimum number of items", "maximum number of items")
        case .object?: names = ("minimum number of fields", "maximum number of fields")
        default: names = ("minimum", "maximum")
        }
        let sides: [(String, DeclaredBounds.End?, DeclaredBounds.End?, Bool)] = [
            (names.lower, refinement.lower, old.lower, false), (names.upper, refinement.upper, old.upper, true),
            (names.lower, refinement.minLength, old.minLength, false), (names.upper, refinement.maxLength, old.maxLength, true),
        ]
        for (what, new, old, upper) in sides {
            guard let new, let old, new.isLooser(than: old, upper: upper) else { continue }
            var message = "\(pathText(field.path)): the refinement sets the \(what) to \(new.described)"
            if let origin = new.origin, !(origin.file == file && field.range.contains(origin.mark)) {
                message += " (declared at \(origin.file):\(origin.mark))"
            }
            message += ", looser than the base's \(old.described)"
            if let origin = old.origin { message += " declared at \(origin.file):\(origin.mark)" }
            report(.refinementWidens, message + "; a refinement may only narrow its base", at: field.type.range)
        }
    }
}

extension SourceRange {
    /// True when `mark` lies within the range.
    func contains(_ mark: Mark) -> Bool { start.offset <= mark.offset && mark.offset < end.offset }
}
