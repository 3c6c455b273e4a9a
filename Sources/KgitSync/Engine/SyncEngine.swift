import KgitSchema
import KgitYAML

/// Brings a cluster to a revision's desired state through a `ClusterClient`, and reports what it did.
///
/// ```
/// read the inventory ─▶ get the live objects concerned ─▶ SyncPlan ─▶ for each (phase, wave):
///     server-side apply each object (field manager `kgit`)
///     prerequisites: wait until each Namespace is active and each CRD established
///     a failure stops the later waves (and every prune)
/// ─▶ prune (with --prune) in reverse order ─▶ store the new inventory
/// ```
///
/// The plan is made before anything is written, so an empty revision over a non-empty inventory (without
/// `allowEmpty`) or an invalid sync wave changes nothing. With `dryRun` every write is sent with `dryRun=All`
/// and the inventory is left as it was.
public struct SyncEngine: Sendable {
    /// The cluster.
    public let client: any ClusterClient
    /// What the sync may do.
    public let options: SyncOptions

    /// An engine.
    public init(client: any ClusterClient, options: SyncOptions = SyncOptions()) {
        self.client = client
        self.options = options
    }

    /// What a sync did: one entry per task, the plan, and the inventory now stored.
    public struct Result: Sendable {
        /// One line per object, in the order the tasks ran.
        public var report: SyncReport
        /// The plan that was executed.
        public var plan: SyncPlan
        /// The inventory stored after the sync (the previous one after a dry run).
        public var inventory: Inventory
    }

    /// The inventory store of this sync.
    public var inventoryStore: InventoryStore {
        InventoryStore(client: client, name: options.name, fieldManager: options.fieldManager)
    }

