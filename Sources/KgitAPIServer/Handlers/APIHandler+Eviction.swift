import Foundation
import KgitAPIMachinery

extension APIHandler {
    /// POST `pods/<name>/eviction` (policy/v1 `Eviction`, what `kubectl drain` sends): deletes the pod unless
    /// that would take the PodDisruptionBudget selecting it below its desired healthy pods.
    ///
    /// As upstream: a pod that already finished, is still Pending or is being deleted is deleted without
    /// looking at budgets; a pod selected by more than one budget is refused (500); a budget whose status
    /// the disruption controller has not caught up with, or that allows no disruption, refuses with 429
    /// TooManyRequests ("Cannot evict pod as it would violate the pod's disruption budget."), which kubectl
    /// retries. Otherwise the budget's `status.disruptionsAllowed` is decremented and the pod recorded in
    /// `status.disruptedPods` (a conflict retries), then the pod is deleted with the eviction's
    /// `deleteOptions`.
    func eviction(_ request: APIRequest, namespace: String, name: String, dryRun: Bool) async throws(APIError)
        -> APIResponse
    {
        guard let pods = catalog.lookup(group: "", version: "v1", resource: "pods"),
              let budgets = catalog.lookup(group: "policy", version: "v1", resource: "poddisruptionbudgets")
        else { throw APIError.methodNotAllowed("evictions are not served") }
        let eviction = try decodeBody(request)
        if let named = eviction.value(at: ["metadata", "name"])?.stringValue, !named.isEmpty, named != name {
            throw APIError.badRequest("name in URL does not match name in Eviction object")
        }
        guard let current = try await registry.read(pods, namespace: namespace, name: name) else {
            throw APIError.notFound(resource: "pods", name: name)
        }
        let pod = current.object
        let phase = pod.value(at: ["status", "phase"])?.stringValue ?? "Pending"
        let deleting = pod.value(at: ["metadata", "deletionTimestamp"]) != nil
        if !(phase == "Succeeded" || phase == "Failed" || phase == "Pending" || deleting) {
            var labels: [String: String] = [:]
            for (k, v) in pod.value(at: ["metadata", "labels"])?.objectValue ?? [:] { labels[k] = v.stringValue ?? "" }
            for _ in 0..<8 {
                let matching = try await registry.list(budgets, namespace: namespace, options: ListOptions()).items
                    .filter { budget in
                        guard let selector = APIHandler.selector(budget.value(at: ["spec", "selector"])) else { return false }
                        return !selector.isEmpty && selector.matches(labels)
                    }
                guard !matching.isEmpty else { break }
                guard matching.count == 1, var budget = matching.first else {
                    throw APIError.internalError(
                        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.")
                }
                let budgetName = budget.value(at: ["metadata", "name"])?.stringValue ?? ""
                let generation = budget.value(at: ["metadata", "generation"])?.intValue ?? 1
                let observed = budget.value(at: ["status", "observedGeneration"])?.intValue ?? 0
                let allowed = budget.value(at: ["status", "disruptionsAllowed"])?.intValue ?? 0
                if observed < generation {
                    throw APIHandler.wouldViolate(
                        "The disruption budget \(budgetName) is still being processed by the server.")
                }
                if allowed < 0 {
                    throw APIError.forbidden(message: "pdb disruptions allowed is negative")
                }
                if allowed == 0 {
                    let healthy = budget.value(at: ["status", "currentHealthy"])?.intValue ?? 0
                    let desired = budget.value(at: ["status", "desiredHealthy"])?.intValue ?? 0
                    throw APIHandler.wouldViolate(
                        "The disruption budget \(budgetName) needs \(desired) healthy pods and has \(healthy) currently")
                }
                if dryRun { break }
                budget.setValue(.int(allowed - 1), at: ["status", "disruptionsAllowed"])
                var disrupted = budget.value(at: ["status", "disruptedPods"])?.objectValue ?? [:]
                disrupted[name] = .string(RFC3339.format(clock()))
                budget.setValue(.object(disrupted), at: ["status", "disruptedPods"])
                do {
                    _ = try await registry.update(budgets, object: budget,
                                                  expectedRevision: Int64(budget.value(at: ["metadata", "resourceVersion"])?.stringValue ?? "") ?? 0,
                                                  dryRun: false)
                    break
                } catch where error.reason == "Conflict" {
                    continue
                }
            }
        }
        var deletion = request
        deletion.body = eviction["deleteOptions"].map { Array($0.serialized().utf8) } ?? []
        deletion.headers = request.headers.filter { $0.name.lowercased() != "content-type" }
            + [("Content-Type", "application/json")]
        _ = try await delete(deletion, info: pods, namespace: namespace, name: name, dryRun: dryRun)
        let status: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201,
        ]
        return APIResponse.json(status, status: 201)
    }

    /// 429 TooManyRequests refusing an eviction, with upstream's message and the reason as a cause.
    static func wouldViolate(_ cause: String) -> APIError {
        APIError(reason: "TooManyRequests", code: 429,
                 message: "Cannot evict pod as it would violate the pod's disruption budget.",
                 details: .init(causes: [.init(type: "DisruptionBudget", message: cause, field: "")]))
    }

    /// A `metav1.LabelSelector` (`matchLabels`, `matchExpressions`) as a ``LabelSelector``; nil when absent or
    /// malformed.
    static func selector(_ json: JSONValue?) -> LabelSelector? {
        guard let json, json.objectValue != nil else { return nil }
        var requirements: [LabelSelector.Requirement] = []
        for (key, value) in json["matchLabels"]?.objectValue ?? [:] {
            requirements.append(.equals(key, value.stringValue ?? ""))
        }
        for e in json["matchExpressions"]?.arrayValue ?? [] {
            guard let key = e["key"]?.stringValue else { return nil }
            let values = Set((e["values"]?.arrayValue ?? []).compactMap(\.stringValue))
            switch e["operator"]?.stringValue {
            case "In": requirements.append(.in(key, values))
            case "NotIn": requirements.append(.notIn(key, values))
            case "Exists": requirements.append(.exists(key))
            case "DoesNotExist": requirements.append(.doesNotExist(key))
            default: return nil
            }
        }
        return LabelSelector(requirements: requirements)
    }
}
