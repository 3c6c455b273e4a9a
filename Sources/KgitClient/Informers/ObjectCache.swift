import KgitAPIMachinery
import Synchronization

/// A function from an object to the index values it is filed under (none: not indexed).
public typealias IndexFunction = @Sendable (JSONValue) -> [String]

/// The index functions controllers use most.
public enum Indexers {
    /// The name of the namespace index.
    public static let namespace = "namespace"
    /// The name of the owner-UID index.
    public static let ownerUID = "ownerUID"
    /// The name of the node-name index.
    public static let nodeName = "nodeName"

    /// Files an object under its namespace (cluster-scoped objects under the empty string).
    public static let byNamespace: IndexFunction = { object in
        [object["metadata"]?["namespace"]?.stringValue ?? ""]
    }

    /// Files an object under the UID of every owner in `metadata.ownerReferences`.
    public static let byOwnerUID: IndexFunction = { object in
        (object["metadata"]?["ownerReferences"]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
    }

    /// Files a pod under `spec.nodeName` (unscheduled pods are not filed).
    public static let byNodeName: IndexFunction = { object in
        guard let node = object["spec"]?["nodeName"]?.stringValue, !node.isEmpty else { return [] }
        return [node]
    }
}

/// The key an informer files an object under: `namespace/name`, or `name` for a cluster-scoped object.
public func cacheKey(namespace: String?, name: String) -> String {
    guard let namespace, !namespace.isEmpty else { return name }
    return "\(namespace)/\(name)"
}

/// The cache key of `object`.
public func cacheKey(of object: JSONValue) -> String {
    cacheKey(namespace: object["metadata"]?["namespace"]?.stringValue, name: object["metadata"]?["name"]?.stringValue ?? "")
}

/// A thread-safe store of objects by key, with indexes kept up to date on every change.
///
/// An informer owns one and writes it; listers and controllers read it. Reads return the objects as stored
/// (values: a caller's change never reaches the cache).
public final class ObjectCache: Sendable {
    private struct State {
        var objects: [String: JSONValue] = [:]
        /// index name -> index value -> keys.
        var indexes: [String: [String: Set<String>]] = [:]
        var functions: [String: IndexFunction] = [:]
    }

    private let state = Mutex(State())

    /// An empty cache with these named index functions (the namespace index is always present).
    public init(indexers: [String: IndexFunction] = [:]) {
        var functions = indexers
        functions[Indexers.namespace] = functions[Indexers.namespace] ?? Indexers.byNamespace
        state.withLock { $0.functions = functions }
    }

    /// The names of the indexes.
    public var indexNames: [String] { state.withLock { $0.functions.keys.sorted() } }

    /// Adds index `name` (kept if it exists) and files every stored object under it.
    public func addIndexer(_ name: String, _ function: @escaping IndexFunction) {
        state.withLock { state in
            guard state.functions[name] == nil else { return }
            state.functions[name] = function
            for (key, object) in state.objects {
                for value in function(object) { state.indexes[name, default: [:]][value, default: []].insert(key) }
            }
        }
    }

    /// The object filed under `key`.
    public func get(_ key: String) -> JSONValue? { state.withLock { $0.objects[key] } }

    /// Every object, sorted by key.
    public func list() -> [JSONValue] {
        state.withLock { state in state.objects.keys.sorted().compactMap { state.objects[$0] } }
    }

    /// Every key, sorted.
    public func keys() -> [String] { state.withLock { $0.objects.keys.sorted() } }

    /// How many objects the cache holds.
    public var count: Int { state.withLock { $0.objects.count } }

    /// The objects filed under `value` in index `name`, sorted by key; empty for an unknown index.
    public func byIndex(_ name: String, _ value: String) -> [JSONValue] {
        state.withLock { state in
            (state.indexes[name]?[value] ?? []).sorted().compactMap { state.objects[$0] }
        }
    }

    /// Stores `object` (add or replace) and returns what was stored before under its key.
    @discardableResult
    public func upsert(_ object: JSONValue) -> JSONValue? {
        let key = cacheKey(of: object)
        return state.withLock { state in
            let old = state.objects[key]
            if let old { unindex(old, key: key, in: &state) }
            state.objects[key] = object
            index(object, key: key, in: &state)
            return old
        }
    }

    /// Removes the object filed under `key` and returns it.
    @discardableResult
    public func remove(_ key: String) -> JSONValue? {
        state.withLock { state in
            guard let old = state.objects.removeValue(forKey: key) else { return nil }
            unindex(old, key: key, in: &state)
            return old
        }
    }

    /// Replaces the whole content with `objects` (a relist) and returns what changed, so that handlers hear of
    /// objects that appeared, changed or vanished while the informer was not watching.
    public func replace(with objects: [JSONValue]) -> [InformerEvent] {
        state.withLock { state in
            var fresh: [String: JSONValue] = [:]
            for object in objects { fresh[cacheKey(of: object)] = object }
            var events: [InformerEvent] = []
            for key in state.objects.keys.sorted() where fresh[key] == nil {
                if let old = state.objects[key] { events.append(.deleted(old)) }
            }
            for key in fresh.keys.sorted() {
                guard let object = fresh[key] else { continue }
                if let old = state.objects[key] {
                    if old != object { events.append(.updated(old: old, new: object)) }
                } else {
                    events.append(.added(object))
                }
            }
            state.objects = [:]
            state.indexes = [:]
            for (key, object) in fresh {
                state.objects[key] = object
                index(object, key: key, in: &state)
            }
            return events
        }
    }

    private func index(_ object: JSONValue, key: String, in state: inout State) {
        for (name, function) in state.functions {
            for value in function(object) { state.indexes[name, default: [:]][value, default: []].insert(key) }
        }
    }

    private func unindex(_ object: JSONValue, key: String, in state: inout State) {
        for (name, function) in state.functions {
            for value in function(object) {
                state.indexes[name]?[value]?.remove(key)
                if state.indexes[name]?[value]?.isEmpty == true { state.indexes[name]?[value] = nil }
            }
        }
    }
}

/// What an informer tells its handlers.
public enum InformerEvent: Sendable, Equatable {
    /// An object appeared.
    case added(JSONValue)
    /// An object changed (or a resync repeats it: then `old == new`).
    case updated(old: JSONValue, new: JSONValue)
    /// An object vanished; its last known state.
    case deleted(JSONValue)

    /// The object the event is about (the new state of an update).
    public var object: JSONValue {
        switch self {
        case .added(let o), .deleted(let o): o
        case .updated(_, let new): new
        }
    }
}

/// Reads one kind from an informer's cache, as controllers do instead of asking the server.
public struct Lister: Sendable {
    /// The cache read.
    public let cache: ObjectCache

    /// A lister over `cache`.
    public init(cache: ObjectCache) { self.cache = cache }

    /// The object `namespace/name` (namespace nil or empty for a cluster-scoped kind).
    public func get(namespace: String?, name: String) -> JSONValue? {
        cache.get(cacheKey(namespace: namespace, name: name))
    }

    /// The objects in `namespace` (nil: all) whose labels match `selector` (nil: all).
    public func list(namespace: String? = nil, selector: LabelSelector? = nil) -> [JSONValue] {
        let objects = namespace.map { cache.byIndex(Indexers.namespace, $0) } ?? cache.list()
        guard let selector else { return objects }
        return objects.filter { object in
            let labels = (object["metadata"]?["labels"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
            return selector.matches(labels)
        }
    }

    /// The objects filed under `value` in index `index`.
    public func byIndex(_ index: String, _ value: String) -> [JSONValue] { cache.byIndex(index, value) }
}
