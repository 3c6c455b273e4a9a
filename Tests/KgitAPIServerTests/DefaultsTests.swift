import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("Defaults")
struct DefaultsTests {
    static func container(requests: JSONValue? = nil, limits: JSONValue? = nil) -> JSONValue {
        var resources: JSONValue = [:]
        if let requests { resources["requests"] = requests }
        if let limits { resources["limits"] = limits }
        return ["name": "c", "image": "nginx", "resources": resources]
    }

    @Test("a pod's QoS class follows its containers' requests and limits", arguments: [
        (container(), "BestEffort"),
        (container(requests: ["cpu": "100m"]), "Burstable"),
        (container(limits: ["cpu": "1", "memory": "1Gi"]), "Guaranteed"),
        (container(requests: ["cpu": "1", "memory": "1Gi"], limits: ["cpu": "1", "memory": "1Gi"]), "Guaranteed"),
        (container(requests: ["cpu": "500m", "memory": "1Gi"], limits: ["cpu": "1", "memory": "1Gi"]), "Burstable"),
        (container(limits: ["cpu": "1"]), "Burstable"),
    ])
    func qosClass(container: JSONValue, expected: String) {
        #expect(Defaults.qosClass(["containers": [container]]) == expected)
    }

    static func info(_ group: String, _ resource: String) throws -> ResourceInfo {
        try #require(ResourceCatalog.builtIn.resources.first { $0.resource == resource && $0.group == group })
    }

    @Test("a Job gets upstream's defaults: one completion, parallelism 1, backoffLimit 6, not suspended")
    func job() throws {
        var job: JSONValue = ["kind": "Job", "spec": ["template": ["spec": ["containers": [["name": "c", "image": "x"]]]]]]
        Defaults.apply(to: &job, info: try Self.info("batch", "jobs"))
        #expect(job["spec"]?["completions"] == 1 && job["spec"]?["parallelism"] == 1 && job["spec"]?["backoffLimit"] == 6)
        #expect(job["spec"]?["completionMode"] == "NonIndexed" && job["spec"]?["suspend"] == false)
        var queue: JSONValue = ["kind": "Job", "spec": ["parallelism": 3]]
        Defaults.apply(to: &queue, info: try Self.info("batch", "jobs"))
        #expect(queue["spec"]?["completions"] == nil && queue["spec"]?["parallelism"] == 3)
    }

    @Test("a CronJob gets upstream's defaults (suspend false, Allow, history limits 3 and 1) and its job template a Job's")
    func cronJob() throws {
        var cronJob: JSONValue = ["kind": "CronJob", "spec": ["schedule": "* * * * *", "jobTemplate": ["spec": ["template": [:]]]]]
        Defaults.apply(to: &cronJob, info: try Self.info("batch", "cronjobs"))
        #expect(cronJob["spec"]?["suspend"] == false && cronJob["spec"]?["concurrencyPolicy"] == "Allow")
        #expect(cronJob["spec"]?["successfulJobsHistoryLimit"] == 3 && cronJob["spec"]?["failedJobsHistoryLimit"] == 1)
        #expect(cronJob.value(at: ["spec", "jobTemplate", "spec", "completions"]) == 1)
        var again = cronJob
        Defaults.apply(to: &again, info: try Self.info("batch", "cronjobs"))
        #expect(again == cronJob)
    }
}
