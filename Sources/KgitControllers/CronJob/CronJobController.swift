import Foundation
import KgitAPIMachinery

/// What the CronJob controller reads of a `batch/v1` CronJob.
public struct CronJob: Sendable, Equatable {
    /// `spec.concurrencyPolicy`.
    public enum ConcurrencyPolicy: String, Sendable {
        /// Jobs may run concurrently.
        case allow = "Allow"
        /// A run is skipped while the previous Job is still active.
        case forbid = "Forbid"
        /// Active Jobs are deleted to make room for the new run.
        case replace = "Replace"
    }

    /// The CronJob's metadata.
    public var meta: ObjectMeta
    /// `spec.schedule`, as written.
    public var schedule: String
    /// `spec.timeZone`, UTC when absent.
    public var timeZone: String?
    /// `spec.concurrencyPolicy`.
    public var concurrencyPolicy: ConcurrencyPolicy
    /// `spec.suspend`.
    public var suspend: Bool
    /// `spec.startingDeadlineSeconds`.
    public var startingDeadlineSeconds: Int?
    /// `spec.successfulJobsHistoryLimit`, 3 when absent.
    public var successfulJobsHistoryLimit: Int
    /// `spec.failedJobsHistoryLimit`, 1 when absent.
    public var failedJobsHistoryLimit: Int
    /// `spec.jobTemplate`.
    public var jobTemplate: JSONValue
    /// `status.lastScheduleTime`.
    public var lastScheduleTime: Date?
    /// `status`, as stored.
    public var status: JSONValue

    /// Decodes a CronJob.
    public init(_ object: JSONValue) throws(ObjectDecodingError) {
        meta = try ObjectMeta(object)
        let r = JSONReader(object, object: meta.key.description)
        guard let schedule = try r.string(["spec", "schedule"]) else {
            throw r.fail(["spec", "schedule"], "a CronJob needs a schedule")
        }
        self.schedule = schedule
        timeZone = try r.string(["spec", "timeZone"])
        let policy = try r.string(["spec", "concurrencyPolicy"]) ?? "Allow"
        guard let p = ConcurrencyPolicy(rawValue: policy) else {
            throw r.fail(["spec", "concurrencyPolicy"], "unsupported value \"\(policy)\": expected Allow, Forbid or Replace")
        }
        concurrencyPolicy = p
        suspend = try r.bool(["spec", "suspend"]) ?? false
        startingDeadlineSeconds = try r.int(["spec", "startingDeadlineSeconds"])
        successfulJobsHistoryLimit = try r.int(["spec", "successfulJobsHistoryLimit"]) ?? 3
        failedJobsHistoryLimit = try r.int(["spec", "failedJobsHistoryLimit"]) ?? 1
        jobTemplate = r.value(["spec", "jobTemplate"]) ?? .object([:])
        lastScheduleTime = try r.time(["status", "lastScheduleTime"])
        status = object["status"] ?? .object([:])
    }
}

/// The CronJob controller: creates a Job for the most recent scheduled time it has not run yet,
/// following `concurrencyPolicy` and `startingDeadlineSeconds`, keeps `status.active` and
/// `lastScheduleTime`, deletes finished Jobs beyond the history limits, and requeues itself for the
/// next scheduled time.
///
/// Jobs are named `<cronjob>-<scheduled time in minutes since the epoch>` as upstream, so a run is
/// created at most once however often the controller reconciles.
public enum CronJobController {
    /// The `source.component` of this controller's events.
    public static let component = "cronjob-controller"
    /// The annotation on each Job recording the time it was scheduled for.
    public static let scheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp"
    /// More missed start times than this are reported as a warning (upstream's limit).
    public static let tooManyMissed = 100

