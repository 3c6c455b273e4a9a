import Foundation
import KgitAPIMachinery

/// The JSONPath subset printer columns use: `.spec.replicas`, `.items[0].name`, `.metadata.labels['app']`,
/// `.status.conditions[?(@.type=="Ready")].status` (with `==` or `!=` against a quoted string or
/// a number), and `{…}` around any of them. Evaluates to the first matching value.
struct SimpleJSONPath: Sendable, Equatable {
    /// One step of a path.
    enum Step: Sendable, Equatable {
        case field(String)
        case index(Int)
        case filter(field: [String], equals: Bool, value: JSONValue)
    }

    let steps: [Step]

    /// Why an expression is not in the supported subset.
    struct ParseError: Error, Equatable {
        var message: String
    }

    /// Parses an expression.
    init(_ text: String) throws(ParseError) {
        var source = Substring(text.trimmingCharacters(in: .whitespaces))
        if source.hasPrefix("{") && source.hasSuffix("}") { source = source.dropFirst().dropLast() }
        if source.hasPrefix("$") { source = source.dropFirst() }
        var steps: [Step] = []
        while let first = source.first {
            if first == "." {
                source = source.dropFirst()
                let name = source.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { throw ParseError(message: "empty field name in \(text.debugDescription)") }
                steps.append(.field(String(name)))
                source = source.dropFirst(name.count)
            } else if first == "[" {
                guard let close = SimpleJSONPath.closingBracket(in: source) else {
                    throw ParseError(message: "unclosed [ in \(text.debugDescription)")
                }
                let inner = source[source.index(after: source.startIndex)..<close]
                source = source[source.index(after: close)...]
                steps.append(try SimpleJSONPath.bracket(String(inner), in: text))
            } else {
                throw ParseError(message: "unexpected \(String(first).debugDescription) in \(text.debugDescription)")
            }
        }
        self.steps = steps
    }

    private static func closingBracket(in source: Substring) -> Substring.Index? {
        var quote: Character?
        var index = source.index(after: source.startIndex)
        while index < source.endIndex {
            let c = source[index]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "]" {
                return index
            }
            index = source.index(after: index)
        }
        return nil
    }

    private static func bracket(_ inner: String, in text: String) throws(ParseError) -> Step {
        let trimmed = inner.trimmingCharacters(in: .whitespaces)
        if let number = Int(trimmed) { return .index(number) }
        if trimmed.count >= 2, let q = trimmed.first, q == "'" || q == "\"", trimmed.last == q {
            return .field(String(trimmed.dropFirst().dropLast()))
        }
        guard trimmed.hasPrefix("?(@."), trimmed.hasSuffix(")") else {
            throw ParseError(message: "unsupported [\(inner)] in \(text.debugDescription)")
        }
        let body = trimmed.dropFirst(4).dropLast()
        let op: String
        if body.contains("==") { op = "==" } else if body.contains("!=") { op = "!=" } else {
            throw ParseError(message: "a filter needs == or != in \(text.debugDescription)")
        }
        let sides = body.components(separatedBy: op)
        guard sides.count == 2 else { throw ParseError(message: "malformed filter in \(text.debugDescription)") }
        let field = sides[0].trimmingCharacters(in: .whitespaces).split(separator: ".").map(String.init)
        let literal = sides[1].trimmingCharacters(in: .whitespaces)
        let value: JSONValue
        if literal.count >= 2, let q = literal.first, q == "'" || q == "\"", literal.last == q {
            value = .string(String(literal.dropFirst().dropLast()))
        } else if let int = Int64(literal) {
            value = .int(int)
        } else if literal == "true" || literal == "false" {
            value = .bool(literal == "true")
        } else {
            throw ParseError(message: "unsupported filter value \(literal) in \(text.debugDescription)")
        }
        return .filter(field: field, equals: op == "==", value: value)
    }

    /// The first value the path selects in `object`, or nil.
    func evaluate(_ object: JSONValue) -> JSONValue? {
        var current: [JSONValue] = [object]
        for step in steps {
            var next: [JSONValue] = []
            for value in current {
                switch step {
                case .field(let name):
                    if let child = value[name] { next.append(child) }
                case .index(let index):
                    guard let items = value.arrayValue else { continue }
                    let position = index < 0 ? items.count + index : index
                    if items.indices.contains(position) { next.append(items[position]) }
                case .filter(let field, let equals, let wanted):
                    for item in value.arrayValue ?? [] {
                        let found = item.value(at: field)
                        if (found == wanted) == equals && (found != nil || !equals) { next.append(item) }
                    }
                }
            }
            current = next
        }
        return current.first
    }
}
