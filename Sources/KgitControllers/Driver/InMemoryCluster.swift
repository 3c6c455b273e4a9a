import Foundation
import KgitAPIMachinery

/// An in-memory twin of the cluster behind ``ClusterWriter``, with the API server's rules that
/// controllers depend on: generated names, UIDs, resource versions, generation bumps on spec
/// changes, preconditions, and deletion with finalizers and propagation policies.
///
/// Tests run reconcilers against it in a loop (observe, reconcile, perform) and play the kubelet
/// themselves by patching pod status. It is not a registry: there is no validation, defaulting
/// or watch.
public actor InMemoryCluster: ClusterWriter {
    private var objects: [String: JSONValue] = [:]
    private var counter = 0
    /// The time stamped on created and deleted objects; tests move it forward.
    public var now: Date

    /// An empty cluster whose clock reads `now`.
    public init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        self.now = now
    }

    /// Moves the clock.
    public func advance(by seconds: TimeInterval) { now = now.addingTimeInterval(seconds) }

    /// Sets the clock.
    public func setNow(_ date: Date) { now = date }

    static func storageKey(apiVersion: String, kind: String, namespace: String, name: String) -> String {
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        return "\(group)/\(kind)/\(namespace)/\(name)"
    }

    static func storageKey(_ object: JSONValue) -> String {
        storageKey(apiVersion: object["apiVersion"]?.stringValue ?? "", kind: object["kind"]?.stringValue ?? "",
                   namespace: object.value(at: ["metadata", "namespace"])?.stringValue ?? "",
                   name: object.value(at: ["metadata", "name"])?.stringValue ?? "")
    }

    static func storageKey(_ key: ObjectKey) -> String {
        storageKey(apiVersion: key.apiVersion, kind: key.kind, namespace: key.namespace, name: key.name)
    }

    private func nextCounter() -> Int {
        counter += 1
        return counter
    }

    /// A five-character suffix from the alphabet upstream uses for generated names.
    private func suffix(_ n: Int) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var x = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        var out = ""
        for _ in 0..<5 {
            out.append(alphabet[Int(x % UInt64(alphabet.count))])
            x /= UInt64(alphabet.count)
        }
        return out
    }

    // MARK: - Reads

    /// The stored object with this key, ignoring the key's UID.
    public func get(_ key: ObjectKey) -> JSONValue? { objects[Self.storageKey(key)] }

    /// Every stored object of `kind`, in `namespace` when given, sorted by name.
    public func list(_ kind: String, namespace: String? = nil) -> [JSONValue] {
        objects.values.filter { o in
            o["kind"]?.stringValue == kind
                && (namespace == nil || o.value(at: ["metadata", "namespace"])?.stringValue ?? "" == namespace)
        }.sorted {
            ($0.value(at: ["metadata", "name"])?.stringValue ?? "") < ($1.value(at: ["metadata", "name"])?.stringValue ?? "")
        }
    }

    /// Every stored object.
    public func all() -> [JSONValue] { Array(objects.values) }

    /// The reasons of the events recorded about the object named `name`, oldest first.
    public func eventReasons(about name: String) -> [String] {
        list("Event").filter { $0.value(at: ["involvedObject", "name"])?.stringValue == name }
            .sorted { ($0.value(at: ["metadata", "name"])?.stringValue ?? "") < ($1.value(at: ["metadata", "name"])?.stringValue ?? "") }
            .compactMap { $0["reason"]?.stringValue }
    }

    // MARK: - Writes

    /// Stores `object` as the API server would on create; see ``ClusterWriter/create(_:)``.
    public func create(_ object: JSONValue) throws(APIError) -> JSONValue {
        var o = object
        let kind = o["kind"]?.stringValue ?? ""
        let n = nextCounter()
        if (o.value(at: ["metadata", "name"])?.stringValue ?? "").isEmpty {
            guard let prefix = o.value(at: ["metadata", "generateName"])?.stringValue, !prefix.isEmpty else {
                throw APIError.invalid(kind: kind, name: "", causes: [
                    .init(type: "FieldValueRequired", message: "name or generateName is required", field: "metadata.name"),
                ])
            }
            o.setValue(.string(prefix + suffix(n)), at: ["metadata", "name"])
        }
        let key = Self.storageKey(o)
        guard objects[key] == nil else {
            throw APIError.alreadyExists(resource: kind.lowercased() + "s",
                                         name: o.value(at: ["metadata", "name"])?.stringValue ?? "")
        }
        o.setValue(.string("uid-\(n)"), at: ["metadata", "uid"])
        o.setValue(.string(String(n)), at: ["metadata", "resourceVersion"])
        o.setValue(.string(RFC3339.format(now)), at: ["metadata", "creationTimestamp"])
        o.setValue(1, at: ["metadata", "generation"])
        o.setValue(nil, at: ["metadata", "deletionTimestamp"])
        objects[key] = o
        return o
    }

    /// Stores an object exactly as given except for missing UID, resource version and creation time;
    /// how tests seed the state a reconciler observes.
    @discardableResult
    public func seed(_ object: JSONValue) -> JSONValue {
        var o = object
        let n = nextCounter()
        if o.value(at: ["metadata", "uid"]) == nil { o.setValue(.string("uid-\(n)"), at: ["metadata", "uid"]) }
        o.setValue(.string(String(n)), at: ["metadata", "resourceVersion"])
        if o.value(at: ["metadata", "creationTimestamp"]) == nil {
            o.setValue(.string(RFC3339.format(now)), at: ["metadata", "creationTimestamp"])
        }
        objects[Self.storageKey(o)] = o
        return o
    }

    private func checkPreconditions(_ stored: JSONValue, key: ObjectKey, resourceVersion: String?) throws(APIError) {
        if let uid = key.uid, stored.value(at: ["metadata", "uid"])?.stringValue != uid {
            throw APIError.conflict(resource: key.kind.lowercased() + "s", name: key.name,
                                    message: "Precondition failed: UID in precondition: \(uid), UID in object meta: "
                                        + (stored.value(at: ["metadata", "uid"])?.stringValue ?? ""))
        }
        if let rv = resourceVersion, stored.value(at: ["metadata", "resourceVersion"])?.stringValue != rv {
            throw APIError.conflict(resource: key.kind.lowercased() + "s", name: key.name,
                                    message: "the object has been modified; please apply your changes to the latest version and try again")
        }
    }

    /// Merge-patches the object; see ``ClusterWriter/patch(_:mergePatch:status:)``.
    public func patch(_ key: ObjectKey, mergePatch: JSONValue, status: Bool) throws(APIError) -> JSONValue {
        let storage = Self.storageKey(key)
        guard let stored = objects[storage] else {
            throw APIError.notFound(resource: key.kind.lowercased() + "s", name: key.name)
        }
        try checkPreconditions(stored, key: key,
                               resourceVersion: mergePatch.value(at: ["metadata", "resourceVersion"])?.stringValue)
        var patch = mergePatch
        patch.setValue(nil, at: ["metadata", "resourceVersion"])
        var updated: JSONValue
        if status {
            updated = stored
            updated["status"] = MergePatch.apply(patch["status"] ?? .object([:]), to: stored["status"] ?? .object([:]))
        } else {
            patch["status"] = nil
            updated = MergePatch.apply(patch, to: stored)
            if updated["spec"] != stored["spec"] {
                let generation = stored.value(at: ["metadata", "generation"])?.intValue ?? 0
                updated.setValue(.int(generation + 1), at: ["metadata", "generation"])
            }
        }
        if updated == stored { return stored }
        updated.setValue(.string(String(nextCounter())), at: ["metadata", "resourceVersion"])
        if updated.value(at: ["metadata", "deletionTimestamp"]) != nil
            && (updated.value(at: ["metadata", "finalizers"])?.arrayValue ?? []).isEmpty
        {
            objects[storage] = nil
            return updated
        }
        objects[storage] = updated
        return updated
    }

    /// Deletes the object; see ``ClusterWriter/delete(_:propagation:)``. An object with finalizers,
    /// or deleted in the foreground or as an orphaner, only gets its deletion timestamp (and the
    /// policy's finalizer) until the finalizers are removed.
    public func delete(_ key: ObjectKey, propagation: PropagationPolicy) throws(APIError) {
        let storage = Self.storageKey(key)
        guard var stored = objects[storage] else {
            throw APIError.notFound(resource: key.kind.lowercased() + "s", name: key.name)
        }
        try checkPreconditions(stored, key: key, resourceVersion: nil)
        var finalizers = (stored.value(at: ["metadata", "finalizers"])?.arrayValue ?? []).compactMap(\.stringValue)
        switch propagation {
        case .foreground:
            finalizers.removeAll { $0 == "orphan" }
            if !finalizers.contains("foregroundDeletion") { finalizers.append("foregroundDeletion") }
        case .orphan:
            finalizers.removeAll { $0 == "foregroundDeletion" }
            if !finalizers.contains("orphan") { finalizers.append("orphan") }
        case .background: break
        }
        if finalizers.isEmpty {
            objects[storage] = nil
            return
        }
        stored.setValue(.array(finalizers.map { .string($0) }), at: ["metadata", "finalizers"])
        if stored.value(at: ["metadata", "deletionTimestamp"]) == nil {
            stored.setValue(.string(RFC3339.format(now)), at: ["metadata", "deletionTimestamp"])
        }
        stored.setValue(.string(String(nextCounter())), at: ["metadata", "resourceVersion"])
        objects[storage] = stored
    }
}
