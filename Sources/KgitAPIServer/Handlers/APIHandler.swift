import Foundation
import KgitAPIMachinery
import Synchronization

/// The API layer: authenticates, routes, authorizes and answers every request.
///
/// ```
/// APIRequest -> authenticate -> Route.parse -> public endpoints (version, health)
///            -> authorize -> discovery | openapi | resource verbs (Registry) -> APIResponse
/// ```
/// Never throws: every failure becomes a `Status` response.
public final class APIHandler: Sendable {
    /// The types served now: the built-in catalog plus established custom resources.
    let served: ServedResources
    /// Everything served at this moment.
    var catalog: ResourceCatalog { served.catalog }
    let registry: Registry
    let discovery: Discovery
    let authenticator: Authenticator
    let authorizer: any Authorizer
    let openAPI: OpenAPIDocuments
    let clock: @Sendable () -> Date
    /// How long a watch without `timeoutSeconds` stays open.
    let defaultWatchTimeout: Duration
    /// How often watches with `allowWatchBookmarks=true` get a BOOKMARK.
    let bookmarkInterval: Duration
    /// The watch caches watches are served from (one per resource and version, created on first use).
    let watchCaches: WatchCaches
    /// How many chunks a watcher's stream buffers before a watcher that does not keep up is ended.
    let watchBuffer: Int
    /// Where requests are recorded, if anywhere.
    let audit: AuditLog?
    /// Schema validation of objects before they are stored.
    let validation = ObjectValidation()
    /// Writes the events of what the server itself does.
    var events: EventRecorder { EventRecorder(registry: registry, component: "kgit-apiserver", clock: clock) }
    /// Per-client request limits.
    let rateLimiter: ClientRateLimiter
    /// The admission plugins every write passes.
    let admission: AdmissionChain
    /// What admission plugins may read.
    var admissionContext: AdmissionContext { AdmissionContext(registry: registry, clock: clock, cache: admissionReads) }
    /// Admission's recent reads (see ``AdmissionReadCache``), kept current by `registry`'s writes.
    let admissionReads: AdmissionReadCache
    /// Namespaces whose finalizer task is running.
    let finalizingNamespaces = Mutex<Set<String>>([])
    /// Serialises quota-checked writes per namespace (see ``ResourceQuotaAdmission``).
    let quotaLocks = NamespaceLocks()

    /// The `/version` document; `minor` must be "32" for kubectl's dispatcher to pick kubectl 1.32.
    static let versionInfo: JSONValue = [
        "major": "1", "minor": "32", "gitVersion": "v1.32.0-kgit", "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2026-11-29T00:00:00Z", "goVersion": "go1.23.4", "compiler": "gc",
        "platform": "linux/amd64",
    ]

    public init(store: any KeyValueStore, catalog: ResourceCatalog = .builtIn, authenticator: Authenticator,
                authorizer: any Authorizer, serverAddress: String, defaultWatchTimeout: Duration = .seconds(1800),
                bookmarkInterval: Duration = .seconds(15), audit: AuditLog? = nil,
                clock: @escaping @Sendable () -> Date = Date.init, encryption: EncryptionAtRest? = nil,
                rateLimits: ClientRateLimiter.Limits = .standard, watchCacheWindow: Int = 4096,
                watchBuffer: Int = 10_000) {
        self.admission = .standard
        self.rateLimiter = ClientRateLimiter(limits: rateLimits, clock: clock)
        self.audit = audit
        self.bookmarkInterval = bookmarkInterval
        self.served = ServedResources(builtIn: catalog)
        let admissionReads = AdmissionReadCache()
        self.admissionReads = admissionReads
        self.registry = Registry(store: store, catalog: catalog, clock: clock, encryption: encryption,
                                 servedBytes: ServedBytesCache(), admissionReads: admissionReads)
        self.watchCaches = WatchCaches(store: store, encryption: encryption, capacity: watchCacheWindow)
        self.watchBuffer = max(1, watchBuffer)
        self.discovery = Discovery(served: served, serverAddress: serverAddress)
        self.authenticator = authenticator
        self.authorizer = authorizer
        self.openAPI = OpenAPIDocuments(served: served)
        self.clock = clock
        self.defaultWatchTimeout = defaultWatchTimeout
    }

