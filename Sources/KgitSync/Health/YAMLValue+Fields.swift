import KgitYAML

/// Typed reads of nested fields of live objects, for health checks.
extension YAMLValue {
    /// The value at the nested keys, nil when any step is missing or not a mapping.
    func at(_ keys: String...) -> YAMLValue? {
        var current: YAMLValue? = self
        for key in keys { current = current?[key] }
        return current
    }

    var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .float(let value) where value == value.rounded() && abs(value) < 1e15: return Int(value)
        default: return nil
        }
    }

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var items: [YAMLValue] {
        if case .sequence(let values) = self { return values }
        return []
    }

    /// The `status.conditions` entry of `type`, when present.
    func condition(_ type: String) -> YAMLValue? {
        at("status", "conditions")?.items.first { $0["type"]?.stringValue == type }
    }
}

extension YAMLValue {
    /// A condition's `status` as `True`, `False` or `Unknown` (a YAML boolean counts as its word).
    var conditionStatus: String {
        switch self["status"] {
        case .string(let text)?: return text
        case .bool(let flag)?: return flag ? "True" : "False"
        default: return "Unknown"
        }
    }

    /// A condition's reason and message joined for a health message.
    var conditionText: String {
        let reason = self["reason"]?.stringValue ?? ""
        let message = self["message"]?.stringValue ?? ""
        switch (reason.isEmpty, message.isEmpty) {
        case (false, false): return "\(reason): \(message)"
        case (false, true): return reason
        default: return message
        }
    }
}
