import Foundation
import KgitAPIMachinery

/// Upstream `kubectl get` columns for the workload, storage, policy, networking, RBAC and discovery
/// kinds. Kinds upstream has no printer for (roles, cluster roles, limit ranges, custom resource
/// definitions) keep `Name, Created At`, as a real cluster prints them.
extension TableConvertor {
    /// The columns for `info`, or nil when the kind prints `Name, Created At`.
    static func moreColumns(for info: ResourceInfo, name: Column, age: Column) -> [Column]? {
        func col(_ title: String, type: String = "string", priority: Int = 0, _ description: String = "",
                 _ cell: @escaping @Sendable (JSONValue) -> JSONValue) -> Column {
            Column(name: title, type: type, format: "", priority: priority, description: description) { o, _ in cell(o) }
        }
        @Sendable func int(_ o: JSONValue, _ path: [String]) -> Int64 { o.value(at: path)?.intValue ?? 0 }
        @Sendable func text(_ o: JSONValue, _ path: [String]) -> String { o.value(at: path)?.stringValue ?? "" }
        func templateColumns(_ spec: [String], selector: [String]?) -> [Column] {
            var columns = [
                col("Containers", priority: 1, "Names of each container in the template.") { o in
                    .string(containerCells(o.value(at: spec + ["containers"])).names)
                },
                col("Images", priority: 1, "Images referenced by each container in the template.") { o in
                    .string(containerCells(o.value(at: spec + ["containers"])).images)
                },
            ]
            if let selector {
                columns.append(col("Selector", priority: 1, "A label query over pods.") { .string(formatLabelSelector($0.value(at: selector))) })
            }
            return columns
        }
        let podSpec = ["spec", "template", "spec"]

        switch (info.group, info.resource) {
        case ("apps", "statefulsets"):
            return [name, col("Ready", "Number of the pod with ready state") { o in
                .string("\(int(o, ["status", "readyReplicas"]))/\(o.value(at: ["spec", "replicas"])?.intValue ?? 1)")
            }, age] + templateColumns(podSpec, selector: nil)
        case ("apps", "daemonsets"):
            return [
                name,
                col("Desired", type: "integer", "The total number of nodes that should be running the daemon pod.") {
                    .int(int($0, ["status", "desiredNumberScheduled"]))
                },
                col("Current", type: "integer", "The number of nodes running at least one daemon pod that are supposed to.") {
                    .int(int($0, ["status", "currentNumberScheduled"]))
                },
                col("Ready", type: "integer", "The number of nodes running the daemon pod with a Ready condition.") {
                    .int(int($0, ["status", "numberReady"]))
                },
                col("Up-to-date", type: "integer", "The total number of nodes running the updated daemon pod.") {
                    .int(int($0, ["status", "updatedNumberScheduled"]))
                },
                col("Available", type: "integer", "The number of nodes running the daemon pod available for minReadySeconds.") {
                    .int(int($0, ["status", "numberAvailable"]))
                },
                col("Node Selector", "The node selector of the pod template.") {
                    .string(formatLabels($0.value(at: podSpec + ["nodeSelector"])))
                },
                age,
            ] + templateColumns(podSpec, selector: ["spec", "selector"])
        case ("batch", "jobs"):
            return [
                name,
                col("Status", "Status of the job.") { .string(jobStatus($0)) },
                col("Completions", "The number of pods that reached phase Succeeded.") { .string(jobCompletions($0)) },
                Column(name: "Duration", type: "string", format: "", priority: 0,
                       description: "Time required to complete the job.") { o, now in .string(jobDuration(o, now: now)) },
                age,
            ] + templateColumns(podSpec, selector: ["spec", "selector"])
        case ("batch", "cronjobs"):
            return [
                name,
                col("Schedule", "The schedule in Cron format.") { $0.value(at: ["spec", "schedule"]) ?? "" },
                col("Timezone", "The time zone name for the given schedule.") { o in
                    .string(o.value(at: ["spec", "timeZone"])?.stringValue ?? "<none>")
                },
                col("Suspend", type: "boolean", "Whether subsequent executions are suspended.") { o in
                    guard let suspend = o.value(at: ["spec", "suspend"])?.boolValue else { return "<unset>" }
                    return .string(suspend ? "True" : "False")
                },
                col("Active", type: "integer", "The currently running jobs.") { o in
                    .int(Int64(o.value(at: ["status", "active"])?.arrayValue?.count ?? 0))
                },
                Column(name: "Last Schedule", type: "string", format: "", priority: 0,
                       description: "When the job was last successfully scheduled.") { o, now in
                    guard let last = o.value(at: ["status", "lastScheduleTime"])?.stringValue else { return "<none>" }
                    return .string(since(last, now: now))
                },
                age,
            ] + templateColumns(["spec", "jobTemplate", "spec", "template", "spec"],
                                selector: ["spec", "jobTemplate", "spec", "selector"])
        case ("", "persistentvolumeclaims"):
            return [
                name,
                col("Status", "The current phase of the claim.") { o in
                    .string(o.value(at: ["metadata", "deletionTimestamp"]) != nil ? "Terminating" : text(o, ["status", "phase"]))
                },
                col("Volume", "The binding reference to the volume backing this claim.") { $0.value(at: ["spec", "volumeName"]) ?? "" },
                col("Capacity", "The actual resources of the underlying volume.") { o in
                    .string(text(o, ["spec", "volumeName"]).isEmpty ? "" : text(o, ["status", "capacity", "storage"]))
                },
                col("Access Modes", "The actual access modes the volume backing the claim has.") { o in
                    .string(text(o, ["spec", "volumeName"]).isEmpty ? "" : accessModes(o.value(at: ["status", "accessModes"])))
                },
                col("StorageClass", "StorageClass of the pvc") { o in
                    .string(o.value(at: ["metadata", "annotations", "volume.beta.kubernetes.io/storage-class"])?.stringValue
                        ?? text(o, ["spec", "storageClassName"]))
                },
                col("VolumeAttributesClass", "VolumeAttributesClass of the pvc") { o in
                    .string(o.value(at: ["spec", "volumeAttributesClassName"])?.stringValue ?? "<unset>")
                },
                age,
                col("VolumeMode", priority: 1, "Whether the volume is a formatted filesystem or a raw block device.") { o in
                    .string(o.value(at: ["spec", "volumeMode"])?.stringValue ?? "<unset>")
                },
            ]
        case ("", "persistentvolumes"):
            return [
                name,
                col("Capacity", "The volume's capacity.") { .string(text($0, ["spec", "capacity", "storage"])) },
                col("Access Modes", "The ways the volume can be mounted.") { .string(accessModes($0.value(at: ["spec", "accessModes"]))) },
                col("Reclaim Policy", "What happens to the volume when released from its claim.") {
                    $0.value(at: ["spec", "persistentVolumeReclaimPolicy"]) ?? ""
                },
                col("Status", "The current phase of the volume.") { o in
                    .string(o.value(at: ["metadata", "deletionTimestamp"]) != nil ? "Terminating" : text(o, ["status", "phase"]))
                },
                col("Claim", "The claim bound to this volume.") { o in
                    guard let ref = o.value(at: ["spec", "claimRef"]), ref.objectValue != nil else { return "" }
                    return .string("\(ref["namespace"]?.stringValue ?? "")/\(ref["name"]?.stringValue ?? "")")
                },
                col("StorageClass", "StorageClass of the pv") { o in
                    .string(o.value(at: ["metadata", "annotations", "volume.beta.kubernetes.io/storage-class"])?.stringValue
                        ?? text(o, ["spec", "storageClassName"]))
                },
                col("VolumeAttributesClass", "VolumeAttributesClass of the pv") { o in
                    .string(o.value(at: ["spec", "volumeAttributesClassName"])?.stringValue ?? "<unset>")
                },
                col("Reason", "A brief reason for the volume's state.") { .string(text($0, ["status", "reason"])) },
                age,
                col("VolumeMode", priority: 1, "Whether the volume is a formatted filesystem or a raw block device.") { o in
                    .string(o.value(at: ["spec", "volumeMode"])?.stringValue ?? "<unset>")
                },
            ]
        case ("autoscaling", "horizontalpodautoscalers"):
            return [
                name,
                col("Reference", "The scaled resource.") { o in
                    .string("\(text(o, ["spec", "scaleTargetRef", "kind"]))/\(text(o, ["spec", "scaleTargetRef", "name"]))")
                },
                col("Targets", "The metrics used to compute the desired replica count.") { .string(hpaTargets($0)) },
                col("MinPods", "The lower limit for the number of replicas.") { o in
                    .string(o.value(at: ["spec", "minReplicas"])?.intValue.map(String.init) ?? "<unset>")
                },
                col("MaxPods", "The upper limit for the number of replicas.") { .int(int($0, ["spec", "maxReplicas"])) },
                col("Replicas", "The current number of replicas.") { .int(int($0, ["status", "currentReplicas"])) },
                age,
            ]
        case ("policy", "poddisruptionbudgets"):
            @Sendable func intOrString(_ value: JSONValue?) -> JSONValue {
                guard let value, !value.isNull else { return "N/A" }
                if let n = value.intValue { return .string(String(n)) }
                return .string(value.stringValue ?? value.serialized())
            }
            return [
                name,
                col("Min Available", "The minimum number of pods that must be available.") { intOrString($0.value(at: ["spec", "minAvailable"])) },
                col("Max Unavailable", "The maximum number of pods that may be unavailable.") {
                    intOrString($0.value(at: ["spec", "maxUnavailable"]))
                },
                col("Allowed Disruptions", type: "integer", "Calculated number of pods that may be disrupted at this time.") {
                    .int(int($0, ["status", "disruptionsAllowed"]))
                },
                age,
            ]
        case ("networking.k8s.io", "ingresses"):
            return [
                name,
                col("Class", "The name of the IngressClass resource that should be used for additional configuration") { o in
                    .string(o.value(at: ["spec", "ingressClassName"])?.stringValue ?? "<none>")
                },
                col("Hosts", "Hosts that incoming requests are matched against before the ingress rule") {
                    .string(ingressHosts($0.value(at: ["spec", "rules"])?.arrayValue ?? []))
                },
                col("Address", "Address is a list containing ingress points for the load-balancer") { o in
                    let points = (o.value(at: ["status", "loadBalancer", "ingress"])?.arrayValue ?? []).compactMap { point -> String? in
                        if let ip = point["ip"]?.stringValue, !ip.isEmpty { return ip }
                        if let host = point["hostname"]?.stringValue, !host.isEmpty { return host }
                        return nil
                    }
                    return .string(Set(points).sorted().joined(separator: ","))
                },
                col("Ports", "Ports of TLS configurations that open") { o in
                    .string((o.value(at: ["spec", "tls"])?.arrayValue ?? []).isEmpty ? "80" : "80, 443")
                },
                age,
            ]
        case ("networking.k8s.io", "networkpolicies"):
            return [name, col("Pod-Selector", "The pods the policy applies to.") {
                .string(formatLabelSelector($0.value(at: ["spec", "podSelector"]) ?? [:]))
            }, age]
        case ("coordination.k8s.io", "leases"):
            return [name, col("Holder", "The holder of the lease.") { .string(text($0, ["spec", "holderIdentity"])) }, age]
        case ("", "resourcequotas"):
            return [
                name,
                col("Request", "Request represents a minimum amount of cpu/memory that a container may consume.") {
                    .string(quotaUsage($0, limits: false))
                },
                col("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.") {
                    .string(quotaUsage($0, limits: true))
                },
                age,
            ]
        case ("rbac.authorization.k8s.io", "rolebindings"), ("rbac.authorization.k8s.io", "clusterrolebindings"):
            @Sendable func subjects(_ o: JSONValue, _ kind: String) -> String {
                (o["subjects"]?.arrayValue ?? []).filter { $0["kind"]?.stringValue == kind }.map { subject in
                    let name = subject["name"]?.stringValue ?? ""
                    guard kind == "ServiceAccount" else { return name }
                    return "\(subject["namespace"]?.stringValue ?? "")/\(name)"
                }.joined(separator: ", ")
            }
            return [
                name,
                col("Role", "The role the subjects are bound to.") { o in
                    .string("\(text(o, ["roleRef", "kind"]))/\(text(o, ["roleRef", "name"]))")
                },
                age,
                col("Users", priority: 1, "Users in the binding") { .string(subjects($0, "User")) },
                col("Groups", priority: 1, "Groups in the binding") { .string(subjects($0, "Group")) },
                col("ServiceAccounts", priority: 1, "ServiceAccounts in the binding") { .string(subjects($0, "ServiceAccount")) },
            ]
        case ("discovery.k8s.io", "endpointslices"):
            return [
                name,
                col("AddressType", "The type of address carried by this slice.") { .string(text($0, ["addressType"])) },
                col("Ports", "The network ports exposed by each endpoint.") { o in
                    let ports = (o["ports"]?.arrayValue ?? []).map { port -> String in
                        if let n = port["port"]?.intValue { return String(n) }
                        return port["name"]?.stringValue ?? "*"
                    }
                    return .string(firstThree(ports))
                },
                col("Endpoints", "The addresses of the endpoints.") { o in
                    .string(firstThree((o["endpoints"]?.arrayValue ?? []).flatMap { ($0["addresses"]?.arrayValue ?? []).compactMap(\.stringValue) }))
                },
                age,
            ]
        default:
            return nil
        }
    }

