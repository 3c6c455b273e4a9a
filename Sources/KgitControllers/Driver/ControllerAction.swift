import KgitAPIMachinery

/// How a delete treats the object's dependents (`DeleteOptions.propagationPolicy`).
public enum PropagationPolicy: String, Sendable, Hashable {
    /// Delete the object now; the garbage collector deletes dependents afterwards.
    case background = "Background"
    /// Keep the object (with the `foregroundDeletion` finalizer) until blocking dependents are gone.
    case foreground = "Foreground"
    /// Keep the dependents, removing their owner references (with the `orphan` finalizer).
    case orphan = "Orphan"
}

/// An event a controller records about an object, as `kubectl describe` shows it.
public struct ControllerEvent: Sendable, Hashable {
    /// `Normal` or `Warning`.
    public enum Kind: String, Sendable, Hashable {
        case normal = "Normal", warning = "Warning"
    }

    /// The object the event is about.
    public var involved: ObjectKey
    /// Normal or warning.
    public var type: Kind
    /// A CamelCase machine-readable reason, e.g. `SuccessfulCreate`.
    public var reason: String
    /// A human-readable message, e.g. `Created pod: web-7d9f-abcde`.
    public var message: String

    /// The placeholder, in the message of an event attached to a create, for the created name.
    public static let createdName = "$(name)"

    /// An event from its parts.
    public init(involved: ObjectKey, type: Kind, reason: String, message: String) {
        self.involved = involved
        self.type = type
        self.reason = reason
        self.message = message
    }
}

/// One thing a reconciler decided to do. Reconcilers return these as values; a ``ControllerDriver``
/// performs them through a ``ClusterWriter``, in order.
public enum ControllerAction: Sendable, Hashable {
    /// Create the object (its `metadata.generateName` or `metadata.name` names it), then record
    /// `event` about it when given, with ``ControllerEvent/createdName`` in the message replaced by
    /// the name the server chose.
    case create(JSONValue, event: ControllerEvent? = nil)
    /// Apply a JSON merge patch (RFC 7386) to the object, or to its `status` subresource.
    ///
    /// A patch that replaces a list (owner references, finalizers, conditions) carries
    /// `metadata.resourceVersion`, so that it fails with a conflict instead of overwriting a
    /// concurrent change.
    case patch(ObjectKey, JSONValue, status: Bool)
    /// Delete the object (only the incarnation with the key's UID, when it has one).
    case delete(ObjectKey, propagation: PropagationPolicy)
    /// Record an event.
    case event(ControllerEvent)
    /// Reconcile this object again after the delay, even if nothing changes.
    case requeue(after: Duration)
}

extension ControllerAction: CustomStringConvertible {
    /// A one-line summary, as tests and logs print it.
    public var description: String {
        switch self {
        case .create(let o, _):
            let name = o.value(at: ["metadata", "name"])?.stringValue
                ?? (o.value(at: ["metadata", "generateName"])?.stringValue).map { $0 + "*" } ?? "?"
            return "create \(o["kind"]?.stringValue ?? "?") \(name)"
        case .patch(let key, let patch, let status):
            return "patch\(status ? " status of" : "") \(key.kind) \(key.name) \(patch.serialized())"
        case .delete(let key, let propagation):
            return "delete \(key.kind) \(key.name) (\(propagation.rawValue))"
        case .event(let e): return "event \(e.type.rawValue) \(e.reason): \(e.message)"
        case .requeue(let after): return "requeue after \(after)"
        }
    }
}

extension Array where Element == ControllerAction {
    /// The objects this list creates.
    public var creates: [JSONValue] {
        compactMap { if case .create(let o, _) = $0 { return o } else { return nil } }
    }

    /// The keys this list deletes, with their propagation.
    public var deletes: [(ObjectKey, PropagationPolicy)] {
        compactMap { if case .delete(let k, let p) = $0 { return (k, p) } else { return nil } }
    }

    /// The patches of this list, as (key, patch, status subresource).
    public var patches: [(ObjectKey, JSONValue, Bool)] {
        compactMap { if case .patch(let k, let p, let s) = $0 { return (k, p, s) } else { return nil } }
    }

    /// The status patch of the object named `name`, if any.
    public func statusPatch(of name: String) -> JSONValue? {
        patches.first { $0.0.name == name && $0.2 }?.1
    }

    /// The events of this list, including those attached to creates.
    public var events: [ControllerEvent] {
        compactMap {
            switch $0 {
            case .event(let e): return e
            case .create(_, let e): return e
            default: return nil
            }
        }
    }

    /// The shortest requeue delay of this list.
    public var requeueAfter: Duration? {
        compactMap { if case .requeue(let d) = $0 { return d } else { return nil } }.min()
    }
}
