import Foundation
import KgitAPIMachinery
import KgitSchema

/// Upstream's `ResourceQuota`: a create that would take a namespace's usage of a resource above a
/// ResourceQuota's `spec.hard` is refused with 403 (`exceeded quota: …`), as is a pod that does not
/// say how much of a constrained compute resource it needs (`failed quota: … must specify …`).
///
/// Usage is counted from the stored objects at admission: object counts (`pods`, `configmaps`,
/// `count/deployments.apps`, …), the requests and limits of non-terminal pods and PVCs'
/// `requests.storage`. Updates are charged for what they add. The API server holds the namespace's
/// lock (``NamespaceLocks``) from this check to the write, so concurrent writes cannot together
/// overshoot a quota (upstream compare-and-swaps the quota's status instead; one server per store
/// makes the lock enough).
struct ResourceQuotaAdmission: AdmissionPlugin {
    var name: String { "ResourceQuota" }

    /// The object-count names upstream accepts without the `count/` prefix.
    static let shortCounts: [String: String] = [
        "pods": "pods", "configmaps": "configmaps", "secrets": "secrets", "services": "services",
        "persistentvolumeclaims": "persistentvolumeclaims", "replicationcontrollers": "replicationcontrollers",
        "resourcequotas": "resourcequotas",
    ]

    /// What one object adds to each quota resource name among `names`, in thousandths.
    static func usage(of object: JSONValue, info: ResourceInfo, names: Set<String>) -> [String: Int64] {
        var used: [String: Int64] = [:]
        for name in names {
            if name == "count/\(info.qualifiedResource)" || (info.group.isEmpty && shortCounts[name] == info.resource) {
                if info.group.isEmpty && info.resource == "pods" && !isActivePod(object) { continue }
                used[name] = 1000
            }
        }
        if info.group.isEmpty && info.resource == "persistentvolumeclaims" {
            for name in names where name == "requests.storage" {
                used[name] = Quantity(json: object.value(at: ["spec", "resources", "requests", "storage"]))?.milliValue ?? 0
            }
            return used
        }
        guard info.group.isEmpty && info.resource == "pods" && isActivePod(object) else { return used }
        let containers = object.value(at: ["spec", "containers"])?.arrayValue ?? []
        for name in names {
            let (kind, resource): (String, String)
            if name.hasPrefix("requests.") { (kind, resource) = ("requests", String(name.dropFirst(9))) }
            else if name.hasPrefix("limits.") { (kind, resource) = ("limits", String(name.dropFirst(7))) }
            else if name == "cpu" || name == "memory" { (kind, resource) = ("requests", name) }
            else { continue }
            used[name] = containers.reduce(0) { sum, container in
                sum &+ (Quantity(json: container.value(at: ["resources", kind, resource]))?.milliValue ?? 0)
            }
        }
        return used
    }

    /// Pods that count: not finished and not being deleted.
    static func isActivePod(_ pod: JSONValue) -> Bool {
        let phase = pod.value(at: ["status", "phase"])?.stringValue
        return phase != "Succeeded" && phase != "Failed" && pod.value(at: ["metadata", "deletionTimestamp"]) == nil
    }

    /// The namespace's usage of `names`, summed over every stored object the names count.
    static func usage(in namespace: String, names: Set<String>, context: AdmissionContext) async throws(APIError)
        -> [String: Int64]
    {
        var total: [String: Int64] = [:]
        var seen: Set<String> = []
        for info in context.registry.catalog.resources where info.namespaced && info.stored {
            let counted = names.contains("count/\(info.qualifiedResource)")
                || (info.group.isEmpty && shortCounts.values.contains(info.resource) && names.contains(info.resource))
                || (info.group.isEmpty && info.resource == "pods")
                || (info.group.isEmpty && info.resource == "persistentvolumeclaims" && names.contains("requests.storage"))
            guard counted, seen.insert(info.storagePrefix).inserted else { continue }
            for object in try await context.registry.list(info, namespace: namespace, options: ListOptions()).items {
                for (name, value) in usage(of: object, info: info, names: names) { total[name, default: 0] &+= value }
            }
        }
        for name in names where total[name] == nil { total[name] = 0 }
        return total
    }

