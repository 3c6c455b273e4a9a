import Foundation
import KgitAPIMachinery

/// The Deployment controller: one ReplicaSet per pod template, named by its ``PodTemplateHash``,
/// and a rollout from the old ReplicaSets to the new one by the Deployment's strategy.
///
/// `reconcile` is a pure decision over one Deployment, the ReplicaSets and the pods of its
/// namespace. It follows upstream's `syncDeployment`:
///
/// ```
/// being deleted ─▶ status only
/// paused ────────▶ scale (proportionally) ─▶ clean up history ─▶ status
/// replicas changed (desired-replicas annotation differs) ─▶ scale ─▶ status
/// Recreate ──────▶ old to 0 ─▶ wait for old pods ─▶ new to replicas ─▶ clean up ─▶ status + progress
/// RollingUpdate ─▶ new up to replicas+maxSurge ─▶ old down keeping replicas-maxUnavailable
///                  available ─▶ clean up when complete ─▶ status + progress
/// ```
///
/// A rollback (`kubectl rollout undo`) sets the Deployment's template back to an old ReplicaSet's;
/// that ReplicaSet is then found as the new one and gets the next revision.
public enum DeploymentController {
    /// The `source.component` of this controller's events.
    public static let component = "deployment-controller"
    /// The revision annotation on Deployments and their ReplicaSets.
    public static let revisionAnnotation = "deployment.kubernetes.io/revision"
    /// The earlier revisions a ReplicaSet held, comma-separated.
    public static let revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
    /// The Deployment's `replicas` when the ReplicaSet was last scaled.
    public static let desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
    /// `replicas + maxSurge` when the ReplicaSet was last scaled.
    public static let maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas"

    /// Decides what to do for `deployment` given the ReplicaSets and pods of its namespace, at `now`.
    public static func reconcile(_ deployment: JSONValue, replicaSets: [JSONValue], pods: [JSONValue], now: Date)
        throws(ObjectDecodingError) -> [ControllerAction]
    {
        var rollout = try Rollout(deployment, replicaSets: replicaSets, pods: pods, now: now)
        rollout.run()
        return rollout.actions
    }
}

/// One reconcile of one Deployment: the observed state, the working copies of its ReplicaSets, and
/// the actions decided so far.
struct Rollout {
    typealias C = DeploymentController

    let d: Deployment
    let now: Date
    let maxSurge: Int
    let maxUnavailable: Int
    let allNames: Set<String>
    let pods: [Pod]
    /// The ReplicaSets the Deployment controls, oldest first.
    var replicaSets: [ReplicaSet]
    var newIndex: Int?
    var conditions: DeploymentStatus
    var collisionCount: Int?
    var actions: [ControllerAction] = []

    init(_ deployment: JSONValue, replicaSets rsObjects: [JSONValue], pods podObjects: [JSONValue], now: Date)
        throws(ObjectDecodingError)
    {
        d = try Deployment(deployment)
        self.now = now
        (maxSurge, maxUnavailable) = try d.fenceposts()
        var all: [ReplicaSet] = []
        for o in rsObjects {
            let rs = try ReplicaSet(o)
            if rs.meta.namespace == d.meta.namespace { all.append(rs) }
        }
        allNames = Set(all.map(\.meta.name))
        let ownership = Ownership(owner: d.meta, selector: d.selector, candidates: all.map(\.meta))
        actions = ownership.actions
        replicaSets = ownership.owned.map { all[$0] }.sorted {
            ($0.meta.creationTimestamp ?? .distantPast, $0.meta.name) < ($1.meta.creationTimestamp ?? .distantPast, $1.meta.name)
        }
        var decodedPods: [Pod] = []
        for p in podObjects { decodedPods.append(try Pod(p)) }
        pods = decodedPods
        conditions = d.status
        collisionCount = d.collisionCount
    }

    var newRS: ReplicaSet? { newIndex.map { replicaSets[$0] } }
    var oldIndices: [Int] { replicaSets.indices.filter { $0 != newIndex } }

    static func revision(_ rs: ReplicaSet) -> Int { Int(rs.meta.annotations[C.revisionAnnotation] ?? "") ?? 0 }

