import KgitAPIMachinery
import KgitYAML

/// Evaluates a `CELExpression` with `self` bound to a value, within a cost budget.
///
/// Every node visited costs 1, each element a macro visits costs 1 more, and string functions cost
/// their input's length, so the cost grows with the work done; when it passes the budget the
/// evaluation stops with a `.budget` error. Errors never trap: type mismatches, missing keys,
/// indexes out of range, division by zero and integer overflow are `CELError`s with the offset of
/// the sub-expression that failed. `&&` and `||` absorb an error on one side when the other side
/// decides the result, and `all`/`exists` do the same across elements, as CEL specifies.
///
/// Functions: `has`, `size`, `matches`, `startsWith`, `endsWith`, `contains`, `lowerAscii`,
/// `upperAscii`, `trim`, `int`, `double`, `string`, `quantity`, `isQuantity` and the Quantity methods
/// `isLessThan`, `isGreaterThan`, `compareTo`, `asApproximateFloat`, `asInteger`; macros `all`,
/// `exists`, `exists_one`, `map` (two and three arguments) and `filter`.
public struct CELEvaluator {
    /// The default cost budget of one evaluation (Kubernetes' per-call limit is 1,000,000).
    public static let defaultBudget = 1_000_000

    /// The cost budget.
    public let budget: Int
    /// When true, `<`, `<=`, `>`, `>=`, `==` and `!=` between two values that are both quantities
    /// (`"512Mi"`, `1`) compare them as quantities: KGL's typed quantity comparisons.
    public let quantityComparisons: Bool
    /// The cost spent so far.
    public private(set) var cost = 0
    private var scopes: [(String, CELValue)] = []

    /// An evaluator with a budget.
    public init(budget: Int = CELEvaluator.defaultBudget, quantityComparisons: Bool = false) {
        self.budget = budget
        self.quantityComparisons = quantityComparisons
    }

    /// Evaluates `expression` with `self` bound to `value`.
    public mutating func evaluate(_ expression: CELExpression, self value: CELValue) throws(CELError) -> CELValue {
        scopes = [("self", value)]
        cost = 0
        return try eval(expression)
    }

    /// Evaluates a transition rule: `self` bound to the new value and `oldSelf` to the stored one
    /// (what the API server does on update).
    public mutating func evaluate(_ expression: CELExpression, self value: CELValue, oldSelf: CELValue)
        throws(CELError) -> CELValue
    {
        scopes = [("self", value), ("oldSelf", oldSelf)]
        cost = 0
        return try eval(expression)
    }

    private mutating func spend(_ amount: Int, at offset: Int) throws(CELError) {
        cost += max(1, amount)
        if cost > budget {
            throw CELError(.budget, "the rule exceeded its cost budget of \(budget)", at: offset)
        }
    }

    private func typeError(_ message: String, _ e: CELExpression) -> CELError { CELError(.type, message, at: e.offset) }

