import Foundation
import KgitAPIMachinery
import KgitClient
import KgitGit
import KgitSync
import Synchronization

/// Keeps every `Application` synced: `kgit server` runs one, talking to itself over HTTPS with its admin
/// kubeconfig.
///
/// ```
/// informer (list + watch Applications) ─▶ work queue (a key per Application; spec, refresh annotation or
/// deletion changed; a webhook; the interval passed; a failure's backoff) ─▶ workers, one at a time per key:
///     fetch the revision ─▶ verify its signature (spec.verify) ─▶ diff against live ─▶ apply when the commit is
///     new, or when live drifted and selfHeal is on (prune when the policy says so) ─▶ record status (sync,
///     revision, out-of-sync objects, health, conditions, last error) ─▶ queue again after the interval
/// deleted (finalizer kgit.dev/resources) ─▶ prune the inventory unless deletionPolicy is Orphan ─▶ release
/// ```
///
/// A refresh (an immediate fetch) is asked for by setting annotation `kgit.dev/refresh` to a new value
/// (`kubectl annotate --overwrite application NAME kgit.dev/refresh=$(date +%s)`), or by a push to
/// `POST /webhooks/git` (`GitWebhook`).
actor ApplicationController {
    let client: DynamicClient
    let cacheDirectory: String
    /// What each Application was last reconciled against, by `namespace/name`.
    var seen: [String: Seen] = [:]
    /// Applications a webhook asked to fetch at the next pass.
    var requested: Set<String> = []
    /// Each Application's last good revision, per file, so a re-sync validates only the files that changed;
    /// by `namespace/name`, dropped with the Application.
    var desiredStates: [String: (source: String, cache: DesiredStateCache)] = [:]

    struct Seen {
        var generation: String
        var refresh: String
        var at: ContinuousClock.Instant
    }

    static let refreshAnnotation = "kgit.dev/refresh"
    /// Held by every Application until what it applied is pruned (or, with `deletionPolicy: Orphan`, released).
    static let finalizer = "kgit.dev/resources"
    static let defaultInterval: Duration = .seconds(180)

    init(client: DynamicClient, cacheDirectory: String) {
        self.client = client
        self.cacheDirectory = cacheDirectory
    }

    /// Installs the CustomResourceDefinition, retrying while the server is starting.
    static func install(client: DynamicClient) async throws {
        var attempt = 0
        while true {
            do {
                _ = try await client.apply(
                    ApplicationDefinition.customResourceDefinition, fieldManager: "kgit-server", force: true)
                client.invalidateDiscovery()
                return
            } catch {
                attempt += 1
                if attempt >= 50 { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Reconciles until cancelled: an informer watches Applications and queues the key of each one whose spec,
    /// refresh annotation or deletion changed; `workers` workers take keys from the queue (one at a time per
    /// key), reconcile, and queue the key again after its interval, or after a backoff (doubling from a second,
    /// at most the interval) when the reconcile failed.
    func run(workers: Int = 2) async {
        let informer = Informer(
            client: client, apiVersion: ApplicationDefinition.apiVersion, kind: ApplicationDefinition.kind)
        let queue = WorkQueue(rateLimiter: ExponentialBackoffRateLimiter(base: .seconds(1), max: .seconds(300)))
        self.queue = queue
        informer.addHandler { event in
            switch event {
            case .added(let object), .deleted(let object):
                queue.add(cacheKey(of: object))
            case .updated(let old, let new):
                // Status writes (the controller's own) do not queue; what a user changes does.
                if Self.trigger(old) != Self.trigger(new) { queue.add(cacheKey(of: new)) }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await informer.run() }
            for _ in 0..<max(1, workers) {
                group.addTask { [self] in
                    while let key = await queue.get() {
                        await process(key, cache: informer.cache, queue: queue)
                        queue.done(key)
                    }
                }
            }
            await group.next()
            queue.shutDown()
            group.cancelAll()
        }
    }

    /// What makes an update worth a reconcile: the spec's generation, the refresh annotation, deletion.
    static func trigger(_ object: JSONValue) -> [String] {
        let metadata = object["metadata"]
        return [
            metadata?["generation"].map { "\($0)" } ?? "",
            metadata?["annotations"]?[refreshAnnotation]?.stringValue ?? "",
            metadata?["deletionTimestamp"]?.stringValue ?? "",
        ]
    }

    /// The work queue `run` feeds (nil before it starts).
    var queue: WorkQueue?
    /// Whether the last reconcile of each key failed (its status has a `lastError`).
    var failed: Set<String> = []

    /// Reconciles the Application `key` names if it is due (its spec or refresh annotation changed, a webhook
    /// asked, or its interval passed since the last reconcile), then schedules its next look.
    func process(_ key: String, cache: ObjectCache, queue: WorkQueue) async {
        guard let object = cache.get(key), let application = Application(object) else {
            seen[key] = nil
            desiredStates[key] = nil
            requested.remove(key)
            queue.forget(key)
            return
        }
        if application.deleting {
            guard application.finalizers.contains(Self.finalizer) else { return }
            await finalize(application)
            // Looked at again until the finalizer is gone (the deletion event then ends the chain).
            queue.add(key, after: .seconds(1))
            return
        }
        let now = ContinuousClock.now
        if let previous = seen[key] {
            let due = previous.generation != application.generation || previous.refresh != application.refresh
                || now - previous.at >= application.interval - .milliseconds(50) || requested.contains(key)
            // Not due: a look already scheduled by the last reconcile will come.
            guard due else { return }
        }
        seen[key] = Seen(generation: application.generation, refresh: application.refresh, at: now)
        requested.remove(key)
        await reconcile(application)
        if failed.contains(key) {
            // Retried sooner than the interval, backing off; the retry is due whatever the interval.
            requested.insert(key)
            queue.add(key, after: min(queue.rateLimiter.when(key), application.interval))
        } else {
            queue.forget(key)
            queue.add(key, after: application.interval)
        }
    }

    /// Makes every Application whose `spec.source` is one of `urls` (compared as `GitWebhook.normalized`) reconcile
    /// at once; returns their `namespace/name`s.
    func refresh(repositories urls: [String]) async throws -> [String] {
        let wanted = Set(urls.map(GitWebhook.normalized))
        let items = try await client.listAll(apiVersion: ApplicationDefinition.apiVersion, kind: ApplicationDefinition.kind).items
        let matching = items.compactMap(Application.init).filter { wanted.contains(GitWebhook.normalized($0.source)) }
        for application in matching {
            requested.insert(application.key)
            queue?.add(application.key)
        }
        return matching.map(\.key).sorted()
    }

    /// Fetches, compares, applies when needed, and records status.
    func reconcile(_ application: Application) async {
        var status = application.status
        // The finalizer goes on before anything is applied, so nothing this Application applies outlives it
        // unnoticed.
        if !application.finalizers.contains(Self.finalizer) {
            do {
                _ = try await client.patch(application.reference, .merge([
                    "metadata": [
                        "finalizers": .array((application.finalizers + [Self.finalizer]).map { .string($0) }),
                        "resourceVersion": .string(application.resourceVersion),
                    ]
                ]))
            } catch {
                seen[application.key] = nil
                failed.insert(application.key)
                return
            }
        }
        status["lastRefreshTime"] = .string(Self.timestamp())
        var arguments = [application.source, "--revision", application.revision, "--cache-dir", cacheDirectory]
        if !application.path.isEmpty { arguments += ["--path", application.path] }
        if let env = application.env { arguments += ["--env", env] }
        var signers: AllowedSigners?
        if let verify = application.verify {
            do {
                signers = try await allowedSigners(verify, of: application)
            } catch {
                let message = "spec.verify: \(error)"
                status["lastError"] = .string(message)
                status["conditions"] = Self.set(status["conditions"] ?? [], "Verified", false, "AllowedSignersUnreadable", message)
                await record(application, status: status)
                return
            }
        }
        var credentials: Credentials?
        if let name = application.secretRef {
            do {
                credentials = try await self.credentials(secret: name, of: application)
            } catch {
                let message = "spec.secretRef: \(error)"
                status["lastError"] = .string(message)
                status["conditions"] = Self.conditions(status, fetched: (false, "CredentialsUnreadable", message))
                await record(application, status: status)
                return
            }
        }
        let loaded: LoadedRevision
        do {
            let options = try GitOpsOptions.parse(arguments)
            let sourceKey = arguments.joined(separator: " ")
            if desiredStates[application.key]?.source != sourceKey {
                desiredStates[application.key] = try? (
                    sourceKey, DesiredStateCache(options: DesiredStateOptions(defaultNamespace: application.namespace))
                )
            }
            loaded = try await options.load(
                defaultNamespace: application.namespace, signers: signers, credentials: credentials,
                desired: desiredStates[application.key]?.cache)
        } catch LoadFailure.refused(let message) {
            // Nothing from an unverified commit is read or applied: the cluster keeps the last verified state.
            status["lastError"] = .string("refused, nothing was applied: \(message)")
            status["sync"] = "OutOfSync"
            status["conditions"] = Self.set(
                Self.conditions(status, fetched: (true, "Fetched", "fetched")), "Verified", false, "SignatureRefused", message)
            await record(application, status: status)
            return
        } catch {
            let message: String
            switch error {
            case LoadFailure.unreachable(let text): message = text
            case LoadFailure.invalid(let report): message = "the revision is invalid:\n\(report)"
            default: message = "\(error)"
            }
            status["lastError"] = .string(message)
            status["conditions"] = Self.conditions(status, fetched: (false, "FetchFailed", message))
            await record(application, status: status)
            return
        }
        status["revision"] = .string(loaded.commit)
        if signers != nil {
            status["conditions"] = Self.set(
                status["conditions"] ?? [], "Verified", true, "SignatureVerified",
                "commit \(loaded.commit.prefix(12)) is signed by an allowed key")
        }
        let engine = SyncEngine(
            client: KubernetesClusterClient(client: client),
            options: SyncOptions(name: application.inventoryName, prune: application.prune))
        do {
            let diffs = try await engine.diff(loaded.state, includePrunable: application.prune)
            var outOfSync = diffs.filter(\.isDifferent).map(\.identity.path)
            let newRevision = status["syncedRevision"]?.stringValue != loaded.commit
            var lastError = ""
            if newRevision || (application.selfHeal && !outOfSync.isEmpty) {
                let result = try await engine.sync(loaded.state, revision: loaded.commit)
                let failures = result.report.entries.filter(\.outcome.isFailure)
                if failures.isEmpty {
                    status["syncedRevision"] = .string(loaded.commit)
                    status["lastSyncTime"] = .string(Self.timestamp())
                    outOfSync = []
                } else {
                    lastError = failures.map { "\($0.identity.path) \($0.outcome.text)" }.joined(separator: "\n")
                    outOfSync = failures.map(\.identity.path)
                }
            }
            status["outOfSync"] = .array(outOfSync.sorted().map { .string($0) })
            status["sync"] = .string(outOfSync.isEmpty && status["syncedRevision"]?.stringValue == loaded.commit ? "Synced" : "OutOfSync")
            let (_, health) = try await engine.status()
            let combined = HealthAssessment.combined(health)
            status["health"] = .string(combined.status.rawValue)
            status["lastError"] = .string(lastError)
            var conditions = Self.conditions(status, fetched: (true, "Fetched", "fetched \(loaded.commit)"))
            conditions = Self.set(conditions, "Synced", status["sync"]?.stringValue == "Synced",
                                  lastError.isEmpty ? "Compared" : "SyncFailed",
                                  lastError.isEmpty ? "\(outOfSync.count) objects differ from git" : lastError)
            conditions = Self.set(conditions, "Healthy", combined.status == .healthy, combined.status.rawValue, combined.description)
            status["conditions"] = conditions
        } catch {
            status["lastError"] = .string("\(error)")
            status["sync"] = "OutOfSync"
            status["conditions"] = Self.set(
                Self.conditions(status, fetched: (true, "Fetched", "fetched \(loaded.commit)")), "Synced", false,
                "SyncFailed", "\(error)")
        }
        await record(application, status: status)
    }

    /// Cleans up after a deleted Application: with `spec.deletionPolicy: Delete` (the default) prunes every object
    /// its inventory records, then deletes the inventory and removes the finalizer; with `Orphan` leaves the
    /// objects in place. A failed prune is recorded in status and retried at the next pass; the Application stays
    /// (terminating) until it succeeds.
    func finalize(_ application: Application) async {
        var status = application.status
        let cluster = KubernetesClusterClient(client: client)
        if application.deletionPolicy != "Orphan" {
            let engine = SyncEngine(
                client: cluster, options: SyncOptions(name: application.inventoryName, prune: true, allowEmpty: true))
            do {
                let result = try await engine.sync(DesiredState(objects: []), revision: "")
                let failures = result.report.entries.filter(\.outcome.isFailure)
                guard failures.isEmpty else {
                    status["lastError"] = .string("deleting: " + failures.map { "\($0.identity.path) \($0.outcome.text)" }.joined(separator: "\n"))
                    await record(application, status: status)
                    return
                }
            } catch {
                status["lastError"] = .string("deleting: \(error)")
                await record(application, status: status)
                return
            }
        }
        do {
            let inventory = SyncEngine(client: cluster, options: SyncOptions(name: application.inventoryName)).inventoryStore
            do {
                try await client.delete(ObjectReference(
                    apiVersion: "v1", kind: "ConfigMap", namespace: InventoryStore.namespace, name: inventory.configMapName))
            } catch let error as ClientError where error.isNotFound {}
            _ = try await client.patch(application.reference, .merge([
                "metadata": [
                    "finalizers": .array(application.finalizers.filter { $0 != Self.finalizer }.map { .string($0) }),
                    "resourceVersion": .string(application.resourceVersion),
                ]
            ]))
        } catch {
            // Retried at the next pass.
        }
    }

    /// The git credentials in Secret `name` of the Application's namespace, under the keys Argo CD and Flux use:
    /// `username` with `password` or `token` for HTTPS; `identity` (or `ssh-privatekey`, `sshPrivateKey`) with
    /// `known_hosts` (or `knownHosts`) for SSH, and an optional `passphrase`. An SSH key without `known_hosts` is
    /// refused: a key is only offered to a host whose key is listed. Only the keys' presence is ever reported,
    /// never their values.
    func credentials(secret name: String, of application: Application) async throws -> Credentials {
        let secret = try await client.get(ObjectReference(
            apiVersion: "v1", kind: "Secret", namespace: application.namespace, name: name))
        func value(_ key: String) -> String? {
            guard let encoded = secret["data"]?[key]?.stringValue, let data = Data(base64Encoded: encoded) else { return nil }
            let text = String(decoding: data, as: UTF8.self)
            return text.isEmpty ? nil : text
        }
        let place = "Secret \(application.namespace)/\(name)"
        if let (keyName, key) = ["identity", "ssh-privatekey", "sshPrivateKey"].lazy
            .compactMap({ key in value(key).map { (key, $0) } }).first
        {
            guard let (hostsName, hosts) = ["known_hosts", "knownHosts"].lazy
                .compactMap({ key in value(key).map { (key, $0) } }).first
            else {
                throw ApplicationError(message: """
                    \(place) has an SSH key (\(keyName)) but no known_hosts: kgit offers a key only to a host whose \
                    key is listed; add the host's key (ssh-keyscan HOST, checked against its published fingerprint) \
                    under known_hosts
                    """)
            }
            var credentials = Credentials(
                username: value("username"),
                sshKeys: [.init(name: "\(place) key \(keyName)", privateKey: key, passphrase: value("passphrase"))])
            credentials.trustHosts(in: hosts, source: "\(place) key \(hostsName)")
            if let error = credentials.knownHostsError {
                throw ApplicationError(message: "\(error)")
            }
            return credentials
        }
        guard let password = value("password") ?? value("token") else {
            throw ApplicationError(message: "\(place) has neither password nor token, nor an SSH identity")
        }
        var credentials = Credentials(username: value("username") ?? "kgit", password: password)
        if let hosts = value("known_hosts") ?? value("knownHosts") {
            credentials.trustHosts(in: hosts, source: "\(place) key known_hosts")
        }
        return credentials
    }

    /// The allowed signers `spec.verify` names: inline (`allowedSigners`) or in a Secret of the Application's
    /// namespace (`allowedSignersSecretRef: {name, key}`, key default `allowed_signers`).
    func allowedSigners(_ verify: JSONValue, of application: Application) async throws -> AllowedSigners {
        if let inline = verify["allowedSigners"]?.stringValue {
            return try AllowedSigners(
                parsing: inline, source: "Application \(application.key) spec.verify.allowedSigners")
        }
        guard let reference = verify["allowedSignersSecretRef"], let name = reference["name"]?.stringValue else {
            throw ApplicationError(message: "set allowedSigners or allowedSignersSecretRef.name")
        }
        let key = reference["key"]?.stringValue ?? "allowed_signers"
        let secret = try await client.get(ObjectReference(
            apiVersion: "v1", kind: "Secret", namespace: application.namespace, name: name))
        guard let encoded = secret["data"]?[key]?.stringValue, let data = Data(base64Encoded: encoded) else {
            throw ApplicationError(message: "Secret \(application.namespace)/\(name) has no key \(key)")
        }
        return try AllowedSigners(
            parsing: String(decoding: data, as: UTF8.self), source: "Secret \(application.namespace)/\(name) key \(key)")
    }

    /// Writes `status` through the status subresource (a failure is retried at the next pass).
    func record(_ application: Application, status: JSONValue) async {
        let reference = ObjectReference(
            apiVersion: ApplicationDefinition.apiVersion, kind: ApplicationDefinition.kind,
            namespace: application.namespace, name: application.name)
        do {
            _ = try await client.patch(reference, .merge(["status": status]), subresource: "status")
            if (status["lastError"]?.stringValue ?? "").isEmpty {
                failed.remove(application.key)
            } else {
                failed.insert(application.key)
            }
        } catch {
            seen[application.key] = nil
            failed.insert(application.key)
        }
    }

    static func conditions(_ status: JSONValue, fetched: (Bool, String, String)) -> JSONValue {
        set(status["conditions"] ?? [], "Fetched", fetched.0, fetched.1, fetched.2)
    }

    /// `conditions` with the one of `type` set, its transition time kept unless its status changed.
    static func set(_ conditions: JSONValue, _ type: String, _ value: Bool, _ reason: String, _ message: String) -> JSONValue {
        var list = conditions.arrayValue ?? []
        let text = value ? "True" : "False"
        var condition: JSONValue = [
            "type": .string(type), "status": .string(text), "reason": .string(reason),
            "message": .string(message), "lastTransitionTime": .string(timestamp()),
        ]
        if let index = list.firstIndex(where: { $0["type"]?.stringValue == type }) {
            if list[index]["status"]?.stringValue == text, let time = list[index]["lastTransitionTime"] {
                condition["lastTransitionTime"] = time
            }
            list[index] = condition
        } else {
            list.append(condition)
        }
        return .array(list)
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}

/// The fields of an Application the controller reads.
struct Application: Sendable {
    var namespace: String
    var name: String
    var generation: String
    var refresh: String
    var source: String
    var revision: String
    var path: String
    var env: String?
    var interval: Duration
    var prune: Bool
    var selfHeal: Bool
    /// `metadata.deletionTimestamp` is set: the Application is being deleted.
    var deleting: Bool
    var finalizers: [String]
    var resourceVersion: String
    /// `spec.deletionPolicy`: `Delete` (prune what it applied when deleted, the default) or `Orphan`.
    var deletionPolicy: String
    /// `spec.secretRef.name`: the Secret holding git credentials for `source`.
    var secretRef: String?
    /// `spec.verify`: the allowed signers commits must be signed by; nil when signatures are not checked.
    var verify: JSONValue?
    var status: JSONValue

    var key: String { "\(namespace)/\(name)" }
    var reference: ObjectReference {
        ObjectReference(apiVersion: ApplicationDefinition.apiVersion, kind: ApplicationDefinition.kind, namespace: namespace, name: name)
    }
    /// The inventory: `kgit-inventory-app-NAMESPACE-NAME`, so two namespaces' Applications never share one.
    var inventoryName: String { "app-\(namespace)-\(name)" }

    init?(_ object: JSONValue) {
        guard let name = object["metadata"]?["name"]?.stringValue,
            let source = object["spec"]?["source"]?.stringValue, !source.isEmpty
        else { return nil }
        self.name = name
        self.source = source
        namespace = object["metadata"]?["namespace"]?.stringValue ?? "default"
        generation = object["metadata"]?["generation"].map { "\($0)" } ?? ""
        refresh = object["metadata"]?["annotations"]?[ApplicationController.refreshAnnotation]?.stringValue ?? ""
        let spec = object["spec"]
        revision = spec?["revision"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "HEAD"
        path = spec?["path"]?.stringValue ?? ""
        env = spec?["env"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let policy = spec?["syncPolicy"]
        interval = policy?["interval"]?.stringValue.flatMap(Self.duration) ?? ApplicationController.defaultInterval
        prune = policy?["prune"]?.boolValue ?? false
        selfHeal = policy?["selfHeal"]?.boolValue ?? false
        verify = spec?["verify"]
        secretRef = spec?["secretRef"]?["name"]?.stringValue
        deleting = object["metadata"]?["deletionTimestamp"]?.stringValue != nil
        finalizers = object["metadata"]?["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
        resourceVersion = object["metadata"]?["resourceVersion"]?.stringValue ?? ""
        deletionPolicy = spec?["deletionPolicy"]?.stringValue ?? "Delete"
        status = object["status"] ?? [:]
    }

    /// `30s`, `5m`, `1h`, `500ms` (at least one second).
    static func duration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number >= 0 else { return nil }
            return .milliseconds(Int(max(1, number * scale) * 1000))
        }
        return nil
    }
}

/// A problem with an Application's spec, in the controller's words.
struct ApplicationError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
