import Foundation
import KgitAPIMachinery

/// Server-owned metadata and per-kind rules applied on create and update (upstream's
/// `RESTCreateStrategy`/`RESTUpdateStrategy`): uid, timestamps, generation, status handling,
/// defaults and name validation. Pure functions of their inputs.
enum Strategy {
    static let generateNameAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    /// Resources whose main endpoint ignores `status` (it is written through `/status`).
    static func hasStatusSubresource(_ info: ResourceInfo) -> Bool {
        info.subresources.contains { $0.name == "status" }
    }

    /// Checks the body's identity against the URL and fills apiVersion, kind and namespace.
    static func checkIdentity(_ object: inout JSONValue, info: ResourceInfo, namespace: String?) throws(APIError) {
        guard case .object = object else { throw APIError.badRequest("the body of the request must be a JSON object") }
        try requireObjectMetadata(object, info: info)
        if let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty, apiVersion != info.groupVersion {
            throw APIError.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(info.groupVersion))")
        }
        if let kind = object["kind"]?.stringValue, !kind.isEmpty, kind != info.kind {
            throw APIError.badRequest("the kind in the data (\(kind)) does not match the expected kind (\(info.kind))")
        }
        object["apiVersion"] = .string(info.groupVersion)
        object["kind"] = .string(info.kind)
        if object["metadata"]?.objectValue == nil { object["metadata"] = .object([:]) }
        if info.namespaced {
            let bodyNamespace = object.value(at: ["metadata", "namespace"])?.stringValue ?? ""
            if let namespace {
                if !bodyNamespace.isEmpty && bodyNamespace != namespace {
                    throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
                }
                object.setValue(.string(namespace), at: ["metadata", "namespace"])
            }
        } else {
            object.setValue(nil, at: ["metadata", "namespace"])
        }
    }

    /// Prepares a new object: name from generateName, uid, creationTimestamp, generation, status and
    /// defaults; then validates its name.
    static func prepareForCreate(_ object: inout JSONValue, info: ResourceInfo, now: Date) throws(APIError) {
        var meta = object["metadata"]?.objectValue ?? [:]
        var name = meta["name"]?.stringValue ?? ""
        if name.isEmpty, let prefix = meta["generateName"]?.stringValue, !prefix.isEmpty {
            var generator = SystemRandomNumberGenerator()
            let suffix = String((0..<5).map { _ in generateNameAlphabet.randomElement(using: &generator) ?? "x" })
            name = String(prefix.prefix(58)) + suffix
            meta["name"] = .string(name)
        }
        guard !name.isEmpty else {
            throw APIError.invalid(kind: info.kind, group: info.group, name: "", causes: [
                .init(type: "FieldValueRequired", message: "Required value: name or generateName is required",
                      field: "metadata.name"),
            ])
        }
        let nameErrors = NameValidation.errors(forName: name, resource: info.resource)
        if !nameErrors.isEmpty {
            throw APIError.invalid(kind: info.kind, group: info.group, name: name, causes: nameErrors.map {
                .init(type: "FieldValueInvalid", message: "Invalid value: \"\(name)\": \($0)", field: "metadata.name")
            })
        }
        meta["uid"] = .string(UUID().uuidString.lowercased())
        meta["creationTimestamp"] = .string(RFC3339.format(now))
        meta["resourceVersion"] = nil
        meta["deletionTimestamp"] = nil
        meta["deletionGracePeriodSeconds"] = nil
        meta["selfLink"] = nil
        if object["spec"] != nil { meta["generation"] = .int(1) } else { meta["generation"] = nil }
        object["metadata"] = .object(meta)
        dropEmptyMetadataMaps(&object)
        // Nodes register with their status (upstream's node strategy keeps it on create).
        if hasStatusSubresource(info) && !(info.group.isEmpty && info.resource == "nodes") { object["status"] = nil }
        Defaults.apply(to: &object, info: info)
    }

    /// A body whose `metadata` is not an object (`[]`, `"x"`) cannot be decoded, as upstream's typed
    /// decoder cannot: 400, rather than a write that quietly keeps the stored metadata.
    static func requireObjectMetadata(_ object: JSONValue, info: ResourceInfo) throws(APIError) {
        guard let metadata = object["metadata"], !metadata.isNull, metadata.objectValue == nil else { return }
        let found: String
        switch metadata {
        case .array: found = "an array"
        case .string: found = "a string"
        case .bool: found = "a boolean"
        default: found = "a number"
        }
        throw APIError.badRequest(
            "\(info.kind) in version \"\(info.version)\" cannot be handled as a \(info.kind): metadata must be an object, found \(found)")
    }

    /// Removes empty `labels` and `annotations` maps, which Go's encoder omits (kubectl diff and
    /// apply compare against what a real server would return).
    static func dropEmptyMetadataMaps(_ object: inout JSONValue) {
        for key in ["labels", "annotations"] where object.value(at: ["metadata", key])?.objectValue?.isEmpty == true {
            object.setValue(nil, at: ["metadata", key])
        }
    }

    /// Prepares a replacement for `old`: keeps server-owned metadata, bumps generation when the spec
    /// changed, and keeps or takes status depending on `subresource`.
    static func prepareForUpdate(_ object: inout JSONValue, old: JSONValue, info: ResourceInfo, subresource: String?)
        throws(APIError)
    {
        let name = old.value(at: ["metadata", "name"])?.stringValue ?? ""
        let newName = object.value(at: ["metadata", "name"])?.stringValue ?? ""
        if !newName.isEmpty && newName != name {
            throw APIError.badRequest("the name of the object (\(newName)) does not match the name on the URL (\(name))")
        }
        if subresource == "status" {
            // Only status changes through /status.
            var updated = old
            updated["status"] = object["status"]
            object = updated
            return
        }
        for key in ["name", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                    "namespace", "generation"]
        {
            object.setValue(old.value(at: ["metadata", key]), at: ["metadata", key])
        }
        // A binding (pods/binding) sets the PodScheduled condition along with spec.nodeName.
        if hasStatusSubresource(info) && subresource != "binding" { object["status"] = old["status"] }
        Strategy.dropEmptyMetadataMaps(&object)
        Defaults.apply(to: &object, info: info)
        if object["spec"] != old["spec"], object["spec"] != nil {
            let generation = old.value(at: ["metadata", "generation"])?.intValue ?? 0
            object.setValue(.int(generation + 1), at: ["metadata", "generation"])
        }
    }
}
