import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitControllers

@Suite("Job controller")
struct JobControllerTests {
    let now = Fixture.t0.addingTimeInterval(100)

    static func job(completions: Int? = 3, parallelism: Int = 2, backoffLimit: Int = 2, activeDeadlineSeconds: Int? = nil,
                    status: JSONValue? = nil) -> JSONValue {
        var spec: [String: JSONValue] = [
            "parallelism": .int(Int64(parallelism)), "backoffLimit": .int(Int64(backoffLimit)),
            "template": ["spec": ["restartPolicy": "Never", "containers": [["name": "work", "image": "work:1"]]]],
        ]
        if let completions { spec["completions"] = .int(Int64(completions)) }
        if let activeDeadlineSeconds { spec["activeDeadlineSeconds"] = .int(Int64(activeDeadlineSeconds)) }
        var o: JSONValue = [
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": ["name": "batch", "namespace": "shop", "uid": "job-uid", "resourceVersion": "2",
                         "creationTimestamp": Fixture.time(0)],
            "spec": .object(spec),
        ]
        if let status { o["status"] = status }
        return o
    }

    static func pod(_ name: String, phase: String, tracked: Bool = true, deleting: Bool = false) -> JSONValue {
        var p = Fixture.pod(name, labels: [JobController.controllerUIDLabel: "job-uid"],
                            owner: (kind: "Job", name: "batch", uid: "job-uid"), phase: phase,
                            ready: phase == "Running", deleting: deleting)
        if tracked { p.setValue([.string(JobController.trackingFinalizer)], at: ["metadata", "finalizers"]) }
        return p
    }

    func reconcile(_ job: JSONValue, _ pods: [JSONValue], at time: Date? = nil) throws -> [ControllerAction] {
        try JobController.reconcile(job, pods: pods, now: time ?? now)
    }

    @Test("a new Job starts parallelism pods, labelled with its UID and name and tracked by the finalizer")
    func startsParallelPods() throws {
        let actions = try reconcile(Self.job(completions: 5, parallelism: 2), [])
        #expect(actions.creates.count == 2)
        let pod = try #require(actions.creates.first)
        #expect(pod.value(at: ["metadata", "labels", JobController.controllerUIDLabel]) == "job-uid")
        #expect(pod.value(at: ["metadata", "labels", JobController.jobNameLabel]) == "batch")
        #expect(pod.value(at: ["metadata", "finalizers"]) == [.string(JobController.trackingFinalizer)])
        #expect(pod.value(at: ["spec", "restartPolicy"]) == "Never")
        #expect(actions.statusPatch(of: "batch")?.value(at: ["status", "startTime"]) == .string(RFC3339.format(now)))
    }

    @Test("no more pods run than the completions still needed", arguments: [
        (3, 2, 2, 0, 0), (3, 2, 2, 1, 0), (3, 2, 1, 2, 0), (3, 5, 3, 0, 0), (1, 2, 1, 1, 0),
    ])
    func activeBoundedByRemainingCompletions(completions: Int, parallelism: Int, wantActive: Int, succeeded: Int, failed: Int) throws {
        let status: JSONValue = ["succeeded": .int(Int64(succeeded)), "failed": .int(Int64(failed))]
        let job = Self.job(completions: completions, parallelism: parallelism, status: status)
        let actions = try reconcile(job, [])
        #expect(actions.creates.count == (succeeded >= completions ? 0 : wantActive))
    }

    @Test("a finished pod is recorded as uncounted, its finalizer removed after, and then counted once")
    func exactlyOnceCounting() throws {
        let job = Self.job(completions: 3, parallelism: 1)
        let done = Self.pod("p1", phase: "Succeeded")
        let first = try reconcile(job, [done])
        let status = try #require(first.statusPatch(of: "batch"))
        #expect(status.value(at: ["status", "uncountedTerminatedPods", "succeeded"]) == ["pod-p1"])
        #expect(status.value(at: ["status", "succeeded"]) == 0)
        let statusIndex = try #require(first.firstIndex { if case .patch(_, _, true) = $0 { return true } else { return false } })
        let finalizerIndex = try #require(first.firstIndex { if case .patch(let k, _, false) = $0 { return k.name == "p1" } else { return false } })
        #expect(statusIndex < finalizerIndex, "the status is written before the finalizer comes off")

        var recorded = job
        recorded["status"] = status["status"]
        let released = Self.pod("p1", phase: "Succeeded", tracked: false)
        let second = try reconcile(recorded, [released])
        let counted = try #require(second.statusPatch(of: "batch"))
        #expect(counted.value(at: ["status", "succeeded"]) == 1)
        // Explicit empty lists: as a merge patch, `{}` would leave the counted UID listed (and count it again).
        #expect(counted.value(at: ["status", "uncountedTerminatedPods"]) == ["succeeded": [], "failed": []])

        var settled = recorded
        settled["status"] = counted["status"]
        let third = try reconcile(settled, [released])
        #expect(third.statusPatch(of: "batch") == nil, "a counted pod is not counted again")
    }

    @Test("the Job completes when enough pods succeeded, with a Complete condition and completion time")
    func completes() throws {
        let job = Self.job(completions: 2, status: ["succeeded": 2, "startTime": Fixture.time(0)])
        let actions = try reconcile(job, [])
        let status = try #require(actions.statusPatch(of: "batch"))
        #expect(status.value(at: ["status", "conditions"])?.arrayValue?.first?["type"] == "Complete")
        #expect(status.value(at: ["status", "completionTime"]) == .string(RFC3339.format(now)))
        #expect(actions.creates.isEmpty)
        #expect(actions.events.map(\.reason) == ["Completed"])
    }

    @Test("a Job without completions is done when a pod succeeded and none runs")
    func workQueueJob() throws {
        let running = try reconcile(Self.job(completions: nil, status: ["succeeded": 1]), [Self.pod("p", phase: "Running")])
        #expect(running.creates.isEmpty, "after a success no new pod starts")
        #expect(running.statusPatch(of: "batch")?.value(at: ["status", "conditions"]) == nil)
        let idle = try reconcile(Self.job(completions: nil, status: ["succeeded": 1]), [])
        #expect(idle.statusPatch(of: "batch")?.value(at: ["status", "conditions"])?.arrayValue?.first?["type"] == "Complete")
    }

    @Test("more failed pods than backoffLimit fail the Job and stop its running pods")
    func backoffLimit() throws {
        let job = Self.job(backoffLimit: 1, status: ["failed": 1, "startTime": Fixture.time(0)])
        let actions = try reconcile(job, [Self.pod("f", phase: "Failed"), Self.pod("r", phase: "Running")])
        let condition = actions.statusPatch(of: "batch")?.value(at: ["status", "conditions"])?.arrayValue?.first
        #expect(condition?["type"] == "Failed")
        #expect(condition?["reason"] == "BackoffLimitExceeded")
        #expect(actions.deletes.map(\.0.name) == ["r"])
        #expect(actions.creates.isEmpty)
    }

    @Test("a Job running past activeDeadlineSeconds fails with DeadlineExceeded; before that it requeues for the deadline")
    func activeDeadline() throws {
        let job = Self.job(activeDeadlineSeconds: 60, status: ["startTime": Fixture.time(0)])
        let late = try reconcile(job, [Self.pod("r", phase: "Running")], at: Fixture.t0.addingTimeInterval(61))
        #expect(late.statusPatch(of: "batch")?.value(at: ["status", "conditions"])?.arrayValue?.first?["reason"] == "DeadlineExceeded")
        let early = try reconcile(job, [Self.pod("r", phase: "Running")], at: Fixture.t0.addingTimeInterval(20))
        #expect(early.requeueAfter == .seconds(40))
    }

    @Test("failed pods are replaced after a backoff of 10s doubling per failure, from the latest failure")
    func failureBackoff() throws {
        var failedPod = Self.pod("f", phase: "Failed", tracked: false)
        failedPod.setValue([["name": "work", "restartCount": 0, "state": ["terminated": ["exitCode": 1, "finishedAt": Fixture.time(90)]]]],
                           at: ["status", "containerStatuses"])
        let job = Self.job(completions: 1, parallelism: 1, backoffLimit: 6, status: ["failed": 2, "startTime": Fixture.time(0)])
        let waiting = try reconcile(job, [failedPod], at: Fixture.t0.addingTimeInterval(100))
        #expect(waiting.creates.isEmpty, "two failures: 20s from 90s, so not before 110s")
        #expect(waiting.requeueAfter == .seconds(10))
        let later = try reconcile(job, [failedPod], at: Fixture.t0.addingTimeInterval(111))
        #expect(later.creates.count == 1)
    }

    @Test("pods removed because the Job finished are not counted as failures")
    func removedAfterFinishNotFailed() throws {
        let status: JSONValue = ["succeeded": 3, "conditions": [["type": "Complete", "status": "True"]]]
        let actions = try reconcile(Self.job(status: status), [Self.pod("extra", phase: "Running", deleting: true)])
        let patched = actions.statusPatch(of: "batch")
        #expect(patched?.value(at: ["status", "uncountedTerminatedPods", "failed"]) == nil)
        #expect((patched?.value(at: ["status", "failed"]) ?? 0) == 0)
        #expect(actions.patches.contains { $0.0.name == "extra" }, "its finalizer still comes off")
    }
}

