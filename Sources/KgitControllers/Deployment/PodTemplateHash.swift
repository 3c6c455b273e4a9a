import KgitAPIMachinery

/// The `pod-template-hash` label that names a Deployment's ReplicaSet for one pod template.
///
/// Like upstream's `ComputeHash`, it is a 32-bit FNV-1a hash of the template (here its canonical
/// JSON: sorted keys, so the same template always hashes the same) followed by the collision count
/// as four little-endian bytes when set, written with the decimal digits of the hash mapped onto
/// the consonant-and-digit alphabet that avoids spelling words (`SafeEncodeString`). The label is
/// removed from the template before hashing, so a ReplicaSet's template hashes like its
/// Deployment's.
public enum PodTemplateHash {
    /// The label key.
    public static let label = "pod-template-hash"

    static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789".utf8)

    /// The hash of `template` with `collisionCount`.
    public static func of(_ template: JSONValue, collisionCount: Int? = nil) -> String {
        var bytes = Array(withoutHashLabel(withoutNulls(template)).serialized().utf8)
        if let c = collisionCount {
            let v = UInt32(truncatingIfNeeded: c)
            bytes += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24 & 0xff)]
        }
        var hash: UInt32 = 2_166_136_261
        for b in bytes {
            hash ^= UInt32(b)
            hash = hash &* 16_777_619
        }
        return String(String(hash).utf8.map { Character(Unicode.Scalar(alphabet[Int($0) % alphabet.count])) })
    }

    /// The template without the `pod-template-hash` label (and without `labels` when that empties it).
    public static func withoutHashLabel(_ template: JSONValue) -> JSONValue {
        var t = template
        guard var labels = t.value(at: ["metadata", "labels"])?.objectValue, labels[label] != nil else { return t }
        labels[label] = nil
        t.setValue(labels.isEmpty ? nil : .object(labels), at: ["metadata", "labels"])
        if t["metadata"]?.objectValue?.isEmpty == true { t["metadata"] = nil }
        return t
    }

    /// Whether two templates are equal once the hash label is ignored (upstream `EqualIgnoreHash`).
    /// A field set to null equals a missing one, as upstream's typed comparison sees them: `kubectl
    /// rollout undo` writes a ReplicaSet's template back with `creationTimestamp: null`, and that must
    /// still find the ReplicaSet instead of starting a new one.
    public static func equalIgnoringHash(_ a: JSONValue, _ b: JSONValue) -> Bool {
        normalized(withoutHashLabel(withoutNulls(a))) == normalized(withoutHashLabel(withoutNulls(b)))
    }

    /// `value` without object members whose value is null, at every depth.
    static func withoutNulls(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var kept = members
            for (key, member) in members {
                if member.isNull { kept[key] = nil } else if member.objectValue != nil || member.arrayValue != nil {
                    kept[key] = withoutNulls(member)
                }
            }
            return .object(kept)
        case .array(let elements):
            return .array(elements.map(withoutNulls))
        default:
            return value
        }
    }

    /// Drops empty `metadata` so that `{metadata: {}}` equals a template without metadata.
    static func normalized(_ t: JSONValue) -> JSONValue {
        var t = t
        if t["metadata"]?.objectValue?.isEmpty == true { t["metadata"] = nil }
        if t.value(at: ["metadata", "labels"])?.objectValue?.isEmpty == true { t.setValue(nil, at: ["metadata", "labels"]) }
        if t["metadata"]?.objectValue?.isEmpty == true { t["metadata"] = nil }
        return t
    }
}
