import KgitAPIMachinery
import Synchronization

/// Keeps a local cache of one kind up to date by listing and watching, and tells handlers what changed.
///
/// ```
/// list (every page) ─▶ cache.replace ─▶ handlers (added / updated / deleted)
///        │ resourceVersion
///        ▼
/// watch from it ─▶ ADDED / MODIFIED / DELETED ─▶ cache ─▶ handlers; BOOKMARK moves the resourceVersion
///        │ the server ends the watch: watch again from the last resourceVersion
///        │ 410 Gone (the version was compacted): list again at once
///        │ a broken stream or a failed request: list again after a backoff (doubling, capped)
/// every `resyncPeriod`: each cached object to the handlers again as an update with old == new
/// ```
///
/// `run()` runs until its task is cancelled. Handlers are called on the informer's task, in order, and must
/// be quick (a controller's handler only enqueues a key).
public final class Informer: Sendable {
    /// How an informer lists, watches and retries.
    public struct Options: Sendable {
        /// Only objects whose labels match, `app=web`.
        public var labelSelector: String?
        /// Only objects whose fields match, `spec.nodeName=node-1`.
        public var fieldSelector: String?
        /// How often every cached object is handed to the handlers again (nil: never).
        public var resyncPeriod: Duration?
        /// The first wait before listing again after a failure.
        public var initialBackoff: Duration
        /// The longest wait between failed attempts.
        public var maxBackoff: Duration
        /// How long one watch request lasts before the informer starts the next (the server may end it earlier).
        public var watchTimeoutSeconds: Int?
        /// Items per page of the list.
        public var pageSize: Int?

        /// Options.
        public init(
            labelSelector: String? = nil, fieldSelector: String? = nil, resyncPeriod: Duration? = nil,
            initialBackoff: Duration = .milliseconds(100), maxBackoff: Duration = .seconds(30),
            watchTimeoutSeconds: Int? = 300, pageSize: Int? = 500
        ) {
            self.labelSelector = labelSelector
            self.fieldSelector = fieldSelector
            self.resyncPeriod = resyncPeriod
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.watchTimeoutSeconds = watchTimeoutSeconds
            self.pageSize = pageSize
        }
    }

    /// A handler of cache changes.
    public typealias Handler = @Sendable (InformerEvent) -> Void

    private struct State {
        var handlers: [Handler] = []
        var synced = false
        var lists = 0
        var statistics = InformerStatistics()
        var resourceVersion = ""
        var lastError: String?
    }

    /// The `apiVersion` informed about, `apps/v1`.
    public let apiVersion: String
    /// The kind informed about, `Deployment`.
    public let kind: String
    /// The namespace watched; nil: every namespace.
    public let namespace: String?
    /// The local copy of the objects.
    public let cache: ObjectCache
    /// How the informer lists, watches and retries.
    public let options: Options
    private let client: DynamicClient
    private let state = Mutex(State())

    /// An informer for `kind` in `apiVersion` (in `namespace`, nil: all) over `client`.
    public init(
        client: DynamicClient, apiVersion: String, kind: String, namespace: String? = nil,
        indexers: [String: IndexFunction] = [:], options: Options = Options()
    ) {
        self.client = client
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.cache = ObjectCache(indexers: indexers)
        self.options = options
    }

    /// Reads the cache.
    public var lister: Lister { Lister(cache: cache) }

    /// Whether the first list has filled the cache.
    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// How many times the informer has listed (1 after the first list; more after 410s and failures).
    public var listCount: Int { state.withLock { $0.lists } }

    /// What the informer has done so far: lists by cause, watches started.
    public var statistics: InformerStatistics { state.withLock { $0.statistics } }

    /// The resourceVersion the informer has seen up to.
    public var resourceVersion: String { state.withLock { $0.resourceVersion } }

    /// The last failure, as text, for logs.
    public var lastError: String? { state.withLock { $0.lastError } }

    /// Adds a handler. Objects already cached are handed to it at once as `added`, so a handler added after
    /// the first sync misses nothing.
    public func addHandler(_ handler: @escaping Handler) {
        let existing: [JSONValue] = state.withLock { state in
            state.handlers.append(handler)
            return state.synced ? cache.list() : []
        }
        for object in existing { handler(.added(object)) }
    }