@Suite("Cron schedules")
struct CronScheduleTests {
    static func at(_ text: String) -> Date { RFC3339.parse(text) ?? Date(timeIntervalSince1970: 0) }

    @Test("the next run is the first matching minute strictly after now", arguments: [
        ("*/15 * * * *", "2026-11-29T10:07:30Z", "2026-11-29T10:15:00Z"),
        ("*/15 * * * *", "2026-11-29T10:15:00Z", "2026-11-29T10:30:00Z"),
        ("0 9 * * 1-5", "2026-11-28T12:00:00Z", "2026-11-30T09:00:00Z"),
        ("30 2 1 * *", "2026-11-29T00:00:00Z", "2026-12-01T02:30:00Z"),
        ("0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
        ("@hourly", "2026-11-29T10:59:59Z", "2026-11-29T11:00:00Z"),
        ("@daily", "2026-11-29T10:00:00Z", "2026-11-30T00:00:00Z"),
        ("@weekly", "2026-11-29T10:00:00Z", "2026-12-06T00:00:00Z"),
        ("@monthly", "2026-11-29T10:00:00Z", "2026-12-01T00:00:00Z"),
        ("@yearly", "2026-11-29T10:00:00Z", "2027-01-01T00:00:00Z"),
        ("0 12 * JAN,JUL SUN", "2026-11-29T13:00:00Z", "2027-01-03T12:00:00Z"),
        ("0 0 * * 7", "2026-11-29T10:00:00Z", "2026-12-06T00:00:00Z"),
        ("0 0 13 * 5", "2026-11-01T00:00:00Z", "2026-11-06T00:00:00Z"),
        ("5-10/5 8 * * *", "2026-11-29T08:06:00Z", "2026-11-29T08:10:00Z"),
    ])
    func next(_ schedule: String, _ now: String, _ want: String) throws {
        let s = try CronSchedule(parsing: schedule)
        #expect(s.next(after: Self.at(now)).map(RFC3339.format) == want)
    }

    @Test("a time zone moves the wall clock the schedule reads")
    func timeZone() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Tokyo"))
        let s = try CronSchedule(parsing: "0 9 * * *")
        #expect(s.next(after: Self.at("2026-11-29T01:00:00Z"), in: zone).map(RFC3339.format) == "2026-11-30T00:00:00Z")
    }

