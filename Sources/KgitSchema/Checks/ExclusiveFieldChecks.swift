import KgitYAML

/// Checks on groups of fields of which exactly one (or at most one) may be set: probe and hook
/// handlers, volume sources, `value` versus `valueFrom`, PodDisruptionBudget bounds...
enum ExclusiveFieldChecks {
    /// Reports more than one of `fields` being set, and none of them when `required`.
    static func exclusive(_ name: String, fields: [String], required: Bool, what: String) -> SchemaCheck {
        SchemaCheck(name: name) { node, context in
            guard case .mapping(let pairs) = node.content else { return }
            var present: [(String, Node)] = []
            for index in pairs.indices {
                guard case .scalar(let key) = pairs[index].key.content, fields.contains(key.text),
                    !pairs[index].value.isNull
                else { continue }
                present.append((key.text, pairs[index].key))
            }
            if present.count > 1, let second = present.dropFirst().first {
                context.report(
                    .conflictingFields,
                    "only one of \(fields.map { "`\($0)`" }.joined(separator: ", ")) may be set in \(what), found \(present.map { "`\($0.0)`" }.joined(separator: " and "))",
                    at: second.1, path: [.field(second.0)])
            } else if present.isEmpty, required {
                context.report(
                    .required, "\(what) must set one of \(fields.map { "`\($0)`" }.joined(separator: ", "))", at: node, path: [])
            }
        }
    }

    static let probeHandlers = ["exec", "httpGet", "tcpSocket", "grpc"]
    static let hookHandlers = ["exec", "httpGet", "tcpSocket", "sleep"]
    static let volumeSources = [
        "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "configMap", "csi", "downwardAPI", "emptyDir",
        "ephemeral", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "hostPath", "image", "iscsi",
        "nfs", "persistentVolumeClaim", "photonPersistentDisk", "portworxVolume", "projected", "quobyte", "rbd", "scaleIO",
        "secret", "storageos", "vsphereVolume",
    ]

    /// A Deployment strategy of type Recreate takes no `rollingUpdate`.
    static let deploymentStrategy = SchemaCheck(name: "apps.v1.DeploymentStrategy") { strategy, context in
        if strategy.member("type")?.stringValue == "Recreate", let rolling = strategy.member("rollingUpdate"), !rolling.isNull,
            let key = strategy.keyNode("rollingUpdate")
        {
            context.report(
                .conflictingFields, "`rollingUpdate` may not be set when the strategy `type` is Recreate", at: key,
                path: [.field("rollingUpdate")])
        }
    }
}
