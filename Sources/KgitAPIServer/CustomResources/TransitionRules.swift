import KgitAPIMachinery
import KgitSchema

/// CRD transition rules: `x-kubernetes-validations` rules that use `oldSelf`, evaluated on update
/// with `self` the new value and `oldSelf` the stored one, wherever both exist (object properties,
/// map values, and items of `x-kubernetes-list-type: map` lists matched by their keys), as upstream.
/// Rules without `oldSelf` run in the validator on create and update alike.
///
/// A failed rule is a cause naming the field (the rule's `fieldPath` below it, if any) with
/// upstream's message, `Invalid value: "<type>": <message>`.
enum TransitionRules {
    /// The causes of every transition rule that fails for `new` against `old` under `schema`.
    static func causes(new: JSONValue, old: JSONValue, schema: JSONValue?) -> [APIError.Cause] {
        guard let schema else { return [] }
        var causes: [APIError.Cause] = []
        walk(new, old, schema: schema, path: "", into: &causes)
        return causes
    }

    static func walk(_ new: JSONValue, _ old: JSONValue, schema: JSONValue, path: String, into causes: inout [APIError.Cause]) {
        for rule in schema["x-kubernetes-validations"]?.arrayValue ?? [] {
            guard let text = rule["rule"]?.stringValue, let program = try? CELParser.parse(text),
                  program.mentions("oldSelf")
            else { continue }
            var evaluator = CELEvaluator()
            let result = try? evaluator.evaluate(program, self: celValue(new), oldSelf: celValue(old))
            if case .bool(true)? = result { continue }
            var message = rule["message"]?.stringValue ?? "failed rule: \(text)"
            if let expression = rule["messageExpression"]?.stringValue, let messageProgram = try? CELParser.parse(expression),
               case .string(let custom)? = try? evaluator.evaluate(messageProgram, self: celValue(new), oldSelf: celValue(old)),
               !custom.isEmpty
            {
                message = custom
            }
            var field = path
            if let fieldPath = rule["fieldPath"]?.stringValue, !fieldPath.isEmpty {
                field += fieldPath.hasPrefix(".") || fieldPath.hasPrefix("[") ? fieldPath : "." + fieldPath
            }
            if field.hasPrefix(".") { field.removeFirst() }
            let reason = rule["reason"]?.stringValue ?? "FieldValueInvalid"
            causes.append(.init(type: reason, message: "Invalid value: \"\(typeName(schema, new))\": \(message)",
                                field: field))
        }
        switch (new, old) {
        case (.object(let newFields), .object(let oldFields)):
            if let properties = schema["properties"]?.objectValue {
                for (name, child) in properties {
                    if let n = newFields[name], let o = oldFields[name] {
                        walk(n, o, schema: child, path: path + "." + name, into: &causes)
                    }
                }
            } else if let values = schema["additionalProperties"], case .object = values {
                for (key, n) in newFields {
                    if let o = oldFields[key] { walk(n, o, schema: values, path: path + "[\(key)]", into: &causes) }
                }
            }
        case (.array(let newItems), .array(let oldItems)):
            guard schema["x-kubernetes-list-type"]?.stringValue == "map", let items = schema["items"] else { return }
            let keys = (schema["x-kubernetes-list-map-keys"]?.arrayValue ?? []).compactMap(\.stringValue)
            guard !keys.isEmpty else { return }
            for (index, n) in newItems.enumerated() {
                let identity = keys.map { n[$0] }
                if let o = oldItems.first(where: { item in keys.map { item[$0] } == identity }) {
                    walk(n, o, schema: items, path: path + "[\(index)]", into: &causes)
                }
            }
        default:
            return
        }
    }

    /// The schema type upstream names in the message (`object`, `integer`, ...).
    static func typeName(_ schema: JSONValue, _ value: JSONValue) -> String {
        if let type = schema["type"]?.stringValue, !type.isEmpty { return type }
        return jsonTypeName(value)
    }

    /// The JSON type of a value, as upstream names schema types.
    static func jsonTypeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// A JSON value as CEL sees it.
    static func celValue(_ value: JSONValue) -> CELValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(Int(i))
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .list(items.map(celValue))
        case .object(let fields): return .map(fields.sorted { $0.key < $1.key }.map { ($0.key, celValue($0.value)) })
        }
    }
}
