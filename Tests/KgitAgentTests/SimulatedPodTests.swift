import KgitAPIMachinery
import Testing

@testable import KgitAgent

@Suite("Simulated pods: run time and the status a kubelet posts")
struct SimulatedPodTests {
    static func pod(restartPolicy: String? = nil, command: [String] = [], annotations: [String: String] = [:]) -> JSONValue {
        var spec: JSONValue = [
            "nodeName": "sim-1",
            "containers": [["name": "main", "image": "busybox", "command": .array(command.map { .string($0) })]],
        ]
        if let restartPolicy { spec["restartPolicy"] = .string(restartPolicy) }
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": "p", "namespace": "default", "uid": "u-1",
                "annotations": .object(annotations.mapValues { .string($0) }),
            ],
            "spec": spec,
        ]
    }

    @Test("the run-for annotation wins over a sleep command, which wins over the Job default")
    func runForOrder() {
        let annotated = Self.pod(restartPolicy: "Never", command: ["sleep", "30"], annotations: [SimulatedPod.runForAnnotation: "2m"])
        #expect(SimulatedPod.runFor(annotated, jobDefault: .seconds(5)) == .seconds(120))
        let sleeping = Self.pod(restartPolicy: "Never", command: ["sh", "-c", "echo hi; sleep 7"])
        #expect(SimulatedPod.runFor(sleeping, jobDefault: .seconds(5)) == .seconds(7))
        let job = Self.pod(restartPolicy: "OnFailure", command: ["perl", "-e", "print 1"])
        #expect(SimulatedPod.runFor(job, jobDefault: .seconds(5)) == .seconds(5))
    }

    @Test("a server that always restarts and does not sleep runs forever") func serverRunsForever() {
        #expect(SimulatedPod.runFor(Self.pod(command: ["nginx"]), jobDefault: .seconds(5)) == nil)
        #expect(SimulatedPod.restartPolicy(Self.pod()) == .always)
        #expect(SimulatedPod.restartPolicy(Self.pod(restartPolicy: "Never")) == .never)
    }

    @Test(
        "durations parse as Go writes them, or as seconds",
        arguments: [("90", 90_000), ("1.5", 1500), ("30s", 30_000), ("500ms", 500), ("2m", 120_000), ("1h30m", 5_400_000)])
    func durations(_ text: String, _ milliseconds: Int64) {
        #expect(SimulatedPod.parseDuration(text) == .milliseconds(milliseconds))
    }

    @Test("malformed durations are refused", arguments: ["", "s", "5x", "-3", "1h5"])
    func badDurations(_ text: String) {
        #expect(SimulatedPod.parseDuration(text) == nil)
    }

    static let placement = SimulatedPod.Placement(
        hostIP: "172.16.0.1", podIP: "10.128.0.2", startTime: "2026-11-29T20:00:00Z", since: "2026-11-29T20:00:01Z")

    static func condition(_ status: JSONValue, _ type: String) -> JSONValue? {
        status["conditions"]?.arrayValue?.first { $0["type"] == .string(type) }?["status"]
    }

    @Test("a Running pod is Ready with its IP, host IP, start time and a running, ready container")
    func running() {
        let status = SimulatedPod.status(Self.pod(), state: .running, placement: Self.placement)
        #expect(status["phase"] == "Running")
        #expect(status["podIP"] == "10.128.0.2")
        #expect(status["hostIP"] == "172.16.0.1")
        #expect(status["startTime"] == "2026-11-29T20:00:00Z")
        #expect(Self.condition(status, "Ready") == "True")
        #expect(Self.condition(status, "ContainersReady") == "True")
        #expect(Self.condition(status, "Initialized") == "True")
        let container = status["containerStatuses"]?.arrayValue?.first
        #expect(container?["ready"] == true)
        #expect(container?["started"] == true)
        #expect(container?["state"]?["running"]?["startedAt"] == "2026-11-29T20:00:01Z")
        #expect(status["qosClass"] == "BestEffort")
    }

    @Test("a pod creating its containers is Pending, not Ready, waiting with reason ContainerCreating and no IP yet")
    func creating() {
        let status = SimulatedPod.status(Self.pod(), state: .containerCreating, placement: Self.placement)
        #expect(status["phase"] == "Pending")
        #expect(status["podIP"] == nil)
        #expect(status["hostIP"] == "172.16.0.1")
        #expect(Self.condition(status, "Ready") == "False")
        #expect(status["containerStatuses"]?.arrayValue?.first?["state"]?["waiting"]?["reason"] == "ContainerCreating")
    }

    @Test("a finished pod is Succeeded with its container terminated Completed, or Failed with Error")
    func finished() {
        var placement = Self.placement
        placement.lastExitCode = 0
        let done = SimulatedPod.status(Self.pod(restartPolicy: "Never"), state: .succeeded, placement: placement)
        #expect(done["phase"] == "Succeeded")
        #expect(done["containerStatuses"]?.arrayValue?.first?["state"]?["terminated"]?["reason"] == "Completed")
        #expect(Self.condition(done, "Ready") == "False")
        placement.lastExitCode = 1
        let failed = SimulatedPod.status(Self.pod(restartPolicy: "Never"), state: .failed, placement: placement)
        #expect(failed["phase"] == "Failed")
        #expect(failed["containerStatuses"]?.arrayValue?.first?["state"]?["terminated"]?["exitCode"] == .int(1))
    }

    @Test("a crash-looping pod counts its restarts and remembers the last exit")
    func crashLoop() {
        var placement = Self.placement
        placement.restartCount = 2
        placement.lastExitCode = 1
        let status = SimulatedPod.status(Self.pod(), state: .crashLoopBackOff, placement: placement)
        let container = status["containerStatuses"]?.arrayValue?.first
        #expect(container?["restartCount"] == .int(2))
        #expect(container?["state"]?["waiting"]?["reason"] == "CrashLoopBackOff")
        #expect(container?["lastState"]?["terminated"]?["exitCode"] == .int(1))
    }

    @Test("fleet nodes get distinct pod CIDRs and internal IPs, and pod IPs come from the CIDR")
    func addressing() {
        let a = SimulatedNode.addressing(index: 0)
        let b = SimulatedNode.addressing(index: 257)
        #expect(a.podCIDR == "10.128.0.0/24")
        #expect(b.podCIDR == "10.129.1.0/24")
        #expect(a.internalIP != b.internalIP)
        #expect(SimulatedNode.podIP(in: "10.128.3.0/24", n: 0) == "10.128.3.2")
        #expect(SimulatedNode.podIP(in: "10.128.3.0/24", n: 253) == "10.128.3.2")
    }
}
