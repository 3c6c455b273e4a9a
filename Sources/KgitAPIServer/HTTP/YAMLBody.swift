import KgitAPIMachinery
import KgitYAML

/// Request bodies in YAML (`application/yaml`, and server-side apply bodies from clients other than
/// kubectl), read with KgitYAML under the YAML 1.1 rules Kubernetes uses.
enum YAMLBody {
    /// The single document of `bytes` as JSON; throws 400 for bad YAML or more than one document.
    static func decode(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        let documents: [Document]
        do {
            documents = try YAMLParser.parse(bytes)
        } catch {
            throw APIError.badRequest("error converting YAML to JSON: yaml: line \(error.mark.line): \(error.message)")
        }
        let roots = documents.compactMap(\.root)
        guard roots.count == 1, let root = roots.first else {
            throw APIError.badRequest("the request body must hold exactly one YAML document, found \(roots.count)")
        }
        return json(YAMLValue(root))
    }

    static func json(_ value: YAMLValue) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(Int64(i))
        case .float(let d): return .double(d)
        case .string(let s): return .string(s)
        case .sequence(let items): return .array(items.map(json))
        case .mapping(let entries):
            var members: [String: JSONValue] = [:]
            for entry in entries { members[entry.key] = json(entry.value) }
            return .object(members)
        }
    }
}
