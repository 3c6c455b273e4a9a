import KgitAPIMachinery

/// What a simulated node makes of a pod bound to it: how long its workload runs, its restart policy, and the
/// `status` a kubelet would post in each ``PodLifecycle`` state (phase, conditions, container statuses, IPs).
///
/// Pure: times come in as RFC 3339 strings made by the caller from its clock.
public enum SimulatedPod {
    /// The annotation that says how long a pod's containers run before they exit with 0: `30s`, `2m`, `1h30m`,
    /// `500ms` or a number of seconds. It wins over a `sleep N` in the containers' command.
    public static let runForAnnotation = "kgit.dev/simulate-run-for"

    /// How long the pod's workload runs: the ``runForAnnotation``, else the longest `sleep N` in a container's
    /// command and args (`["sh", "-c", "sleep 5"]`), else `jobDefault` for a pod that does not always restart
    /// (a Job's), else nil (it serves forever).
    public static func runFor(_ pod: JSONValue, jobDefault: Duration?) -> Duration? {
        if let text = pod["metadata"]?["annotations"]?[runForAnnotation]?.stringValue,
            let duration = parseDuration(text)
        {
            return duration
        }
        var longest: Duration?
        for container in pod["spec"]?["containers"]?.arrayValue ?? [] {
            let words = ((container["command"]?.arrayValue ?? []) + (container["args"]?.arrayValue ?? []))
                .compactMap(\.stringValue)
                .flatMap { $0.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "&" || $0 == "\n" }) }
                .map(String.init)
            for (i, word) in words.enumerated() where word == "sleep" || word.hasSuffix("/sleep") {
                guard i + 1 < words.count, let d = parseDuration(words[i + 1]) else { continue }
                longest = max(longest ?? d, d)
            }
        }
        if let longest { return longest }
        return restartPolicy(pod) == .always ? nil : jobDefault
    }

    /// The pod's `spec.restartPolicy` (Always when unset or unknown).
    public static func restartPolicy(_ pod: JSONValue) -> PodLifecycle.RestartPolicy {
        pod["spec"]?["restartPolicy"]?.stringValue.flatMap(PodLifecycle.RestartPolicy.init(rawValue:)) ?? .always
    }

    /// Parses `90`, `1.5`, `30s`, `500ms`, `2m`, `1h30m` into a duration; nil when malformed or negative.
    public static func parseDuration(_ text: String) -> Duration? {
        if let seconds = Double(text) { return seconds >= 0 ? .milliseconds(Int64(seconds * 1000)) : nil }
        var total: Double = 0
        var number = ""
        var rest = Substring(text)
        var sawUnit = false
        while let c = rest.first {
            if c.isNumber || c == "." {
                number.append(c)
                rest = rest.dropFirst()
                continue
            }
            guard let value = Double(number) else { return nil }
            let unit: Double
            if rest.hasPrefix("ms") { unit = 0.001; rest = rest.dropFirst(2) }
            else if c == "s" { unit = 1; rest = rest.dropFirst() }
            else if c == "m" { unit = 60; rest = rest.dropFirst() }
            else if c == "h" { unit = 3600; rest = rest.dropFirst() }
            else { return nil }
            total += value * unit
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit else { return nil }
        return .milliseconds(Int64(total * 1000))
    }

    /// Where a pod runs and when things happened, for ``status(_:state:placement:)``.
    public struct Placement: Sendable, Equatable {
        /// The node's IP (`status.hostIP`).
        public var hostIP: String?
        /// The pod's IP, shown once its sandbox is up (Running and after).
        public var podIP: String?
        /// When the node accepted the pod (`status.startTime`).
        public var startTime: String
        /// When the current state began (container `startedAt`, `finishedAt`, condition transitions).
        public var since: String
        /// How often the containers restarted.
        public var restartCount: Int
        /// The exit code of the containers' last exit, if any.
        public var lastExitCode: Int?

        /// Creates a placement.
        public init(hostIP: String?, podIP: String?, startTime: String, since: String, restartCount: Int = 0,
                    lastExitCode: Int? = nil) {
            self.hostIP = hostIP
            self.podIP = podIP
            self.startTime = startTime
            self.since = since
            self.restartCount = restartCount
            self.lastExitCode = lastExitCode
        }
    }

    /// The pod's `status` in `state`, as a kubelet posts it.
    public static func status(_ pod: JSONValue, state: PodLifecycle.State, placement p: Placement) -> JSONValue {
        let running = state == .running
        let sandbox = state != .pending && state != .containerCreating
        func condition(_ type: String, _ ok: Bool, reason: String? = nil) -> JSONValue {
            var c: [String: JSONValue] = [
                "type": .string(type), "status": ok ? "True" : "False", "lastTransitionTime": .string(p.since),
                "lastProbeTime": .null,
            ]
            if let reason, !ok { c["reason"] = .string(reason) }
            return .object(c)
        }
        let notReadyReason = state.isFinal ? "PodCompleted" : "ContainersNotReady"
        let containerState: JSONValue
        var lastState: JSONValue = [:]
        switch state {
        case .pending, .containerCreating:
            containerState = ["waiting": ["reason": "ContainerCreating"]]
        case .running:
            containerState = ["running": ["startedAt": .string(p.since)]]
            if p.restartCount > 0, let code = p.lastExitCode { lastState = terminated(code, at: p.since) }
        case .crashLoopBackOff:
            containerState = ["waiting": ["reason": "CrashLoopBackOff", "message": "back-off restarting failed container"]]
            if let code = p.lastExitCode { lastState = terminated(code, at: p.since) }
        case .succeeded, .failed:
            containerState = terminated(p.lastExitCode ?? (state == .succeeded ? 0 : 1), at: p.since)
        }
        let uid = pod["metadata"]?["uid"]?.stringValue ?? ""
        let containers: [JSONValue] = (pod["spec"]?["containers"]?.arrayValue ?? []).map { c in
            let name = c["name"]?.stringValue ?? ""
            let image = c["image"]?.stringValue ?? ""
            var s: [String: JSONValue] = [
                "name": .string(name), "image": .string(image), "imageID": .string("kgit-simulated://\(image)"),
                "ready": .bool(running), "started": .bool(running), "restartCount": .int(Int64(p.restartCount)),
                "state": containerState, "lastState": lastState,
            ]
            if sandbox { s["containerID"] = .string("kgit-simulated://\(uid)/\(name)") }
            return .object(s)
        }
        var status: [String: JSONValue] = [
            "phase": .string(state.phase),
            "conditions": [
                condition("PodReadyToStartContainers", sandbox),
                condition("Initialized", state != .pending, reason: "ContainersNotInitialized"),
                condition("Ready", running, reason: notReadyReason),
                condition("ContainersReady", running, reason: notReadyReason),
                condition("PodScheduled", true),
            ],
            "containerStatuses": .array(containers),
            "startTime": .string(p.startTime),
            "qosClass": .string(qosClass(pod)),
        ]
        let inits = pod["spec"]?["initContainers"]?.arrayValue ?? []
        if !inits.isEmpty {
            status["initContainerStatuses"] = .array(inits.map { c in
                let image = c["image"]?.stringValue ?? ""
                return [
                    "name": .string(c["name"]?.stringValue ?? ""), "image": .string(image),
                    "imageID": .string("kgit-simulated://\(image)"), "ready": .bool(sandbox),
                    "restartCount": 0,
                    "state": sandbox ? terminated(0, at: p.since) : ["waiting": ["reason": "PodInitializing"]],
                ]
            })
        }
        if let host = p.hostIP {
            status["hostIP"] = .string(host)
            status["hostIPs"] = [["ip": .string(host)]]
        }
        if sandbox, let ip = p.podIP {
            status["podIP"] = .string(ip)
            status["podIPs"] = [["ip": .string(ip)]]
        }
        return .object(status)
    }

    private static func terminated(_ code: Int, at time: String) -> JSONValue {
        [
            "terminated": [
                "exitCode": .int(Int64(code)), "reason": code == 0 ? "Completed" : "Error",
                "startedAt": .string(time), "finishedAt": .string(time),
            ],
        ]
    }

    /// `BestEffort` without requests or limits, `Guaranteed` when every container's limits equal its
    /// requests for cpu and memory, `Burstable` otherwise.
    static func qosClass(_ pod: JSONValue) -> String {
        let containers = pod["spec"]?["containers"]?.arrayValue ?? []
        var any = false
        var guaranteed = !containers.isEmpty
        for c in containers {
            let requests = c["resources"]?["requests"]?.objectValue ?? [:]
            let limits = c["resources"]?["limits"]?.objectValue ?? [:]
            if !requests.isEmpty || !limits.isEmpty { any = true }
            for r in ["cpu", "memory"] {
                guard let limit = limits[r] else { guaranteed = false; continue }
                if let request = requests[r], request != limit { guaranteed = false }
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable"
    }
}
