import Foundation
import KgitAPIMachinery

/// What the Job controller reads of a `batch/v1` Job.
public struct Job: Sendable, Equatable {
    /// The Job's metadata.
    public var meta: ObjectMeta
    /// `spec.parallelism`, 1 when absent.
    public var parallelism: Int
    /// `spec.completions`; nil for a work-queue Job (done when one pod succeeds and none runs).
    public var completions: Int?
    /// `spec.backoffLimit`, 6 when absent.
    public var backoffLimit: Int
    /// `spec.activeDeadlineSeconds`.
    public var activeDeadlineSeconds: Int?
    /// `spec.suspend`.
    public var suspend: Bool
    /// `spec.selector`, or the controller-uid label the API server would default.
    public var selector: LabelSelector
    /// `spec.template`.
    public var template: JSONValue
    /// `status.startTime`.
    public var startTime: Date?
    /// `status.succeeded`.
    public var succeeded: Int
    /// `status.failed`.
    public var failed: Int
    /// `status.uncountedTerminatedPods`: UIDs of finished pods whose tracking finalizer is being removed.
    public var uncountedSucceeded: Set<String>
    /// See ``uncountedSucceeded``.
    public var uncountedFailed: Set<String>
    /// `status.conditions`, as stored.
    public var conditions: [JSONValue]
    /// `status`, as stored.
    public var status: JSONValue

    /// Decodes a Job.
    public init(_ object: JSONValue) throws(ObjectDecodingError) {
        meta = try ObjectMeta(object)
        let r = JSONReader(object, object: meta.key.description)
        parallelism = try r.int(["spec", "parallelism"]) ?? 1
        completions = try r.int(["spec", "completions"])
        backoffLimit = try r.int(["spec", "backoffLimit"]) ?? 6
        activeDeadlineSeconds = try r.int(["spec", "activeDeadlineSeconds"])
        suspend = try r.bool(["spec", "suspend"]) ?? false
        selector = r.value(["spec", "selector"]) == nil
            ? LabelSelector(requirements: [.equals(JobController.controllerUIDLabel, meta.uid)])
            : try LabelSelector.decode(r, at: ["spec", "selector"])
        template = r.value(["spec", "template"]) ?? .object([:])
        startTime = try r.time(["status", "startTime"])
        succeeded = try r.int(["status", "succeeded"]) ?? 0
        failed = try r.int(["status", "failed"]) ?? 0
        uncountedSucceeded = Set(try r.array(["status", "uncountedTerminatedPods", "succeeded"]).compactMap(\.stringValue))
        uncountedFailed = Set(try r.array(["status", "uncountedTerminatedPods", "failed"]).compactMap(\.stringValue))
        conditions = try r.array(["status", "conditions"])
        status = object["status"] ?? .object([:])
    }

    /// Whether a `Complete` or `Failed` condition is `True`.
    public var isFinished: Bool {
        conditions.contains { ($0["type"] == "Complete" || $0["type"] == "Failed") && $0["status"] == "True" }
    }
}

/// The Job controller: runs pods until `completions` succeed (or, without completions, until one
/// succeeds and none runs), at most `parallelism` at once, and fails the Job after more than
/// `backoffLimit` failed pods or past `activeDeadlineSeconds`.
///
/// Finished pods are counted exactly once, as upstream does since 1.26: pods are created with the
/// `batch.kubernetes.io/job-tracking` finalizer; a finished pod's UID is first recorded under
/// `status.uncountedTerminatedPods`, then its finalizer is removed, and once the finalizer (or the
/// pod) is gone its UID moves into the `succeeded` or `failed` counter. Each step is a separate
/// write, so a failure between them neither loses nor double-counts a pod.
public enum JobController {
    /// The `source.component` of this controller's events.
    public static let component = "job-controller"
    /// The finalizer that keeps a pod until the controller has counted it.
    public static let trackingFinalizer = "batch.kubernetes.io/job-tracking"
    /// The label carrying the Job's UID on its pods.
    public static let controllerUIDLabel = "batch.kubernetes.io/controller-uid"
    /// The label carrying the Job's name on its pods.
    public static let jobNameLabel = "batch.kubernetes.io/job-name"

