/// Nullable, FIRST and FOLLOW sets of a syntactic EBNF grammar over tokens, and its LL(1)
/// conflicts: test-only machinery behind the grammar lint and the reference recognizer.
///
/// Terminals are token names: a quoted literal's text (`type`, `{`) or an UPPER token class
/// (`IDENT`). `EOF` is an ordinary terminal that the start symbol ends with.
struct GrammarAnalysis: Sendable {
    /// One place where the next token does not decide what to do.
    struct Conflict: Hashable, CustomStringConvertible {
        var production: String
        var construct: String
        var tokens: [String]
        var description: String { "\(production): \(construct) on \(tokens.joined(separator: " "))" }
    }

    let grammar: EBNF
    let start: String
    private(set) var nullable: [String: Bool] = [:]
    private(set) var first: [String: Set<String>] = [:]
    private(set) var follow: [String: Set<String>] = [:]

    init(_ grammar: EBNF, start: String) {
        self.grammar = grammar
        self.start = start
        computeFirst()
        computeFollow()
    }

    /// The terminal an expression leaf stands for, or nil for a nonterminal.
    func terminal(_ expr: EBNF.Expr) -> String? {
        switch expr {
        case .literal(let text): return text
        case .symbol(let name) where EBNF.isTokenClass(name): return name
        default: return nil
        }
    }

    // MARK: - FIRST and nullable

    func isNullable(_ expr: EBNF.Expr) -> Bool {
        switch expr {
        case .literal, .charClass, .codePoint: return false
        case .symbol(let name): return EBNF.isTokenClass(name) ? false : nullable[name] ?? false
        case .sequence(let items): return items.allSatisfy(isNullable)
        case .choice(let items): return items.contains(where: isNullable)
        case .optional, .zeroOrMore: return true
        case .oneOrMore(let e): return isNullable(e)
        case .exclusion(let a, _): return isNullable(a)
        }
    }

    func firstSet(_ expr: EBNF.Expr) -> Set<String> {
        if let t = terminal(expr) { return [t] }
        switch expr {
        case .symbol(let name): return first[name] ?? []
        case .sequence(let items):
            var result: Set<String> = []
            for item in items {
                result.formUnion(firstSet(item))
                if !isNullable(item) { break }
            }
            return result
        case .choice(let items): return items.reduce(into: []) { $0.formUnion(firstSet($1)) }
        case .optional(let e), .zeroOrMore(let e), .oneOrMore(let e), .exclusion(let e, _): return firstSet(e)
        default: return []
        }
    }

    /// FIRST of the sequence `items`, and whether all of it can be empty.
    func firstOf(_ items: ArraySlice<EBNF.Expr>) -> (Set<String>, Bool) {
        var result: Set<String> = []
        for item in items {
            result.formUnion(firstSet(item))
            if !isNullable(item) { return (result, false) }
        }
        return (result, true)
    }

    private mutating func computeFirst() {
        var changed = true
        while changed {
            changed = false
            for production in grammar.productions {
                let n = isNullable(production.expr)
                let f = firstSet(production.expr)
                if n != nullable[production.name] ?? false || f != first[production.name] ?? [] {
                    nullable[production.name] = n
                    first[production.name] = f
                    changed = true
                }
            }
        }
    }

    // MARK: - FOLLOW

    private mutating func computeFollow() {
        follow[start] = []
        var changed = true
        while changed {
            changed = false
            for production in grammar.productions {
                var updates: [(String, Set<String>)] = []
                visit(production.expr, followedBy: follow[production.name] ?? []) { expr, context, _ in
                    guard case .symbol(let name) = expr, !EBNF.isTokenClass(name) else { return }
                    updates.append((name, context))
                }
                for (name, context) in updates {
                    let before = follow[name] ?? []
                    let after = before.union(context)
                    if after != before {
                        follow[name] = after
                        changed = true
                    }
                }
            }
        }
    }

