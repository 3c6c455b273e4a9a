import Foundation
import KgitAPIMachinery

extension APIHandler {
    /// The patch formats the server accepts.
    enum PatchType: String {
        case json = "application/json-patch+json"
        case merge = "application/merge-patch+json"
        case strategic = "application/strategic-merge-patch+json"
        case apply = "application/apply-patch+yaml"
    }

    /// PATCH: decode the patch, apply it to the current object (server-side apply may create it),
    /// then store it with the same concurrency rules as PUT.
    func patch(_ request: APIRequest, info: ResourceInfo, namespace: String?, name: String, subresource: String?,
               dryRun: Bool) async throws(APIError) -> APIResponse
    {
        let contentType = (request.header("Content-Type") ?? "")
            .split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard let type = PatchType(rawValue: contentType) else {
            throw APIError.unsupportedMediaType(contentType.isEmpty ? "(none)" : contentType)
        }
        let body: JSONValue
        do {
            body = try JSONParser.parse(request.body)
        } catch {
            // Server-side apply bodies may be YAML (kubectl sends JSON, which is YAML too).
            guard type == .apply else { throw APIError.badRequest("error decoding patch: \(error)") }
            body = try YAMLBody.decode(request.body)
        }
        let custom = served.custom(info)
        if type == .strategic && custom != nil && subresource != "scale" {
            throw APIError(reason: "UnsupportedMediaType", code: 415,
                           message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
        }
        let schema = KubernetesDefinitions.patchSchema(group: info.group, version: info.version, kind: info.kind)

        if subresource == "scale" {
            let scaleSchema = KubernetesDefinitions.patchSchema(group: "autoscaling", version: "v1", kind: "Scale")
            return try await updateScale(info, namespace: namespace, name: name, dryRun: dryRun) {
                current throws(APIError) in
                try APIHandler.applyPatch(type, body, to: current, schema: scaleSchema, manager: "")
            }
        }

        if type == .apply {
            return try await serverSideApply(request, info: info, namespace: namespace, name: name,
                                             subresource: subresource, applied: body, dryRun: dryRun)
        }
        let manager = request.query["fieldManager"] ?? ""
        let fieldValidation = try FieldValidation.mode(request.query)
        var patchWarnings: [String] = []
        let updated = try await update(info, namespace: namespace, name: name, subresource: subresource,
                                       dryRun: dryRun) { current throws(APIError) in
            var patched = try APIHandler.applyPatch(type, body, to: current, schema: schema, manager: manager)
            try Strategy.requireObjectMetadata(patched, info: info)
            if !APIHandler.patchNamesResourceVersion(type, body) {
                // The resourceVersion came from the object read, not from the client: no precondition,
                // so a concurrent write makes the update loop read again and re-apply the patch
                // (upstream's GuaranteedUpdate) instead of answering 409.
                patched.setValue(nil, at: ["metadata", "resourceVersion"])
            }
            try Strategy.checkIdentity(&patched, info: info, namespace: namespace)
            if fieldValidation == .strict { _ = try fieldValidation.check(patched, info: info, custom: custom) }
            if fieldValidation == .warn {
                // Unknown fields are dropped before the object is stored: warn about the patched object's.
                patchWarnings = try FieldValidation.warn.check(patched, info: info, custom: custom)
            }
            return patched
        }
        return respond(request, info: info, object: updated).warning(patchWarnings)
    }

    /// Whether a patch sets or tests `metadata.resourceVersion` itself (then it is a precondition).
    static func patchNamesResourceVersion(_ type: PatchType, _ patch: JSONValue) -> Bool {
        switch type {
        case .merge, .strategic, .apply:
            return patch.value(at: ["metadata", "resourceVersion"]).map { !$0.isNull } ?? false
        case .json:
            return (patch.arrayValue ?? []).contains { operation in
                ["path", "from"].contains { operation[$0]?.stringValue == "/metadata/resourceVersion" }
            }
        }
    }

    /// Applies one patch document to an object.
    static func applyPatch(_ type: PatchType, _ patch: JSONValue, to current: JSONValue, schema: PatchSchema?,
                           manager: String) throws(APIError) -> JSONValue
    {
        switch type {
        case .merge:
            guard case .object = patch else { throw APIError.badRequest("a merge patch must be a JSON object") }
            return MergePatch.apply(patch, to: current)
        case .json:
            do {
                return try JSONPatch.apply(patch, to: current)
            } catch {
                throw APIError(reason: "Invalid", code: 422, message: "the server rejected our request due to an error in our request: \(error.message)")
            }
        case .strategic:
            do {
                return try StrategicMergePatch.apply(patch, to: current, schema: schema)
            } catch {
                throw APIError.badRequest(error.message)
            }
        case .apply:
            do {
                return try StrategicMergePatch.apply(patch, to: current, schema: schema)
            } catch {
                throw APIError.badRequest(error.message)
            }
        }
    }

    /// Server-side apply: creates the object when absent, otherwise merges the applied
    /// configuration into it and records the manager in `metadata.managedFields`; fields this
    /// manager applied before and no longer applies are removed.
    func serverSideApply(_ request: APIRequest, info: ResourceInfo, namespace: String?, name: String,
                         subresource: String?, applied: JSONValue, dryRun: Bool) async throws(APIError) -> APIResponse
    {
        guard let manager = request.query["fieldManager"], !manager.isEmpty else {
            throw APIError.badRequest("PATCH /apply requires a fieldManager query parameter")
        }
        var applied = applied
        try Strategy.checkIdentity(&applied, info: info, namespace: namespace)
        let appliedName = applied.value(at: ["metadata", "name"])?.stringValue ?? ""
        if !appliedName.isEmpty && appliedName != name {
            throw APIError.badRequest("the name of the object (\(appliedName)) does not match the name on the URL (\(name))")
        }
        applied.setValue(.string(name), at: ["metadata", "name"])
        let warnings = try FieldValidation.mode(request.query).check(applied, info: info, custom: served.custom(info))
        let fields = ManagedFields.fieldSet(of: applied, schema: KubernetesDefinitions.patchSchema(
            group: info.group, version: info.version, kind: info.kind))
        let now = RFC3339.format(clock())
        let entry: JSONValue = [
            "manager": .string(manager), "operation": "Apply", "apiVersion": .string(info.groupVersion),
            "time": .string(now), "fieldsType": "FieldsV1", "fieldsV1": fields,
        ]
        for _ in 0..<8 {
            guard try await registry.read(info, namespace: namespace, name: name) != nil else {
                var object = applied
                object.setValue(.array([entry]), at: ["metadata", "managedFields"])
                object.setValue(nil, at: ["metadata", "resourceVersion"])
                do {
                    let created = try await create(info, object: object, namespace: namespace, dryRun: dryRun)
                    return respond(request, info: info, object: created, status: 201).warning(warnings)
                } catch where error.reason == "AlreadyExists" {
                    continue
                }
            }
            let schema = KubernetesDefinitions.patchSchema(group: info.group, version: info.version, kind: info.kind)
            let force = request.query.flag("force")
            let updated = try await update(info, namespace: namespace, name: name, subresource: subresource,
                                           dryRun: dryRun) { current throws(APIError) in
                try ManagedFields.apply(applied, entry: entry, manager: manager, to: current, schema: schema,
                                        force: force, info: info)
            }
            return respond(request, info: info, object: updated).warning(warnings)
        }
        throw APIError.conflict(resource: info.resource, group: info.group, name: name,
                                message: "too many concurrent updates; please retry")
    }
}