    /// Decides what to do for `job` given the pods of its namespace, at `now`.
    public static func reconcile(_ job: JSONValue, pods: [JSONValue], now: Date) throws(ObjectDecodingError)
        -> [ControllerAction]
    {
        let j = try Job(job)
        var decoded: [Pod] = []
        for p in pods { decoded.append(try Pod(p)) }
        let candidates = decoded.filter { $0.meta.namespace == j.meta.namespace }
        let ownership = Ownership(owner: j.meta, selector: j.selector, candidates: candidates.map(\.meta))
        var actions = ownership.actions
        let owned = ownership.owned.map { candidates[$0] }
        let active = owned.filter(\.isActive)

        // Counting: uncounted UIDs whose finalizer is gone move into the counters; newly finished
        // pods with the finalizer join the uncounted lists.
        var succeeded = j.succeeded, failed = j.failed
        var uncountedSucceeded = j.uncountedSucceeded, uncountedFailed = j.uncountedFailed
        let byUID = Dictionary(owned.map { ($0.meta.uid, $0) }, uniquingKeysWith: { a, _ in a })
        for uid in uncountedSucceeded where byUID[uid].map({ !$0.meta.finalizers.contains(trackingFinalizer) }) ?? true {
            uncountedSucceeded.remove(uid)
            succeeded += 1
        }
        for uid in uncountedFailed where byUID[uid].map({ !$0.meta.finalizers.contains(trackingFinalizer) }) ?? true {
            uncountedFailed.remove(uid)
            failed += 1
        }
        var finalizersToRemove: [Pod] = []
        for pod in owned where pod.meta.finalizers.contains(trackingFinalizer) {
            let finished = pod.phase == .succeeded || pod.phase == .failed || pod.meta.isBeingDeleted
            guard finished else { continue }
            if j.isFinished && pod.phase != .succeeded && pod.phase != .failed {
                // Removed because the Job finished: not a failure, only the finalizer goes.
                finalizersToRemove.append(pod)
                continue
            }
            if pod.phase == .succeeded { uncountedSucceeded.insert(pod.meta.uid) } else { uncountedFailed.insert(pod.meta.uid) }
            finalizersToRemove.append(pod)
        }
        let totalSucceeded = succeeded + uncountedSucceeded.count
        let totalFailed = failed + uncountedFailed.count

        var conditions = j.conditions
        var completionTime: Date?
        var events: [ControllerAction] = []
        func addCondition(_ type: String, _ reason: String, _ message: String) {
            let time = JSONValue.string(RFC3339.format(now))
            conditions.append(["type": .string(type), "status": "True", "reason": .string(reason), "message": .string(message),
                               "lastProbeTime": time, "lastTransitionTime": time])
        }
        var podActions: [ControllerAction] = []
        func deleteAll(_ pods: [Pod]) {
            for pod in pods {
                podActions.append(.delete(pod.meta.key, propagation: .background))
                podActions.append(.event(ControllerEvent(involved: j.meta.key, type: .normal, reason: "SuccessfulDelete",
                                                         message: "Deleted pod: \(pod.meta.name)")))
            }
        }

        var requeue: Duration?
        if j.isFinished || j.meta.isBeingDeleted {
            // Nothing more to run; only counting continues.
        } else if totalFailed > j.backoffLimit {
            addCondition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit")
            events.append(.event(ControllerEvent(involved: j.meta.key, type: .warning, reason: "BackoffLimitExceeded",
                                                 message: "Job has reached the specified backoff limit")))
            deleteAll(active)
        } else if let deadline = j.activeDeadlineSeconds, let start = j.startTime,
                  start.addingTimeInterval(TimeInterval(deadline)) <= now
        {
            addCondition("Failed", "DeadlineExceeded", "Job was active longer than specified deadline")
            events.append(.event(ControllerEvent(involved: j.meta.key, type: .warning, reason: "DeadlineExceeded",
                                                 message: "Job was active longer than specified deadline")))
            deleteAll(active)
        } else if j.completions.map({ totalSucceeded >= $0 }) ?? (totalSucceeded > 0 && active.isEmpty) {
            addCondition("Complete", "", "")
            completionTime = now
            events.append(.event(ControllerEvent(involved: j.meta.key, type: .normal, reason: "Completed",
                                                 message: "Job completed")))
            deleteAll(active)
        } else if j.suspend {
            deleteAll(active)
        } else {
            let want: Int
            if let completions = j.completions {
                want = max(0, min(j.parallelism, completions - totalSucceeded))
            } else {
                want = totalSucceeded > 0 ? active.count : j.parallelism
            }
            if active.count > want {
                deleteAll(Array(PodDeletionOrder.sorted(active, related: active).prefix(active.count - want)))
            } else if active.count < want, let wait = backoff(failures: totalFailed, pods: owned, now: now) {
                // Upstream's pod failure backoff: 10s doubling per failure, at most 6 minutes, from
                // the most recent failure.
                requeue = wait
            } else if active.count < want {
                for _ in 0..<min(want - active.count, ReplicaSetController.burstReplicas) {
                    podActions.append(.create(pod(for: j), event: ControllerEvent(
                        involved: j.meta.key, type: .normal, reason: "SuccessfulCreate",
                        message: "Created pod: \(ControllerEvent.createdName)")))
                }
            }
            if let deadline = j.activeDeadlineSeconds {
                let start = j.startTime ?? now
                let left = start.addingTimeInterval(TimeInterval(deadline)).timeIntervalSince(now)
                let untilDeadline = Duration.seconds(max(1, Int(left.rounded(.up))))
                requeue = min(requeue ?? untilDeadline, untilDeadline)
            }
        }

        var status = j.status.objectValue ?? [:]
        status["active"] = .int(Int64(active.count))
        status["ready"] = .int(Int64(active.filter(\.isReady).count))
        status["succeeded"] = .int(Int64(succeeded))
        status["failed"] = .int(Int64(failed))
        status["uncountedTerminatedPods"] = [
            "succeeded": .array(uncountedSucceeded.sorted().map { .string($0) }),
            "failed": .array(uncountedFailed.sorted().map { .string($0) }),
        ]
        // Empty lists, not `{}`: a merge patch of `{}` would leave the counted UIDs in place and count them again.
        status["conditions"] = conditions.isEmpty ? nil : .array(conditions)
        if j.startTime == nil && !j.suspend && !j.isFinished { status["startTime"] = .string(RFC3339.format(now)) }
        if let completionTime { status["completionTime"] = .string(RFC3339.format(completionTime)) }
        let normalizedCurrent = normalized(j.status)
        if normalized(.object(status)) != normalizedCurrent {
            actions.append(.patch(j.meta.key, ["status": .object(status)], status: true))
        }
        // Finalizers come off only after the status recording the pods as uncounted is written.
        for pod in finalizersToRemove {
            var metadata: [String: JSONValue] = [
                "finalizers": .array(pod.meta.finalizers.filter { $0 != trackingFinalizer }.map { .string($0) }),
            ]
            if let rv = pod.meta.resourceVersion { metadata["resourceVersion"] = .string(rv) }
            actions.append(.patch(pod.meta.key, ["metadata": .object(metadata)], status: false))
        }
        actions += events + podActions
        if let requeue { actions.append(.requeue(after: requeue)) }
        return actions
    }