    func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> DeploymentStatus.Condition {
        DeploymentStatus.Condition(type: type, status: status, reason: reason, message: message,
                                   lastUpdateTime: now, lastTransitionTime: now)
    }

    // MARK: - Steps

    mutating func run() {
        if d.meta.isBeingDeleted {
            findNewReplicaSet(create: false)
            syncStatus(withProgress: false)
            return
        }
        checkPausedConditions()
        if d.paused {
            findNewReplicaSet(create: false)
            scale()
            cleanUpHistory()
            syncStatus(withProgress: false)
            return
        }
        findNewReplicaSet(create: false)
        if isScalingEvent() {
            scale()
            syncStatus(withProgress: false)
            return
        }
        switch d.strategy {
        case .recreate: rolloutRecreate()
        case .rollingUpdate: rolloutRolling()
        }
    }

    /// Pausing sets `Progressing: Unknown/DeploymentPaused`; resuming replaces it with `DeploymentResumed`.
    mutating func checkPausedConditions() {
        guard d.progressDeadlineSeconds != nil else { return }
        let current = conditions.condition("Progressing")
        if d.paused && current?.reason != "DeploymentPaused" {
            conditions.set(condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused"))
        } else if !d.paused && current?.reason == "DeploymentPaused" {
            conditions.set(condition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed"))
        }
    }

    /// Finds the ReplicaSet whose template equals the Deployment's (the oldest such), brings its
    /// revision to one above every other ReplicaSet's, and creates it when `create` and none exists.
    /// Returns false when the name it would create is taken (a hash collision).
    @discardableResult
    mutating func findNewReplicaSet(create: Bool) -> Bool {
        if newIndex != nil { return true }
        let existing = replicaSets.firstIndex { PodTemplateHash.equalIgnoringHash($0.template, d.template) }
        let maxOldRevision = replicaSets.indices.filter { $0 != existing }.map { Self.revision(replicaSets[$0]) }.max() ?? 0
        let newRevision = maxOldRevision + 1
        if let i = existing {
            newIndex = i
            var rs = replicaSets[i]
            var patch: [String: JSONValue] = [:]
            var annotations = rs.meta.annotations
            let changed = setNewReplicaSetAnnotations(&annotations, revision: newRevision, existed: true)
            if changed {
                patch["metadata"] = ["annotations": .object(annotations.mapValues { .string($0) })]
                if d.progressDeadlineSeconds != nil && conditions.condition("Progressing") == nil {
                    conditions.set(condition("Progressing", "True", "FoundNewReplicaSet",
                                             "Found new replica set \"\(rs.meta.name)\""))
                }
            }
            if rs.minReadySeconds != d.minReadySeconds {
                patch["spec"] = ["minReadySeconds": .int(Int64(d.minReadySeconds))]
                rs.minReadySeconds = d.minReadySeconds
            }
            if !patch.isEmpty { actions.append(.patch(rs.meta.key, .object(patch), status: false)) }
            rs.meta.annotations = annotations
            replicaSets[i] = rs
            syncDeploymentRevision(annotations[C.revisionAnnotation] ?? String(newRevision))
            return true
        }
        guard create else { return true }

        let hash = PodTemplateHash.of(d.template, collisionCount: collisionCount)
        let name = "\(d.meta.name)-\(hash)"
        if allNames.contains(name) {
            // Another ReplicaSet holds the name with a different template: bump the collision count
            // so that the next hash differs, and retry once the status is written.
            collisionCount = (collisionCount ?? 0) + 1
            syncStatus(withProgress: false)
            actions.append(.requeue(after: .zero))
            return false
        }
        var template = d.template
        var templateLabels = template.value(at: ["metadata", "labels"])?.objectValue ?? [:]
        templateLabels[PodTemplateHash.label] = .string(hash)
        template.setValue(.object(templateLabels), at: ["metadata", "labels"])
        var selector = d.selector
        selector.requirements.append(.equals(PodTemplateHash.label, hash))
        var annotations: [String: String] = [:]
        _ = setNewReplicaSetAnnotations(&annotations, revision: newRevision, existed: false)
        let object: JSONValue = [
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": [
                "name": .string(name), "namespace": .string(d.meta.namespace),
                "labels": .object(templateLabels),
                "annotations": .object(annotations.mapValues { .string($0) }),
                "ownerReferences": [OwnerReference.controllerRef(to: d.meta.key, uid: d.meta.uid).json],
            ],
            "spec": [
                "replicas": 0, "minReadySeconds": .int(Int64(d.minReadySeconds)),
                "selector": selector.json, "template": template,
            ],
        ]
        guard var rs = try? ReplicaSet(object) else { return false }
        rs.meta.creationTimestamp = now
        rs.meta.annotations = annotations
        replicaSets.append(rs)
        let i = replicaSets.count - 1
        newIndex = i
        let size = newReplicaSetReplicas()
        replicaSets[i].replicas = size
        var created = object
        created.setValue(.int(Int64(size)), at: ["spec", "replicas"])
        created.setValue(.object(replicasAnnotations(annotations).mapValues { .string($0) }),
                         at: ["metadata", "annotations"])
        replicaSets[i].meta.annotations = replicasAnnotations(annotations)
        actions.append(.create(created, event: size > 0 ? ControllerEvent(
            involved: d.meta.key, type: .normal, reason: "ScalingReplicaSet",
            message: "Scaled up replica set \(name) from 0 to \(size)") : nil))
        if d.progressDeadlineSeconds != nil {
            conditions.set(condition("Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"\(name)\""))
        }
        syncDeploymentRevision(String(newRevision))
        return true
    }

    /// Copies the Deployment's annotations and moves the revision forward (upstream
    /// `SetNewReplicaSetAnnotations`); returns whether anything changed.
    func setNewReplicaSetAnnotations(_ a: inout [String: String], revision: Int, existed: Bool) -> Bool {
        let skipped: Set<String> = [
            "kubectl.kubernetes.io/last-applied-configuration", C.revisionAnnotation, C.revisionHistoryAnnotation,
            C.desiredReplicasAnnotation, C.maxReplicasAnnotation,
        ]
        var changed = false
        for (k, v) in d.meta.annotations where !skipped.contains(k) && a[k] != v {
            a[k] = v
            changed = true
        }
        let old = a[C.revisionAnnotation]
        if (Int(old ?? "") ?? 0) < revision {
            a[C.revisionAnnotation] = String(revision)
            changed = true
            if existed, let old, !old.isEmpty {
                let history = a[C.revisionHistoryAnnotation].map { $0.isEmpty ? old : "\($0),\(old)" } ?? old
                a[C.revisionHistoryAnnotation] = history
            }
        }
        return changed
    }

    func replicasAnnotations(_ a: [String: String]) -> [String: String] {
        var a = a
        a[C.desiredReplicasAnnotation] = String(d.replicas)
        a[C.maxReplicasAnnotation] = String(d.replicas + maxSurge)
        return a
    }

    mutating func syncDeploymentRevision(_ revision: String) {
        guard d.meta.annotations[C.revisionAnnotation] != revision else { return }
        actions.append(.patch(d.meta.key.withoutUID, ["metadata": ["annotations": [C.revisionAnnotation: .string(revision)]]],
                              status: false))
    }

    /// The size a new ReplicaSet may grow to now (upstream `NewRSNewReplicas`).
    func newReplicaSetReplicas() -> Int {
        let current = newRS?.replicas ?? 0
        switch d.strategy {
        case .recreate: return d.replicas
        case .rollingUpdate:
            let total = replicaSets.reduce(0) { $0 + $1.replicas }
            let maxTotal = d.replicas + maxSurge
            if total >= maxTotal { return current }
            return current + max(0, min(maxTotal - total, d.replicas - current))
        }
    }

    /// Scales the ReplicaSet at `i`, updating its desired/max annotations; returns whether its size changed.
    @discardableResult
    mutating func scale(_ i: Int, to size: Int) -> Bool {
        let rs = replicaSets[i]
        let annotations = replicasAnnotations(rs.meta.annotations)
        let sizeChanged = rs.replicas != size
        guard sizeChanged || annotations != rs.meta.annotations else { return false }
        var patch: JSONValue = ["metadata": ["annotations": [
            C.desiredReplicasAnnotation: .string(annotations[C.desiredReplicasAnnotation] ?? ""),
            C.maxReplicasAnnotation: .string(annotations[C.maxReplicasAnnotation] ?? ""),
        ]]]
        if sizeChanged { patch["spec"] = ["replicas": .int(Int64(size))] }
        actions.append(.patch(rs.meta.key, patch, status: false))
        if sizeChanged {
            let direction = size > rs.replicas ? "up" : "down"
            actions.append(.event(ControllerEvent(
                involved: d.meta.key, type: .normal, reason: "ScalingReplicaSet",
                message: "Scaled \(direction) replica set \(rs.meta.name) from \(rs.replicas) to \(size)")))
        }
        replicaSets[i].replicas = size
        replicaSets[i].meta.annotations = annotations
        return sizeChanged
    }

    // MARK: - Scaling (paused, or replicas changed mid-rollout)

    func isScalingEvent() -> Bool {
        replicaSets.contains { rs in
            guard rs.replicas > 0, let desired = rs.meta.annotations[C.desiredReplicasAnnotation].flatMap({ Int($0) })
            else { return false }
            return desired != d.replicas
        }
    }

    /// Upstream `scale`: one active ReplicaSet takes the new size; a saturated new ReplicaSet
    /// empties the old ones; otherwise the difference is spread over active ReplicaSets in
    /// proportion to their size.
    mutating func scale() {
        let active = replicaSets.indices.filter { replicaSets[$0].replicas > 0 }
        if active.count <= 1 {
            let target: Int? = active.first ?? newIndex ?? replicaSets.indices.last
            if let t = target, replicaSets[t].replicas != d.replicas { scale(t, to: d.replicas) }
            return
        }
        if let n = newRS, n.replicas == d.replicas, n.availableReplicas == d.replicas,
           n.meta.annotations[C.desiredReplicasAnnotation] == String(d.replicas)
        {
            for i in oldIndices where replicaSets[i].replicas > 0 { scale(i, to: 0) }
            return
        }
        guard case .rollingUpdate = d.strategy else { return }
        let allowed = d.replicas > 0 ? d.replicas + maxSurge : 0
        let toAdd = allowed - active.reduce(0) { $0 + replicaSets[$1].replicas }
        guard toAdd != 0 else { return }
        let ordered = active.sorted { a, b in
            let ra = replicaSets[a], rb = replicaSets[b]
            if ra.replicas != rb.replicas { return ra.replicas > rb.replicas }
            let ta = ra.meta.creationTimestamp ?? .distantPast, tb = rb.meta.creationTimestamp ?? .distantPast
            return toAdd > 0 ? ta > tb : ta < tb
        }
        var sizes: [Int: Int] = [:]
        var added = 0
        for i in ordered {
            let proportion = self.proportion(replicaSets[i], toAdd: toAdd, added: added)
            sizes[i] = replicaSets[i].replicas + proportion
            added += proportion
        }
        for (n, i) in ordered.enumerated() {
            var size = sizes[i] ?? replicaSets[i].replicas
            if n == 0 { size = max(0, size + toAdd - added) }
            scale(i, to: size)
        }
    }

    /// Upstream `getProportion`: this ReplicaSet's share of `toAdd`, bounded by what is left.
    func proportion(_ rs: ReplicaSet, toAdd: Int, added: Int) -> Int {
        guard rs.replicas > 0, toAdd != 0, toAdd != added else { return 0 }
        let fraction: Int
        if d.replicas == 0 {
            fraction = -rs.replicas
        } else {
            let annotated = rs.meta.annotations[C.maxReplicasAnnotation].flatMap { Int($0) }.flatMap { $0 == 0 ? nil : $0 }
                ?? d.status.replicas
            guard annotated > 0 else { return 0 }
            let size = (Double(rs.replicas) * Double(d.replicas + maxSurge) / Double(annotated)).rounded()
            fraction = Int(size) - rs.replicas
        }
        let allowed = toAdd - added
        return allowed > 0 ? min(fraction, allowed) : max(fraction, allowed)
    }

    // MARK: - Rollouts

    mutating func rolloutRolling() {
        guard findNewReplicaSet(create: true), newIndex != nil else { return }
        if reconcileNewReplicaSet() || reconcileOldReplicaSets() {
            syncStatus(withProgress: true)
            return
        }
        if Self.isComplete(d, d.status) { cleanUpHistory() }
        syncStatus(withProgress: true)
    }

    /// Grows the new ReplicaSet as far as `maxSurge` allows, or shrinks it to `replicas`.
    mutating func reconcileNewReplicaSet() -> Bool {
        guard let i = newIndex else { return false }
        let current = replicaSets[i].replicas
        if current == d.replicas { return false }
        if current > d.replicas { return scale(i, to: d.replicas) }
        return scale(i, to: newReplicaSetReplicas())
    }

    /// Shrinks old ReplicaSets while `replicas - maxUnavailable` pods stay available: first their
    /// unhealthy replicas, then available ones, oldest ReplicaSet first.
    mutating func reconcileOldReplicaSets() -> Bool {
        guard let n = newRS else { return false }
        let old = oldIndices
        guard old.reduce(0, { $0 + replicaSets[$1].replicas }) > 0 else { return false }
        let allPods = replicaSets.reduce(0) { $0 + $1.replicas }
        let minAvailable = d.replicas - maxUnavailable
        let newUnavailable = n.replicas - n.availableReplicas
        let maxScaledDown = allPods - minAvailable - newUnavailable
        guard maxScaledDown > 0 else { return false }

        var cleaned = 0
        for i in old {
            if cleaned >= maxScaledDown { break }
            let rs = replicaSets[i]
            if rs.replicas == 0 || rs.replicas == rs.availableReplicas { continue }
            let count = min(maxScaledDown - cleaned, rs.replicas - rs.availableReplicas)
            scale(i, to: rs.replicas - count)
            cleaned += count
        }

        let available = replicaSets.reduce(0) { $0 + $1.availableReplicas }
        var scaledDown = 0
        if available > minAvailable {
            let total = available - minAvailable
            for i in old {
                if scaledDown >= total { break }
                let rs = replicaSets[i]
                if rs.replicas == 0 { continue }
                let count = min(rs.replicas, total - scaledDown)
                scale(i, to: rs.replicas - count)
                scaledDown += count
            }
        }
        return cleaned + scaledDown > 0
    }

    mutating func rolloutRecreate() {
        var scaledDown = false
        for i in oldIndices where replicaSets[i].replicas > 0 { scaledDown = scale(i, to: 0) || scaledDown }
        if scaledDown || oldPodsRunning() {
            syncStatus(withProgress: true)
            return
        }
        guard findNewReplicaSet(create: true), let i = newIndex else { return }
        if replicaSets[i].replicas != d.replicas { scale(i, to: d.replicas) }
        if Self.isComplete(d, d.status) { cleanUpHistory() }
        syncStatus(withProgress: true)
    }

    /// Whether any pod of an old ReplicaSet may still be running (Recreate waits for none).
    func oldPodsRunning() -> Bool {
        let old = oldIndices.map { replicaSets[$0] }
        if old.reduce(0, { $0 + $1.statusReplicas }) > 0 { return true }
        let oldUIDs = Set(old.map(\.meta.uid))
        return pods.contains { pod in
            guard let ref = pod.meta.controllerRef, oldUIDs.contains(ref.uid) else { return false }
            return pod.phase != .succeeded && pod.phase != .failed
        }
    }

    /// Deletes the oldest empty old ReplicaSets beyond `revisionHistoryLimit`.
    mutating func cleanUpHistory() {
        let alive = oldIndices.map { replicaSets[$0] }.filter { !$0.meta.isBeingDeleted }
        let excess = alive.count - d.revisionHistoryLimit
        guard excess > 0 else { return }
        let byRevision = alive.sorted {
            (Self.revision($0), $0.meta.creationTimestamp ?? .distantPast) < (Self.revision($1), $1.meta.creationTimestamp ?? .distantPast)
        }
        for rs in byRevision.prefix(excess) {
            if rs.statusReplicas != 0 || rs.replicas != 0 || rs.meta.generation > rs.observedGeneration { continue }
            actions.append(.delete(rs.meta.key, propagation: .background))
        }
    }

    // MARK: - Status

    static func isComplete(_ d: Deployment, _ s: DeploymentStatus) -> Bool {
        s.updatedReplicas == d.replicas && s.replicas == d.replicas && s.availableReplicas == d.replicas
            && s.observedGeneration >= d.meta.generation
    }

    static func isProgressing(old: DeploymentStatus, new: DeploymentStatus) -> Bool {
        new.updatedReplicas > old.updatedReplicas
            || new.replicas - new.updatedReplicas < old.replicas - old.updatedReplicas
            || new.readyReplicas > old.readyReplicas || new.availableReplicas > old.availableReplicas
    }

    func isTimedOut(_ s: DeploymentStatus) -> Bool {
        guard let deadline = d.progressDeadlineSeconds, let c = s.condition("Progressing") else { return false }
        if c.reason == "NewReplicaSetAvailable" { return false }
        if c.reason == "ProgressDeadlineExceeded" { return true }
        guard let from = c.lastUpdateTime else { return false }
        return from.addingTimeInterval(TimeInterval(deadline)) < now
    }

    /// The status computed from the ReplicaSets (upstream `calculateStatus`), with the Available condition.
    func calculateStatus() -> DeploymentStatus {
        var s = DeploymentStatus()
        s.conditions = conditions.conditions
        s.observedGeneration = d.meta.generation
        s.replicas = replicaSets.reduce(0) { $0 + $1.statusReplicas }
        s.updatedReplicas = newRS?.statusReplicas ?? 0
        s.readyReplicas = replicaSets.reduce(0) { $0 + $1.readyReplicas }
        s.availableReplicas = replicaSets.reduce(0) { $0 + $1.availableReplicas }
        s.unavailableReplicas = max(0, d.replicas - s.availableReplicas)
        s.collisionCount = collisionCount
        let maxUnavailable = (try? d.maxUnavailable()) ?? 0
        if s.availableReplicas >= d.replicas - maxUnavailable {
            s.set(condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."))
        } else {
            s.set(condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."))
        }
        return s
    }

    /// Computes the status and, with `withProgress`, the Progressing condition (upstream
    /// `syncRolloutStatus`); patches it when it changed; requeues for the progress deadline.
    mutating func syncStatus(withProgress: Bool) {
        var s = calculateStatus()
        if withProgress {
            if d.progressDeadlineSeconds == nil { s.remove("Progressing") }
            let current = d.status.condition("Progressing")
            let alreadyComplete = s.replicas == s.updatedReplicas && current?.reason == "NewReplicaSetAvailable"
            if d.progressDeadlineSeconds != nil && !alreadyComplete {
                let name = newRS?.meta.name
                if Self.isComplete(d, s) {
                    let message = name.map { "ReplicaSet \"\($0)\" has successfully progressed." }
                        ?? "Deployment \"\(d.meta.name)\" has successfully progressed."
                    s.set(condition("Progressing", "True", "NewReplicaSetAvailable", message))
                } else if Self.isProgressing(old: d.status, new: s) {
                    let message = name.map { "ReplicaSet \"\($0)\" is progressing." }
                        ?? "Deployment \"\(d.meta.name)\" is progressing."
                    var c = condition("Progressing", "True", "ReplicaSetUpdated", message)
                    if let existing = s.condition("Progressing"), existing.status == "True" {
                        c.lastTransitionTime = existing.lastTransitionTime
                    }
                    s.remove("Progressing")
                    s.set(c)
                } else if isTimedOut(s) {
                    let message = name.map { "ReplicaSet \"\($0)\" has timed out progressing." }
                        ?? "Deployment \"\(d.meta.name)\" has timed out progressing."
                    s.set(condition("Progressing", "False", "ProgressDeadlineExceeded", message))
                }
            }
            if let deadline = d.progressDeadlineSeconds, let c = s.condition("Progressing"),
               !Self.isComplete(d, s), c.reason != "ProgressDeadlineExceeded", c.reason != "NewReplicaSetAvailable",
               let from = c.lastUpdateTime
            {
                let after = from.addingTimeInterval(TimeInterval(deadline)).timeIntervalSince(now)
                actions.append(.requeue(after: after < 1 ? .zero : .seconds(Int(after.rounded(.up)) + 1)))
            }
        }
        if s.json != d.status.json {
            actions.append(.patch(d.meta.key.withoutUID, ["status": s.json], status: true))
        }
    }
}
