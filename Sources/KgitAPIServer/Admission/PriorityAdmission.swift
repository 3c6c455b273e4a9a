import KgitAPIMachinery
import KgitSchema

/// Upstream's `Priority` plugin: a new pod's `spec.priority` (and `spec.preemptionPolicy`) come from
/// the PriorityClass its `priorityClassName` names, or from the class marked `globalDefault` (whose
/// name the pod then gets), or are 0 when there is none; a pod naming a class that does not exist is
/// refused, as is one that states a different priority itself. For PriorityClasses, at most one is
/// the global default, and `value` and `preemptionPolicy` do not change after creation.
struct PriorityAdmission: AdmissionPlugin {
    var name: String { "Priority" }

    /// The PriorityClass objects of ``SystemPriorityClass/all``, which every cluster has.
    static var systemClassObjects: [JSONValue] {
        SystemPriorityClass.all.map { c in
            [
                "apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": ["name": .string(c.name)],
                "value": .int(c.value), "description": .string(c.description),
            ]
        }
    }

    func admit(_ request: inout AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {
        guard request.operation == .create, request.isCore("pods") else { return }
        let className = request.object.value(at: ["spec", "priorityClassName"])?.stringValue ?? ""
        var priority: Int64 = 0
        var policy = "PreemptLowerPriority"
        if className.isEmpty {
            if let fallback = try await Self.globalDefault(context, except: nil) {
                let name = fallback.value(at: ["metadata", "name"])?.stringValue ?? ""
                request.object.setValue(.string(name), at: ["spec", "priorityClassName"])
                priority = fallback["value"]?.intValue ?? 0
                policy = fallback["preemptionPolicy"]?.stringValue ?? policy
            }
        } else {
            guard let found = try await context.get("priorityclasses", group: "scheduling.k8s.io", namespace: nil, name: className)
            else {
                throw request.forbidden("no PriorityClass with name \(className) was found")
            }
            priority = found["value"]?.intValue ?? 0
            policy = found["preemptionPolicy"]?.stringValue ?? policy
        }
        if let stated = request.object.value(at: ["spec", "priority"]), !stated.isNull, stated.intValue != priority {
            throw request.forbidden(
                "the integer value of priority (\(stated.intValue.map(String.init) ?? "\(stated)")) must not be provided in pod spec; "
                    + "priority admission controller computed \(priority) from the given PriorityClass name")
        }
        if let stated = request.object.value(at: ["spec", "preemptionPolicy"])?.stringValue, stated != policy {
            throw request.forbidden(
                "the string value of PreemptionPolicy (\(stated)) must not be provided in pod spec; "
                    + "priority admission controller computed \(policy) from the given PriorityClass name")
        }
        request.object.setValue(.int(priority), at: ["spec", "priority"])
        request.object.setValue(.string(policy), at: ["spec", "preemptionPolicy"])
    }

    func validate(_ request: AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {
        guard request.info.group == "scheduling.k8s.io", request.info.resource == "priorityclasses",
              request.subresource == nil, request.operation != .delete
        else { return }
        if let old = request.oldObject {
            var causes: [APIError.Cause] = []
            if old["value"] != request.object["value"] {
                causes.append(.init(type: "FieldValueForbidden", message: "Forbidden: may not be changed in an update.", field: "value"))
            }
            if old["preemptionPolicy"] != request.object["preemptionPolicy"] {
                let shown = request.object["preemptionPolicy"]?.stringValue.map { "\"\($0)\"" } ?? "null"
                causes.append(.init(type: "FieldValueInvalid", message: "Invalid value: \(shown): field is immutable", field: "preemptionPolicy"))
            }
            if !causes.isEmpty {
                throw APIError.invalid(kind: "PriorityClass", group: "scheduling.k8s.io", name: request.name, causes: causes)
            }
        }
        guard request.object["globalDefault"]?.boolValue == true,
              let other = try await Self.globalDefault(context, except: request.name)
        else { return }
        let otherName = other.value(at: ["metadata", "name"])?.stringValue ?? ""
        throw request.forbidden("PriorityClass \(otherName) is already marked as default. Only one default can exist")
    }

    /// The PriorityClass marked `globalDefault` (other than `except`); the lowest valued one if several are.
    /// The classes come from the context's cached reads: a class written through this server is seen by
    /// every request after its write returned.
    static func globalDefault(_ context: AdmissionContext, except: String?) async throws(APIError) -> JSONValue? {
        let classes = try await context.list("priorityclasses", group: "scheduling.k8s.io", namespace: nil)
        return classes
            .filter { $0["globalDefault"]?.boolValue == true && $0.value(at: ["metadata", "name"])?.stringValue != except }
            .min { ($0["value"]?.intValue ?? 0) < ($1["value"]?.intValue ?? 0) }
    }
}