    /// How long to wait before replacing failed pods, or nil when no wait is due: 10 s doubled for
    /// each failure after the first, at most 360 s, counted from the latest failed pod's finish time.
    static func backoff(failures: Int, pods: [Pod], now: Date) -> Duration? {
        guard failures > 0 else { return nil }
        let finished = pods.filter { $0.phase == .failed }.compactMap { pod -> Date? in
            let times = (pod.object.value(at: ["status", "containerStatuses"])?.arrayValue ?? []).compactMap {
                $0.value(at: ["state", "terminated", "finishedAt"])?.stringValue.flatMap(RFC3339.parse)
            }
            return times.max() ?? pod.readySince ?? pod.meta.creationTimestamp
        }
        guard let last = finished.max() else { return nil }
        let delay = min(360, 10 * pow(2, Double(min(failures - 1, 10))))
        let left = last.addingTimeInterval(delay).timeIntervalSince(now)
        return left > 0 ? .seconds(Int(left.rounded(.up))) : nil
    }

    /// Status with absent counters as zero and an empty uncounted list, for comparing.
    static func normalized(_ status: JSONValue) -> JSONValue {
        var s = status.objectValue ?? [:]
        for key in ["active", "ready", "succeeded", "failed"] where s[key] == nil { s[key] = 0 }
        if s["uncountedTerminatedPods"] == nil { s["uncountedTerminatedPods"] = .object([:]) }
        if let u = s["uncountedTerminatedPods"]?.objectValue {
            var u2 = u
            for k in ["succeeded", "failed"] where u2[k]?.arrayValue?.isEmpty == true { u2[k] = nil }
            s["uncountedTerminatedPods"] = .object(u2)
        }
        return .object(s)
    }

    /// A pod for the Job: its template, the Job's labels, the tracking finalizer, controlled by the Job.
    static func pod(for j: Job) -> JSONValue {
        var pod = ReplicaSetController.podFromTemplate(j.template, owner: j.meta)
        var labels = pod.value(at: ["metadata", "labels"])?.objectValue ?? [:]
        labels[controllerUIDLabel] = .string(j.meta.uid)
        labels[jobNameLabel] = .string(j.meta.name)
        labels["controller-uid"] = .string(j.meta.uid)
        labels["job-name"] = .string(j.meta.name)
        pod.setValue(.object(labels), at: ["metadata", "labels"])
        var finalizers = pod.value(at: ["metadata", "finalizers"])?.arrayValue ?? []
        finalizers.append(.string(trackingFinalizer))
        pod.setValue(.array(finalizers), at: ["metadata", "finalizers"])
        return pod
    }
}