    private mutating func eval(_ e: CELExpression) throws(CELError) -> CELValue {
        try spend(1, at: e.offset)
        switch e.kind {
        case .literal(let value):
            return value
        case .identifier(let name):
            if let bound = scopes.last(where: { $0.0 == name }) { return bound.1 }
            throw typeError("undeclared reference to `\(name)`", e)
        case .select(let target, let field):
            let value = try eval(target)
            guard let member = value.member(field) else {
                throw typeError("cannot select field `\(field)` from a \(value.typeName)", e)
            }
            guard let found = member else { throw CELError(.runtime, "no such key: \(field)", at: e.offset) }
            return found
        case .index(let target, let index):
            let value = try eval(target)
            let key = try eval(index)
            if let items = value.elements {
                guard case .int(let i) = key else { throw typeError("a list index must be an int, not a \(key.typeName)", index) }
                guard items.indices.contains(i) else {
                    throw CELError(.runtime, "index \(i) out of range for a list of \(items.count)", at: e.offset)
                }
                return items[i]
            }
            if value.isMap {
                guard case .string(let k) = key else { throw typeError("a map key must be a string, not a \(key.typeName)", index) }
                guard case .some(.some(let found)) = value.member(k) else {
                    throw CELError(.runtime, "no such key: \(k)", at: e.offset)
                }
                return found
            }
            throw typeError("cannot index a \(value.typeName)", e)
        case .unary(let op, let operand):
            let value = try eval(operand)
            switch (op, value) {
            case (.not, .bool(let b)): return .bool(!b)
            case (.negate, .int(let i)):
                guard i != Int.min else { throw CELError(.runtime, "integer overflow", at: e.offset) }
                return .int(-i)
            case (.negate, .double(let d)): return .double(-d)
            default: throw typeError("no such overload: \(op.rawValue)\(value.typeName)", e)
            }
        case .conditional(let condition, let then, let otherwise):
            guard case .bool(let b) = try eval(condition) else {
                throw typeError("the condition of ?: must be a bool", condition)
            }
            return try eval(b ? then : otherwise)
        case .list(let items):
            var values: [CELValue] = []
            for item in items { values.append(try eval(item)) }
            return .list(values)
        case .map(let entries):
            var values: [(String, CELValue)] = []
            for (k, v) in entries {
                guard case .string(let key) = try eval(k) else { throw typeError("map keys must be strings here", k) }
                values.append((key, try eval(v)))
            }
            return .map(values)
        case .binary(let op, let left, let right):
            return try binary(op, left, right, e)
        case .call(let name, let target, let arguments):
            return try call(name, target, arguments, e)
        }
    }

    // MARK: - Operators

    private mutating func logical(_ isAnd: Bool, _ left: CELExpression, _ right: CELExpression) throws(CELError) -> CELValue {
        var leftError: CELError?
        do throws(CELError) {
            let l = try eval(left)
            guard case .bool(let b) = l else { throw typeError("no such overload: \(l.typeName) \(isAnd ? "&&" : "||") ...", left) }
            if b != isAnd { return .bool(b) }
        } catch {
            if error.kind == .budget { throw error }
            leftError = error
        }
        let r = try eval(right)
        guard case .bool(let b) = r else { throw typeError("no such overload: ... \(isAnd ? "&&" : "||") \(r.typeName)", right) }
        if b != isAnd { return .bool(b) }
        if let leftError { throw leftError }
        return .bool(b)
    }

