import Foundation
import KgitAPIMachinery

/// Field ownership for server-side apply: `FieldsV1` sets, conflict detection between appliers,
/// and removal of fields a manager stops applying.
///
/// A FieldsV1 set is a JSON tree: `f:<name>` for object members, `k:{"name":"app"}` for items of
/// lists merged by key, `.` for the item itself, `{}` for a leaf.
enum ManagedFields {
    /// One step in a field path.
    enum Step: Hashable {
        case field(String)
        case key(JSONValue)
    }

    /// The FieldsV1 set of an applied configuration (identity fields excluded).
    static func fieldSet(of object: JSONValue, schema: PatchSchema?) -> JSONValue {
        var root: [String: JSONValue] = [:]
        for (key, value) in object.objectValue ?? [:] where key != "apiVersion" && key != "kind" {
            if key == "metadata" {
                var meta: [String: JSONValue] = [:]
                for (mk, mv) in value.objectValue ?? [:]
                where !["name", "namespace", "managedFields", "resourceVersion", "uid", "creationTimestamp",
                        "generation"].contains(mk)
                {
                    meta["f:\(mk)"] = fieldSet(value: mv, schema: schema?.field("metadata")?.field(mk))
                }
                if !meta.isEmpty { root["f:metadata"] = .object(meta) }
                continue
            }
            root["f:\(key)"] = fieldSet(value: value, schema: schema?.field(key))
        }
        return .object(root)
    }

