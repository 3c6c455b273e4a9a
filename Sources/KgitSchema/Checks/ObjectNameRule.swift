import KgitYAML

/// Which syntax `metadata.name` must have, by kind (the `ValidateXName` functions of the API server).
enum ObjectNameRule {
    case dns1123Subdomain
    case dns1123Label
    case dns1035Label
    case pathSegment
    /// A DNS-1123 subdomain short enough for the suffix a controller appends (CronJob: 52).
    case dns1123SubdomainMax(Int)

    static func rule(for kind: GroupVersionKind) -> ObjectNameRule {
        switch (kind.group, kind.kind) {
        case ("", "Namespace"): return .dns1123Label
        case ("", "Service"): return .dns1035Label
        case ("rbac.authorization.k8s.io", _): return .pathSegment
        case ("batch", "CronJob"): return .dns1123SubdomainMax(52)
        default: return .dns1123Subdomain
        }
    }

    /// Why `name` is invalid, or nil.
    func problem(_ name: String) -> String? {
        switch self {
        case .dns1123Subdomain: return NameRules.dns1123Subdomain(name)
        case .dns1123Label: return NameRules.dns1123Label(name)
        case .dns1035Label: return NameRules.dns1035Label(name)
        case .pathSegment: return NameRules.pathSegmentName(name)
        case .dns1123SubdomainMax(let maximum):
            if name.utf8.count > maximum { return "must be no more than \(maximum) characters, found \(name.utf8.count)" }
            return NameRules.dns1123Subdomain(name)
        }
    }

    /// The checks on a top-level object's `metadata.name`, `generateName` and `namespace`; findings are
    /// relative to the document root.
    ///
    /// Only what a valid object runs is in line: every report, and the rare `generateName` branch, are
    /// out of line (`@inline(never)`), so that the code every document runs stays a few cache lines
    /// (inlined, the messages made this function 5 KB, most of it missing the instruction cache).
    ///
    /// The nodes are read in place (`Node.member(_:of:)`): copies of `metadata`, `name` and `namespace`
    /// were a retain and a release each on every document. Only reports copy them.
    static func check(root: Node, kind: GroupVersionKind, into context: inout CheckContext) {
        withUnsafePointer(to: root) { root in check(at: root, kind: kind, into: &context) }
    }

    /// `check(root:kind:into:)` of the object at `root`, read in place (alive for the call).
    static func check(at root: UnsafePointer<Node>, kind: GroupVersionKind, into context: inout CheckContext) {
        guard let metadata = Node.member("metadata", of: root) else {
            reportMissingMetadata(root.pointee, into: &context)
            return
        }
        guard case .mapping = metadata.pointee.content else { return }
        let rule = rule(for: kind)
        let nameNode = Node.member("name", of: metadata)
        let name = nameNode.flatMap(stringValue(at:))
        if let nameNode, let name, let problem = rule.problem(name) {
            reportName(name, problem, kind: kind, at: nameNode.pointee, into: &context)
        }
        if name == nil {
            checkGenerateName(metadata.pointee, rule: rule, into: &context)
        }
        if let namespaceNode = Node.member("namespace", of: metadata), let namespace = stringValue(at: namespaceNode),
            !namespace.isEmpty, let problem = NameRules.dns1123Label(namespace)
        {
            reportNamespace(namespace, problem, at: namespaceNode.pointee, into: &context)
        }
    }

    /// `stringValue` of the node at `node`, read in place.
    private static func stringValue(at node: UnsafePointer<Node>) -> String? {
        guard case .scalar = node.pointee.content, case .scalar(let scalar) = node.pointee.content, scalar.isString else {
            return nil
        }
        return scalar.text
    }

    @inline(never)
    private static func reportMissingMetadata(_ root: Node, into context: inout CheckContext) {
        context.report(.required, "missing required field `metadata` (with `name`)", at: root, path: [.field("metadata")])
    }

    @inline(never)
    private static func reportName(
        _ name: String, _ problem: String, kind: GroupVersionKind, at nameNode: Node, into context: inout CheckContext
    ) {
        context.report(
            .invalidName, "invalid \(kind.kind) name \(name.debugDescription): \(problem)", at: nameNode,
            path: [.field("metadata"), .field("name")])
    }

    /// An object without a string `name`: its `generateName` prefix must make a valid name, and one of
    /// the two is required.
    @inline(never)
    private static func checkGenerateName(_ metadata: Node, rule: ObjectNameRule, into context: inout CheckContext) {
        let generateNode = metadata.member("generateName")
        if let generateNode, let prefix = generateNode.stringValue {
            // A generated name is the prefix plus 5 random characters; the prefix may end in '-'.
            var trimmed = prefix
            while trimmed.hasSuffix("-") { trimmed.removeLast() }
            if !trimmed.isEmpty, let problem = rule.problem(trimmed + "x") {
                context.report(
                    .invalidName, "invalid generateName \(prefix.debugDescription): \(problem)", at: generateNode,
                    path: [.field("metadata"), .field("generateName")])
            }
        }
        if generateNode?.stringValue == nil {
            context.report(
                .required, "missing required field `name` in metadata (or `generateName`)", at: metadata,
                path: [.field("metadata"), .field("name")])
        }
    }

    @inline(never)
    private static func reportNamespace(_ namespace: String, _ problem: String, at node: Node, into context: inout CheckContext) {
        context.report(
            .invalidName, "invalid namespace \(namespace.debugDescription): \(problem)", at: node,
            path: [.field("metadata"), .field("namespace")])
    }
}

extension Node {
    /// The text of a scalar that resolved to a string; nil for other values.
    var stringValue: String? {
        // `isString` first: matching `value` would build a `.string` payload (a retain and a release).
        if case .scalar(let scalar) = content, scalar.isString { return scalar.text }
        return nil
    }

    /// The value of a scalar that resolved to an integer.
    var intValue: Int? {
        if case .scalar(let scalar) = content, case .int(let value) = scalar.value { return value }
        return nil
    }

    /// The value of a scalar that resolved to a boolean.
    var boolValue: Bool? {
        if case .scalar(let scalar) = content, case .bool(let value) = scalar.value { return value }
        return nil
    }
}
