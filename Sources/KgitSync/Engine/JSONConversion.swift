import KgitAPIMachinery
import KgitYAML

extension YAMLValue {
    /// The value of a JSON document; object members in key order, so equal documents give equal values.
    public init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(Int(number))
        case .double(let number): self = .float(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .sequence(items.map(YAMLValue.init(json:)))
        case .object(let members):
            self = .mapping(members.keys.sorted().map { Entry(key: $0, value: YAMLValue(json: members[$0] ?? .null)) })
        }
    }

    /// The JSON form (a key written twice keeps its last value; infinities and NaN become null).
    public var json: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(Int64(number))
        case .float(let number): return number.isFinite ? .double(number) : .null
        case .string(let text): return .string(text)
        case .sequence(let items): return .array(items.map(\.json))
        case .mapping(let entries):
            var members: [String: JSONValue] = [:]
            for entry in entries { members[entry.key] = entry.value.json }
            return .object(members)
        }
    }
}
