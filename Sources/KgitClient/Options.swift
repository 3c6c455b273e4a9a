import KgitAPIMachinery

/// Names one object: its `apiVersion`, `kind`, namespace (nil: the client's default for a namespaced kind)
/// and name.
public struct ObjectReference: Sendable, Hashable, CustomStringConvertible {
    /// `apps/v1`.
    public var apiVersion: String
    /// `Deployment`.
    public var kind: String
    /// The namespace; ignored for a cluster-scoped kind.
    public var namespace: String?
    /// The name.
    public var name: String

    /// A reference.
    public init(apiVersion: String, kind: String, namespace: String? = nil, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// The reference an object makes to itself.
    /// - Throws: `ClientError.invalidObject` when `apiVersion`, `kind` or `metadata.name` is missing.
    public init(object: JSONValue) throws(ClientError) {
        guard let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty,
            let kind = object["kind"]?.stringValue, !kind.isEmpty
        else { throw .invalidObject("the object needs apiVersion and kind") }
        guard let name = object["metadata"]?["name"]?.stringValue, !name.isEmpty else {
            throw .invalidObject("\(apiVersion) \(kind) needs metadata.name")
        }
        self.init(
            apiVersion: apiVersion, kind: kind, namespace: object["metadata"]?["namespace"]?.stringValue, name: name)
    }

    /// `apps/v1 Deployment shop/web`.
    public var description: String {
        if let namespace, !namespace.isEmpty { return "\(apiVersion) \(kind) \(namespace)/\(name)" }
        return "\(apiVersion) \(kind) \(name)"
    }
}

/// What to list.
public struct ListOptions: Sendable, Hashable {
    /// `app=web,tier!=cache`.
    public var labelSelector: String?
    /// `metadata.name=web`.
    public var fieldSelector: String?
    /// The most items per page (the server may return fewer and a continue token).
    public var limit: Int?
    /// The token from the previous page.
    public var continueToken: String?
    /// Serve from this resourceVersion (`0`: any).
    public var resourceVersion: String?

    /// List options.
    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
        resourceVersion: String? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
    }
}

/// One page of a list.
public struct ObjectList: Sendable, Hashable {
    /// The objects, each with `apiVersion` and `kind` filled in.
    public var items: [JSONValue]
    /// The list's resourceVersion: watch from here to see every later change.
    public var resourceVersion: String
    /// The token for the next page; nil on the last page.
    public var continueToken: String?

    /// A page.
    public init(items: [JSONValue], resourceVersion: String, continueToken: String?) {
        self.items = items
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
    }
}

/// How dependents of a deleted object are deleted.
public enum PropagationPolicy: String, Sendable, Hashable {
    /// Delete the object now, dependents in the background.
    case background = "Background"
    /// Delete dependents first, then the object.
    case foreground = "Foreground"
    /// Leave dependents behind.
    case orphan = "Orphan"
}

/// A patch body and its type.
public enum Patch: Sendable, Hashable {
    /// RFC 7386 JSON merge patch (`application/merge-patch+json`).
    case merge(JSONValue)
    /// RFC 6902 JSON patch, a list of operations (`application/json-patch+json`).
    case json([JSONValue])
    /// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`).
    case strategicMerge(JSONValue)
    /// Server-side apply of a whole intent (`application/apply-patch+yaml`; JSON is valid YAML).
    case apply(JSONValue)

    /// The request's Content-Type.
    public var contentType: String {
        switch self {
        case .merge: "application/merge-patch+json"
        case .json: "application/json-patch+json"
        case .strategicMerge: "application/strategic-merge-patch+json"
        case .apply: "application/apply-patch+yaml"
        }
    }

    /// The request's body.
    public var body: [UInt8] {
        switch self {
        case .merge(let value), .strategicMerge(let value), .apply(let value): value.serializedBytes()
        case .json(let operations): JSONValue.array(operations).serializedBytes()
        }
    }
}

/// Options of a write (create, update, patch, delete).
public struct WriteOptions: Sendable, Hashable {
    /// Validate and admit, but persist nothing (`dryRun=All`).
    public var dryRun: Bool
    /// The field manager recorded in `managedFields`; required for server-side apply.
    public var fieldManager: String?
    /// Server-side apply only: take ownership of fields another manager owns instead of failing with a conflict.
    public var force: Bool

    /// Write options.
    public init(dryRun: Bool = false, fieldManager: String? = nil, force: Bool = false) {
        self.dryRun = dryRun
        self.fieldManager = fieldManager
        self.force = force
    }
}

/// One change a watch reports.
public enum WatchEvent: Sendable, Equatable {
    /// The object was created (or existed when the watch started without a resourceVersion).
    case added(JSONValue)
    /// The object changed.
    case modified(JSONValue)
    /// The object was deleted; its last state.
    case deleted(JSONValue)
    /// Nothing changed, but the watch has seen everything up to this resourceVersion.
    case bookmark(resourceVersion: String)
    /// The server ended the watch with an error; 410 (`error.code == 410`) means the resourceVersion is too
    /// old: list again and watch from the list's resourceVersion. The stream ends after this event.
    case error(APIError)

    /// The object's resourceVersion, or the bookmark's.
    public var resourceVersion: String? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object):
            return object["metadata"]?["resourceVersion"]?.stringValue
        case .bookmark(let version): return version
        case .error: return nil
        }
    }
}

/// What to watch.
public struct WatchOptions: Sendable, Hashable {
    /// Report changes after this resourceVersion (from a list); nil: start with ADDED for every current object.
    public var resourceVersion: String?
    /// `app=web`.
    public var labelSelector: String?
    /// `metadata.name=web`.
    public var fieldSelector: String?
    /// Ask the server for bookmarks.
    public var allowBookmarks: Bool
    /// End the watch after this many seconds (the server's default when nil).
    public var timeoutSeconds: Int?

    /// Watch options.
    public init(
        resourceVersion: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
        allowBookmarks: Bool = true, timeoutSeconds: Int? = nil
    ) {
        self.resourceVersion = resourceVersion
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.allowBookmarks = allowBookmarks
        self.timeoutSeconds = timeoutSeconds
    }
}