    @Test("a schedule that never fires has no next time")
    func never() throws {
        #expect(try CronSchedule(parsing: "0 0 30 2 *").next(after: Self.at("2026-01-01T00:00:00Z")) == nil)
    }

    @Test("malformed schedules are errors that say what is wrong", arguments: [
        ("* * * *", "expected exactly 5 fields, found 4"),
        ("60 * * * *", "minute \"60\" is outside 0-59"),
        ("* * * * MOO", "invalid day of week \"MOO\""),
        ("*/0 * * * *", "invalid step in minute \"*/0\""),
        ("@fortnightly", "unrecognized descriptor @fortnightly"),
    ])
    func malformed(_ schedule: String, _ reason: String) {
        #expect(throws: CronSchedule.ParseError(schedule: schedule, reason: reason)) { try CronSchedule(parsing: schedule) }
    }
}

@Suite("CronJob controller")
struct CronJobControllerTests {
    static func cronJob(schedule: String = "*/5 * * * *", policy: String = "Allow", startingDeadlineSeconds: Int? = nil,
                        suspend: Bool = false, lastScheduleTime: String? = nil, successfulLimit: Int = 3,
                        failedLimit: Int = 1) -> JSONValue {
        var spec: [String: JSONValue] = [
            "schedule": .string(schedule), "concurrencyPolicy": .string(policy), "suspend": .bool(suspend),
            "successfulJobsHistoryLimit": .int(Int64(successfulLimit)), "failedJobsHistoryLimit": .int(Int64(failedLimit)),
            "jobTemplate": ["metadata": ["labels": ["app": "report"]],
                            "spec": ["template": ["spec": ["containers": [["name": "r", "image": "r:1"]]]]]],
        ]
        if let startingDeadlineSeconds { spec["startingDeadlineSeconds"] = .int(Int64(startingDeadlineSeconds)) }
        var o: JSONValue = [
            "apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": ["name": "report", "namespace": "shop", "uid": "cj-uid", "creationTimestamp": "2026-11-29T10:00:00Z"],
            "spec": .object(spec),
        ]
        if let lastScheduleTime { o["status"] = ["lastScheduleTime": .string(lastScheduleTime)] }
        return o
    }