    /// Waits until the first list has filled the cache (or the task is cancelled).
    public func waitForSync() async {
        while !hasSynced && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Lists and watches until the task is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            if let period = options.resyncPeriod {
                group.addTask { [self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: period)
                        if Task.isCancelled { break }
                        for object in cache.list() { deliver(.updated(old: object, new: object)) }
                    }
                }
            }
            group.addTask { [self] in await listAndWatch() }
            await group.next()
            group.cancelAll()
        }
    }

    private func deliver(_ event: InformerEvent) {
        let handlers = state.withLock { $0.handlers }
        for handler in handlers { handler(event) }
    }

    private func listAndWatch() async {
        var backoff = options.initialBackoff
        var cause: InformerStatistics.ListCause = .start
        while !Task.isCancelled {
            do {
                let list = try await client.listAll(
                    apiVersion: apiVersion, kind: kind, namespace: namespace,
                    options: ListOptions(
                        labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
                        limit: options.pageSize))
                let changes = cache.replace(with: list.items)
                state.withLock { state in
                    state.lists += 1
                    state.statistics.count(cause)
                    state.synced = true
                    state.resourceVersion = list.resourceVersion
                    state.lastError = nil
                }
                for change in changes { deliver(change) }
                backoff = options.initialBackoff
                try await watch(from: list.resourceVersion)
                // The watch said 410: list again at once.
                cause = .expired
            } catch {
                if Task.isCancelled { return }
                state.withLock { $0.lastError = String(describing: error) }
                if let clientError = error as? ClientError, clientError.isExpired {
                    cause = .expired
                    continue
                }
                cause = .failure
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, options.maxBackoff)
            }
        }
    }

    /// Watches from `start` until a 410 (returns) or a failure (throws); a watch the server ends normally is
    /// started again from the last resourceVersion seen.
    private func watch(from start: String) async throws {
        var resourceVersion = start
        while !Task.isCancelled {
            state.withLock { $0.statistics.watches += 1 }
            let events = try await client.watch(
                apiVersion: apiVersion, kind: kind, namespace: namespace,
                options: WatchOptions(
                    resourceVersion: resourceVersion, labelSelector: options.labelSelector,
                    fieldSelector: options.fieldSelector, allowBookmarks: true,
                    timeoutSeconds: options.watchTimeoutSeconds))
            for try await event in events {
                switch event {
                case .added(let object), .modified(let object):
                    let old = cache.upsert(object)
                    deliver(old.map { .updated(old: $0, new: object) } ?? .added(object))
                case .deleted(let object):
                    cache.remove(cacheKey(of: object))
                    deliver(.deleted(object))
                case .bookmark:
                    break
                case .error(let error):
                    if error.code == 410 { return }
                    throw ClientError.status(error)
                }
                if let version = event.resourceVersion, !version.isEmpty {
                    resourceVersion = version
                    state.withLock { $0.resourceVersion = version }
                }
            }
        }
    }
}

/// What an informer has done since it started: how often it listed and why, how often it watched.
public struct InformerStatistics: Sendable, Equatable {
    /// Why an informer listed.
    public enum ListCause: Sendable {
        /// Its first list.
        case start
        /// The server said its resourceVersion is too old (410 Gone).
        case expired
        /// A list or watch failed (after a backoff).
        case failure
    }

    /// First lists (1 once started).
    public var initialLists = 0
    /// Lists after a 410 Gone.
    public var relistsExpired = 0
    /// Lists after a failed list or watch.
    public var relistsFailure = 0
    /// Watch requests made (the first after each list, then one each time the server ended a watch).
    public var watches = 0

    /// Counters at zero.
    public init() {}

    /// Lists after the first, whatever the cause.
    public var relists: Int { relistsExpired + relistsFailure }

    mutating func count(_ cause: ListCause) {
        switch cause {
        case .start: initialLists += 1
        case .expired: relistsExpired += 1
        case .failure: relistsFailure += 1
        }
    }
}

/// One informer per kind and namespace, shared by every controller that asks for it, so a process lists and
/// watches each kind once.
public final class InformerFactory: Sendable {
    private struct State {
        var informers: [String: Informer] = [:]
        var running: [String: Task<Void, Never>] = [:]
    }

    /// The client informers list and watch with.
    public let client: DynamicClient
    /// The options of every informer made here.
    public let options: Informer.Options
    private let state = Mutex(State())

    /// A factory over `client`.
    public init(client: DynamicClient, options: Informer.Options = Informer.Options()) {
        self.client = client
        self.options = options
    }

    /// The shared informer for `kind` (in `namespace`, nil: all), with `indexers` added to its cache.
    public func informer(
        apiVersion: String, kind: String, namespace: String? = nil, indexers: [String: IndexFunction] = [:]
    ) -> Informer {
        let key = Self.key(apiVersion: apiVersion, kind: kind, namespace: namespace)
        let informer = state.withLock { state in
            if let existing = state.informers[key] { return existing }
            let made = Informer(client: client, apiVersion: apiVersion, kind: kind, namespace: namespace, options: options)
            state.informers[key] = made
            return made
        }
        for (name, function) in indexers { informer.cache.addIndexer(name, function) }
        return informer
    }

    /// The informer made for `kind` (in `namespace`, nil: all), if one was; none is made.
    public func existingInformer(apiVersion: String, kind: String, namespace: String? = nil) -> Informer? {
        let key = Self.key(apiVersion: apiVersion, kind: kind, namespace: namespace)
        return state.withLock { $0.informers[key] }
    }

    /// The key an informer is shared under.
    private static func key(apiVersion: String, kind: String, namespace: String?) -> String {
        "\(apiVersion)|\(kind)|\(namespace ?? "")"
    }

    /// Every informer made so far.
    public var informers: [Informer] { state.withLock { Array($0.informers.values) } }

    /// Starts every informer not yet running.
    public func start() {
        state.withLock { state in
            for (key, informer) in state.informers where state.running[key] == nil {
                state.running[key] = Task { await informer.run() }
            }
        }
    }

    /// Waits until every informer has synced.
    public func waitForSync() async {
        for informer in informers { await informer.waitForSync() }
    }

    /// Stops every informer.
    public func shutdown() {
        let tasks = state.withLock { state in
            let tasks = Array(state.running.values)
            state.running = [:]
            return tasks
        }
        for task in tasks { task.cancel() }
    }
}