    /// Decides what to do for `cronJob` given the Jobs of its namespace, at `now`.
    public static func reconcile(_ cronJob: JSONValue, jobs: [JSONValue], now: Date) throws(ObjectDecodingError)
        -> [ControllerAction]
    {
        let cj = try CronJob(cronJob)
        guard !cj.meta.isBeingDeleted else { return [] }
        var owned: [Job] = []
        for o in jobs {
            let j = try Job(o)
            if j.meta.namespace == cj.meta.namespace && j.meta.controllerRef?.uid == cj.meta.uid { owned.append(j) }
        }
        let activeJobs = owned.filter { !$0.isFinished && !$0.meta.isBeingDeleted }
        var actions: [ControllerAction] = []
        var activeRefs = activeJobs.map(ref)
        var lastScheduleTime = cj.lastScheduleTime

        actions += cleanUpHistory(cj, owned)
        let successfulTimes = owned.filter { j in j.conditions.contains { $0["type"] == "Complete" && $0["status"] == "True" } }
            .compactMap { $0.status["completionTime"]?.stringValue.flatMap(RFC3339.parse) }

        func finish(_ requeue: Duration?) -> [ControllerAction] {
            var status = cj.status.objectValue ?? [:]
            status["active"] = activeRefs.isEmpty ? nil : .array(activeRefs)
            if let t = lastScheduleTime { status["lastScheduleTime"] = .string(RFC3339.format(t)) }
            if let t = successfulTimes.max() { status["lastSuccessfulTime"] = .string(RFC3339.format(t)) }
            var out = actions
            if JSONValue.object(status) != cj.status {
                out.append(.patch(cj.meta.key, ["status": .object(status).withNullsFor(cj.status)], status: true))
            }
            if let requeue { out.append(.requeue(after: requeue)) }
            return out
        }

        let schedule: CronSchedule
        do {
            schedule = try CronSchedule(parsing: cj.schedule)
        } catch {
            actions.append(.event(ControllerEvent(involved: cj.meta.key, type: .warning, reason: "UnparseableSchedule",
                                                  message: error.description)))
            return finish(nil)
        }
        guard let zone = TimeZone(identifier: cj.timeZone ?? "UTC") else {
            actions.append(.event(ControllerEvent(involved: cj.meta.key, type: .warning, reason: "UnknownTimeZone",
                                                  message: "invalid timeZone: \"\(cj.timeZone ?? "")\"")))
            return finish(nil)
        }
        let untilNext = schedule.next(after: now, in: zone).map { next -> Duration in
            .milliseconds(Int64((next.timeIntervalSince(now) * 1000).rounded(.up)) + 100)
        }
        if cj.suspend { return finish(nil) }

        // The most recent scheduled time not yet run, no earlier than the starting deadline allows.
        var earliest = cj.lastScheduleTime ?? cj.meta.creationTimestamp ?? now
        if let deadline = cj.startingDeadlineSeconds {
            earliest = max(earliest, now.addingTimeInterval(-TimeInterval(deadline)))
        }
        var scheduled: Date?
        var missed = 0
        var cursor = earliest
        while let t = schedule.next(after: cursor, in: zone), t <= now {
            scheduled = t
            missed += 1
            cursor = t
            if missed > 100_000 { break }
        }
        if missed > tooManyMissed {
            actions.append(.event(ControllerEvent(
                involved: cj.meta.key, type: .warning, reason: "TooManyMissedTimes",
                message: "too many missed start times: \(missed). Set or decrease .spec.startingDeadlineSeconds or check clock skew")))
        }
        guard let scheduledTime = scheduled else { return finish(untilNext) }
        if let deadline = cj.startingDeadlineSeconds, scheduledTime.addingTimeInterval(TimeInterval(deadline)) < now {
            actions.append(.event(ControllerEvent(involved: cj.meta.key, type: .warning, reason: "MissSchedule",
                                                  message: "Missed scheduled time to start a job: \(RFC3339.format(scheduledTime))")))
            return finish(untilNext)
        }
        let jobName = "\(cj.meta.name)-\(Int64(scheduledTime.timeIntervalSince1970) / 60)"
        if owned.contains(where: { $0.meta.name == jobName }) {
            lastScheduleTime = max(lastScheduleTime ?? scheduledTime, scheduledTime)
            return finish(untilNext)
        }
        switch cj.concurrencyPolicy {
        case .forbid where !activeJobs.isEmpty:
            actions.append(.event(ControllerEvent(
                involved: cj.meta.key, type: .normal, reason: "JobAlreadyActive",
                message: "Not starting job because prior execution is running and concurrency policy is Forbid")))
            return finish(untilNext)
        case .replace:
            for j in activeJobs {
                actions.append(.delete(j.meta.key, propagation: .background))
                actions.append(.event(ControllerEvent(involved: cj.meta.key, type: .normal, reason: "SuccessfulDelete",
                                                      message: "Deleted job \(j.meta.name)")))
            }
            activeRefs = []
        default: break
        }

        var metadata: [String: JSONValue] = [
            "name": .string(jobName), "namespace": .string(cj.meta.namespace),
            "ownerReferences": [OwnerReference(apiVersion: "batch/v1", kind: "CronJob", name: cj.meta.name, uid: cj.meta.uid,
                                               controller: true, blockOwnerDeletion: true).json],
        ]
        if let labels = cj.jobTemplate.value(at: ["metadata", "labels"]), !labels.isNull { metadata["labels"] = labels }
        var annotations = cj.jobTemplate.value(at: ["metadata", "annotations"])?.objectValue ?? [:]
        annotations[scheduledTimestampAnnotation] = .string(RFC3339.format(scheduledTime))
        metadata["annotations"] = .object(annotations)
        actions.append(.create(
            ["apiVersion": "batch/v1", "kind": "Job", "metadata": .object(metadata),
             "spec": cj.jobTemplate["spec"] ?? .object([:])],
            event: ControllerEvent(involved: cj.meta.key, type: .normal, reason: "SuccessfulCreate",
                                   message: "Created job \(jobName)")))
        activeRefs.append(["apiVersion": "batch/v1", "kind": "Job", "namespace": .string(cj.meta.namespace),
                           "name": .string(jobName)])
        lastScheduleTime = scheduledTime
        return finish(untilNext)
    }

