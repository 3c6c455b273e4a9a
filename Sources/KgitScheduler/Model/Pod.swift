import Foundation
import KgitAPIMachinery

/// What the scheduler knows of a pod: identity, labels, placement rules, priority and resource requests.
/// Decoded from a Kubernetes Pod object; the requests are computed once, as upstream does.
public struct Pod: Sendable, Equatable {
    /// Whether the pod may preempt lower-priority pods.
    public enum PreemptionPolicy: String, Sendable, Equatable {
        case preemptLowerPriority = "PreemptLowerPriority"
        case never = "Never"
    }

    /// `metadata.namespace`.
    public var namespace: String
    /// `metadata.name`.
    public var name: String
    /// `metadata.uid` (may be empty).
    public var uid: String
    /// `metadata.labels`.
    public var labels: [String: String]
    /// `spec.nodeName`: set when the pod is bound (or was created bound).
    public var nodeName: String?
    /// `spec.schedulerName`.
    public var schedulerName: String
    /// `spec.nodeSelector`.
    public var nodeSelector: [String: String]
    /// `spec.affinity.nodeAffinity`.
    public var nodeAffinity: NodeAffinityRules?
    /// `spec.affinity.podAffinity`.
    public var podAffinity: PodAffinityRules
    /// `spec.affinity.podAntiAffinity`.
    public var podAntiAffinity: PodAffinityRules
    /// `spec.tolerations`.
    public var tolerations: [Toleration]
    /// `spec.topologySpreadConstraints`.
    public var topologySpreadConstraints: [TopologySpreadConstraint]
    /// `spec.priority` (0 when absent).
    public var priority: Int32
    /// `spec.preemptionPolicy`.
    public var preemptionPolicy: PreemptionPolicy
    /// The effective request: containers, init containers and overhead as upstream computes them.
    public var requests: Resources
    /// CPU and memory requests with upstream's defaults (100m, 200Mi) for containers that request none;
    /// used only for scoring, so that pods without requests still spread.
    public var nonZeroRequests: Resources
    /// `status.startTime`, or `metadata.creationTimestamp`, in seconds since 1970.
    public var startTime: Double?
    /// Whether `metadata.deletionTimestamp` is set.
    public var isTerminating: Bool