    func validate(_ request: AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {
        guard request.operation == .create || request.operation == .update, request.subresource == nil,
              let namespace = request.namespace
        else { return }
        let quotas = try await context.list("resourcequotas", namespace: namespace)
        guard !quotas.isEmpty else { return }
        for quota in quotas.sorted(by: { ($0.value(at: ["metadata", "name"])?.stringValue ?? "") < ($1.value(at: ["metadata", "name"])?.stringValue ?? "") }) {
            let quotaName = quota.value(at: ["metadata", "name"])?.stringValue ?? ""
            let hard = quota.value(at: ["spec", "hard"])?.objectValue ?? [:]
            let names = Set(hard.keys)
            var requested = ResourceQuotaAdmission.usage(of: request.object, info: request.info, names: names)
            if let old = request.oldObject {
                // An update is charged only for what it adds (a grown PVC request, a pod that
                // counts again); the old object's usage is already in the namespace's total.
                for (name, amount) in ResourceQuotaAdmission.usage(of: old, info: request.info, names: names) {
                    requested[name, default: 0] -= amount
                }
            }
            requested = requested.filter { $0.value > 0 }
            if request.isCore("pods") && request.operation == .create {
                var missing: [String] = []
                for name in names.sorted() where name.hasPrefix("requests.") || name.hasPrefix("limits.") || name == "cpu" || name == "memory" {
                    let kind = name.hasPrefix("limits.") ? "limits" : "requests"
                    let resource = name.split(separator: ".").last.map(String.init) ?? name
                    // Only compute resources are a pod's to state (requests.storage belongs to PVCs).
                    guard ["cpu", "memory", "ephemeral-storage"].contains(resource) || resource.hasPrefix("hugepages-")
                    else { continue }
                    let lacking = (request.object.value(at: ["spec", "containers"])?.arrayValue ?? []).filter {
                        $0.value(at: ["resources", kind, resource]) == nil
                    }.compactMap { $0["name"]?.stringValue }
                    if !lacking.isEmpty { missing.append("\(name) for: \(lacking.joined(separator: ","))") }
                }
                if !missing.isEmpty {
                    throw request.forbidden("failed quota: \(quotaName): must specify \(missing.joined(separator: "; "))")
                }
            }
            guard !requested.isEmpty else { continue }
            let used = try await ResourceQuotaAdmission.usage(in: namespace, names: Set(requested.keys), context: context)
            var exceeded: [String] = []
            for (name, amount) in requested {
                guard let limit = LimitRanger.quantity(hard[name]) else { continue }
                if (used[name] ?? 0) &+ amount > limit.milliValue { exceeded.append(name) }
            }
            guard !exceeded.isEmpty else { continue }
            exceeded.sort()
            func list(_ value: (String) -> String) -> String { exceeded.map { "\($0)=\(value($0))" }.joined(separator: ",") }
            throw request.forbidden(
                "exceeded quota: \(quotaName), requested: \(list { ResourceQuotaAdmission.format(requested[$0] ?? 0, $0) }), "
                    + "used: \(list { ResourceQuotaAdmission.format(used[$0] ?? 0, $0) }), "
                    + "limited: \(list { LimitRanger.quantity(hard[$0])?.text ?? "" })")
        }
    }

    /// Writes `status.hard` and `status.used` of every quota in `namespace` (what upstream's quota
    /// controller keeps current; `kubectl describe quota` shows them).
    static func refreshStatus(namespace: String, context: AdmissionContext) async throws(APIError) {
        guard let info = context.info("resourcequotas") else { return }
        for quota in try await context.list("resourcequotas", namespace: namespace) {
            let hard = quota.value(at: ["spec", "hard"])?.objectValue ?? [:]
            let used = try await usage(in: namespace, names: Set(hard.keys), context: context)
            var updated = quota
            updated.setValue(.object(hard), at: ["status", "hard"])
            updated.setValue(.object(Dictionary(uniqueKeysWithValues: used.map { ($0.key, JSONValue.string(format($0.value, $0.key))) })), at: ["status", "used"])
            guard updated != quota, let rv = quota.value(at: ["metadata", "resourceVersion"])?.stringValue.flatMap(Int64.init)
            else { continue }
            do {
                _ = try await context.registry.update(info, object: updated, expectedRevision: rv, dryRun: false)
            } catch where error.code == 409 || error.code == 404 {
                continue  // changed meanwhile: that write refreshes again
            }
        }
    }

    /// The canonical text of `millis` thousandths of quota resource `name`: with the largest exact binary
    /// suffix for memory and storage (`8Gi`), plainly for whole numbers (`2`), else in thousandths (`200m`).
    static func format(_ millis: Int64, _ name: String) -> String {
        Quantity(millis: millis).formatted(binary: name.hasSuffix("memory") || name.hasSuffix("storage"))
    }
}