    static func fieldSet(value: JSONValue, schema: PatchSchema?) -> JSONValue {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (k, v) in members { out["f:\(k)"] = fieldSet(value: v, schema: schema?.field(k)) }
            return .object(out)
        case .array(let items):
            guard let mergeKey = schema?.patchMergeKey, (schema?.patchStrategy ?? "").contains("merge") else {
                return [:]
            }
            var out: [String: JSONValue] = [:]
            for item in items {
                guard let keyValue = item[mergeKey] else { continue }
                var child = fieldSet(value: item, schema: schema?.items()).objectValue ?? [:]
                child["."] = [:]
                out["k:" + JSONValue.object([mergeKey: keyValue]).serialized()] = .object(child)
            }
            return .object(out)
        default:
            return [:]
        }
    }

    /// The leaf paths of a FieldsV1 set.
    static func leaves(_ set: JSONValue, prefix: [Step] = []) -> Set<[Step]> {
        guard let members = set.objectValue, !members.isEmpty else { return prefix.isEmpty ? [] : [prefix] }
        var out = Set<[Step]>()
        for (key, child) in members {
            if key == "." { continue }
            let step: Step
            if key.hasPrefix("f:") {
                step = .field(String(key.dropFirst(2)))
            } else if key.hasPrefix("k:"), let k = try? JSONParser.parse(String(key.dropFirst(2))) {
                step = .key(k)
            } else {
                continue
            }
            out.formUnion(leaves(child, prefix: prefix + [step]))
        }
        return out
    }

    /// The value at a path, or nil.
    static func value(at path: [Step], in object: JSONValue) -> JSONValue? {
        var current: JSONValue? = object
        for step in path {
            switch step {
            case .field(let name): current = current?[name]
            case .key(let key):
                current = current?.arrayValue?.first { item in
                    (key.objectValue ?? [:]).allSatisfy { item[$0.key] == $0.value }
                }
            }
        }
        return current
    }

    /// Removes the value at a path (no-op when absent).
    static func remove(_ path: [Step], from object: JSONValue) -> JSONValue {
        guard let first = path.first else { return object }
        let rest = Array(path.dropFirst())
        switch (first, object) {
        case (.field(let name), .object(var members)):
            if rest.isEmpty {
                members[name] = nil
            } else if let child = members[name] {
                members[name] = remove(rest, from: child)
            }
            return .object(members)
        case (.key(let key), .array(var items)):
            guard let index = items.firstIndex(where: { item in
                (key.objectValue ?? [:]).allSatisfy { item[$0.key] == $0.value }
            }) else { return object }
            if rest.isEmpty { items.remove(at: index) } else { items[index] = remove(rest, from: items[index]) }
            return .array(items)
        default:
            return object
        }
    }

    static func describe(_ path: [Step]) -> String {
        path.map { step -> String in
            switch step {
            case .field(let name): return ".\(name)"
            case .key(let key): return "[\(key.serialized().replacingOccurrences(of: "\"", with: ""))]"
            }
        }.joined()
    }

    /// Merges an applied configuration into `current` for `manager`.
    ///
    /// Throws 409 Conflict when another applier owns a field this one sets to a different value,
    /// unless `force`; forced fields move to this manager.
    static func apply(_ applied: JSONValue, entry: JSONValue, manager: String, to current: JSONValue,
                      schema: PatchSchema?, force: Bool, info: ResourceInfo) throws(APIError) -> JSONValue
    {
        var managed = current.value(at: ["metadata", "managedFields"])?.arrayValue ?? []
        let previous = managed.first { $0["manager"]?.stringValue == manager && $0["operation"]?.stringValue == "Apply" }
        let newLeaves = leaves(entry["fieldsV1"] ?? [:])
        var conflicts: [(String, [Step])] = []
        var otherLeaves = Set<[Step]>()
        for (index, other) in managed.enumerated() where other["manager"]?.stringValue != manager {
            let owned = leaves(other["fieldsV1"] ?? [:])
            otherLeaves.formUnion(owned)
            for path in owned.intersection(newLeaves)
            where value(at: path, in: current) != value(at: path, in: applied) {
                conflicts.append((other["manager"]?.stringValue ?? "", path))
            }
            if force {
                // Forced fields change owner.
                var remaining = owned.subtracting(newLeaves)
                if remaining.count != owned.count {
                    var updated = other
                    updated["fieldsV1"] = fieldsV1(from: remaining)
                    managed[index] = updated
                    remaining.removeAll()
                }
            }
        }
        if !conflicts.isEmpty && !force {
            let causes = conflicts.map { (owner, path) in
                APIError.Cause(type: "FieldManagerConflict", message: "conflict with \"\(owner)\"", field: describe(path))
            }
            let list = causes.map { "\($0.message): \($0.field)" }.joined(separator: "\n- ")
            let name = current.value(at: ["metadata", "name"])?.stringValue ?? ""
            throw APIError(
                reason: "Conflict", code: 409,
                message: "Apply failed with \(causes.count) conflict\(causes.count == 1 ? "" : "s"): \(list)",
                details: .init(name: name, group: info.group, kind: info.resource, causes: causes))
        }
        var cleanApplied = applied
        cleanApplied.setValue(nil, at: ["metadata", "managedFields"])
        cleanApplied.setValue(nil, at: ["metadata", "resourceVersion"])
        var merged: JSONValue
        do {
            merged = try StrategicMergePatch.apply(cleanApplied, to: current, schema: schema)
        } catch {
            throw APIError.badRequest(error.message)
        }
        if let previous {
            for path in leaves(previous["fieldsV1"] ?? [:]).subtracting(newLeaves) where !otherLeaves.contains(path) {
                merged = remove(path, from: merged)
            }
        }
        if let index = managed.firstIndex(where: {
            $0["manager"]?.stringValue == manager && $0["operation"]?.stringValue == "Apply"
        }) {
            // An apply that owns the same fields as before keeps its entry (and time), so a
            // repeated apply is a no-op that writes nothing.
            let old = managed[index]
            if old["fieldsV1"] != entry["fieldsV1"] || old["apiVersion"] != entry["apiVersion"] {
                managed.remove(at: index)
                managed.append(entry)
            }
        } else {
            managed.append(entry)
        }
        merged.setValue(.array(managed), at: ["metadata", "managedFields"])
        return merged
    }

    /// Rebuilds a FieldsV1 tree from leaf paths.
    static func fieldsV1(from leaves: Set<[Step]>) -> JSONValue {
        var root: JSONValue = [:]
        for path in leaves {
            let keys = path.map { step -> String in
                switch step {
                case .field(let name): return "f:\(name)"
                case .key(let key): return "k:" + key.serialized()
                }
            }
            var existing = root
            insert(keys, into: &existing)
            root = existing
        }
        return root
    }

    static func insert(_ keys: [String], into node: inout JSONValue) {
        guard let first = keys.first else { return }
        var child = node[first] ?? [:]
        insert(Array(keys.dropFirst()), into: &child)
        node[first] = child
    }
}
