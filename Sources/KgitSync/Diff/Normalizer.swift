import KgitYAML

/// Removes from an object what the server owns, so that it is never reported as a difference:
/// `status`, the server-maintained metadata fields and kubectl's last-applied annotation. A Secret's
/// `stringData` becomes base64 `data`, as the server stores it.
enum Normalizer {
    /// Metadata fields the server sets.
    static let serverMetadata: Set<String> = [
        "managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink",
        "deletionTimestamp", "deletionGracePeriodSeconds",
    ]
    /// Annotations written by tools, not by the user.
    static let toolAnnotations: Set<String> = ["kubectl.kubernetes.io/last-applied-configuration"]

    static func normalize(_ object: YAMLValue, identity: ObjectIdentity) -> YAMLValue {
        guard case .mapping(var entries) = object else { return object }
        entries.removeAll { $0.key == "status" }
        if let index = entries.firstIndex(where: { $0.key == "metadata" }),
            case .mapping(var metadata) = entries[index].value
        {
            metadata.removeAll { serverMetadata.contains($0.key) }
            if let annotationIndex = metadata.firstIndex(where: { $0.key == "annotations" }),
                case .mapping(var annotations) = metadata[annotationIndex].value
            {
                annotations.removeAll { toolAnnotations.contains($0.key) }
                if annotations.isEmpty {
                    metadata.remove(at: annotationIndex)
                } else {
                    metadata[annotationIndex].value = .mapping(annotations)
                }
            }
            entries[index].value = .mapping(metadata)
        }
        if identity.group.isEmpty && identity.kind == "Secret" { foldStringData(&entries) }
        return .mapping(entries)
    }

    /// Moves `stringData` into `data`, base64-encoded; a `stringData` key wins over the same `data` key,
    /// as on the server.
    static func foldStringData(_ entries: inout [YAMLValue.Entry]) {
        guard let index = entries.firstIndex(where: { $0.key == "stringData" }),
            case .mapping(let stringData) = entries[index].value
        else { return }
        entries.remove(at: index)
        var data: [YAMLValue.Entry] = []
        if let dataIndex = entries.firstIndex(where: { $0.key == "data" }),
            case .mapping(let existing) = entries[dataIndex].value
        {
            data = existing
        }
        for entry in stringData {
            let text: String
            switch entry.value {
            case .string(let value): text = value
            case .int(let value): text = String(value)
            case .bool(let value): text = value ? "true" : "false"
            default: continue
            }
            let encoded = YAMLValue.string(Base64.encode(Array(text.utf8)))
            if let existing = data.firstIndex(where: { $0.key == entry.key }) {
                data[existing].value = encoded
            } else {
                data.append(YAMLValue.Entry(key: entry.key, value: encoded))
            }
        }
        if let dataIndex = entries.firstIndex(where: { $0.key == "data" }) {
            entries[dataIndex].value = .mapping(data)
        } else {
            entries.append(YAMLValue.Entry(key: "data", value: .mapping(data)))
        }
    }
}

/// Standard base64 with padding (RFC 4648 section 4), as Kubernetes stores Secret data.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(triple >> 18 & 63)])
            output.append(alphabet[Int(triple >> 12 & 63)])
            output.append(remaining > 1 ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
