import KgitAPIMachinery

/// Upstream's `NamespaceLifecycle`: objects are created only in namespaces that exist (404
/// otherwise) and are not terminating (403).
struct NamespaceLifecycle: AdmissionPlugin {
    var name: String { "NamespaceLifecycle" }

    func admit(_ request: inout AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {
        guard request.operation == .create, request.info.namespaced, let namespace = request.namespace else { return }
        guard let ns = try await context.get("namespaces", namespace: nil, name: namespace) else {
            throw APIError.notFound(resource: "namespaces", name: namespace)
        }
        if ns.value(at: ["status", "phase"])?.stringValue == "Terminating"
            || ns.value(at: ["metadata", "deletionTimestamp"]) != nil
        {
            throw request.forbidden("unable to create new content in namespace \(namespace) because it is being terminated")
        }
    }
}
