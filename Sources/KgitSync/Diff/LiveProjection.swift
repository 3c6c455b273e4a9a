import KgitAPIMachinery
import KgitSchema
import KgitYAML

/// Restricts a live object to the fields the desired object sets, so that what the server defaulted
/// is not a difference, and rewrites live values that mean the same as the desired ones (`1Gi` and
/// `1024Mi`, `1` and `1.0`, a set in another order, an absent map and `{}`) in the desired form.
///
/// After projection, `desired == projected` exactly when the object is in sync, and a line diff of
/// the two shows only real differences.
enum LiveProjection {
    /// The projection of `live` onto `desired`; nil when the live side has nothing there.
    static func project(_ live: YAMLValue?, onto desired: YAMLValue, schema: Schema?) -> YAMLValue? {
        guard let live else { return isEmpty(desired) ? desired : nil }
        switch (desired, live) {
        case (.mapping(let wanted), .mapping(let have)):
            var result: [YAMLValue.Entry] = []
            for entry in wanted {
                let liveValue = have.first { $0.key == entry.key }?.value
                if let projected = project(
                    liveValue, onto: entry.value, schema: FieldPath.child(schema, key: entry.key))
                {
                    result.append(YAMLValue.Entry(key: entry.key, value: projected))
                }
            }
            return .mapping(result)
        case (.sequence(let wanted), .sequence(let have)):
            return .sequence(projectList(have, onto: wanted, schema: schema))
        case (.null, _) where isEmpty(live):
            return desired
        case (_, .null) where isEmpty(desired):
            return desired
        default:
            return equivalent(desired, live, schema: schema) ? desired : live
        }
    }

    static func projectList(_ have: [YAMLValue], onto wanted: [YAMLValue], schema: Schema?) -> [YAMLValue] {
        let (items, keys, isSet) = FieldPath.elements(schema)
        if isSet {
            return sameMultiset(wanted, have, schema: items) ? wanted : have
        }
        if !keys.isEmpty, wanted.allSatisfy({ hasKeys($0, keys) }), have.allSatisfy({ hasKeys($0, keys) }) {
            var used = Set<Int>()
            var result: [YAMLValue] = []
            for element in wanted {
                let match = have.indices.first { !used.contains($0) && sameKeys(have[$0], element, keys) }
                guard let match else { continue }
                used.insert(match)
                if let projected = project(have[match], onto: element, schema: items) { result.append(projected) }
            }
            for index in have.indices where !used.contains(index) { result.append(have[index]) }
            return result
        }
        var result: [YAMLValue] = []
        for (index, element) in have.enumerated() {
            if index < wanted.count, let projected = project(element, onto: wanted[index], schema: items) {
                result.append(projected)
            } else {
                result.append(element)
            }
        }
        return result
    }

    /// An empty map, empty list or null: what the server omits.
    static func isEmpty(_ value: YAMLValue) -> Bool {
        switch value {
        case .null: return true
        case .mapping(let entries): return entries.isEmpty
        case .sequence(let items): return items.isEmpty
        default: return false
        }
    }

    static func hasKeys(_ element: YAMLValue, _ keys: [String]) -> Bool {
        guard case .mapping = element else { return false }
        return keys.contains { element[$0] != nil }
    }

    static func sameKeys(_ a: YAMLValue, _ b: YAMLValue, _ keys: [String]) -> Bool {
        keys.allSatisfy { key in
            // A key field the server defaults (a port's protocol) counts as matching when one side omits it.
            guard let left = a[key], let right = b[key] else { return true }
            return equivalent(left, right, schema: nil)
        }
    }

    static func sameMultiset(_ a: [YAMLValue], _ b: [YAMLValue], schema: Schema?) -> Bool {
        guard a.count == b.count else { return false }
        var remaining = b
        for element in a {
            guard let index = remaining.firstIndex(where: { equivalent(element, $0, schema: schema) }) else {
                return false
            }
            remaining.remove(at: index)
        }
        return true
    }

    /// Whether two scalars mean the same value: equal, numerically equal, or (where the schema says
    /// quantity) equal as quantities.
    static func equivalent(_ a: YAMLValue, _ b: YAMLValue, schema: Schema?) -> Bool {
        if a == b { return true }
        switch (a, b) {
        case (.int(let x), .float(let y)), (.float(let y), .int(let x)):
            return Double(x) == y
        default:
            break
        }
        guard FieldPath.isQuantity(schema), let x = quantityText(a), let y = quantityText(b),
            let left = try? Quantity(parsing: x), let right = try? Quantity(parsing: y)
        else { return false }
        return left == right
    }

    static func quantityText(_ value: YAMLValue) -> String? {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .float(let number): return String(number)
        default: return nil
        }
    }
}
