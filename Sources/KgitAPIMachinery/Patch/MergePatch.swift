/// JSON merge patch (RFC 7386): objects merge recursively, `null` deletes, anything else replaces.
public enum MergePatch {
    /// Applies `patch` to `target`.
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result: [String: JSONValue]
        if case .object(let members) = target { result = members } else { result = [:] }
        for (key, value) in patchMembers {
            if value.isNull {
                result[key] = nil
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}