    private mutating func binary(
        _ op: CELExpression.BinaryOperator, _ left: CELExpression, _ right: CELExpression, _ e: CELExpression
    ) throws(CELError) -> CELValue {
        switch op {
        case .and: return try logical(true, left, right)
        case .or: return try logical(false, left, right)
        default: break
        }
        var l = try eval(left)
        var r = try eval(right)
        if quantityComparisons, [.less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual].contains(op),
            let a = Self.quantity(l), let b = Self.quantity(r), Self.isQuantityText(l) || Self.isQuantityText(r)
        {
            l = .quantity(a)
            r = .quantity(b)
        }
        switch op {
        case .equal: return .bool(CELValue.equal(l, r))
        case .notEqual: return .bool(!CELValue.equal(l, r))
        case .less, .lessEqual, .greater, .greaterEqual:
            guard let order = Self.compare(l, r) else {
                throw typeError("no such overload: \(l.typeName) \(op.rawValue) \(r.typeName)", e)
            }
            switch op {
            case .less: return .bool(order < 0)
            case .lessEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .in:
            if let items = r.elements {
                try spend(items.count, at: e.offset)
                return .bool(items.contains { CELValue.equal(l, $0) })
            }
            if r.isMap {
                guard case .string(let key) = l else { return .bool(false) }
                if case .some(.some) = r.member(key) { return .bool(true) }
                return .bool(false)
            }
            throw typeError("no such overload: \(l.typeName) in \(r.typeName)", e)
        default:
            return try arithmetic(op, l, r, e)
        }
    }

    private mutating func arithmetic(
        _ op: CELExpression.BinaryOperator, _ l: CELValue, _ r: CELValue, _ e: CELExpression
    ) throws(CELError) -> CELValue {
        switch (l, r) {
        case (.int(let a), .int(let b)):
            let result: (Int, Bool)
            switch op {
            case .add: result = a.addingReportingOverflow(b)
            case .subtract: result = a.subtractingReportingOverflow(b)
            case .multiply: result = a.multipliedReportingOverflow(by: b)
            case .divide, .remainder:
                guard b != 0 else { throw CELError(.runtime, op == .divide ? "division by zero" : "modulus by zero", at: e.offset) }
                result = op == .divide ? a.dividedReportingOverflow(by: b) : a.remainderReportingOverflow(dividingBy: b)
            default: throw typeError("no such overload", e)
            }
            if result.1 { throw CELError(.runtime, "integer overflow", at: e.offset) }
            return .int(result.0)
        case (.double(let a), .double(let b)):
            switch op {
            case .add: return .double(a + b)
            case .subtract: return .double(a - b)
            case .multiply: return .double(a * b)
            case .divide: return .double(a / b)
            default: break
            }
        case (.string(let a), .string(let b)) where op == .add:
            try spend(a.utf8.count + b.utf8.count, at: e.offset)
            return .string(a + b)
        default:
            if op == .add, let a = l.elements, let b = r.elements {
                try spend(a.count + b.count, at: e.offset)
                return .list(a + b)
            }
        }
        throw typeError("no such overload: \(l.typeName) \(op.rawValue) \(r.typeName)", e)
    }

    /// -1, 0 or 1, or nil when the values are not ordered against each other.
    static func compare(_ a: CELValue, _ b: CELValue) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (a, b) {
        case (.int(let x), .int(let y)): return sign(x, y)
        case (.int(let x), .double(let y)): return sign(Double(x), y)
        case (.double(let x), .int(let y)): return sign(x, Double(y))
        case (.double(let x), .double(let y)): return sign(x, y)
        case (.string(let x), .string(let y)): return sign(x, y)
        case (.bool(let x), .bool(let y)): return sign(x ? 1 : 0, y ? 1 : 0)
        case (.quantity(let x), .quantity(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        default: return nil
        }
    }

    static func quantity(_ value: CELValue) -> Quantity? {
        switch value {
        case .quantity(let q): return q
        case .string(let s): return Quantity(json: .string(s))
        case .int(let i): return Quantity(json: .int(Int64(i)))
        case .double(let d): return Quantity(json: .double(d))
        default: return nil
        }
    }

    /// True for a string that reads as a quantity (so two plain numbers keep comparing as numbers).
    static func isQuantityText(_ value: CELValue) -> Bool {
        if case .string(let s) = value { return Quantity(json: .string(s)) != nil }
        if case .quantity = value { return true }
        return false
    }

    // MARK: - Functions and macros

    private static let macros: Set<String> = ["all", "exists", "exists_one", "map", "filter"]

    private mutating func call(
        _ name: String, _ target: CELExpression?, _ arguments: [CELExpression], _ e: CELExpression
    ) throws(CELError) -> CELValue {
        if let target, Self.macros.contains(name) { return try macro(name, target, arguments, e) }
        if name == "has", target == nil {
            guard arguments.count == 1, case .select(let operand, let field) = arguments[0].kind else {
                throw typeError("has() takes one field selection, as has(self.spec.replicas)", e)
            }
            let value = try eval(operand)
            guard let member = value.member(field) else {
                throw typeError("has() cannot test field `\(field)` of a \(value.typeName)", arguments[0])
            }
            return .bool(member != nil)
        }
        // Receiver-style and global forms share one implementation: `size(x)` is `x.size()`.
        var receiver: CELValue
        var rest = arguments[...]
        if let target {
            receiver = try eval(target)
        } else {
            guard let first = rest.first else { throw typeError("\(name)() needs an argument", e) }
            receiver = try eval(first)
            rest = rest.dropFirst()
        }
        var args: [CELValue] = []
        for argument in rest { args.append(try eval(argument)) }
        return try function(name, receiver, args, e)
    }

    private mutating func function(_ name: String, _ receiver: CELValue, _ args: [CELValue], _ e: CELExpression) throws(CELError) -> CELValue {
        func string(_ v: CELValue) throws(CELError) -> String {
            guard case .string(let s) = v else { throw typeError("\(name)() takes a string, not a \(v.typeName)", e) }
            return s
        }
        func arity(_ n: Int) throws(CELError) {
            guard args.count == n else { throw typeError("\(name)() takes \(n) argument\(n == 1 ? "" : "s") after its receiver, found \(args.count)", e) }
        }
        switch name {
        case "size":
            try arity(0)
            if case .string(let s) = receiver {
                try spend(s.utf8.count / 8, at: e.offset)
                return .int(s.unicodeScalars.count)
            }
            guard let count = receiver.count else { throw typeError("no such overload: size(\(receiver.typeName))", e) }
            return .int(count)
        case "startsWith", "endsWith", "contains":
            try arity(1)
            let s = try string(receiver)
            let other = try string(args[0])
            try spend(s.utf8.count, at: e.offset)
            switch name {
            case "startsWith": return .bool(s.hasPrefix(other))
            case "endsWith": return .bool(s.hasSuffix(other))
            default: return .bool(other.isEmpty || s.contains(other))
            }
        case "matches":
            try arity(1)
            let s = try string(receiver)
            let pattern = try string(args[0])
            try spend(s.utf8.count * max(1, pattern.utf8.count / 4), at: e.offset)
            guard let regex = try? SchemaPattern(pattern) else {
                throw CELError(.runtime, "invalid regular expression \(pattern.debugDescription)", at: e.offset)
            }
            return .bool(regex.matches(s))
        case "lowerAscii", "upperAscii", "trim":
            try arity(0)
            let s = try string(receiver)
            try spend(s.utf8.count, at: e.offset)
            switch name {
            case "lowerAscii": return .string(String(s.unicodeScalars.map { $0.isASCII ? Character($0.properties.lowercaseMapping) : Character($0) }))
            case "upperAscii": return .string(String(s.unicodeScalars.map { $0.isASCII ? Character($0.properties.uppercaseMapping) : Character($0) }))
            default: return .string(String(s.unicodeScalars.drop { $0.properties.isWhitespace }.reversed().drop { $0.properties.isWhitespace }.reversed().map(Character.init)))
            }
        case "int":
            try arity(0)
            switch receiver {
            case .int: return receiver
            case .double(let d):
                guard d.isFinite, d >= -9.2e18, d <= 9.2e18 else { throw CELError(.runtime, "integer overflow", at: e.offset) }
                return .int(Int(d))
            case .string(let s):
                guard let i = Int(s) else { throw CELError(.runtime, "cannot convert \(s.debugDescription) to int", at: e.offset) }
                return .int(i)
            default: throw typeError("no such overload: int(\(receiver.typeName))", e)
            }
        case "double":
            try arity(0)
            switch receiver {
            case .double: return receiver
            case .int(let i): return .double(Double(i))
            case .string(let s):
                guard let d = Double(s) else { throw CELError(.runtime, "cannot convert \(s.debugDescription) to double", at: e.offset) }
                return .double(d)
            default: throw typeError("no such overload: double(\(receiver.typeName))", e)
            }
        case "string":
            try arity(0)
            switch receiver {
            case .string, .int, .double, .bool, .quantity: return .string(receiver.stringValue)
            default: throw typeError("no such overload: string(\(receiver.typeName))", e)
            }
        case "quantity":
            try arity(0)
            guard let q = Self.quantity(receiver), case .string = receiver else {
                throw CELError(.runtime, "\(receiver.display) is not a quantity", at: e.offset)
            }
            return .quantity(q)
        case "isQuantity":
            try arity(0)
            return .bool(Self.quantity(try .string(string(receiver))) != nil)
        case "isLessThan", "isGreaterThan", "compareTo":
            try arity(1)
            guard case .quantity(let a) = receiver, case .quantity(let b) = args[0] else {
                throw typeError("\(name)() compares two quantities, not a \(receiver.typeName) and a \(args[0].typeName)", e)
            }
            switch name {
            case "isLessThan": return .bool(a < b)
            case "isGreaterThan": return .bool(b < a)
            default: return .int(a < b ? -1 : (a == b ? 0 : 1))
            }
        case "asApproximateFloat", "asInteger":
            try arity(0)
            guard case .quantity(let q) = receiver else { throw typeError("\(name)() applies to a quantity", e) }
            if name == "asApproximateFloat" { return .double(q.doubleValue) }
            guard q == Quantity(millis: q.milliValue), q.milliValue % 1000 == 0 else {
                throw CELError(.runtime, "\(q.text) is not an integer that fits in 64 bits", at: e.offset)
            }
            return .int(Int(q.value))
        default:
            throw typeError("unknown function \(name)()", e)
        }
    }

    private mutating func macro(
        _ name: String, _ target: CELExpression, _ arguments: [CELExpression], _ e: CELExpression
    ) throws(CELError) -> CELValue {
        let collection = try eval(target)
        let items: [CELValue]
        if let elements = collection.elements {
            items = elements
        } else if let keys = collection.keys {
            items = keys.map(CELValue.string)
        } else {
            throw typeError("\(name)() iterates over a list or a map, not a \(collection.typeName)", e)
        }
        let wanted = name == "map" ? [2, 3] : [2]
        guard wanted.contains(arguments.count), case .identifier(let variable) = arguments[0].kind else {
            throw typeError("\(name)() takes a variable name and an expression, as \(name)(x, x > 0)", e)
        }
        let body = arguments[arguments.count - 1]
        scopes.append((variable, .null))
        defer { scopes.removeLast() }
        func bind(_ item: CELValue) { scopes[scopes.count - 1] = (variable, item) }
        switch name {
        case "all", "exists":
            let decisive = name == "exists"
            var firstError: CELError?
            for item in items {
                try spend(1, at: e.offset)
                bind(item)
                do throws(CELError) {
                    let result = try eval(body)
                    guard case .bool(let b) = result else { throw typeError("\(name)() needs a bool, found a \(result.typeName)", body) }
                    if b == decisive { return .bool(decisive) }
                } catch {
                    if error.kind == .budget { throw error }
                    firstError = firstError ?? error
                }
            }
            if let firstError { throw firstError }
            return .bool(!decisive)
        case "exists_one":
            var count = 0
            for item in items {
                try spend(1, at: e.offset)
                bind(item)
                let result = try eval(body)
                guard case .bool(let b) = result else { throw typeError("exists_one() needs a bool, found a \(result.typeName)", body) }
                if b { count += 1 }
            }
            return .bool(count == 1)
        case "filter":
            var kept: [CELValue] = []
            for item in items {
                try spend(1, at: e.offset)
                bind(item)
                let result = try eval(body)
                guard case .bool(let b) = result else { throw typeError("filter() needs a bool, found a \(result.typeName)", body) }
                if b { kept.append(item) }
            }
            return .list(kept)
        default:
            var mapped: [CELValue] = []
            for item in items {
                try spend(1, at: e.offset)
                bind(item)
                if arguments.count == 3 {
                    let keep = try eval(arguments[1])
                    guard case .bool(let b) = keep else { throw typeError("map()'s filter needs a bool", arguments[1]) }
                    if !b { continue }
                }
                mapped.append(try eval(body))
            }
            return .list(mapped)
        }
    }
}
