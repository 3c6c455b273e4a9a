import KgitYAML

/// Checks on Service specs (`ValidateService`): ports, port names, and the fields each type allows.
enum ServiceChecks {
    /// The API server's default `--service-node-port-range`.
    static let defaultNodePortRange = 30000...32767

    static let serviceSpec = SchemaCheck(name: "core.v1.ServiceSpec") { spec, context in
        let type = spec.member("type")?.stringValue ?? "ClusterIP"
        let headless = spec.member("clusterIP")?.stringValue == "None"
        let ports = spec.member("ports")?.sequence ?? []
        var names: [String: Int] = [:]
        for (index, port) in ports.enumerated() {
            let path: [PathComponent] = [.field("ports"), .element(index, item: port, keys: ["port", "protocol"])]
            if let node = port.member("port"), let value = node.intValue {
                Checks.portRange(value, "port", at: node, path: path + [.field("port")], into: &context)
            }
            if let node = port.member("targetPort") {
                if let value = node.intValue {
                    Checks.portRange(value, "targetPort", at: node, path: path + [.field("targetPort")], into: &context)
                } else if let name = node.stringValue, let problem = NameRules.portName(name) {
                    context.report(
                        .invalidPortName, "invalid targetPort name \(name.debugDescription): \(problem)", at: node,
                        path: path + [.field("targetPort")])
                }
            }
            if let node = port.member("nodePort"), let value = node.intValue, value != 0 {
                if type != "NodePort", type != "LoadBalancer" {
                    context.report(
                        .serviceType, "nodePort may only be set when `type` is NodePort or LoadBalancer, not \(type)", at: node,
                        path: path + [.field("nodePort")])
                } else if !defaultNodePortRange.contains(value) {
                    context.report(
                        .nodePortRange, "nodePort \(value) is outside the default node port range 30000-32767", at: node,
                        path: path + [.field("nodePort")], notes: ["clusters may configure another range with --service-node-port-range"],
                        severity: .warning)
                }
            }
            if let nameNode = port.member("name"), let name = nameNode.stringValue, !name.isEmpty {
                if let problem = NameRules.dns1123Label(name) {
                    context.report(.invalidPortName, "invalid port name \(name.debugDescription): \(problem)", at: nameNode, path: path + [.field("name")])
                }
                if let first = names[name] {
                    context.report(
                        .duplicatePortName, "port name \(name.debugDescription) is already used by port \(first)", at: nameNode,
                        path: path + [.field("name")])
                } else {
                    names[name] = index
                }
            } else if ports.count > 1 {
                context.report(
                    .required, "missing required field `name`: every port of a Service with several ports needs a name", at: port,
                    path: path + [.field("name")])
            }
        }
        switch type {
        case "ExternalName":
            if (spec.member("externalName")?.stringValue ?? "").isEmpty {
                context.report(
                    .serviceType, "a Service of type ExternalName needs `externalName`", at: spec, path: [.field("externalName")])
            }
        default:
            if ports.isEmpty, !headless {
                context.report(
                    .required, "missing required field `ports`: a Service of type \(type) needs at least one port", at: spec.member("ports") ?? spec,
                    path: [.field("ports")])
            }
            if headless, type == "NodePort" || type == "LoadBalancer", let node = spec.member("clusterIP") {
                context.report(
                    .serviceType, "a headless Service (clusterIP: None) cannot be of type \(type)", at: node,
                    path: [.field("clusterIP")])
            }
        }
    }

    /// An Ingress backend's service port: a number in 1-65535, or a name.
    static let serviceBackendPort = SchemaCheck(name: "networking.v1.ServiceBackendPort") { port, context in
        if let node = port.member("number"), let value = node.intValue {
            Checks.portRange(value, "number", at: node, path: [.field("number")], into: &context)
        }
    }
}
