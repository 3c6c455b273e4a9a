/// A parsed CEL expression: the subset kgit evaluates for `x-kubernetes-validations` rules and KGL
/// `rule` blocks. Each node keeps the 0-based character offset where it starts in the rule text, so
/// errors can point into the rule.
public struct CELExpression: Sendable {
    /// Unary operators.
    public enum UnaryOperator: String, Sendable { case not = "!", negate = "-" }
    /// Binary operators (`&&` and `||` short-circuit, and absorb errors as CEL does).
    public enum BinaryOperator: String, Sendable {
        case or = "||", and = "&&"
        case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", `in` = "in"
        case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    }

    /// What the node is.
    public indirect enum Kind: Sendable {
        case literal(CELValue)
        case identifier(String)
        /// `target.field`.
        case select(CELExpression, String)
        /// `target[index]`.
        case index(CELExpression, CELExpression)
        /// `f(args)` or `target.f(args)` (functions and macros alike).
        case call(String, target: CELExpression?, arguments: [CELExpression])
        case unary(UnaryOperator, CELExpression)
        case binary(BinaryOperator, CELExpression, CELExpression)
        /// `condition ? then : else`.
        case conditional(CELExpression, CELExpression, CELExpression)
        case list([CELExpression])
        case map([(CELExpression, CELExpression)])
    }

    /// The node.
    public var kind: Kind
    /// Where it starts in the rule text (characters, 0-based).
    public var offset: Int

    /// True when the expression refers to `name` anywhere (`oldSelf` makes a transition rule).
    public func mentions(_ name: String) -> Bool {
        switch kind {
        case .literal: return false
        case .identifier(let n): return n == name
        case .select(let t, _): return t.mentions(name)
        case .index(let a, let b), .binary(_, let a, let b): return a.mentions(name) || b.mentions(name)
        case .call(_, let target, let args): return (target?.mentions(name) ?? false) || args.contains { $0.mentions(name) }
        case .unary(_, let a): return a.mentions(name)
        case .conditional(let a, let b, let c): return a.mentions(name) || b.mentions(name) || c.mentions(name)
        case .list(let items): return items.contains { $0.mentions(name) }
        case .map(let entries): return entries.contains { $0.0.mentions(name) || $0.1.mentions(name) }
        }
    }
}

/// Why a CEL expression could not be parsed or evaluated.
public struct CELError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of problem.
    public enum Kind: String, Sendable {
        /// The rule is not in the CEL subset kgit reads.
        case syntax
        /// An operator or function applied to values of the wrong types, or an unknown name.
        case type
        /// A runtime error: no such key, an index out of range, division by zero, overflow.
        case runtime
        /// The evaluation used more than its cost budget.
        case budget
    }

    /// The class of problem.
    public var kind: Kind
    /// What went wrong.
    public var message: String
    /// Where, as a 0-based character offset in the rule text.
    public var offset: Int

    /// An error of `kind` at `offset`.
    public init(_ kind: Kind, _ message: String, at offset: Int) {
        self.kind = kind
        self.message = message
        self.offset = offset
    }

    /// `message (column N of the rule)`.
    public var description: String { "\(message) (column \(offset + 1) of the rule)" }
}