    /// Calls `body` for every node of `expr` with the set of tokens that may follow that node, and
    /// a path naming the node inside its production (`2.1` is the second child of the third).
    func visit(
        _ expr: EBNF.Expr, followedBy context: Set<String>, path: String = "",
        _ body: (EBNF.Expr, Set<String>, String) -> Void
    ) {
        body(expr, context, path)
        func child(_ i: Int) -> String { path.isEmpty ? "\(i)" : "\(path).\(i)" }
        switch expr {
        case .sequence(let items):
            for (i, item) in items.enumerated() {
                let (rest, restNullable) = firstOf(items[(i + 1)...])
                visit(item, followedBy: restNullable ? rest.union(context) : rest, path: child(i), body)
            }
        case .choice(let items):
            for (i, item) in items.enumerated() { visit(item, followedBy: context, path: child(i), body) }
        case .optional(let e):
            visit(e, followedBy: context, path: child(0), body)
        case .zeroOrMore(let e), .oneOrMore(let e):
            visit(e, followedBy: context.union(firstSet(e)), path: child(0), body)
        case .exclusion(let a, _):
            visit(a, followedBy: context, path: child(0), body)
        default:
            break
        }
    }

    // MARK: - LL(1)

    /// Every place where one token of lookahead cannot choose: alternatives with overlapping FIRST
    /// sets (or a nullable alternative whose FOLLOW overlaps another's FIRST), and `?`, `*`, `+`
    /// bodies that are nullable or whose FIRST overlaps what may follow them.
    func conflicts() -> [Conflict] {
        var result: [Conflict] = []
        for production in grammar.productions {
            visit(production.expr, followedBy: follow[production.name] ?? []) { expr, context, path in
                let site = "\(expr) at \(path.isEmpty ? "top" : path)"
                switch expr {
                case .choice(let items):
                    var seen: Set<String> = []
                    for item in items {
                        var predict = firstSet(item)
                        if isNullable(item) { predict.formUnion(context) }
                        let overlap = seen.intersection(predict)
                        if !overlap.isEmpty {
                            result.append(Conflict(production: production.name, construct: site, tokens: overlap.sorted()))
                        }
                        seen.formUnion(predict)
                    }
                case .optional(let e), .zeroOrMore(let e), .oneOrMore(let e):
                    let overlap = firstSet(e).intersection(context)
                    if !overlap.isEmpty || isNullable(e) {
                        result.append(
                            Conflict(production: production.name, construct: site, tokens: overlap.sorted()))
                    }
                default:
                    break
                }
            }
        }
        return result
    }

    /// Productions that can derive themselves at their leftmost position (which would make a
    /// recursive-descent parser loop forever).
    func leftRecursive() -> [String] {
        var corners: [String: Set<String>] = [:]
        for production in grammar.productions {
            corners[production.name] = leftCorners(production.expr)
        }
        return grammar.names.filter { name in
            var seen: Set<String> = []
            var stack = Array(corners[name] ?? [])
            while let next = stack.popLast() {
                if next == name { return true }
                if seen.insert(next).inserted { stack += corners[next] ?? [] }
            }
            return false
        }
    }

    private func leftCorners(_ expr: EBNF.Expr) -> Set<String> {
        switch expr {
        case .symbol(let name): return EBNF.isTokenClass(name) ? [] : [name]
        case .sequence(let items):
            var result: Set<String> = []
            for item in items {
                result.formUnion(leftCorners(item))
                if !isNullable(item) { break }
            }
            return result
        case .choice(let items): return items.reduce(into: []) { $0.formUnion(leftCorners($1)) }
        case .optional(let e), .zeroOrMore(let e), .oneOrMore(let e), .exclusion(let e, _): return leftCorners(e)
        default: return []
        }
    }

    /// The productions reachable from the start symbol.
    func reachable() -> Set<String> {
        var seen: Set<String> = [start]
        var stack = [start]
        while let name = stack.popLast() {
            for case .symbol(let next) in grammar[name]?.references ?? [] where seen.insert(next).inserted {
                stack.append(next)
            }
        }
        return seen
    }
}