    /// Applies `state`, recording `revision` in the inventory. `progress` receives one line per step.
    /// - Throws: `SyncPlanError` (nothing was written), `InventoryError`, or the client's error when the
    ///   cluster cannot be read at all. Failures of single objects are not thrown: they are in the report.
    public func sync(
        _ state: DesiredState, revision: String, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> Result {
        let store = inventoryStore
        let inventory = try await store.read()
        let desiredByIdentity = Dictionary(state.objects.map { ($0.identity, $0) }, uniquingKeysWith: { first, _ in first })
        let live = try await liveObjects(Array(desiredByIdentity.keys) + inventory.objects)
        let plan = try SyncPlan(
            desired: state.objects, live: Array(live.values), inventory: inventory,
            options: SyncPlanOptions(prune: options.prune, allowEmpty: options.allowEmpty))

        let differ = ObjectDiffer(catalog: try? KubernetesCatalog.load(version: ValidationOptions().kubernetesVersion))
        var entries: [SyncReport.Entry] = []
        var stopped: String?
        var created: [SyncReport.Entry] = []
        if options.createNamespaces {
            created = await createMissingNamespaces(state, progress: progress)
            if created.contains(where: { $0.outcome.isFailure }) { stopped = "a namespace could not be created" }
        }
        let total = plan.tasks.count
        for wave in plan.waves {
            var waveFailed = false
            var waitFor: [ObjectIdentity] = []
            if let stopped {
                entries += wave.map { SyncReport.Entry(identity: $0.identity, outcome: .skipped(reason: stopped)) }
                continue
            }
            let outcomes = await run(wave, live: live, desired: desiredByIdentity, differ: differ, stepBase: entries.count, total: total, progress: progress)
            for (task, outcome) in zip(wave, outcomes) {
                if outcome.isFailure { waveFailed = true }
                if task.action == .apply, task.phase == .prerequisites, !options.dryRun, !outcome.isFailure {
                    waitFor.append(task.identity)
                }
                entries.append(SyncReport.Entry(identity: task.identity, outcome: outcome))
            }
            for identity in waitFor {
                progress("waiting for \(identity.path) to be \(identity.kind == "Namespace" ? "active" : "established")")
                if let problem = await waitUntilReady(identity),
                    let index = entries.lastIndex(where: { $0.identity == identity })
                {
                    entries[index].outcome = .failed(reason: problem)
                    waveFailed = true
                }
            }
            if waveFailed && stopped == nil {
                let first = wave.first
                stopped = "an earlier step failed (\(first.map { "phase \($0.phase), wave \($0.wave)" } ?? "a wave"))"
            }
        }

        guard !options.dryRun else {
            return Result(report: SyncReport(entries: created + entries), plan: plan, inventory: inventory)
        }
        let next = Self.nextInventory(previous: inventory, entries: entries, revision: revision)
        if next != inventory {
            progress("recording \(next.objects.count) objects in \(InventoryStore.namespace)/\(store.configMapName)")
            try await store.write(next)
        }
        return Result(report: SyncReport(entries: created + entries), plan: plan, inventory: next)
    }

    /// Creates (and waits for) each namespace a desired object lives in that git does not declare and the cluster
    /// does not have.
    func createMissingNamespaces(_ state: DesiredState, progress: @Sendable (String) -> Void) async
        -> [SyncReport.Entry]
    {
        let declared = Set(
            state.objects.filter { $0.identity.group.isEmpty && $0.identity.kind == "Namespace" }.map(\.identity.name))
        let needed = Set(state.objects.map(\.identity.namespace).filter { !$0.isEmpty && !declared.contains($0) })
        var entries: [SyncReport.Entry] = []
        for name in needed.sorted() {
            let identity = ObjectIdentity(group: "", version: "v1", kind: "Namespace", name: name)
            do {
                guard try await client.get(identity) == nil else { continue }
                progress("creating namespace \(name)")
                let body = YAMLValue.mapping([
                    .init(key: "apiVersion", value: .string("v1")), .init(key: "kind", value: .string("Namespace")),
                    .init(key: "metadata", value: .mapping([.init(key: "name", value: .string(name))])),
                ])
                _ = try await client.apply(
                    body, fieldManager: options.fieldManager, force: options.force, dryRun: options.dryRun)
                if !options.dryRun, let problem = await waitUntilReady(identity) {
                    entries.append(SyncReport.Entry(identity: identity, outcome: .failed(reason: problem)))
                } else {
                    entries.append(SyncReport.Entry(identity: identity, outcome: .created))
                }
            } catch {
                entries.append(SyncReport.Entry(identity: identity, outcome: .failed(reason: "\(error)")))
            }
        }
        return entries
    }

    /// Runs the tasks of one wave, `options.parallelism` at a time (they do not depend on each other), and returns
    /// their outcomes in the tasks' order.
    func run(
        _ wave: [SyncTask], live: [ObjectIdentity: YAMLValue], desired: [ObjectIdentity: DesiredObject],
        differ: ObjectDiffer, stepBase: Int, total: Int, progress: @Sendable (String) -> Void
    ) async -> [SyncOutcome] {
        var outcomes = [SyncOutcome](repeating: .skipped(reason: "not run"), count: wave.count)
        await withTaskGroup(of: (Int, SyncOutcome).self) { group in
            var next = 0
            func start() {
                guard next < wave.count else { return }
                let index = next
                let task = wave[index]
                next += 1
                let step = "[\(stepBase + index + 1)/\(total)]"
                switch task.action {
                case .apply:
                    guard let object = desired[task.identity] else {
                        group.addTask { (index, .failed(reason: "not in the revision")) }
                        return
                    }
                    progress("\(step) applying \(task.identity.path)")
                    let before = live[task.identity]
                    group.addTask { (index, await self.apply(object, before: before, differ: differ)) }
                case .prune:
                    progress("\(step) pruning \(task.identity.path)")
                    group.addTask { (index, await self.prune(task.identity)) }
                case .skip(let reason):
                    group.addTask { (index, .skipped(reason: reason)) }
                }
            }
            for _ in 0..<max(1, options.parallelism) { start() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                start()
            }
        }
        return outcomes
    }

    /// The inventory after a sync: what was applied, plus what the previous inventory held and was not pruned
    /// (a skipped or failed prune stays kgit's to prune later).
    static func nextInventory(previous: Inventory, entries: [SyncReport.Entry], revision: String) -> Inventory {
        var objects = Set(previous.objects)
        for entry in entries {
            switch entry.outcome {
            case .created, .configured, .unchanged: objects.insert(entry.identity)
            case .pruned: objects.remove(entry.identity)
            case .skipped(let reason) where reason == Self.alreadyGone: objects.remove(entry.identity)
            case .skipped, .failed: continue
            }
        }
        return Inventory(revision: revision, objects: objects)
    }

    static let alreadyGone = "already gone from the cluster"

    /// The live objects among `identities` (missing ones are absent), fetched a few at a time.
    func liveObjects(_ identities: [ObjectIdentity]) async throws -> [ObjectIdentity: YAMLValue] {
        let unique = Array(Set(identities))
        var result: [ObjectIdentity: YAMLValue] = [:]
        let client = self.client
        try await withThrowingTaskGroup(of: (ObjectIdentity, YAMLValue?).self) { group in
            var next = 0
            func add() {
                guard next < unique.count else { return }
                let identity = unique[next]
                next += 1
                group.addTask { (identity, try await client.get(identity)) }
            }
            for _ in 0..<min(8, unique.count) { add() }
            while let (identity, object) = try await group.next() {
                if let object { result[identity] = object }
                add()
            }
        }
        return result
    }

    func apply(_ object: DesiredObject, before: YAMLValue?, differ: ObjectDiffer) async -> SyncOutcome {
        do {
            let after = try await client.apply(
                object.body, fieldManager: options.fieldManager, force: options.force, dryRun: options.dryRun)
            if options.dryRun {
                // A dry run stores nothing, so the resourceVersion cannot tell; compare what git sets instead.
                guard let before else { return .created }
                return differ.diff(object, live: before).isDifferent ? .configured : .unchanged
            }
            return SyncOutcome.ofApply(before: before, after: after)
        } catch {
            return .failed(reason: "\(error)")
        }
    }

    func prune(_ identity: ObjectIdentity) async -> SyncOutcome {
        do {
            return try await client.delete(identity, dryRun: options.dryRun)
                ? .pruned : .skipped(reason: Self.alreadyGone)
        } catch {
            return .failed(reason: "\(error)")
        }
    }

    /// Nil once the Namespace is active or the CRD established; otherwise why not, after `waitTimeout`.
    func waitUntilReady(_ identity: ObjectIdentity) async -> String? {
        let clock = ContinuousClock()
        let deadline = clock.now + options.waitTimeout
        var last = "not found"
        while true {
            do {
                if let object = try await client.get(identity) {
                    let health = HealthAssessor.assess(object)
                    if health.status == .healthy { return nil }
                    last = health.description
                }
            } catch {
                last = "\(error)"
            }
            if clock.now >= deadline { break }
            try? await Task.sleep(for: options.pollInterval)
        }
        let want = identity.kind == "Namespace" ? "active" : "established"
        return "not \(want) after \(options.waitTimeout): \(last)"
    }

    // MARK: - Diff and status

    /// Desired against live for every object of `state` (and, with `includePrunable`, the inventory's objects git
    /// no longer declares), normalized: see `ObjectDiffer`.
    public func diff(_ state: DesiredState, includePrunable: Bool) async throws -> [ObjectDiff] {
        let inventory = try await inventoryStore.read()
        let desired = state.objects.map(\.identity)
        let extra = includePrunable ? inventory.objects : []
        let live = try await liveObjects(desired + extra)
        let differ = ObjectDiffer(catalog: try? KubernetesCatalog.load(version: ValidationOptions().kubernetesVersion))
        return differ.diff(
            desired: state.objects, live: Array(live.values), inventory: includePrunable ? inventory : .empty)
    }

    /// The live objects among `identities` that exist, for diffs of objects outside a desired state.
    public func liveObjectsForDiff(_ identities: [ObjectIdentity]) async throws -> [YAMLValue] {
        Array(try await liveObjects(identities).values)
    }

    /// The health of every object the inventory holds (missing ones are `Missing`), and the inventory.
    public func status() async throws -> (inventory: Inventory, health: [ObjectIdentity: HealthAssessment]) {
        let inventory = try await inventoryStore.read()
        let live = try await liveObjects(inventory.objects)
        var health: [ObjectIdentity: HealthAssessment] = [:]
        for identity in inventory.objects {
            if let object = live[identity] {
                health[identity] = HealthAssessor.assess(object)
            } else {
                health[identity] = HealthAssessment(.missing, "not on the cluster")
            }
        }
        return (inventory, health)
    }
}

extension SyncOutcome {
    /// True for `.failed`.
    public var isFailure: Bool {
        if case .failed = self { return true }
        return false
    }
}
