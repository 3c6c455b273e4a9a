import KgitAPIMachinery
import KgitYAML

/// Checks on pods and containers that the API server enforces in code (`ValidatePodSpec`,
/// `validateContainers`, `ValidateResourceRequirements`...).
enum PodChecks {
    static let containerLists = ["initContainers", "containers", "ephemeralContainers"]

    /// Container names unique across the three container lists; volume names; mounts of undeclared volumes.
    static let podSpec = SchemaCheck(name: "core.v1.PodSpec", inPlace: { spec, context in
        // Read in place: containers, volumes and their names are copied only for a report.
        // Duplicates inside one list are `duplicate-key-in-list`; here only across lists, so a spec
        // with one list (most) has none to look for, and its names are not filed.
        var seen: [String: String] = [:]
        let lists = containerLists.count { Node.member($0, of: spec).flatMap(Node.items(of:)).map { !$0.isEmpty } ?? false }
        for list in containerLists where lists > 1 {
            guard let containers = Node.member(list, of: spec).flatMap(Node.items(of:)), let base = containers.baseAddress else { continue }
            for index in containers.indices {
                guard let nameNode = Node.member("name", of: base + index), let name = nameNode.pointee.stringValue else { continue }
                if let other = seen[name], other != list {
                    context.report(
                        .duplicateContainerName, "container name \(name.debugDescription) is already used in `\(other)`",
                        at: nameNode.pointee,
                        path: [.field(list), .element(index, item: base[index], keys: ["name"]), .field("name")])
                } else if seen[name] == nil {
                    seen[name] = list
                }
            }
        }
        // A list, not a set: a pod has a few volumes, and a set hashed each name to be searched a few times
        // (`checkMounts` hashes them when there are many).
        var volumes: [String] = []
        if let items = Node.member("volumes", of: spec).flatMap(Node.items(of:)), let base = items.baseAddress {
            for index in items.indices {
                guard let nameNode = Node.member("name", of: base + index), let name = nameNode.pointee.stringValue else { continue }
                volumes.append(name)
                if let problem = NameRules.dns1123Label(name) {
                    context.report(
                        .invalidName, "invalid volume name \(name.debugDescription): \(problem)", at: nameNode.pointee,
                        path: [.field("volumes"), .element(index, item: base[index], keys: ["name"]), .field("name")])
                }
            }
        }
        // A StatefulSet's volumeClaimTemplates are volumes too; its spec check looks at mounts.
        if context.kind?.kind != "StatefulSet" {
            checkMounts(spec, volumes: volumes, path: [], into: &context)
        }
        Checks.nonNegative(spec.pointee, "terminationGracePeriodSeconds", into: &context)
        if let value = spec.pointee.memberInt("activeDeadlineSeconds"), value < 1, let node = Node.member("activeDeadlineSeconds", of: spec) {
            context.report(
                .negativeValue, "activeDeadlineSeconds must be at least 1, found \(value)", at: node.pointee,
                path: [.field("activeDeadlineSeconds")])
        }
    })

    /// Reports volume mounts and devices that name no volume in `volumes`.
    static func checkMounts(_ spec: Node, volumes: [String], path prefix: [PathComponent], into context: inout CheckContext) {
        withUnsafePointer(to: spec) { checkMounts($0, volumes: volumes, path: prefix, into: &context) }
    }