    /// The user of the request being handled (for checks deep in the write path).
    @TaskLocal static var requestUser: UserInfo?

    /// Answers one request, and records it in the audit log when one is configured.
    public func handle(_ request: APIRequest) async -> APIResponse {
        let received = clock()
        let user = await authenticator.authenticate(request, now: received)
        let client = user.map { $0.isAnonymous ? "anonymous@\(request.remoteAddress ?? "")" : $0.name }
            ?? "unauthenticated@\(request.remoteAddress ?? "")"
        guard rateLimiter.acquire(client) else {
            let status = APIError(reason: "TooManyRequests", code: 429, message: "Too many requests, please try again later.",
                                  details: .init(retryAfterSeconds: 1))
            var refused = APIResponse.error(status)
            refused.headers.append(("Retry-After", "1"))
            return refused
        }
        defer { rateLimiter.release(client) }
        let route = Route.parse(method: request.method, path: request.path, query: request.query)
        let warnings = WarningSink()
        var response = await APIHandler.$requestUser.withValue(user) {
            await WarningSink.$current.withValue(warnings) {
                await self.answer(request, route: route, user: user)
            }
        }
        response = response.warning(warnings.all)
        if let audit {
            await audit.record(request, route: route, user: user, status: response.status, received: received,
                               completed: clock(), annotations: warnings.auditAnnotations)
        }
        return response
    }

    private func answer(_ request: APIRequest, route: Route, user: UserInfo?) async -> APIResponse {
        do {
            return try await self.route(request, route: route, user: user)
        } catch {
            return .error(error)
        }
    }

    private func route(_ request: APIRequest, route: Route, user: UserInfo?) async throws(APIError) -> APIResponse {
        guard let user else { throw APIError.unauthorized() }
        switch route {
        case .version:
            return .json(APIHandler.versionInfo)
        case .health:
            return .text("ok")
        default:
            break
        }
        if user.isAnonymous { throw APIError.unauthorized() }

        if case .resource(let resourceRequest) = route {
            return try await handleResource(request, resourceRequest, user: user)
        }
        // Non-resource requests: discovery and OpenAPI are readable by every authenticated user
        // (upstream's system:discovery role); other paths go through the authorizer.
        guard request.method == "GET" || request.method == "HEAD" else { throw APIError.methodNotAllowed() }
        switch route {
        case .apiVersions:
            if Discovery.wantsAggregated(request.header("Accept")) {
                return .json(discovery.aggregated(core: true), contentType: Discovery.aggregatedContentType)
            }
            return .json(discovery.apiVersions)
        case .apiGroupList:
            if Discovery.wantsAggregated(request.header("Accept")) {
                return .json(discovery.aggregated(core: false), contentType: Discovery.aggregatedContentType)
            }
            return .json(discovery.apiGroupList)
        case .apiGroup(let group):
            guard let doc = discovery.apiGroup(group) else { throw APIError.pathNotFound() }
            return .json(doc)
        case .resourceList(let group, let version):
            guard let doc = discovery.resourceList(group: group, version: version) else { throw APIError.pathNotFound() }
            return .json(doc)
        case .openAPIV3Root:
            return .json(openAPI.root)
        case .openAPIV3(let path):
            guard let document = openAPI.document(path) else { throw APIError.pathNotFound() }
            if let etag = request.header("If-None-Match"), etag == document.etag {
                return APIResponse(status: 304, headers: [("ETag", document.etag)])
            }
            return APIResponse(status: 200, headers: [("Content-Type", "application/json"), ("ETag", document.etag)],
                               body: .bytes(document.bytes))
        case .openAPIV2:
            // Only the gnostic protobuf form would be useful to kubectl; 404 makes it use v3.
            throw APIError.pathNotFound()
        default:
            throw APIError.pathNotFound()
        }
    }

    /// Authorizes `attributes`, throwing 403 when denied.
    func authorize(_ attributes: AuthorizationAttributes) async throws(APIError) {
        let decision = await authorizer.authorize(attributes)
        guard decision.isAllowed else {
            throw APIError.forbidden(message: attributes.forbiddenMessage, resource: attributes.resource,
                                     group: attributes.group, name: attributes.name.isEmpty ? nil : attributes.name)
        }
    }
}
