import Foundation
import KgitAPIMachinery

extension APIHandler {
    /// POST `pods/<name>/binding` (what a scheduler does): assigns the pod to the Node the v1 `Binding`'s
    /// `target` names by setting `spec.nodeName`, copies the Binding's annotations onto the pod and marks it
    /// `PodScheduled=True`. A pod already assigned answers 409 Conflict; a missing pod 404.
    func bindPod(_ request: APIRequest, namespace: String, name: String, dryRun: Bool) async throws(APIError)
        -> APIResponse
    {
        guard let info = catalog.lookup(group: "", version: "v1", resource: "pods") else {
            throw APIError.pathNotFound()
        }
        let binding = try decodeBody(request)
        if let kind = binding["kind"]?.stringValue, kind != "Binding" {
            throw APIError.badRequest("pods/binding takes a Binding, not a \(kind)")
        }
        if let bodyName = binding.value(at: ["metadata", "name"])?.stringValue, !bodyName.isEmpty, bodyName != name {
            throw APIError.badRequest(
                "the name of the Binding (\(bodyName)) does not match the name on the URL (\(name))")
        }
        let targetKind = binding.value(at: ["target", "kind"])?.stringValue ?? "Node"
        let node = binding.value(at: ["target", "name"])?.stringValue ?? ""
        guard targetKind == "Node" || targetKind.isEmpty else {
            throw APIError.invalid(kind: "Binding", name: name, causes: [
                .init(type: "FieldValueNotSupported", message: "Unsupported value: \"\(targetKind)\": supported values: \"Node\"",
                      field: "target.kind"),
            ])
        }
        guard !node.isEmpty else {
            throw APIError.invalid(kind: "Binding", name: name, causes: [
                .init(type: "FieldValueRequired", message: "Required value", field: "target.name"),
            ])
        }
        let expectedUID = binding.value(at: ["metadata", "uid"])?.stringValue
        let annotations = binding.value(at: ["metadata", "annotations"])?.objectValue ?? [:]
        let now = RFC3339.format(clock())
        _ = try await update(info, namespace: namespace, name: name, subresource: "binding", dryRun: dryRun) {
            current throws(APIError) in
            var pod = current
            if let expectedUID, !expectedUID.isEmpty,
               pod.value(at: ["metadata", "uid"])?.stringValue != expectedUID
            {
                throw APIError.conflict(resource: "pods", name: name,
                                        message: "the UID in the precondition (\(expectedUID)) does not match the UID in record")
            }
            if pod.value(at: ["metadata", "deletionTimestamp"]) != nil {
                throw APIError.conflict(resource: "pods/binding", name: name, message: "pod \(name) is being deleted, cannot be assigned to a host")
            }
            if let assigned = pod.value(at: ["spec", "nodeName"])?.stringValue, !assigned.isEmpty {
                throw APIError.conflict(resource: "pods/binding", name: name,
                                        message: "pod \(name) is already assigned to node \"\(assigned)\"")
            }
            pod.setValue(.string(node), at: ["spec", "nodeName"])
            for (key, value) in annotations { pod.setValue(value, at: ["metadata", "annotations", key]) }
            var conditions = pod.value(at: ["status", "conditions"])?.arrayValue ?? []
            let scheduled: JSONValue = [
                "type": "PodScheduled", "status": "True", "lastProbeTime": .null,
                "lastTransitionTime": .string(now),
            ]
            if let index = conditions.firstIndex(where: { $0["type"]?.stringValue == "PodScheduled" }) {
                conditions[index] = scheduled
            } else {
                conditions.append(scheduled)
            }
            pod.setValue(.array(conditions), at: ["status", "conditions"])
            pod.setValue(nil, at: ["metadata", "resourceVersion"])
            return pod
        }
        return .json(["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success"], status: 201)
    }
}
