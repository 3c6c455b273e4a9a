import KgitYAML

/// The ordered steps that bring the cluster to the desired state, decided as a pure value.
///
/// Order, like gitops-engine's: phase (Namespaces and CRDs first, to be waited for), then sync wave
/// (`kgit.dev/sync-wave`, lowest first), then kind (`KindOrder`), then namespace and name. Prunes touch
/// only objects recorded in the previous inventory that git no longer declares, and run last in exactly
/// the reverse order.
public struct SyncPlan: Sendable, Hashable {
    /// Every task in execution order.
    public var tasks: [SyncTask]

    /// Plans the sync.
    /// - Parameters:
    ///   - desired: the revision's objects.
    ///   - live: the live state of the objects concerned (inventory and desired); gives a pruned object
    ///     its wave and its `kgit.dev/prune: disabled` protection.
    ///   - inventory: what the previous sync applied.
    /// - Throws: every invalid sync wave, or the refusal of an empty revision over a non-empty inventory.
    public init(
        desired: [DesiredObject], live: [YAMLValue] = [], inventory: Inventory,
        options: SyncPlanOptions = SyncPlanOptions()
    ) throws(SyncPlanError) {
        var problems: [SyncPlanError.Problem] = []
        if desired.isEmpty && !inventory.objects.isEmpty && !options.allowEmpty {
            problems.append(
                SyncPlanError.Problem(
                    code: .emptyDesiredState,
                    message:
                        "the revision declares no objects, but \(inventory.objects.count) objects applied from \(inventory.revision.isEmpty ? "an earlier revision" : inventory.revision) would all be pruned; refusing (allow an empty revision to do this on purpose)",
                    location: nil, path: "", object: nil))
        }
        var applies: [SyncTask] = []
        var desiredIdentities = Set<ObjectIdentity>()
        for object in desired {
            desiredIdentities.insert(object.identity)
            switch SyncWave.of(object.body) {
            case .wave(let wave):
                applies.append(
                    SyncTask(
                        identity: object.identity, action: .apply, phase: Self.phase(of: object.identity), wave: wave))
            case .invalid(let text):
                problems.append(
                    SyncPlanError.Problem(
                        code: .invalidSyncWave,
                        message: "sync wave \(FieldPath.quoted(text)) is not an integer",
                        location: object.provenance[SyncWave.path] ?? object.location, path: SyncWave.path,
                        object: object.identity))
            }
        }
        if !problems.isEmpty { throw SyncPlanError(problems: problems) }

        var liveByIdentity: [ObjectIdentity: YAMLValue] = [:]
        for object in live {
            if let identity = ObjectIdentity(object: object) { liveByIdentity[identity] = object }
        }
        var prunes: [SyncTask] = []
        for identity in inventory.objects where !desiredIdentities.contains(identity) {
            let object = liveByIdentity[identity]
            var wave = 0
            if let object, case .wave(let value) = SyncWave.of(object) { wave = value }
            let action: SyncTask.Action
            if !options.prune {
                action = .skip(reason: "pruning is disabled")
            } else if let object, Self.pruneDisabled(object) {
                action = .skip(reason: "kgit.dev/prune: disabled")
            } else if !live.isEmpty && object == nil {
                action = .skip(reason: "already gone from the cluster")
            } else {
                action = .prune
            }
            prunes.append(SyncTask(identity: identity, action: action, phase: .prune, wave: wave))
        }
        applies.sort(by: Self.applyOrder)
        prunes.sort { Self.applyOrder(Self.asApply($1), Self.asApply($0)) }
        tasks = applies + prunes
    }

    /// The tasks grouped by phase and wave, in order: each group is applied, then waited for, before
    /// the next.
    public var waves: [[SyncTask]] {
        var groups: [[SyncTask]] = []
        for task in tasks {
            if let last = groups.last?.last, last.phase == task.phase, last.wave == task.wave {
                groups[groups.count - 1].append(task)
            } else {
                groups.append([task])
            }
        }
        return groups
    }

    /// The inventory after this plan succeeds at `revision`: every applied object, and every object
    /// whose prune was skipped (it is still kgit's to prune later).
    public func nextInventory(revision: String) -> Inventory {
        Inventory(
            revision: revision,
            objects: tasks.compactMap { task in
                switch task.action {
                case .apply: return task.identity
                case .skip: return task.phase == .prune ? task.identity : nil
                case .prune: return nil
                }
            })
    }

    static func phase(of identity: ObjectIdentity) -> SyncTask.Phase {
        let isNamespace = identity.group.isEmpty && identity.kind == "Namespace"
        let isDefinition = identity.group == "apiextensions.k8s.io" && identity.kind == "CustomResourceDefinition"
        return isNamespace || isDefinition ? .prerequisites : .main
    }

    /// A prune task placed as its apply would have been, so prunes can run in the reverse order.
    static func asApply(_ task: SyncTask) -> SyncTask {
        var copy = task
        copy.phase = phase(of: task.identity)
        return copy
    }

    static func pruneDisabled(_ object: YAMLValue) -> Bool {
        if case .string(let value)? = object["metadata"]?["annotations"]?["kgit.dev/prune"] {
            return value == "disabled"
        }
        return false
    }

    static func applyOrder(_ a: SyncTask, _ b: SyncTask) -> Bool {
        if a.phase != b.phase { return a.phase < b.phase }
        if a.wave != b.wave { return a.wave < b.wave }
        let rankA = KindOrder.rank(a.identity.kind)
        let rankB = KindOrder.rank(b.identity.kind)
        if rankA != rankB { return rankA < rankB }
        return a.identity < b.identity
    }
}
