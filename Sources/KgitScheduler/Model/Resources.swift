import KgitAPIMachinery

/// An amount of every resource the scheduler accounts for: CPU in millicores, memory and ephemeral storage in
/// bytes, a pod count, and extended resources (`nvidia.com/gpu`, `hugepages-2Mi`, ...) in whole units.
///
/// Used for a node's allocatable, the sum of requests on a node, and one pod's request.
public struct Resources: Sendable, Hashable {
    /// CPU in thousandths of a core.
    public var milliCPU: Int64
    /// Memory in bytes.
    public var memory: Int64
    /// Ephemeral storage in bytes.
    public var ephemeralStorage: Int64
    /// How many pods (in a node's allocatable; unused in a request).
    public var pods: Int64
    /// Extended and other named resources, in whole units.
    public var scalar: [String: Int64]

    /// An amount; every resource defaults to zero.
    public init(
        milliCPU: Int64 = 0, memory: Int64 = 0, ephemeralStorage: Int64 = 0, pods: Int64 = 0,
        scalar: [String: Int64] = [:]
    ) {
        self.milliCPU = milliCPU
        self.memory = memory
        self.ephemeralStorage = ephemeralStorage
        self.pods = pods
        self.scalar = scalar
    }

    /// No resources at all.
    public static let zero = Resources()

    /// Whether every amount is zero.
    public var isZero: Bool {
        milliCPU == 0 && memory == 0 && ephemeralStorage == 0 && pods == 0 && scalar.values.allSatisfy { $0 == 0 }
    }

    /// Reads a `ResourceList` (`{cpu: "500m", memory: "1Gi", ...}`) at `path` of `object`.
    init(resourceList: JSONValue?, at path: FieldPath, of object: String) throws(DecodingError) {
        self.init()
        guard let resourceList, !resourceList.isNull else { return }
        guard let members = resourceList.objectValue else {
            throw DecodingError(object: object, path: path, problem: "expected a map of resource quantities")
        }
        for (name, raw) in members {
            let quantity = try Quantity(json: raw, at: path.appending(name), of: object)
            set(name, quantity)
        }
    }

    /// Sets the named resource from a quantity, in the unit the scheduler uses for it.
    public mutating func set(_ name: String, _ quantity: Quantity) {
        switch name {
        case "cpu": milliCPU = quantity.milliValue
        case "memory": memory = quantity.value
        case "ephemeral-storage": ephemeralStorage = quantity.value
        case "pods": pods = quantity.value
        default: scalar[name] = quantity.value
        }
    }

    /// The amount of the named resource (`cpu` in millicores).
    public subscript(name: String) -> Int64 {
        switch name {
        case "cpu": return milliCPU
        case "memory": return memory
        case "ephemeral-storage": return ephemeralStorage
        case "pods": return pods
        default: return scalar[name] ?? 0
        }
    }

    /// Adds another amount, resource by resource.
    public mutating func add(_ other: Resources) {
        milliCPU &+= other.milliCPU
        memory &+= other.memory
        ephemeralStorage &+= other.ephemeralStorage
        pods &+= other.pods
        if !other.scalar.isEmpty {
            for (name, amount) in other.scalar { scalar[name, default: 0] &+= amount }
        }
    }

    /// Subtracts another amount, resource by resource.
    public mutating func subtract(_ other: Resources) {
        milliCPU &-= other.milliCPU
        memory &-= other.memory
        ephemeralStorage &-= other.ephemeralStorage
        pods &-= other.pods
        if !other.scalar.isEmpty {
            for (name, amount) in other.scalar { scalar[name, default: 0] &-= amount }
        }
    }

    /// Raises each resource to at least the other's amount.
    public mutating func raise(toAtLeast other: Resources) {
        milliCPU = max(milliCPU, other.milliCPU)
        memory = max(memory, other.memory)
        ephemeralStorage = max(ephemeralStorage, other.ephemeralStorage)
        pods = max(pods, other.pods)
        for (name, amount) in other.scalar { scalar[name] = max(scalar[name] ?? 0, amount) }
    }

    /// The sum of two amounts.
    public static func + (lhs: Resources, rhs: Resources) -> Resources {
        var sum = lhs
        sum.add(rhs)
        return sum
    }
}

extension Quantity {
    /// Reads a quantity written as a string or a JSON number.
    init(json: JSONValue, at path: FieldPath, of object: String) throws(DecodingError) {
        let text: String
        switch json {
        case .string(let s): text = s
        case .int(let i): text = String(i)
        case .double(let d): text = String(d)
        default: throw DecodingError(object: object, path: path, problem: "expected a quantity")
        }
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError(object: object, path: path, problem: error.description)
        }
    }
}