    /// `checkMounts` of the pod spec at `spec`, read in place.
    static func checkMounts(
        _ spec: UnsafePointer<Node>, volumes: [String], path prefix: [PathComponent], into context: inout CheckContext
    ) {
        // Searched in order while there are few (most pods); hashed once when there are many, so a pod with
        // thousands of volumes and mounts costs linear time.
        let hashed: Set<String>? = volumes.count > NameTable<Void>.linearLimit ? Set(volumes) : nil
        for list in containerLists {
            guard let containers = Node.member(list, of: spec).flatMap(Node.items(of:)), let base = containers.baseAddress else { continue }
            for index in containers.indices {
                for mounts in ["volumeMounts", "volumeDevices"] {
                    guard let items = Node.member(mounts, of: base + index).flatMap(Node.items(of:)), let mountBase = items.baseAddress else {
                        continue
                    }
                    let key = mounts == "volumeMounts" ? "mountPath" : "devicePath"
                    for mountIndex in items.indices {
                        guard let nameNode = Node.member("name", of: mountBase + mountIndex), let name = nameNode.pointee.stringValue,
                            !(hashed?.contains(name) ?? volumes.contains(name))
                        else { continue }
                        var notes: [String] = []
                        if let suggestion = Suggestion.closest(to: name, among: volumes) { notes.append("did you mean `\(suggestion)`?") }
                        context.report(
                            .unknownVolume, "\(mounts == "volumeMounts" ? "volume mount" : "volume device") refers to volume \(name.debugDescription), which the pod does not declare in `volumes`",
                            at: nameNode.pointee,
                            path: prefix + [
                                .field(list), .element(index, item: base[index], keys: ["name"]), .field(mounts),
                                .element(mountIndex, item: mountBase[mountIndex], keys: [key]), .field("name"),
                            ], notes: notes)
                    }
                }
            }
        }
    }

    /// The names of a pod spec's volumes (in order; a name may repeat).
    static func volumeNames(_ spec: Node) -> [String] {
        (spec.member("volumes")?.sequence ?? []).compactMap { $0.member("name")?.stringValue }
    }

    /// Name syntax, a required image, port ranges and names.
    static let container = SchemaCheck(name: "core.v1.Container", inPlace: { container, context in
        // Read in place: the container's members and ports are copied, and paths built, only for a
        // report (copies of the nodes and each port's path cost more than the checks).
        let nameNode = Node.member("name", of: container)
        if let nameNode, let name = nameNode.pointee.stringValue, let problem = NameRules.dns1123Label(name) {
            context.report(
                .invalidName, "invalid container name \(name.debugDescription): \(problem)", at: nameNode.pointee,
                path: [.field("name")])
        }
        // A present image of the wrong type is already a type error.
        let image = Node.member("image", of: container)
        if image.map({ $0.pointee.isNull || $0.pointee.stringValue == "" }) ?? true {
            let name = nameNode?.pointee.stringValue.map { " \($0.debugDescription)" } ?? ""
            context.report(
                .required, "missing required field `image` in container\(name)", at: image?.pointee ?? container.pointee,
                path: [.field("image")])
        }
        guard let ports = Node.member("ports", of: container).flatMap(Node.items(of:)), let base = ports.baseAddress else { return }
        var names = NameTable<Int>()
        for index in ports.indices {
            let port = base + index
            func path(_ field: String) -> [PathComponent] {
                [.field("ports"), .element(index, item: port.pointee, keys: ["containerPort", "protocol"]), .field(field)]
            }
            if let node = Node.member("containerPort", of: port), let value = node.pointee.intValue, !(1...65535).contains(value) {
                Checks.portRange(value, "containerPort", at: node.pointee, path: path("containerPort"), into: &context)
            }
            if let node = Node.member("hostPort", of: port), let value = node.pointee.intValue, value != 0, !(1...65535).contains(value) {
                Checks.portRange(value, "hostPort", at: node.pointee, path: path("hostPort"), into: &context)
            }
            guard let nameNode = Node.member("name", of: port), let name = nameNode.pointee.stringValue else { continue }
            Checks.portName(
                name, problem: NameRules.portName(name), index: index, names: &names, at: nameNode.pointee, path: path("name"),
                into: &context)
        }
    })

    /// Environment variable names.
    static let envVar = SchemaCheck(name: "core.v1.EnvVar") { env, context in
        if let nameNode = env.member("name"), let name = nameNode.stringValue, let problem = NameRules.environmentVariableName(name) {
            context.report(.invalidEnvName, "invalid environment variable name \(name.debugDescription): \(problem)", at: nameNode, path: [.field("name")])
        }
    }

