/// Matches text against a production of the lexical EBNF by backtracking over every way to match:
/// test-only, to check that the lexer's tokens are what `grammar/kgl-lexical.ebnf` says they are.
struct LexicalMatcher {
    let grammar: EBNF

    /// True when the whole of `text` matches the production `name`.
    func matches(_ text: String, _ name: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        return ends(.symbol(name), scalars, from: 0, depth: 0).contains(scalars.count)
    }

    /// Every position where a match of `expr` starting at `from` can end.
    private func ends(_ expr: EBNF.Expr, _ s: [Unicode.Scalar], from: Int, depth: Int) -> Set<Int> {
        guard depth < 200 else { return [] }
        switch expr {
        case .literal(let text):
            let wanted = Array(text.unicodeScalars)
            guard from + wanted.count <= s.count, Array(s[from..<from + wanted.count]) == wanted else { return [] }
            return [from + wanted.count]
        case .codePoint(let value):
            return from < s.count && s[from].value == value ? [from + 1] : []
        case .charClass(let spec):
            return from < s.count && LexicalMatcher.classContains(spec, s[from]) ? [from + 1] : []
        case .symbol(let name):
            guard let body = grammar[name] else { return [] }
            return ends(body, s, from: from, depth: depth + 1)
        case .sequence(let items):
            var positions: Set<Int> = [from]
            for item in items {
                positions = positions.reduce(into: []) { $0.formUnion(ends(item, s, from: $1, depth: depth + 1)) }
                if positions.isEmpty { return [] }
            }
            return positions
        case .choice(let items):
            return items.reduce(into: []) { $0.formUnion(ends($1, s, from: from, depth: depth + 1)) }
        case .optional(let e):
            return ends(e, s, from: from, depth: depth + 1).union([from])
        case .zeroOrMore(let e), .oneOrMore(let e):
            var result: Set<Int> = []
            if case .zeroOrMore = expr { result.insert(from) }
            var frontier: Set<Int> = [from]
            var seen: Set<Int> = []
            while !frontier.isEmpty {
                var next: Set<Int> = []
                for p in frontier where seen.insert(p).inserted {
                    next.formUnion(ends(e, s, from: p, depth: depth + 1))
                }
                result.formUnion(next)
                frontier = next.subtracting(seen)
            }
            return result
        case .exclusion(let a, let b):
            return ends(a, s, from: from, depth: depth + 1).filter { end in
                let piece = Array(s[from..<end])
                return !ends(b, piece, from: 0, depth: depth + 1).contains(piece.count)
            }
        }
    }

    /// True when `scalar` is in the W3C character class written `spec` (without brackets).
    static func classContains(_ spec: String, _ scalar: Unicode.Scalar) -> Bool {
        var items = Array(spec.unicodeScalars)
        let negated = items.first == "^"
        if negated { items.removeFirst() }
        var members: [ClosedRange<UInt32>] = []
        var i = 0
        func single() -> UInt32 {
            if items[i] == "#", i + 1 < items.count, items[i + 1] == "x" {
                var j = i + 2
                var digits = ""
                while j < items.count, items[j].properties.isASCIIHexDigit {
                    digits.unicodeScalars.append(items[j])
                    j += 1
                }
                i = j
                return UInt32(digits, radix: 16) ?? 0
            }
            defer { i += 1 }
            return items[i].value
        }
        while i < items.count {
            let low = single()
            if i + 1 < items.count, items[i] == "-" {
                i += 1
                members.append(low...max(low, single()))
            } else {
                members.append(low...low)
            }
        }
        return members.contains { $0.contains(scalar.value) } != negated
    }
}
