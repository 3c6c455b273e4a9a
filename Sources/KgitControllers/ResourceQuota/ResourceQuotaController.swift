import Foundation
import KgitAPIMachinery

/// The resource quota controller: keeps a ResourceQuota's `status.hard` equal to its `spec.hard`
/// and computes `status.used` for each limited resource from the objects of its namespace.
///
/// Counted: `pods` (not Succeeded or Failed), `requests.cpu`/`cpu`, `requests.memory`/`memory`,
/// `limits.cpu`, `limits.memory` (summed over those pods' containers, an init container counting
/// when it asks for more than the containers together, as upstream), `services`,
/// `services.loadbalancers`, `services.nodeports`, `configmaps`, `secrets`, `persistentvolumeclaims`,
/// `replicationcontrollers`, `resourcequotas`, and `count/<resource>[.<group>]` for any kind given.
/// Quota scopes and storage requests are not evaluated yet.
public enum ResourceQuotaController {
    /// The `source.component` of this controller's events.
    public static let component = "resourcequota-controller"

    static let countedKinds: [String: String] = [
        "configmaps": "ConfigMap", "secrets": "Secret", "persistentvolumeclaims": "PersistentVolumeClaim",
        "replicationcontrollers": "ReplicationController", "resourcequotas": "ResourceQuota", "services": "Service",
        "pods": "Pod",
    ]

    /// Decides what to do for `quota` given every object of its namespace.
    public static func reconcile(_ quota: JSONValue, objects: [JSONValue]) throws(ObjectDecodingError) -> [ControllerAction] {
        let meta = try ObjectMeta(quota)
        let r = JSONReader(quota, object: meta.key.description)
        let hard = try r.stringMap(["spec", "hard"])
        let inNamespace = objects.filter { $0.value(at: ["metadata", "namespace"])?.stringValue == meta.namespace }
        var pods: [Pod] = []
        for o in inNamespace where o["kind"] == "Pod" {
            let p = try Pod(o)
            if p.phase != .succeeded && p.phase != .failed { pods.append(p) }
        }

        var used: [String: JSONValue] = [:]
        for name in hard.keys.sorted() {
            let binary = name.hasSuffix("memory") || name.hasSuffix("storage")
            var value: Quantity?
            switch name {
            case "cpu", "requests.cpu": value = try sum(pods, "requests", "cpu")
            case "memory", "requests.memory": value = try sum(pods, "requests", "memory")
            case "limits.cpu": value = try sum(pods, "limits", "cpu")
            case "limits.memory": value = try sum(pods, "limits", "memory")
            case "services.loadbalancers":
                value = count(inNamespace) { $0["kind"] == "Service" && $0.value(at: ["spec", "type"]) == "LoadBalancer" }
            case "services.nodeports":
                var ports = 0
                for s in inNamespace where s["kind"] == "Service" {
                    let type = s.value(at: ["spec", "type"])?.stringValue
                    guard type == "NodePort" || type == "LoadBalancer" else { continue }
                    ports += s.value(at: ["spec", "ports"])?.arrayValue?.count ?? 0
                }
                value = Quantity(millis: Int64(ports) * 1000)
            case "pods", "count/pods": value = Quantity(millis: Int64(pods.count) * 1000)
            default:
                var resource = name
                if resource.hasPrefix("count/") { resource = String(resource.dropFirst("count/".count)) }
                let parts = resource.split(separator: ".", maxSplits: 1).map(String.init)
                let group = parts.count > 1 ? parts[1] : ""
                if let kind = countedKinds[parts[0]] ?? (name.hasPrefix("count/") ? Self.kind(fromResource: parts[0]) : nil) {
                    value = count(inNamespace) { o in
                        guard o["kind"]?.stringValue?.lowercased() == kind.lowercased() else { return false }
                        let api = o["apiVersion"]?.stringValue ?? ""
                        let objectGroup = api.contains("/") ? String(api.split(separator: "/")[0]) : ""
                        return objectGroup == group
                    }
                }
            }
            if let value { used[name] = .string(value.formatted(binary: binary)) }
        }
        let status: JSONValue = ["hard": .object(hard.mapValues { .string($0) }), "used": .object(used)]
        if quota["status"] == status { return [] }
        return [.patch(meta.key, ["status": status], status: true)]
    }

    /// A kind guessed from a plural resource name for `count/` quotas (`deployments` -> `deployment`).
    static func kind(fromResource resource: String) -> String {
        if resource.hasSuffix("ies") { return String(resource.dropLast(3)) + "y" }
        if resource.hasSuffix("sses") { return String(resource.dropLast(2)) }
        if resource.hasSuffix("s") { return String(resource.dropLast()) }
        return resource
    }

    static func count(_ objects: [JSONValue], _ predicate: (JSONValue) -> Bool) -> Quantity {
        Quantity(millis: Int64(objects.filter { !($0.value(at: ["metadata", "deletionTimestamp"]).map { !$0.isNull } ?? false) && predicate($0) }.count) * 1000)
    }

    /// The pods' total of `resources.<field>.<resource>`: per pod, the larger of its containers' sum
    /// and its largest init container.
    static func sum(_ pods: [Pod], _ field: String, _ resource: String) throws(ObjectDecodingError) -> Quantity {
        var total = Quantity(millis: 0)
        for pod in pods {
            let r = JSONReader(pod.object, object: pod.meta.key.description)
            func amount(_ list: String) throws(ObjectDecodingError) -> [Quantity] {
                var out: [Quantity] = []
                for c in try r.elements(["spec", list]) {
                    guard let text = try c.string(["resources", field, resource]) else { continue }
                    guard let q = try? Quantity(parsing: text) else {
                        throw c.fail(["resources", field, resource], "\"\(text)\" is not a valid quantity")
                    }
                    out.append(q)
                }
                return out
            }
            let containers = try amount("containers").reduce(Quantity(millis: 0), +)
            let initMax = try amount("initContainers").max() ?? Quantity(millis: 0)
            total = total + max(containers, initMax)
        }
        return total
    }
}
