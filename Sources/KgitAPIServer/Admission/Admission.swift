import Foundation
import KgitAPIMachinery
import Synchronization

/// A write on its way to the store, as admission plugins see it (upstream's `admission.Attributes`).
struct AdmissionRequest: Sendable {
    /// What the write does.
    enum Operation: String, Sendable {
        case create = "CREATE", update = "UPDATE", delete = "DELETE"
    }

    var operation: Operation
    var info: ResourceInfo
    var subresource: String?
    var namespace: String?
    var name: String
    /// The object to be stored (mutating plugins change it).
    var object: JSONValue
    /// The stored object, for updates.
    var oldObject: JSONValue?
    var user: UserInfo?
    var dryRun: Bool

    /// Whether the request is about `resource` in the core group (no subresource).
    func isCore(_ resource: String) -> Bool {
        info.group.isEmpty && info.resource == resource && subresource == nil
    }

    /// 403 Forbidden for this object with upstream's message shape: `pods "x" is forbidden: <reason>`.
    func forbidden(_ reason: String) -> APIError {
        APIError.forbidden(message: "\(info.qualifiedResource) \"\(name)\" is forbidden: \(reason)",
                           resource: info.resource, group: info.group, name: name)
    }
}

/// One admission plugin. Every write passes through each plugin's ``admit(_:_:)`` (the mutating
/// phase, in chain order, before defaults and schema validation) and then ``validate(_:_:)`` (after
/// them, on the object as it would be stored). A plugin refuses a write by throwing, usually 403;
/// it adds `Warning` headers with ``AdmissionContext/warn(_:)``.
protocol AdmissionPlugin: Sendable {
    /// The plugin's upstream name, e.g. `NamespaceLifecycle`.
    var name: String { get }
    /// Changes the object; the default does nothing.
    func admit(_ request: inout AdmissionRequest, _ context: AdmissionContext) async throws(APIError)
    /// Accepts or refuses the final object; the default accepts.
    func validate(_ request: AdmissionRequest, _ context: AdmissionContext) async throws(APIError)
}

extension AdmissionPlugin {
    func admit(_ request: inout AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {}
    func validate(_ request: AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {}
}

/// What plugins may read: the stored objects (through the registry) and the request's warning sink.
///
/// ``list(_:group:namespace:)`` and ``get(_:group:namespace:name:)`` of the resources
/// ``AdmissionReadCache`` keeps are answered from it when it may answer (the registry's writes keep it
/// current); reads made straight through `registry` always go to the store.
struct AdmissionContext: Sendable {
    let registry: Registry
    let clock: @Sendable () -> Date
    /// Recent reads (nil: every read goes to the store).
    var cache: AdmissionReadCache? = nil

    /// The built-in type at `group/v1/resource` (`""` for the core group).
    func info(_ resource: String, group: String = "") -> ResourceInfo? {
        registry.catalog.lookup(group: group, version: "v1", resource: resource)
    }

    /// Every stored object of a built-in resource in `namespace` (nil: cluster-scoped).
    func list(_ resource: String, group: String = "", namespace: String?) async throws(APIError) -> [JSONValue] {
        guard let info = info(resource, group: group) else { return [] }
        let key = AdmissionReadCache.Key.list(resource: "\(group)/\(resource)", namespace: namespace)
        if case .list(let items)? = cache?.lookup(key, of: info) { return items }
        let ticket = cache?.ticket(for: info)
        let items = try await registry.list(info, namespace: namespace, options: ListOptions()).items
        if let ticket { cache?.insert(.list(items), for: key, ticket: ticket) }
        return items
    }

    /// One stored object of a built-in resource, or nil.
    func get(_ resource: String, group: String = "", namespace: String?, name: String) async throws(APIError)
        -> JSONValue?
    {
        guard let info = info(resource, group: group) else { return nil }
        let key = AdmissionReadCache.Key.get(resource: "\(group)/\(resource)", namespace: namespace, name: name)
        if case .object(let object)? = cache?.lookup(key, of: info) { return object }
        let ticket = cache?.ticket(for: info)
        let object = try await registry.read(info, namespace: namespace, name: name)?.object
        if let ticket { cache?.insert(.object(object), for: key, ticket: ticket) }
        return object
    }

    /// Adds a `Warning` header to the current response.
    func warn(_ text: String) { WarningSink.current?.add(text) }
    /// Adds an annotation to the request's audit event.
    func annotateAudit(_ key: String, _ value: String) { WarningSink.current?.annotate(key, value) }
}

/// The plugins in order (upstream's recommended order, for the ones kgit has).
struct AdmissionChain: Sendable {
    let plugins: [any AdmissionPlugin]

    static let standard = AdmissionChain(plugins: [
        NamespaceLifecycle(), LimitRanger(), ServiceAccountAdmission(), PriorityAdmission(), DefaultTolerationSeconds(),
        PodSecurity(),
        ResourceQuotaAdmission(),
    ])

    func admit(_ request: inout AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {
        for plugin in plugins { try await plugin.admit(&request, context) }
    }

    func validate(_ request: AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {
        for plugin in plugins { try await plugin.validate(request, context) }
    }
}

/// Warnings collected while one request is handled, sent as `Warning: 299` headers.
final class WarningSink: Sendable {
    private let warnings = Mutex<[String]>([])

    /// The sink of the request being handled.
    @TaskLocal static var current: WarningSink?

    private let annotations = Mutex<[String: String]>([:])

    func add(_ text: String) { warnings.withLock { if !$0.contains(text) { $0.append(text) } } }
    var all: [String] { warnings.withLock { $0 } }
    /// Records an audit annotation of the request (e.g. `pod-security.kubernetes.io/audit-violations`).
    func annotate(_ key: String, _ value: String) { annotations.withLock { $0[key] = value } }
    /// The request's audit annotations.
    var auditAnnotations: [String: String] { annotations.withLock { $0 } }
}
