import KgitYAML

/// The PriorityClasses every cluster has (upstream's API server creates them at start-up): the only
/// classes that may be named `system-…`, each with the value it must have.
public enum SystemPriorityClass {
    /// Name, value and description of each.
    public static let all: [(name: String, value: Int64, description: String)] = [
        ("system-node-critical", 2_000_001_000, "Used for system critical pods that must not be moved from their current node."),
        ("system-cluster-critical", 2_000_000_000,
         "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
    ]
}

/// Checks of scheduling.k8s.io kinds that the API server makes in code.
enum SchedulingChecks {
    /// The largest `value` a user's PriorityClass may have (upstream's `HighestUserDefinablePriority`).
    static let highestUserDefinablePriority = 1_000_000_000
    /// The values the system classes must have, by name.
    static let systemClasses = Dictionary(uniqueKeysWithValues: SystemPriorityClass.all.map { ($0.name, Int($0.value)) })

    /// A PriorityClass's value is at most one billion, unless it is one of the system classes, and only
    /// those may be named `system-…`.
    static let priorityClass = SchemaCheck(name: "scheduling.v1.PriorityClass") { object, context in
        let nameNode = object.member("metadata")?.member("name")
        let name = nameNode?.scalar?.text ?? ""
        let valueNode = object.member("value")
        if name.hasPrefix("system-") {
            if let required = systemClasses[name] {
                if let valueNode, let value = valueNode.intValue, value != required {
                    context.report(
                        .outOfRange, "the value of the system PriorityClass \(name) must be \(required), found \(value)",
                        at: valueNode, path: [.field("value")])
                }
            } else if let nameNode {
                context.report(
                    .invalidName, "priority class names with 'system-' prefix are reserved for system use only",
                    at: nameNode, path: [.field("metadata"), .field("name")])
            }
            return
        }
        if let valueNode, let value = valueNode.intValue, value > highestUserDefinablePriority {
            context.report(
                .outOfRange, "maximum allowed value of a user defined priority is \(highestUserDefinablePriority), found \(value)",
                at: valueNode, path: [.field("value")])
        }
    }
}
