/// Strategic merge patch (`application/strategic-merge-patch+json`), as `kubectl apply` and
/// `kubectl patch` send it.
///
/// Beyond merge patch it merges lists whose schema says `patchStrategy: merge` by their
/// `patchMergeKey` (containers by `name`, ports by `containerPort`, …) and understands the
/// directives `$patch: replace|delete|merge`, `$retainKeys`, `$setElementOrder/<field>` and
/// `$deleteFromPrimitiveList/<field>`.
public enum StrategicMergePatch {
    /// Why a patch could not be applied.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Applies `patch` (an object) to `original`.
    public static func apply(_ patch: JSONValue, to original: JSONValue, schema: PatchSchema?) throws(Failure) -> JSONValue {
        guard case .object(let patchMembers) = patch else {
            throw Failure(message: "a strategic merge patch must be a JSON object")
        }
        let base = original.objectValue ?? [:]
        return .object(try mergeMap(base, patchMembers, schema: schema))
    }

    static func mergeMap(_ original: [String: JSONValue], _ patch: [String: JSONValue], schema: PatchSchema?)
        throws(Failure) -> [String: JSONValue]
    {
        if let directive = patch["$patch"]?.stringValue {
            switch directive {
            case "replace": return stripDirectives(patch)
            case "delete": return [:]
            case "merge": break
            default: throw Failure(message: "unknown patch type: \(directive) in map")
            }
        }
        var result = original
        if let retain = patch["$retainKeys"]?.arrayValue {
            let keep = Set(retain.compactMap(\.stringValue))
            result = result.filter { keep.contains($0.key) }
        }
        // $deleteFromPrimitiveList first, so later merges see the reduced list.
        for (key, value) in patch where key.hasPrefix("$deleteFromPrimitiveList/") {
            let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
            let remove = value.arrayValue ?? []
            if let list = result[field]?.arrayValue {
                result[field] = .array(list.filter { !remove.contains($0) })
            }
        }
        for (key, value) in patch {
            if key.hasPrefix("$") { continue }
            let fieldSchema = schema?.field(key)
            if value.isNull {
                result[key] = nil
                continue
            }
            switch (value, result[key]) {
            case (.object(let patchChild), .object(let originalChild)):
                if patchChild["$patch"]?.stringValue == "delete" {
                    result[key] = nil
                } else {
                    result[key] = .object(try mergeMap(originalChild, patchChild, schema: fieldSchema))
                }
            case (.object(let patchChild), _):
                if patchChild["$patch"]?.stringValue == "delete" {
                    result[key] = nil
                } else {
                    result[key] = .object(try mergeMap([:], patchChild, schema: fieldSchema))
                }
            case (.array(let patchList), .array(let originalList)):
                result[key] = .array(try mergeList(originalList, patchList, schema: fieldSchema))
            case (.array(let patchList), _):
                result[key] = .array(try mergeList([], patchList, schema: fieldSchema))
            default:
                result[key] = value
            }
        }
        for (key, value) in patch where key.hasPrefix("$setElementOrder/") {
            let field = String(key.dropFirst("$setElementOrder/".count))
            guard let order = value.arrayValue, let list = result[field]?.arrayValue else { continue }
            result[field] = .array(reorder(list, by: order, mergeKey: schema?.field(field)?.patchMergeKey))
        }
        return result
    }

    static func mergeList(_ original: [JSONValue], _ patch: [JSONValue], schema: PatchSchema?) throws(Failure)
        -> [JSONValue]
    {
        // A {"$patch": "replace"} element replaces the whole list with the other elements.
        if patch.contains(where: { $0["$patch"]?.stringValue == "replace" }) {
            return patch.filter { $0["$patch"]?.stringValue != "replace" }.map(stripDirectivesValue)
        }
        let strategy = schema?.patchStrategy ?? ""
        guard strategy.split(separator: ",").contains("merge") else {
            return patch.map(stripDirectivesValue)
        }
        guard let mergeKey = schema?.patchMergeKey else {
            // Primitive list with merge strategy: union, original order first.
            var result = original
            for item in patch where !result.contains(item) { result.append(item) }
            return result
        }
        var result = original
        let itemSchema = schema?.items()
        for item in patch {
            guard case .object(let patchItem) = item else {
                if !result.contains(item) { result.append(item) }
                continue
            }
            let key = patchItem[mergeKey]
            let index = key.flatMap { k in result.firstIndex { $0[mergeKey] == k } }
            switch patchItem["$patch"]?.stringValue {
            case "delete":
                if let key { result.removeAll { $0[mergeKey] == key } }
            case "replace":
                let replacement = JSONValue.object(stripDirectives(patchItem))
                if let index { result[index] = replacement } else { result.append(replacement) }
            default:
                if let index, case .object(let originalItem) = result[index] {
                    result[index] = .object(try mergeMap(originalItem, patchItem, schema: itemSchema))
                } else {
                    result.append(.object(try mergeMap([:], patchItem, schema: itemSchema)))
                }
            }
        }
        return result
    }

    /// Orders `list` as `order` says; items not named keep their relative order at the end.
    static func reorder(_ list: [JSONValue], by order: [JSONValue], mergeKey: String?) -> [JSONValue] {
        func identity(_ v: JSONValue) -> JSONValue {
            if let mergeKey, let k = v[mergeKey] { return k }
            return v
        }
        var remaining = list
        var result: [JSONValue] = []
        for wanted in order {
            let target = identity(wanted)
            if let i = remaining.firstIndex(where: { identity($0) == target }) {
                result.append(remaining.remove(at: i))
            }
        }
        return result + remaining
    }

    static func stripDirectives(_ members: [String: JSONValue]) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (k, v) in members where !k.hasPrefix("$") { out[k] = stripDirectivesValue(v) }
        return out
    }

    static func stripDirectivesValue(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): return .object(stripDirectives(members))
        case .array(let items): return .array(items.map(stripDirectivesValue))
        default: return value
        }
    }
}
