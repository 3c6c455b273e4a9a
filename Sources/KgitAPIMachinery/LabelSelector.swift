/// A parsed `labelSelector` query: a conjunction of requirements on an object's labels.
///
/// Grammar (as upstream `k8s.io/apimachinery/pkg/labels`): comma-separated requirements, each one of
/// `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`. An empty selector matches everything.
public struct LabelSelector: Sendable, Hashable {
    /// One requirement.
    public enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case exists(String)
        case doesNotExist(String)
        case `in`(String, Set<String>)
        case notIn(String, Set<String>)
    }

    public var requirements: [Requirement]

    public init(requirements: [Requirement] = []) { self.requirements = requirements }

    /// Whether the selector matches everything.
    public var isEmpty: Bool { requirements.isEmpty }

    /// Parses selector text; throws a `BadRequest` ``APIError`` naming the problem.
    public init(parsing text: String) throws(APIError) {
        var requirements: [Requirement] = []
        for part in LabelSelector.splitTopLevel(text) {
            let term = part.trimmingSpaces()
            if term.isEmpty { continue }
            requirements.append(try LabelSelector.parseRequirement(term))
        }
        self.requirements = requirements
    }

    /// Whether the labels satisfy every requirement.
    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let k, let v): return labels[k] == v
            case .notEquals(let k, let v): return labels[k] != v
            case .exists(let k): return labels[k] != nil
            case .doesNotExist(let k): return labels[k] == nil
            case .in(let k, let values): return labels[k].map(values.contains) ?? false
            case .notIn(let k, let values): return labels[k].map { !values.contains($0) } ?? true
            }
        }
    }

    /// Splits on commas that are not inside parentheses.
    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for ch in text {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if ch == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current)
        return parts
    }

    static func parseRequirement(_ term: String) throws(APIError) -> Requirement {
        if term.hasPrefix("!") {
            let key = String(term.dropFirst()).trimmingSpaces()
            try validateKey(key, in: term)
            return .doesNotExist(key)
        }
        if let range = term.range(of: "!=") {
            let key = String(term[..<range.lowerBound]).trimmingSpaces()
            let value = String(term[range.upperBound...]).trimmingSpaces()
            try validateKey(key, in: term)
            try validateValue(value, in: term)
            return .notEquals(key, value)
        }
        if let range = term.range(of: "==") ?? term.range(of: "=") {
            let key = String(term[..<range.lowerBound]).trimmingSpaces()
            let value = String(term[range.upperBound...]).trimmingSpaces()
            try validateKey(key, in: term)
            try validateValue(value, in: term)
            return .equals(key, value)
        }
        let words = term.split(separator: " ", maxSplits: 1).map(String.init)
        if words.count == 2 {
            let key = words[0]
            let rest = words[1].trimmingSpaces()
            for (op, isIn) in [("notin", false), ("in", true)] where rest.hasPrefix(op) {
                let list = rest.dropFirst(op.count).trimmingSpaces()
                guard list.hasPrefix("("), list.hasSuffix(")") else {
                    throw APIError.badRequest("unable to parse requirement: found '\(list)', expected: '('")
                }
                let values = Set(list.dropFirst().dropLast().split(separator: ",").map { String($0).trimmingSpaces() })
                try validateKey(key, in: term)
                for v in values { try validateValue(v, in: term) }
                return isIn ? .in(key, values) : .notIn(key, values)
            }
            throw APIError.badRequest("unable to parse requirement: \(term)")
        }
        try validateKey(term, in: term)
        return .exists(term)
    }

    static func validateKey(_ key: String, in term: String) throws(APIError) {
        let allowed = key.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "-" || $0 == "_" || $0 == "." || $0 == "/"
        }
        guard !key.isEmpty, allowed, key.count <= 317 else {
            throw APIError.badRequest("unable to parse requirement: invalid label key \"\(key)\"")
        }
    }

    static func validateValue(_ value: String, in term: String) throws(APIError) {
        let allowed = value.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "-" || $0 == "_" || $0 == "."
        }
        guard allowed, value.count <= 63 else {
            throw APIError.badRequest("unable to parse requirement: invalid label value: \"\(value)\"")
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
