import KgitAPIMachinery

/// A write a controller made that its view (its informers' caches) must reflect before it decides again
/// about the same key: upstream's controller "expectations".
///
/// Informers lag behind the API server. A ReplicaSet reconciled again before its pod informer has seen the
/// pods it just created would count too few and create more; one that deleted a pod would delete another.
/// Upstream counts expected adds and deletes per controller key; here each create, patch and delete the
/// driver performed becomes one expectation, judged against the view by ``isMet(observed:viewRevision:)``.
public struct WriteExpectation: Sendable, Hashable {
    /// What the write did.
    public enum Change: Sendable, Hashable {
        /// The object was created or patched; the server answered with this resourceVersion.
        case written(resourceVersion: String)
        /// The object was deleted (or is being deleted: a deletion with finalizers or a grace period).
        case deleted
    }

    /// The object written; its `uid`, when set, names the incarnation.
    public var key: ObjectKey
    /// What happened to it.
    public var change: Change

    /// An expectation for `key`.
    public init(key: ObjectKey, change: Change) {
        self.key = key
        self.change = change
    }

    /// The expectation a create or patch answered with `object` sets, or nil when the answer lacks a name.
    public static func written(_ object: JSONValue) -> WriteExpectation? {
        guard let name = object.value(at: ["metadata", "name"])?.stringValue,
              let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue,
              let resourceVersion = object.value(at: ["metadata", "resourceVersion"])?.stringValue
        else { return nil }
        let key = ObjectKey(
            apiVersion: apiVersion, kind: kind, namespace: object.value(at: ["metadata", "namespace"])?.stringValue ?? "",
            name: name, uid: object.value(at: ["metadata", "uid"])?.stringValue)
        return WriteExpectation(key: key, change: .written(resourceVersion: resourceVersion))
    }

    /// Whether a view reflects this write, given the object it holds at ``key`` (nil when none) and the
    /// newest resourceVersion it has seen of the key's kind.
    ///
    /// - A written object is reflected once the view holds that incarnation at the written resourceVersion or
    ///   later, holds another incarnation, or holds none but has seen a later revision (it was deleted since).
    /// - A deleted object is reflected once the view no longer holds that incarnation, or holds it with a
    ///   `deletionTimestamp`.
    ///
    /// resourceVersions are compared as the integers kgit's stores make them; one that is not an integer
    /// cannot be judged and counts as reflected, so a foreign server never stalls a controller.
    public func isMet(observed: JSONValue?, viewRevision: String) -> Bool {
        let observedUID = observed?.value(at: ["metadata", "uid"])?.stringValue
        if let observed, let uid = key.uid, let observedUID, observedUID != uid { return true }
        switch change {
        case .written(let resourceVersion):
            guard let wanted = Int64(resourceVersion) else { return true }
            if let observed {
                guard let held = observed.value(at: ["metadata", "resourceVersion"])?.stringValue.flatMap({ Int64($0) })
                else { return true }
                return held >= wanted
            }
            guard let seen = Int64(viewRevision) else { return viewRevision.isEmpty ? false : true }
            return seen >= wanted
        case .deleted:
            guard let observed else { return true }
            return observed.value(at: ["metadata", "deletionTimestamp"]) != nil
        }
    }
}

/// The writes each controller key waits to see in the view, with a deadline after which they are
/// given up (a view that never catches up must not stall the key for ever; upstream waits five minutes).
///
/// A pure value: the controller records what its driver wrote after each reconcile, and before the next
/// asks ``pending(_:now:isMet:)`` whether to wait.
public struct ControllerExpectations: Sendable {
    /// How long a key waits at most for its writes to show.
    public var timeout: Duration
    private var byKey: [String: (deadline: ContinuousClock.Instant, items: [WriteExpectation])] = [:]

    /// Expectations that are given up after `timeout`.
    public init(timeout: Duration = .seconds(300)) {
        self.timeout = timeout
    }

    /// Adds `items`, written while reconciling `key` at `now`; the key's deadline starts again.
    public mutating func expect(_ items: [WriteExpectation], for key: String, now: ContinuousClock.Instant) {
        guard !items.isEmpty else { return }
        byKey[key, default: (now, [])].items += items
        byKey[key]?.deadline = now + timeout
    }

    /// What `key` still waits for: the expectations `isMet` does not accept, forgetting those it accepts.
    /// Past the key's deadline nothing is pending any more, and `expired` says so (for a log line).
    public mutating func pending(_ key: String, now: ContinuousClock.Instant,
                                 isMet: (WriteExpectation) -> Bool) -> (items: [WriteExpectation], expired: Bool)
    {
        guard let entry = byKey[key] else { return ([], false) }
        let left = entry.items.filter { !isMet($0) }
        if left.isEmpty {
            byKey[key] = nil
            return ([], false)
        }
        if now >= entry.deadline {
            byKey[key] = nil
            return ([], true)
        }
        byKey[key]?.items = left
        return (left, false)
    }

    /// The keys with expectations, for tests.
    public var keys: [String] { byKey.keys.sorted() }
}
