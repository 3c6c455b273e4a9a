import KgitYAML

/// Checks on groups of fields of which exactly one (or at most one) may be set: probe and hook
/// handlers, volume sources, `value` versus `valueFrom`, PodDisruptionBudget bounds...
enum ExclusiveFieldChecks {
    /// Reports more than one of `fields` being set, and none of them when `required`.
    static func exclusive(_ name: String, fields: [String], required: Bool, what: String) -> SchemaCheck {
        // The lengths of the field names, one bit each: an ASCII key of another length is none of them,
        // without comparing it to each name (a volume's key was compared to thirty).
        let lengths = fields.reduce(UInt64(0)) { mask, field in field.utf8.count < 64 ? mask | 1 << UInt64(field.utf8.count) : mask }
        let longNames = fields.contains { $0.utf8.count >= 64 }
        // Read in place: the entries are counted where they are, and the fields found are listed only for
        // a report (a list of copied keys was made for every node).
        return SchemaCheck(name: name, inPlace: { node, context in
            guard let pairs = NodeValidator.entries(of: node) else { return }
            var count = 0
            for index in pairs.indices where isSetField(pairs, index, fields, lengths: lengths, longNames: longNames) {
                count += 1
            }
            if count > 1 {
                reportConflict(node.pointee, fields: fields, what: what, into: &context)
            } else if count == 0, required {
                context.report(
                    .required, "\(what) must set one of \(fields.map { "`\($0)`" }.joined(separator: ", "))", at: node.pointee, path: [])
            }
        })
    }

    /// True when entry `index` of `pairs` has a scalar key that is one of `fields` and a value that is
    /// not null. `lengths` has a bit for each name's length (`longNames` when one is 64 bytes or more).
    private static func isSetField(
        _ pairs: UnsafeBufferPointer<Node.Pair>, _ index: Int, _ fields: [String], lengths: UInt64, longNames: Bool
    ) -> Bool {
        guard case .scalar = pairs[index].key.content, case .scalar(let key) = pairs[index].key.content else { return false }
        // An ASCII key equals a name only byte for byte, so only a name of its length can be it; any other
        // key is compared as a string, as before.
        let shape = key.text.utf8.withContiguousStorageIfAvailable { bytes in (count: bytes.count, ascii: !bytes.contains { $0 >= 0x80 }) }
        if let shape, shape.ascii, !longNames || shape.count < 64, shape.count >= 64 || lengths & (1 << UInt64(shape.count)) == 0 {
            return false
        }
        guard fields.contains(key.text) else { return false }
        if case .scalar(let value) = pairs[index].value.content, value.isNull { return false }
        return true
    }

    /// Reports the second of the fields set in `node`, naming them all (out of line: most nodes set one).
    @inline(never)
    private static func reportConflict(_ node: Node, fields: [String], what: String, into context: inout CheckContext) {
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
