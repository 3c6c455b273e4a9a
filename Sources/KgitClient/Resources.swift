import KgitAPIMachinery

/// How the server serves one kind: its resource (plural) name, group, version and scope.
public struct APIResource: Sendable, Hashable {
    /// The plural resource name in URLs, `deployments`.
    public var name: String
    /// The kind, `Deployment`.
    public var kind: String
    /// The group; empty for the core group.
    public var group: String
    /// The version, `v1`.
    public var version: String
    /// Whether objects of the kind live in namespaces.
    public var namespaced: Bool
    /// The verbs the server allows (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`).
    public var verbs: [String]

    /// A resource description.
    public init(name: String, kind: String, group: String, version: String, namespaced: Bool, verbs: [String] = []) {
        self.name = name
        self.kind = kind
        self.group = group
        self.version = version
        self.namespaced = namespaced
        self.verbs = verbs
    }

    /// `apps/v1`, or `v1` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `/api/v1` or `/apis/apps/v1`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The collection path in `namespace` (nil: across namespaces, or a cluster-scoped kind).
    public func collectionPath(namespace: String?) -> String {
        if namespaced, let namespace, !namespace.isEmpty {
            return "\(groupVersionPath)/namespaces/\(PathEncoding.segment(namespace))/\(name)"
        }
        return "\(groupVersionPath)/\(name)"
    }

    /// The path of object `name` in `namespace`.
    public func objectPath(namespace: String?, name object: String) -> String {
        "\(collectionPath(namespace: namespace))/\(PathEncoding.segment(object))"
    }

    /// The resources of an `APIResourceList` (subresources such as `deployments/scale` left out).
    static func list(_ value: JSONValue, group: String, version: String) -> [APIResource] {
        (value["resources"]?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["name"]?.stringValue, !name.contains("/"),
                let kind = entry["kind"]?.stringValue
            else { return nil }
            return APIResource(
                name: name, kind: kind, group: group, version: version,
                namespaced: entry["namespaced"]?.boolValue ?? true,
                verbs: (entry["verbs"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
    }
}

/// Splits `apps/v1` into group and version (`v1` is the core group).
func splitAPIVersion(_ apiVersion: String) -> (group: String, version: String) {
    guard let slash = apiVersion.firstIndex(of: "/") else { return ("", apiVersion) }
    return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
}

/// Percent-encoding for URL path segments and query values.
public enum PathEncoding {
    /// Characters left as they are: RFC 3986 unreserved.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// `text` with every byte but the unreserved ones written `%XX`.
    public static func encode(_ text: String) -> String {
        let hex: [Character] = Array("0123456789ABCDEF")
        var out = ""
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.append(Character(UnicodeScalar(byte)))
            } else {
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }

    /// A path segment (a name or namespace).
    public static func segment(_ text: String) -> String { encode(text) }

    /// `?a=1&b=x%3Dy` from the pairs whose value is set, in order; empty when none is.
    public static func query(_ items: [(String, String?)]) -> String {
        let parts = items.compactMap { name, value in value.map { "\(name)=\(encode($0))" } }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}
