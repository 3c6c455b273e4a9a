import KgitAPIMachinery
import KgitSchema
import KgitYAML

// Bounds on quantities (`Quantity & <=8Gi`, `100m..4`), compared by value: `1Gi` is 1024Mi.
extension TypeCompiler {
    /// One end of a quantity range.
    struct QuantityBound: Sendable {
        var quantity: Quantity
        var exclusive: Bool
    }

    /// `schema` (a quantity) with a check of the bounds; a bound that is not a quantity is reported.
    mutating func quantityBounded(
        _ schema: Schema, _ low: (NumberLiteral, Bool)?, _ high: (NumberLiteral, Bool)?, at range: SourceRange
    ) -> Schema? {
        func parse(_ bound: (NumberLiteral, Bool)?) -> QuantityBound?? {
            guard let (literal, exclusive) = bound else { return .some(nil) }
            guard let quantity = try? Quantity(parsing: literal.text) else { return nil }
            return .some(QuantityBound(quantity: quantity, exclusive: exclusive))
        }
        guard let lower = parse(low), let upper = parse(high) else {
            report(.invalidConstraint, "a bound on a quantity must be a quantity, such as 512Mi or 100m", at: range)
            return nil
        }
        if let lower, let upper, upper.quantity < lower.quantity {
            report(.invalidConstraint, "the range \(lower.quantity.text)..\(upper.quantity.text) is empty", at: range)
            return nil
        }
        return rebuilt(schema, checks: [TypeCompiler.quantityCheck(lower: lower, upper: upper)])
    }

    /// Reports a quantity outside `lower`/`upper` as `minimum`/`maximum`. Values that are not
    /// quantities are the structural check's to report.
    static func quantityCheck(lower: QuantityBound?, upper: QuantityBound?) -> SchemaCheck {
        SchemaCheck(name: "kgl.quantity-bounds") { node, context in
            guard let scalar = node.scalar else { return }
            switch scalar.value {
            case .int, .float, .string: break
            default: return
            }
            guard let value = try? Quantity(parsing: scalar.text) else { return }
            if let lower, lower.exclusive ? !(lower.quantity < value) : value < lower.quantity {
                context.report(
                    .minimum,
                    "\(scalar.text) is less than the minimum \(lower.exclusive ? "(exclusive) " : "")\(lower.quantity.text)",
                    at: node, path: [])
            }
            if let upper, upper.exclusive ? !(value < upper.quantity) : upper.quantity < value {
                context.report(
                    .maximum,
                    "\(scalar.text) is greater than the maximum \(upper.exclusive ? "(exclusive) " : "")\(upper.quantity.text)",
                    at: node, path: [])
            }
        }
    }
}

/// Numbers as messages show them: whole numbers without a fraction.
enum NumberText {
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
