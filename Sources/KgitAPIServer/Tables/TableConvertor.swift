import Foundation
import KgitAPIMachinery

/// Server-side printing: turns objects into a `meta.k8s.io/v1 Table` with the upstream column set
/// for each kind (what `kubectl get` shows), or `Name, Created At` for others.
struct TableConvertor: Sendable {
    /// A column and how to compute its cell.
    struct Column: Sendable {
        var name: String
        var type: String
        var format: String
        var priority: Int
        var description: String
        var cell: @Sendable (JSONValue, Date) -> JSONValue
    }

    /// How much of each object a row carries (`includeObject`).
    enum IncludeObject: String {
        case none = "None", metadata = "Metadata", object = "Object"
    }

    /// Whether an Accept header asks for a Table.
    static func wantsTable(_ accept: String?) -> Bool {
        guard let accept else { return false }
        return accept.split(separator: ",").contains { part in
            let params = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            return params.contains("as=Table") && params.contains("g=meta.k8s.io")
        }
    }

    /// The Table for a list.
    static func table(for info: ResourceInfo, objects: [JSONValue], listMeta: JSONValue, include: IncludeObject,
                      now: Date, printerColumns: [CustomResource.PrinterColumn]? = nil) -> JSONValue {
        let columns = printerColumns.map(self.columns(printing:)) ?? self.columns(for: info)
        let rows: [JSONValue] = objects.map { object in
            var row: JSONValue = ["cells": .array(columns.map { $0.cell(object, now) })]
            switch include {
            case .none: break
            case .object: row["object"] = object
            case .metadata:
                row["object"] = ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                 "metadata": object["metadata"] ?? [:]]
            }
            return row
        }
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": listMeta,
            "columnDefinitions": .array(columns.map {
                ["name": .string($0.name), "type": .string($0.type), "format": .string($0.format),
                 "description": .string($0.description), "priority": .int(Int64($0.priority))]
            }),
            "rows": .array(rows),
        ]
    }

    // MARK: - Columns

    /// A custom resource's columns: Name, then its CRD's `additionalPrinterColumns`, evaluated as
    /// upstream does (`date` cells become ages, missing values empty cells).
    static func columns(printing printerColumns: [CustomResource.PrinterColumn]) -> [Column] {
        let name = Column(name: "Name", type: "string", format: "name", priority: 0,
                          description: "Name must be unique within a namespace.") { o, _ in
            o.value(at: ["metadata", "name"]) ?? ""
        }
        return [name] + printerColumns.map { column in
            let path = try? SimpleJSONPath(column.jsonPath)
            return Column(name: column.name, type: column.type, format: column.format, priority: column.priority,
                          description: column.description) { object, now in
                guard let path, let value = path.evaluate(object), !value.isNull else { return .null }
                return cell(value, type: column.type, now: now)
            }
        }
    }

    /// A printer-column cell for a value of a declared type.
    static func cell(_ value: JSONValue, type: String, now: Date) -> JSONValue {
        switch type {
        case "date":
            guard let text = value.stringValue, let time = RFC3339.parse(text) else { return "<invalid>" }
            return .string(HumanDuration.format(seconds: Int64(now.timeIntervalSince(time).rounded(.down))))
        case "integer":
            return value.intValue.map(JSONValue.int) ?? .null
        case "number":
            switch value {
            case .int, .double: return value
            default: return .null
            }
        case "boolean":
            return value.boolValue.map(JSONValue.bool) ?? .null
        default:
            if let text = value.stringValue { return .string(text) }
            return .string(value.serialized())
        }
    }

    static func columns(for info: ResourceInfo) -> [Column] {
        let name = Column(name: "Name", type: "string", format: "name", priority: 0,
                          description: "Name must be unique within a namespace.") { o, _ in
            o.value(at: ["metadata", "name"]) ?? ""
        }
        let age = Column(name: "Age", type: "string", format: "", priority: 0,
                         description: "CreationTimestamp is a timestamp representing the server time when this object was created.") { o, now in
            guard let text = o.value(at: ["metadata", "creationTimestamp"])?.stringValue,
                  let created = RFC3339.parse(text)
            else { return "<unknown>" }
            return .string(HumanDuration.format(seconds: Int64(now.timeIntervalSince(created).rounded(.down))))
        }
        func col(_ title: String, type: String = "string", priority: Int = 0, _ description: String = "",
                 _ cell: @escaping @Sendable (JSONValue) -> JSONValue) -> Column {
            Column(name: title, type: type, format: "", priority: priority, description: description) { o, _ in cell(o) }
        }
        @Sendable func count(_ o: JSONValue, _ path: [String]) -> JSONValue {
            .int(Int64(o.value(at: path)?.objectValue?.count ?? o.value(at: path)?.arrayValue?.count ?? 0))
        }
        @Sendable func int(_ o: JSONValue, _ path: [String]) -> Int64 { o.value(at: path)?.intValue ?? 0 }
        @Sendable func containers(_ o: JSONValue) -> [JSONValue] {
            o.value(at: ["spec", "template", "spec", "containers"])?.arrayValue ?? []
        }
        @Sendable func selectorText(_ o: JSONValue) -> String {
            let labels = o.value(at: ["spec", "selector", "matchLabels"])?.objectValue ?? [:]
            var parts = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
            for e in o.value(at: ["spec", "selector", "matchExpressions"])?.arrayValue ?? [] {
                let key = e["key"]?.stringValue ?? ""
                let values = (e["values"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")
                switch e["operator"]?.stringValue ?? "" {
                case "In": parts.append("\(key) in (\(values))")
                case "NotIn": parts.append("\(key) notin (\(values))")
                case "Exists": parts.append(key)
                case "DoesNotExist": parts.append("!\(key)")
                default: break
                }
            }
            return parts.isEmpty ? "<none>" : parts.joined(separator: ",")
        }

        switch (info.group, info.resource) {
        case ("", "namespaces"):
            return [name, col("Status", "The status of the namespace") { $0.value(at: ["status", "phase"]) ?? "" }, age]
        case ("", "configmaps"):
            return [name, col("Data", type: "integer", "Number of data in the configmap") { o in
                .int(Int64((o["data"]?.objectValue?.count ?? 0) + (o["binaryData"]?.objectValue?.count ?? 0)))
            }, age]
        case ("", "secrets"):
            return [name, col("Type", "The type of the secret") { $0["type"] ?? "" },
                    col("Data", type: "integer", "The number of data in the secret") { count($0, ["data"]) }, age]
        case ("", "serviceaccounts"):
            return [name, col("Secrets", type: "integer") { count($0, ["secrets"]) }, age]
        case ("", "services"):
            return [
                name, col("Type") { $0.value(at: ["spec", "type"]) ?? "ClusterIP" },
                col("Cluster-IP") { $0.value(at: ["spec", "clusterIP"]) ?? "<none>" },
                col("External-IP") { o in
                    // As kubectl prints it: load balancer ingress first for LoadBalancers (<pending> until one is
                    // assigned), then spec.externalIPs; the external name for ExternalName Services.
                    let external = (o.value(at: ["spec", "externalIPs"])?.arrayValue ?? []).compactMap(\.stringValue)
                    switch o.value(at: ["spec", "type"])?.stringValue ?? "ClusterIP" {
                    case "LoadBalancer":
                        let ingress = (o.value(at: ["status", "loadBalancer", "ingress"])?.arrayValue ?? []).compactMap {
                            $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue
                        }
                        let all = ingress + external
                        return .string(all.isEmpty ? "<pending>" : all.joined(separator: ","))
                    case "ExternalName":
                        return o.value(at: ["spec", "externalName"]) ?? "<none>"
                    default:
                        return .string(external.isEmpty ? "<none>" : external.joined(separator: ","))
                    }
                },
                col("Port(s)") { o in
                    let ports = (o.value(at: ["spec", "ports"])?.arrayValue ?? []).map { p -> String in
                        let port = p["port"]?.intValue ?? 0
                        let proto = p["protocol"]?.stringValue ?? "TCP"
                        if let node = p["nodePort"]?.intValue { return "\(port):\(node)/\(proto)" }
                        return "\(port)/\(proto)"
                    }
                    return .string(ports.isEmpty ? "<none>" : ports.joined(separator: ","))
                },
                age,
                col("Selector", priority: 1) { o in
                    let sel = o.value(at: ["spec", "selector"])?.objectValue ?? [:]
                    let text = sel.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
                    return .string(text.isEmpty ? "<none>" : text.joined(separator: ","))
                },
            ]
        case ("", "pods"):
            return [
                name,
                col("Ready", "The aggregate readiness state of this pod for accepting traffic.") { o in
                    let total = o.value(at: ["spec", "containers"])?.arrayValue?.count ?? 0
                    let ready = (o.value(at: ["status", "containerStatuses"])?.arrayValue ?? [])
                        .filter { $0["ready"]?.boolValue == true }.count
                    return .string("\(ready)/\(total)")
                },
                col("Status", "The aggregate status of the containers in this pod.") { o in
                    if o.value(at: ["metadata", "deletionTimestamp"]) != nil { return "Terminating" }
                    return o.value(at: ["status", "reason"]) ?? o.value(at: ["status", "phase"]) ?? "Pending"
                },
                col("Restarts", type: "integer", "The number of times the containers in this pod have been restarted.") { o in
                    .int((o.value(at: ["status", "containerStatuses"])?.arrayValue ?? [])
                        .reduce(0) { $0 + ($1["restartCount"]?.intValue ?? 0) })
                },
                age,
                col("IP", priority: 1, "IP address allocated to the pod.") { $0.value(at: ["status", "podIP"]) ?? "<none>" },
                col("Node", priority: 1, "Name of the Node this pod is assigned to.") {
                    $0.value(at: ["spec", "nodeName"]) ?? "<none>"
                },
                col("Nominated Node", priority: 1) { $0.value(at: ["status", "nominatedNodeName"]) ?? "<none>" },
                col("Readiness Gates", priority: 1) { o in
                    let gates = o.value(at: ["spec", "readinessGates"])?.arrayValue ?? []
                    return .string(gates.isEmpty ? "<none>" : "0/\(gates.count)")
                },
            ]
        case ("apps", "deployments"):
            return [
                name,
                col("Ready", "Number of the pod with ready state") { o in
                    .string("\(int(o, ["status", "readyReplicas"]))/\(o.value(at: ["spec", "replicas"])?.intValue ?? 1)")
                },
                col("Up-to-date", type: "integer", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.") {
                    .int(int($0, ["status", "updatedReplicas"]))
                },
                col("Available", type: "integer", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.") {
                    .int(int($0, ["status", "availableReplicas"]))
                },
                age,
                col("Containers", priority: 1, "Names of each container in the template.") { o in
                    .string(containers(o).compactMap { $0["name"]?.stringValue }.joined(separator: ","))
                },
                col("Images", priority: 1, "Images referenced by each container in the template.") { o in
                    .string(containers(o).compactMap { $0["image"]?.stringValue }.joined(separator: ","))
                },
                col("Selector", priority: 1, "Label selector for pods.") { .string(selectorText($0)) },
            ]
        case ("apps", "replicasets"):
            return [
                name, col("Desired", type: "integer") { .int($0.value(at: ["spec", "replicas"])?.intValue ?? 1) },
                col("Current", type: "integer") { .int(int($0, ["status", "replicas"])) },
                col("Ready", type: "integer") { .int(int($0, ["status", "readyReplicas"])) }, age,
                col("Containers", priority: 1) { o in
                    .string(containers(o).compactMap { $0["name"]?.stringValue }.joined(separator: ","))
                },
                col("Images", priority: 1) { o in
                    .string(containers(o).compactMap { $0["image"]?.stringValue }.joined(separator: ","))
                },
                col("Selector", priority: 1) { .string(selectorText($0)) },
            ]
        case ("", "events"):
            return [
                Column(name: "Last Seen", type: "string", format: "", priority: 0, description: "") { o, now in
                    let text = o["lastTimestamp"]?.stringValue ?? o["eventTime"]?.stringValue
                        ?? o.value(at: ["metadata", "creationTimestamp"])?.stringValue ?? ""
                    guard let t = RFC3339.parse(text) else { return "<unknown>" }
                    return .string(HumanDuration.format(seconds: Int64(now.timeIntervalSince(t))))
                },
                col("Type") { $0["type"] ?? "" }, col("Reason") { $0["reason"] ?? "" },
                col("Object") { o in
                    let kind = o.value(at: ["involvedObject", "kind"])?.stringValue?.lowercased() ?? ""
                    return .string("\(kind)/\(o.value(at: ["involvedObject", "name"])?.stringValue ?? "")")
                },
                col("Message") { $0["message"] ?? "" },
            ]
        default:
            return [name, Column(name: "Created At", type: "date", format: "", priority: 0,
                                 description: "CreationTimestamp is a timestamp representing the server time when this object was created.") { o, _ in
                o.value(at: ["metadata", "creationTimestamp"]) ?? .null
            }]
        }
    }
}