    static func ref(_ j: Job) -> JSONValue {
        ["apiVersion": "batch/v1", "kind": "Job", "namespace": .string(j.meta.namespace), "name": .string(j.meta.name),
         "uid": .string(j.meta.uid)]
    }

    /// Deletes the oldest finished Jobs beyond the successful and failed history limits.
    static func cleanUpHistory(_ cj: CronJob, _ owned: [Job]) -> [ControllerAction] {
        func finished(_ type: String) -> [Job] {
            owned.filter { j in j.conditions.contains { $0["type"] == .string(type) && $0["status"] == "True" } && !j.meta.isBeingDeleted }
                .sorted { ($0.startTime ?? $0.meta.creationTimestamp ?? .distantPast, $0.meta.name)
                    < ($1.startTime ?? $1.meta.creationTimestamp ?? .distantPast, $1.meta.name) }
        }
        var actions: [ControllerAction] = []
        for (jobs, limit) in [(finished("Complete"), cj.successfulJobsHistoryLimit), (finished("Failed"), cj.failedJobsHistoryLimit)]
        where jobs.count > limit {
            for j in jobs.prefix(jobs.count - limit) {
                actions.append(.delete(j.meta.key, propagation: .background))
                actions.append(.event(ControllerEvent(involved: cj.meta.key, type: .normal, reason: "SuccessfulDelete",
                                                      message: "Deleted job \(j.meta.name)")))
            }
        }
        return actions
    }
}

extension JSONValue {
    /// This object, with `null` for every member of `previous` it no longer has, so that a merge
    /// patch removes them.
    func withNullsFor(_ previous: JSONValue) -> JSONValue {
        guard var members = objectValue, let old = previous.objectValue else { return self }
        for key in old.keys where members[key] == nil { members[key] = .null }
        return .object(members)
    }
}
