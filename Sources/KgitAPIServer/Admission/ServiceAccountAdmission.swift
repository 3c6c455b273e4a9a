import KgitAPIMachinery

/// Upstream's `ServiceAccount` plugin: a pod without `serviceAccountName` runs as `default`, and
/// the account it names must exist in its namespace.
struct ServiceAccountAdmission: AdmissionPlugin {
    var name: String { "ServiceAccount" }

    func admit(_ request: inout AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {
        guard request.operation == .create, request.isCore("pods") else { return }
        let account = request.object.value(at: ["spec", "serviceAccountName"])?.stringValue
            ?? request.object.value(at: ["spec", "serviceAccount"])?.stringValue ?? ""
        let name = account.isEmpty ? "default" : account
        request.object.setValue(.string(name), at: ["spec", "serviceAccountName"])
        request.object.setValue(.string(name), at: ["spec", "serviceAccount"])
    }

    func validate(_ request: AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {
        guard request.operation == .create, request.isCore("pods"), let namespace = request.namespace,
              let account = request.object.value(at: ["spec", "serviceAccountName"])?.stringValue
        else { return }
        if try await context.get("serviceaccounts", namespace: namespace, name: account) == nil {
            throw request.forbidden("error looking up service account \(namespace)/\(account): serviceaccount \"\(account)\" not found")
        }
    }
}