    /// Probe timings are not negative.
    static let probe = SchemaCheck(name: "core.v1.Probe") { probe, context in
        for field in ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold", "terminationGracePeriodSeconds"] {
            Checks.nonNegative(probe, field, into: &context)
        }
    }

    /// A probe's or hook's port: a number in 1-65535 or an IANA port name.
    static let handlerPort = SchemaCheck(name: "core.v1.HandlerPort") { action, context in
        guard let node = action.member("port") else { return }
        if let value = node.intValue {
            Checks.portRange(value, "port", at: node, path: [.field("port")], into: &context)
        } else if let name = node.stringValue, let problem = NameRules.portName(name) {
            context.report(.invalidPortName, "invalid port name \(name.debugDescription): \(problem)", at: node, path: [.field("port")])
        }
    }

    /// Quantities are not negative, and no request exceeds its limit.
    static let resourceRequirements = SchemaCheck(name: "core.v1.ResourceRequirements", inPlace: { resources, context in
        // Read in place: copying each section's node and each entry, and a path built per entry, cost
        // more than the checks; paths are built only for a report.
        // A resource's last limit counts. A section names a few resources: a `NameTable` compares them in
        // order (a dictionary hashed each name and grew for each object) until there are many.
        var limits = NameTable<Quantity>()
        for section in ["limits", "requests"] {
            guard let entries = Node.member(section, of: resources).flatMap(NodeValidator.entries(of:)),
                let base = entries.baseAddress
            else { continue }
            for index in entries.indices {
                guard case .scalar(let key) = entries[index].key.content, let quantity = Checks.quantity(of: base + index) else { continue }
                let resource = key.text
                if quantity.isNegative {
                    context.report(
                        .negativeValue, "the \(section == "limits" ? "limit" : "request") for \(resource) must not be negative, found \(quantity.text)",
                        at: entries[index].value, path: [.field(section), .field(resource)])
                    continue
                }
                if section == "limits" {
                    limits[resource] = quantity
                } else if let limit = limits[resource], limit < quantity {
                    context.report(
                        .requestsExceedLimits, "the request for \(resource) (\(quantity.text)) is greater than its limit (\(limit.text))",
                        at: entries[index].value, path: [.field(section), .field(resource)])
                }
            }
        }
    })
}

/// Small helpers shared by the checks.
enum Checks {
    /// Reports the name of port `index` when its naming rule found `problem` in it, or when an earlier port of the
    /// same list has it; otherwise records it in `names` (port name to index). Containers and Services name
    /// their ports by different rules and share the rest.
    static func portName(
        _ name: String, problem: String?, index: Int, names: inout NameTable<Int>, at node: Node, path: [PathComponent],
        into context: inout CheckContext
    ) {
        if let problem {
            context.report(.invalidPortName, "invalid port name \(name.debugDescription): \(problem)", at: node, path: path)
        }
        if let first = names[name] {
            context.report(
                .duplicatePortName, "port name \(name.debugDescription) is already used by port \(first)", at: node, path: path)
        } else {
            names[name] = index
        }
    }

    static func portRange(_ value: Int, _ field: String, at node: Node, path: [PathComponent], into context: inout CheckContext) {
        if !(1...65535).contains(value) {
            context.report(.portRange, "\(field) must be between 1 and 65535, found \(value)", at: node, path: path)
        }
    }

    static func nonNegative(_ object: Node, _ field: String, code: DiagnosticCode = .negativeValue, into context: inout CheckContext) {
        // The value is read in place; the node is copied only for a report.
        if let value = object.memberInt(field), value < 0, let node = object.member(field) {
            context.report(code, "\(field) must not be negative, found \(value)", at: node, path: [.field(field)])
        }
    }

    /// The quantity a node holds (a number or a quantity string).
    static func quantity(_ node: Node) -> Quantity? {
        guard let scalar = node.scalar else { return nil }
        switch scalar.value {
        case .int, .float, .string: return try? Quantity(parsing: scalar.text)
        default: return nil
        }
    }

    /// `quantity(_:)` of the value of the mapping entry at `entry`, read in place (a copy of the value
    /// retained its text).
    static func quantity(of entry: UnsafePointer<Node.Pair>) -> Quantity? {
        guard case .scalar = entry.pointee.value.content, case .scalar(let scalar) = entry.pointee.value.content else { return nil }
        switch scalar.value {
        case .int, .float, .string: return try? Quantity(parsing: scalar.text)
        default: return nil
        }
    }
}