    // MARK: - Cells

    /// A template's containers as upstream lays them out: names and images, comma-separated.
    static func containerCells(_ containers: JSONValue?) -> (names: String, images: String) {
        let list = containers?.arrayValue ?? []
        return (list.map { $0["name"]?.stringValue ?? "" }.joined(separator: ","),
                list.map { $0["image"]?.stringValue ?? "" }.joined(separator: ","))
    }

    /// A label map as `k=v,...` sorted by key, or `<none>`.
    static func formatLabels(_ labels: JSONValue?) -> String {
        let pairs = (labels?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
        return pairs.isEmpty ? "<none>" : pairs.joined(separator: ",")
    }

    /// A LabelSelector as upstream prints it: requirements sorted by key (`k=v`, `k in (a,b)`,
    /// `k notin (a,b)`, `k`, `!k`), `<none>` for a missing or empty selector.
    static func formatLabelSelector(_ selector: JSONValue?) -> String {
        guard let selector, selector.objectValue != nil else { return "<none>" }
        var requirements: [(key: String, text: String)] = (selector["matchLabels"]?.objectValue ?? [:]).map {
            ($0.key, "\($0.key)=\($0.value.stringValue ?? "")")
        }
        for e in selector["matchExpressions"]?.arrayValue ?? [] {
            let key = e["key"]?.stringValue ?? ""
            let values = (e["values"]?.arrayValue ?? []).compactMap(\.stringValue).sorted().joined(separator: ",")
            switch e["operator"]?.stringValue ?? "" {
            case "In": requirements.append((key, "\(key) in (\(values))"))
            case "NotIn": requirements.append((key, "\(key) notin (\(values))"))
            case "Exists": requirements.append((key, key))
            case "DoesNotExist": requirements.append((key, "!\(key)"))
            default: return "<error>"
            }
        }
        let text = requirements.sorted { $0.key < $1.key }.map(\.text).joined(separator: ",")
        return text.isEmpty ? "<none>" : text
    }

    /// Access modes abbreviated in upstream's fixed order `RWO,ROX,RWX,RWOP`.
    static func accessModes(_ modes: JSONValue?) -> String {
        let present = Set((modes?.arrayValue ?? []).compactMap(\.stringValue))
        return [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")]
            .filter { present.contains($0.0) }.map(\.1).joined(separator: ",")
    }

    /// A job's STATUS from its conditions: Complete, Failed, Terminating, Suspended, FailureTarget or Running.
    static func jobStatus(_ o: JSONValue) -> String {
        let conditions = o.value(at: ["status", "conditions"])?.arrayValue ?? []
        func has(_ type: String) -> Bool {
            conditions.first { $0["type"]?.stringValue == type }?["status"]?.stringValue == "True"
        }
        if has("Complete") { return "Complete" }
        if has("Failed") { return "Failed" }
        if o.value(at: ["metadata", "deletionTimestamp"]) != nil { return "Terminating" }
        if has("Suspended") { return "Suspended" }
        if has("FailureTarget") { return "FailureTarget" }
        return "Running"
    }

    /// A job's COMPLETIONS: `succeeded/completions`, or `succeeded/1 of parallelism` for a work queue.
    static func jobCompletions(_ o: JSONValue) -> String {
        let succeeded = o.value(at: ["status", "succeeded"])?.intValue ?? 0
        if let completions = o.value(at: ["spec", "completions"])?.intValue { return "\(succeeded)/\(completions)" }
        let parallelism = o.value(at: ["spec", "parallelism"])?.intValue ?? 0
        return parallelism > 1 ? "\(succeeded)/1 of \(parallelism)" : "\(succeeded)/1"
    }

    /// A job's DURATION: completion minus start, or how long it has been running; empty before it starts.
    static func jobDuration(_ o: JSONValue, now: Date) -> String {
        guard let start = o.value(at: ["status", "startTime"])?.stringValue.flatMap(RFC3339.parse) else { return "" }
        let end = o.value(at: ["status", "completionTime"])?.stringValue.flatMap(RFC3339.parse) ?? now
        return HumanDuration.format(seconds: Int64(end.timeIntervalSince(start).rounded(.down)))
    }

    /// An HPA's TARGETS: `current/target` per metric (the first two, then ` + N more...`), `<none>` without metrics.
    static func hpaTargets(_ o: JSONValue) -> String {
        let specs = o.value(at: ["spec", "metrics"])?.arrayValue ?? []
        if specs.isEmpty { return "<none>" }
        let statuses = o.value(at: ["status", "currentMetrics"])?.arrayValue ?? []
        func quantity(_ v: JSONValue?) -> String? {
            guard let v, !v.isNull else { return nil }
            return v.stringValue ?? v.intValue.map(String.init) ?? v.serialized()
        }
        let list = specs.enumerated().map { i, spec -> String in
            let type = spec["type"]?.stringValue ?? ""
            let field = ["External": "external", "Pods": "pods", "Object": "object", "Resource": "resource",
                         "ContainerResource": "containerResource"][type]
            guard let field, let source = spec[field] else { return "<unknown type>" }
            let status = i < statuses.count ? statuses[i][field] : nil
            let target = source["target"] ?? [:]
            let current = status?["current"]
            switch type {
            case "Resource", "ContainerResource":
                let metric = source["name"]?.stringValue ?? ""
                if let average = quantity(target["averageValue"]) {
                    return "\(metric): \(quantity(current?["averageValue"]) ?? "<unknown>")/\(average)"
                }
                let now = current?["averageUtilization"]?.intValue.map { "\($0)%" } ?? "<unknown>"
                let goal = target["averageUtilization"]?.intValue.map { "\($0)%" } ?? "<auto>"
                return "\(metric): \(now)/\(goal)"
            case "Pods":
                return "\(quantity(current?["averageValue"]) ?? "<unknown>")/\(quantity(target["averageValue"]) ?? "")"
            default:
                if let average = quantity(target["averageValue"]) {
                    return "\(quantity(current?["averageValue"]) ?? "<unknown>")/\(average) (avg)"
                }
                return "\(quantity(current?["value"]) ?? "<unknown>")/\(quantity(target["value"]) ?? "")"
            }
        }
        if list.count > 2 { return list.prefix(2).joined(separator: ", ") + " + \(list.count - 2) more..." }
        return list.joined(separator: ", ")
    }

    /// An ingress's HOSTS: the rules' hosts (up to three, then ` + N more...`), `*` when none name one.
    static func ingressHosts(_ rules: [JSONValue]) -> String {
        var hosts: [String] = []
        var more = false
        for rule in rules {
            if hosts.count == 3 { more = true }
            if !more, let host = rule["host"]?.stringValue, !host.isEmpty { hosts.append(host) }
        }
        if hosts.isEmpty { return "*" }
        return more ? hosts.joined(separator: ",") + " + \(rules.count - 3) more..." : hosts.joined(separator: ",")
    }

    /// A quota's REQUEST or LIMIT cell: `resource: used/hard` for each hard limit, sorted by name;
    /// `limits.*` resources go to LIMIT, all others to REQUEST.
    static func quotaUsage(_ o: JSONValue, limits: Bool) -> String {
        let hard = o.value(at: ["status", "hard"])?.objectValue ?? [:]
        let used = o.value(at: ["status", "used"])?.objectValue ?? [:]
        return hard.keys.sorted().filter { $0.hasPrefix("limits.") == limits }.map { resource in
            "\(resource): \(used[resource]?.stringValue ?? "0")/\(hard[resource]?.stringValue ?? "0")"
        }.joined(separator: ", ")
    }

    /// Up to three items comma-separated, then ` + N more...`; `<unset>` when empty (EndpointSlice cells).
    static func firstThree(_ items: [String]) -> String {
        if items.isEmpty { return "<unset>" }
        if items.count > 3 { return items.prefix(3).joined(separator: ",") + " + \(items.count - 3) more..." }
        return items.joined(separator: ",")
    }
}
