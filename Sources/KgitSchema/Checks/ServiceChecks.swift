import KgitYAML

/// Checks on Service specs (`ValidateService`): ports, port names, and the fields each type allows.
enum ServiceChecks {
    /// The API server's default `--service-node-port-range`.
    static let defaultNodePortRange = 30000...32767

    static let serviceSpec = SchemaCheck(name: "core.v1.ServiceSpec") { spec, context in
        let type = spec.member("type")?.stringValue ?? "ClusterIP"
        let headless = spec.member("clusterIP")?.stringValue == "None"
        // The ports are read in place: copying each port and its fields, and building each port's path
        // before knowing there was anything to report, cost more than the checks.
        let portCount = withUnsafePointer(to: spec) { spec -> Int in
            guard let ports = Node.member("ports", of: spec).flatMap(Node.items(of:)), let base = ports.baseAddress else { return 0 }
            var names = NameTable<Int>()
            for index in ports.indices {
                let port = base + index
                func path(_ field: String) -> [PathComponent] {
                    [.field("ports"), .element(index, item: port.pointee, keys: ["port", "protocol"]), .field(field)]
                }
                if let node = Node.member("port", of: port), let value = node.pointee.intValue, !(1...65535).contains(value) {
                    Checks.portRange(value, "port", at: node.pointee, path: path("port"), into: &context)
                }
                if let node = Node.member("targetPort", of: port) {
                    if let value = node.pointee.intValue {
                        if !(1...65535).contains(value) {
                            Checks.portRange(value, "targetPort", at: node.pointee, path: path("targetPort"), into: &context)
                        }
                    } else if let name = node.pointee.stringValue, let problem = NameRules.portName(name) {
                        context.report(
                            .invalidPortName, "invalid targetPort name \(name.debugDescription): \(problem)", at: node.pointee,
                            path: path("targetPort"))
                    }
                }
                if let node = Node.member("nodePort", of: port), let value = node.pointee.intValue, value != 0 {
                    if type != "NodePort", type != "LoadBalancer" {
                        context.report(
                            .serviceType, "nodePort may only be set when `type` is NodePort or LoadBalancer, not \(type)", at: node.pointee,
                            path: path("nodePort"))
                    } else if !defaultNodePortRange.contains(value) {
                        context.report(
                            .nodePortRange, "nodePort \(value) is outside the default node port range 30000-32767", at: node.pointee,
                            path: path("nodePort"), notes: ["clusters may configure another range with --service-node-port-range"],
                            severity: .warning)
                    }
                }
                if let nameNode = Node.member("name", of: port), let name = nameNode.pointee.stringValue, !name.isEmpty {
                    Checks.portName(
                        name, problem: NameRules.dns1123Label(name), index: index, names: &names, at: nameNode.pointee,
                        path: path("name"), into: &context)
                } else if ports.count > 1 {
                    context.report(
                        .required, "missing required field `name`: every port of a Service with several ports needs a name", at: port.pointee,
                        path: path("name"))
                }
            }
            return ports.count
        }
        switch type {
        case "ExternalName":
            if (spec.member("externalName")?.stringValue ?? "").isEmpty {
                context.report(
                    .serviceType, "a Service of type ExternalName needs `externalName`", at: spec, path: [.field("externalName")])
            }
        default:
            if portCount == 0, !headless {
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
