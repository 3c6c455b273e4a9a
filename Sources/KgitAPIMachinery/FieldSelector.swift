/// A parsed `fieldSelector` query: a conjunction of `field=value` / `field!=value` terms.
///
/// The set of fields a resource supports is decided by the registry; this type only parses and
/// evaluates against a field lookup.
public struct FieldSelector: Sendable, Equatable {
    /// One term.
    public struct Term: Sendable, Equatable {
        public var field: String
        public var value: String
        public var negated: Bool
    }

    public var terms: [Term]

    public init(terms: [Term] = []) { self.terms = terms }

    /// Whether the selector matches everything.
    public var isEmpty: Bool { terms.isEmpty }

    /// Parses `a=b,c!=d`; throws a `BadRequest` ``APIError``.
    public init(parsing text: String) throws(APIError) {
        var terms: [Term] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: true) {
            let term = String(part)
            if let r = term.range(of: "!=") {
                terms.append(Term(field: String(term[..<r.lowerBound]).trimmingSpaces(),
                                  value: String(term[r.upperBound...]).trimmingSpaces(), negated: true))
            } else if let r = term.range(of: "==") ?? term.range(of: "=") {
                terms.append(Term(field: String(term[..<r.lowerBound]).trimmingSpaces(),
                                  value: String(term[r.upperBound...]).trimmingSpaces(), negated: false))
            } else {
                throw APIError.badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
        }
        self.terms = terms
    }

    /// The fields the selector names.
    public var fields: [String] { terms.map(\.field) }

    /// Whether every term holds, looking fields up with `value(of:)` (a missing field is "").
    public func matches(_ value: (String) -> String?) -> Bool {
        terms.allSatisfy { term in
            let actual = value(term.field) ?? ""
            return term.negated ? actual != term.value : actual == term.value
        }
    }
}
