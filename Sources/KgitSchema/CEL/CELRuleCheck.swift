import KgitYAML

/// CEL rules as a `SchemaCheck`: how a schema's `x-kubernetes-validations` (and KGL `rule` blocks)
/// are evaluated wherever the schema checks a value.
///
/// Each rule is parsed once when the check is made. At check time `self` is the value; a rule that
/// is false is a `cel-rule` diagnostic with the rule's message at its `fieldPath` (or the value), an
/// evaluation error a `cel-error` and an exhausted budget a `cel-budget`, each with the column in the
/// rule. Transition rules (those that use `oldSelf`) are skipped: offline there is no old object.
public enum CELRuleCheck {
    /// A rule ready to run.
    public struct Compiled: Sendable {
        /// The rule as declared.
        public var rule: ValidationRule
        /// The parsed rule, or why it could not be parsed.
        public var program: Result<CELExpression, CELError>
        /// A guard that must be true for the rule to apply (KGL `when`), if any.
        public var guardProgram: CELExpression?
        /// The parsed `messageExpression`, if any parses.
        public var messageProgram: CELExpression?
        /// Notes added to every finding (where the rule is declared).
        public var notes: [String]
        /// Maps an offset in the rule text to where it is shown (`kgit.kgl:12:7`); nil shows a column.
        public var locate: (@Sendable (Int) -> String)?

        /// Parses `rule` (its `rule` and `messageExpression`).
        public init(_ rule: ValidationRule, guard guardProgram: CELExpression? = nil, notes: [String] = [],
                    locate: (@Sendable (Int) -> String)? = nil) {
            self.rule = rule
            self.program = Result { () throws(CELError) in try CELParser.parse(rule.rule) }
            self.guardProgram = guardProgram
            self.messageProgram = rule.messageExpression.flatMap { try? CELParser.parse($0) }
            self.notes = notes
            self.locate = locate
        }

        /// True for a transition rule, which needs the old object.
        public var isTransitionRule: Bool {
            if case .success(let program) = program { return program.mentions("oldSelf") }
            return false
        }
    }

    /// The check that evaluates `rules`; `quantityComparisons` compares quantity strings as
    /// quantities (KGL rules).
    public static func check(_ rules: [Compiled], budget: Int = CELEvaluator.defaultBudget, quantityComparisons: Bool = false) -> SchemaCheck {
        SchemaCheck(name: "cel") { node, context in
            for rule in rules where !rule.isTransitionRule {
                evaluate(rule, on: node, budget: budget, quantityComparisons: quantityComparisons, into: &context)
            }
        }
    }

    /// The check for a schema's `x-kubernetes-validations`.
    public static func check(_ rules: [ValidationRule]) -> SchemaCheck {
        check(rules.map { Compiled($0) })
    }

    static func evaluate(_ rule: Compiled, on node: Node, budget: Int, quantityComparisons: Bool, into context: inout CheckContext) {
        let (target, path) = fieldTarget(rule.rule.fieldPath, in: node)
        func where_(_ offset: Int) -> String {
            rule.locate.map { "at \($0(offset))" } ?? "column \(offset + 1) of the rule"
        }
        let program: CELExpression
        switch rule.program {
        case .failure(let error):
            context.report(
                .celError, "the rule `\(rule.rule.rule)` is not valid CEL: \(error.message)", at: node, path: [],
                notes: ["\(where_(error.offset))"] + rule.notes)
            return
        case .success(let p):
            program = p
        }
        var evaluator = CELEvaluator(budget: budget, quantityComparisons: quantityComparisons)
        do throws(CELError) {
            if let guardProgram = rule.guardProgram {
                let applies = try evaluator.evaluate(guardProgram, self: CELValue(node))
                if case .bool(false) = applies { return }
            }
            let result = try evaluator.evaluate(program, self: CELValue(node))
            switch result {
            case .bool(true):
                return
            case .bool(false):
                var message = rule.rule.message ?? "failed rule: \(rule.rule.rule)"
                if let messageProgram = rule.messageProgram,
                    case .string(let text)? = try? evaluator.evaluate(messageProgram, self: CELValue(node)), !text.isEmpty
                {
                    message = text
                }
                context.report(.celRule, message, at: target, path: path, notes: rule.notes)
            default:
                context.report(
                    .celError, "the rule `\(rule.rule.rule)` evaluated to \(result.typeName) \(result.display), not a bool",
                    at: node, path: [], notes: rule.notes)
            }
        } catch {
            let code: DiagnosticCode = error.kind == .budget ? .celBudget : .celError
            let what = error.kind == .budget
                ? "the rule `\(rule.rule.rule)` exceeded its cost budget of \(budget)"
                : "the rule `\(rule.rule.rule)` failed: \(error.message)"
            context.report(code, what, at: node, path: [], notes: ["\(where_(error.offset))"] + rule.notes)
        }
    }

    /// The node a `fieldPath` (`.spec.replicas`, `spec.ports[0]`, `.metadata['name']`) names below
    /// `node`, and its path; the node itself when the path does not lead anywhere.
    static func fieldTarget(_ fieldPath: String?, in node: Node) -> (Node, [PathComponent]) {
        guard let fieldPath, !fieldPath.isEmpty else { return (node, []) }
        var components: [PathComponent] = []
        var current: Node? = node
        var last = node
        var text = Substring(fieldPath)
        while !text.isEmpty {
            if text.hasPrefix(".") { text = text.dropFirst() }
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]") else { break }
                var inner = text[text.index(after: text.startIndex)..<close]
                text = text[text.index(after: close)...]
                if let index = Int(inner) {
                    components.append(.index(index))
                    current = current?.sequence.flatMap { $0.indices.contains(index) ? $0[index] : nil }
                } else {
                    inner = inner.trimmingCharacters(in: ["'", "\""])
                    components.append(.field(String(inner)))
                    current = current?.member(String(inner))
                }
            } else {
                let end = text.firstIndex { $0 == "." || $0 == "[" } ?? text.endIndex
                let name = String(text[..<end])
                text = text[end...]
                components.append(.field(name))
                current = current?.member(name)
            }
            if let current { last = current }
        }
        return (current ?? last, components)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> Substring {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return s
    }
}