    static func job(_ name: String, finished: String? = nil, start: String = "2026-11-29T10:00:00Z") -> JSONValue {
        var status: [String: JSONValue] = ["startTime": .string(start)]
        if let finished {
            status["conditions"] = [["type": .string(finished), "status": "True"]]
            if finished == "Complete" { status["completionTime"] = .string(start) }
        }
        return [
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": ["name": .string(name), "namespace": "shop", "uid": .string("uid-\(name)"),
                         "ownerReferences": [["apiVersion": "batch/v1", "kind": "CronJob", "name": "report", "uid": "cj-uid",
                                              "controller": true]]],
            "status": .object(status),
        ]
    }

    let now = CronScheduleTests.at("2026-11-29T10:12:00Z")

    @Test("the most recent missed time gets a Job named by its minute, annotated with the time, and the next run is requeued")
    func createsJobForLatestSchedule() throws {
        let actions = try CronJobController.reconcile(Self.cronJob(), jobs: [], now: now)
        let job = try #require(actions.creates.first)
        let scheduled = CronScheduleTests.at("2026-11-29T10:10:00Z")
        #expect(job.name == "report-\(Int(scheduled.timeIntervalSince1970) / 60)")
        #expect(job.value(at: ["metadata", "annotations", CronJobController.scheduledTimestampAnnotation]) == "2026-11-29T10:10:00Z")
        #expect(job.value(at: ["metadata", "labels"]) == ["app": "report"])
        #expect(try ObjectMeta(job).controllerRef?.uid == "cj-uid")
        #expect(actions.statusPatch(of: "report")?.value(at: ["status", "lastScheduleTime"]) == "2026-11-29T10:10:00Z")
        #expect(actions.requeueAfter == .milliseconds(180_100), "10:15 plus upstream's 100ms margin")
    }

    @Test("a run already started is not started again")
    func idempotent() throws {
        let scheduled = Int(CronScheduleTests.at("2026-11-29T10:10:00Z").timeIntervalSince1970) / 60
        let actions = try CronJobController.reconcile(Self.cronJob(lastScheduleTime: "2026-11-29T10:10:00Z"),
                                                      jobs: [Self.job("report-\(scheduled)")], now: now)
        #expect(actions.creates.isEmpty)
    }

    @Test("Forbid skips a run while a Job is active; Replace deletes the active Job and starts the new one")
    func concurrencyPolicies() throws {
        let active = Self.job("report-old")
        let forbid = try CronJobController.reconcile(Self.cronJob(policy: "Forbid", lastScheduleTime: "2026-11-29T10:05:00Z"),
                                                     jobs: [active], now: now)
        #expect(forbid.creates.isEmpty)
        #expect(forbid.events.map(\.reason) == ["JobAlreadyActive"])
        let replace = try CronJobController.reconcile(Self.cronJob(policy: "Replace", lastScheduleTime: "2026-11-29T10:05:00Z"),
                                                      jobs: [active], now: now)
        #expect(replace.deletes.map(\.0.name) == ["report-old"])
        #expect(replace.creates.count == 1)
        let allow = try CronJobController.reconcile(Self.cronJob(lastScheduleTime: "2026-11-29T10:05:00Z"), jobs: [active], now: now)
        #expect(allow.creates.count == 1)
        #expect(allow.statusPatch(of: "report")?.value(at: ["status", "active"])?.arrayValue?.count == 2)
    }

    @Test("a run later than startingDeadlineSeconds is missed, with a MissSchedule warning")
    func startingDeadline() throws {
        let late = try CronJobController.reconcile(Self.cronJob(startingDeadlineSeconds: 60, lastScheduleTime: "2026-11-29T10:05:00Z"),
                                                   jobs: [], now: now)
        #expect(late.creates.isEmpty, "10:10 is 120s ago, past the 60s deadline")
        let inTime = try CronJobController.reconcile(Self.cronJob(startingDeadlineSeconds: 300, lastScheduleTime: "2026-11-29T10:05:00Z"),
                                                     jobs: [], now: now)
        #expect(inTime.creates.count == 1)
    }

    @Test("more than 100 missed times are reported, and only the latest one runs")
    func tooManyMissed() throws {
        let actions = try CronJobController.reconcile(Self.cronJob(schedule: "* * * * *", lastScheduleTime: "2026-11-29T07:00:00Z"),
                                                      jobs: [], now: now)
        #expect(actions.events.contains { $0.reason == "TooManyMissedTimes" })
        #expect(actions.creates.count == 1)
    }

    @Test("a suspended CronJob starts nothing; an unparseable schedule is a warning event")
    func suspendedAndUnparseable() throws {
        #expect(try CronJobController.reconcile(Self.cronJob(suspend: true), jobs: [], now: now).creates.isEmpty)
        let bad = try CronJobController.reconcile(Self.cronJob(schedule: "every tuesday"), jobs: [], now: now)
        #expect(bad.creates.isEmpty)
        #expect(bad.events.map(\.reason) == ["UnparseableSchedule"])
    }

    @Test("finished Jobs beyond the history limits are deleted, oldest first")
    func historyLimits() throws {
        let jobs = (0..<5).map { Self.job("ok-\($0)", finished: "Complete", start: "2026-11-29T0\($0):00:00Z") }
            + (0..<3).map { Self.job("bad-\($0)", finished: "Failed", start: "2026-11-29T0\($0):30:00Z") }
        let actions = try CronJobController.reconcile(Self.cronJob(suspend: true, successfulLimit: 2, failedLimit: 1), jobs: jobs, now: now)
        #expect(Set(actions.deletes.map(\.0.name)) == ["ok-0", "ok-1", "ok-2", "bad-0", "bad-1"])
    }
}
