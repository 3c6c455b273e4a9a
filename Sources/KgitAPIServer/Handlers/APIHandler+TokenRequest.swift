import Foundation
import KgitAPIMachinery

extension APIHandler {
    /// POST `serviceaccounts/<name>/token` (`kubectl create token`): issues a token bound to the
    /// account's uid, for the requested audiences (default: the API server) and lifetime
    /// (default 1 hour, at least 10 minutes, at most 48 hours).
    func tokenRequest(_ request: APIRequest, namespace: String, name: String) async throws(APIError) -> APIResponse {
        guard let tokens = authenticator.serviceAccounts,
              let info = catalog.lookup(group: "", version: "v1", resource: "serviceaccounts")
        else { throw APIError.methodNotAllowed("service account tokens are not configured") }
        var review = try decodeBody(request)
        guard let account = try await registry.read(info, namespace: namespace, name: name) else {
            throw APIError.notFound(resource: "serviceaccounts", name: name)
        }
        let uid = account.object.value(at: ["metadata", "uid"])?.stringValue ?? ""
        var audiences = (review.value(at: ["spec", "audiences"])?.arrayValue ?? []).compactMap(\.stringValue)
        if audiences.isEmpty { audiences = [ServiceAccountTokens.defaultAudience] }
        let requested = review.value(at: ["spec", "expirationSeconds"])?.intValue ?? 3600
        guard requested >= 600 else {
            throw APIError.invalid(kind: "TokenRequest", group: "authentication.k8s.io", name: name, causes: [
                .init(type: "FieldValueInvalid", message: "Invalid value: \(requested): may not specify a duration less than 10 minutes",
                      field: "spec.expirationSeconds"),
            ])
        }
        let lifetime = min(requested, 48 * 3600)
        let now = clock()
        let token: String
        do {
            token = try tokens.issue(namespace: namespace, name: name, uid: uid, audiences: audiences,
                                     lifetime: TimeInterval(lifetime), now: now)
        } catch {
            throw APIError.internalError("cannot sign the token: \(error)")
        }
        review["apiVersion"] = "authentication.k8s.io/v1"
        review["kind"] = "TokenRequest"
        review.setValue(.string(name), at: ["metadata", "name"])
        review.setValue(.string(namespace), at: ["metadata", "namespace"])
        review.setValue(.string(RFC3339.format(now)), at: ["metadata", "creationTimestamp"])
        review.setValue(.array(audiences.map(JSONValue.string)), at: ["spec", "audiences"])
        review.setValue(.int(lifetime), at: ["spec", "expirationSeconds"])
        review["status"] = ["token": .string(token),
                            "expirationTimestamp": .string(RFC3339.format(now.addingTimeInterval(TimeInterval(lifetime))))]
        return .json(review, status: 201)
    }
}
