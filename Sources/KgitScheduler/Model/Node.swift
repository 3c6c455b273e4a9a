import KgitAPIMachinery

/// What the scheduler knows of a node: its name, labels, allocatable resources, taints, whether it is
/// cordoned, and its conditions. Decoded from a Kubernetes Node object.
public struct Node: Sendable, Hashable {
    /// A node condition, such as `Ready=True`.
    public struct Condition: Sendable, Hashable {
        /// The condition type (`Ready`, `MemoryPressure`, ...).
        public var type: String
        /// `True`, `False` or `Unknown`.
        public var status: String

        /// Creates a condition.
        public init(type: String, status: String) {
            self.type = type
            self.status = status
        }
    }

    /// `metadata.name`.
    public var name: String
    /// `metadata.labels`.
    public var labels: [String: String]
    /// `status.allocatable` (or `status.capacity` when allocatable is absent).
    public var allocatable: Resources
    /// `spec.taints`.
    public var taints: [Taint]
    /// `spec.unschedulable` (cordoned).
    public var unschedulable: Bool
    /// `status.conditions`.
    public var conditions: [Condition]

    /// Creates a node.
    public init(
        name: String, labels: [String: String] = [:], allocatable: Resources, taints: [Taint] = [],
        unschedulable: Bool = false, conditions: [Condition] = []
    ) {
        self.name = name
        self.labels = labels
        self.allocatable = allocatable
        self.taints = taints
        self.unschedulable = unschedulable
        self.conditions = conditions
    }

    /// Decodes a Kubernetes Node object; errors name the node and the field.
    public init(json: JSONValue) throws(DecodingError) {
        let root = FieldReader(json, at: FieldPath(), of: "Node")
        guard let name = try root["metadata"]["name"].string(), !name.isEmpty else {
            throw root["metadata"]["name"].error("a node needs a name")
        }
        let r = FieldReader(json, at: FieldPath(), of: "Node \(name)")
        let status = r["status"]
        let resourcesReader = status["allocatable"].isAbsent ? status["capacity"] : status["allocatable"]
        let allocatable = try Resources(
            resourceList: resourcesReader.value, at: resourcesReader.path, of: r.object)
        var taints: [Taint] = []
        for t in try r["spec"]["taints"].elements() { taints.append(try Taint(reading: t)) }
        var conditions: [Condition] = []
        for c in try status["conditions"].elements() {
            guard let type = try c["type"].string() else { throw c["type"].error("a condition needs a type") }
            conditions.append(Condition(type: type, status: try c["status"].string() ?? "Unknown"))
        }
        self.init(
            name: name, labels: try r["metadata"]["labels"].stringMap(), allocatable: allocatable, taints: taints,
            unschedulable: try r["spec"]["unschedulable"].bool() ?? false, conditions: conditions)
    }

    /// The status of the condition of this type, if the node reports it.
    public func condition(_ type: String) -> String? { conditions.first { $0.type == type }?.status }
}