    /// Creates a pod.
    public init(
        namespace: String = "default", name: String, uid: String = "", labels: [String: String] = [:],
        nodeName: String? = nil, schedulerName: String = "default-scheduler", nodeSelector: [String: String] = [:],
        nodeAffinity: NodeAffinityRules? = nil, podAffinity: PodAffinityRules = PodAffinityRules(),
        podAntiAffinity: PodAffinityRules = PodAffinityRules(), tolerations: [Toleration] = [],
        topologySpreadConstraints: [TopologySpreadConstraint] = [], priority: Int32 = 0,
        preemptionPolicy: PreemptionPolicy = .preemptLowerPriority, requests: Resources = .zero,
        nonZeroRequests: Resources? = nil, startTime: Double? = nil, isTerminating: Bool = false
    ) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.labels = labels
        self.nodeName = nodeName
        self.schedulerName = schedulerName
        self.nodeSelector = nodeSelector
        self.nodeAffinity = nodeAffinity
        self.podAffinity = podAffinity
        self.podAntiAffinity = podAntiAffinity
        self.tolerations = tolerations
        self.topologySpreadConstraints = topologySpreadConstraints
        self.priority = priority
        self.preemptionPolicy = preemptionPolicy
        self.requests = requests
        self.nonZeroRequests =
            nonZeroRequests
            ?? Resources(
                milliCPU: requests.milliCPU == 0 ? Pod.defaultMilliCPURequest : requests.milliCPU,
                memory: requests.memory == 0 ? Pod.defaultMemoryRequest : requests.memory)
        self.startTime = startTime
        self.isTerminating = isTerminating
    }

    /// The CPU a container without a CPU request counts as when scoring (100m).
    public static let defaultMilliCPURequest: Int64 = 100
    /// The memory a container without a memory request counts as when scoring (200Mi).
    public static let defaultMemoryRequest: Int64 = 200 * 1024 * 1024

    /// `namespace/name`.
    public var key: String { "\(namespace)/\(name)" }

    /// Whether the pod has any required or preferred pod affinity or anti-affinity.
    public var hasPodAffinityRules: Bool { !podAffinity.isEmpty || !podAntiAffinity.isEmpty }

    /// Decodes a Kubernetes Pod object; errors name the pod and the field.
    public init(json: JSONValue) throws(DecodingError) {
        let root = FieldReader(json, at: FieldPath(), of: "Pod")
        let meta = root["metadata"]
        guard let name = try meta["name"].string(), !name.isEmpty else {
            throw meta["name"].error("a pod needs a name")
        }
        let namespace = try meta["namespace"].string() ?? "default"
        let r = FieldReader(json, at: FieldPath(), of: "Pod \(namespace)/\(name)")
        let labels = try r["metadata"]["labels"].stringMap()
        let spec = r["spec"]
        let owner = (namespace: namespace, labels: labels)

        let affinity = spec["affinity"]
        let nodeAffinityReader = affinity["nodeAffinity"]
        let nodeAffinity = nodeAffinityReader.isAbsent ? nil : try NodeAffinityRules(reading: nodeAffinityReader)
        var tolerations: [Toleration] = []
        for t in try spec["tolerations"].elements() { tolerations.append(try Toleration(reading: t)) }
        var constraints: [TopologySpreadConstraint] = []
        for c in try spec["topologySpreadConstraints"].elements() {
            constraints.append(try TopologySpreadConstraint(reading: c, ownerLabels: labels))
        }
        let priority = try spec["priority"].int() ?? 0
        guard let priority32 = Int32(exactly: priority) else {
            throw spec["priority"].error("priority \(priority) is outside the 32-bit range")
        }
        let policyText = try spec["preemptionPolicy"].string() ?? "PreemptLowerPriority"
        guard let policy = PreemptionPolicy(rawValue: policyText) else {
            throw spec["preemptionPolicy"].error("expected PreemptLowerPriority or Never, found \"\(policyText)\"")
        }
        let (requests, nonZero) = try Pod.computeRequests(spec: spec, object: r.object)
        var startText = try r["status"]["startTime"].string()
        if startText == nil { startText = try r["metadata"]["creationTimestamp"].string() }
        self.init(
            namespace: namespace, name: name, uid: try meta["uid"].string() ?? "", labels: labels,
            nodeName: try spec["nodeName"].string().flatMap { $0.isEmpty ? nil : $0 },
            schedulerName: try spec["schedulerName"].string() ?? "default-scheduler",
            nodeSelector: try spec["nodeSelector"].stringMap(), nodeAffinity: nodeAffinity,
            podAffinity: try PodAffinityRules(reading: affinity["podAffinity"], owner: owner),
            podAntiAffinity: try PodAffinityRules(reading: affinity["podAntiAffinity"], owner: owner),
            tolerations: tolerations, topologySpreadConstraints: constraints, priority: priority32,
            preemptionPolicy: policy, requests: requests, nonZeroRequests: nonZero,
            startTime: startText.flatMap { RFC3339.parse($0)?.timeIntervalSince1970 },
            isTerminating: !(r["metadata"]["deletionTimestamp"].isAbsent))
    }

    /// The pod's effective request and its non-zero variant, as upstream's resource helpers compute them:
    /// the sum of the app containers; sidecars (init containers with `restartPolicy: Always`) add to that sum
    /// and to every later init container; the result is at least the largest init container's need; then
    /// `spec.overhead` is added. A container's missing request defaults to its limit.
    static func computeRequests(spec: FieldReader, object: String) throws(DecodingError) -> (Resources, Resources) {
        func containerRequests(_ c: FieldReader, nonZero: Bool) throws(DecodingError) -> Resources {
            let resources = c["resources"]
            var requests = try Resources(
                resourceList: resources["requests"].value, at: resources["requests"].path, of: object)
            if let limits = resources["limits"].value?.objectValue {
                for (name, raw) in limits where resources["requests"].value?[name] == nil {
                    requests.set(name, try Quantity(json: raw, at: resources["limits"].path.appending(name), of: object))
                }
            }
            if nonZero {
                if requests.milliCPU == 0 { requests.milliCPU = defaultMilliCPURequest }
                if requests.memory == 0 { requests.memory = defaultMemoryRequest }
            }
            return requests
        }
        func total(nonZero: Bool) throws(DecodingError) -> Resources {
            var sum = Resources()
            for c in try spec["containers"].elements() { sum.add(try containerRequests(c, nonZero: nonZero)) }
            var sidecars = Resources()
            var initNeed = Resources()
            for c in try spec["initContainers"].elements() {
                var need = try containerRequests(c, nonZero: nonZero)
                if try c["restartPolicy"].string() == "Always" {
                    sum.add(need)
                    sidecars.add(need)
                    need = sidecars
                } else {
                    need.add(sidecars)
                }
                initNeed.raise(toAtLeast: need)
            }
            sum.raise(toAtLeast: initNeed)
            let overhead = spec["overhead"]
            sum.add(try Resources(resourceList: overhead.value, at: overhead.path, of: object))
            return sum
        }
        let requests = try total(nonZero: false)
        var nonZero = try total(nonZero: true)
        nonZero = Resources(milliCPU: nonZero.milliCPU, memory: nonZero.memory)
        return (requests, nonZero)
    }
}
