import KgitYAML

/// Checks on `ObjectMeta` (labels, annotations) and `LabelSelector`, wherever they appear.
enum MetadataChecks {
    /// The most bytes all annotations of one object may take (keys and values together).
    static let annotationsSizeLimit = 256 * 1024

    /// Label keys and values, annotation keys and the annotations' total size.
    static let objectMeta = SchemaCheck(name: "meta.v1.ObjectMeta", inPlace: { metadata, context in
        // Labels and annotations are read in place (copying the maps and each entry retained them).
        if let labels = Node.member("labels", of: metadata).flatMap(NodeValidator.entries(of:)) {
            checkLabels(labels, path: [.field("labels")], into: &context)
        }
        guard let node = Node.member("annotations", of: metadata), let annotations = NodeValidator.entries(of: node) else { return }
        var total = 0
        for index in annotations.indices {
            // A scalar key's text, whatever it resolved to.
            guard case .scalar(let scalar) = annotations[index].key.content else { continue }
            let key = scalar.text
            if case .scalar(let value) = annotations[index].value.content { total += value.text.utf8.count }
            total += key.utf8.count
            if let problem = NameRules.qualifiedName(key) {
                context.report(
                    .invalidAnnotation, "invalid annotation key \(key.debugDescription): \(problem)", at: annotations[index].key,
                    path: [.field("annotations"), .field(key)])
            }
        }
        if total > annotationsSizeLimit {
            context.report(
                .invalidAnnotation,
                "the annotations take \(total) bytes, more than the \(annotationsSizeLimit) bytes (256 KiB) allowed",
                at: node.pointee, path: [.field("annotations")])
        }
    })

    /// Reports invalid keys and values of a label map.
    static func checkLabels(_ labels: UnsafeBufferPointer<Node.Pair>, path: [PathComponent], into context: inout CheckContext) {
        // By index: iterating copied every entry (a retain and a release of its key and value).
        for index in labels.indices {
            guard case .scalar(let scalar) = labels[index].key.content else { continue }
            let key = scalar.text
            if let problem = NameRules.qualifiedName(key) {
                context.report(
                    .invalidLabel, "invalid label key \(key.debugDescription): \(problem)", at: labels[index].key, path: path + [.field(key)])
            }
            if let value = labels[index].value.stringValue, let problem = NameRules.labelValue(value) {
                context.report(
                    .invalidLabel, "invalid value \(value.debugDescription) for label \(key.debugDescription): \(problem)",
                    at: labels[index].value, path: path + [.field(key)])
            }
        }
    }

    /// `matchLabels` keys and values, and each `matchExpressions` requirement.
    static let labelSelector = SchemaCheck(name: "meta.v1.LabelSelector", inPlace: { selector, context in
        if let labels = Node.member("matchLabels", of: selector).flatMap(NodeValidator.entries(of:)) {
            checkLabels(labels, path: [.field("matchLabels")], into: &context)
        }
        // Requirements are rarer: read from a copy of the list.
        guard let expressions = Node.member("matchExpressions", of: selector) else { return }
        for (index, requirement) in (expressions.pointee.sequence ?? []).enumerated() {
            let path: [PathComponent] = [.field("matchExpressions"), .index(index)]
            if let keyNode = requirement.member("key"), let key = keyNode.stringValue, let problem = NameRules.qualifiedName(key) {
                context.report(.invalidSelector, "invalid label key \(key.debugDescription) in selector: \(problem)", at: keyNode, path: path + [.field("key")])
            }
            guard let op = requirement.member("operator")?.stringValue else { continue }
            let values = requirement.member("values")?.sequence ?? []
            switch op {
            case "In", "NotIn":
                if values.isEmpty {
                    context.report(
                        .invalidSelector, "operator \(op) needs at least one value in `values`", at: requirement,
                        path: path + [.field("values")])
                }
            case "Exists", "DoesNotExist":
                if !values.isEmpty, let node = requirement.member("values") {
                    context.report(
                        .invalidSelector, "operator \(op) takes no `values`", at: node, path: path + [.field("values")])
                }
            default:
                break
            }
        }
    })

    /// Whether a selector (`matchLabels` + `matchExpressions`) selects a set of labels (`labels` gives the
    /// value of a label, nil when there is none), and if not, the first reason why.
    static func mismatch(selector: Node, labels: (String) -> String?) -> String? {
        // `matchLabels` is read in place (iterating a copy of it copied every entry).
        let labelMismatch = withUnsafePointer(to: selector) { selector -> String? in
            guard let entries = Node.member("matchLabels", of: selector).flatMap(NodeValidator.entries(of:)) else { return nil }
            for index in entries.indices {
                guard case .scalar(let keyScalar) = entries[index].key.content, case .scalar(let valueScalar) = entries[index].value.content
                else { continue }
                let key = keyScalar.text
                let value = valueScalar.text
                guard let actual = labels(key) else { return "the template has no label `\(key)` (the selector wants `\(key): \(value)`)" }
                if actual != value { return "the selector wants `\(key): \(value)` but the template has `\(key): \(actual)`" }
            }
            return nil
        }
        if let labelMismatch { return labelMismatch }
        for requirement in selector.member("matchExpressions")?.sequence ?? [] {
            guard let key = requirement.member("key")?.stringValue, let op = requirement.member("operator")?.stringValue else { continue }
            let values = (requirement.member("values")?.sequence ?? []).compactMap { $0.scalar?.text }
            let actual = labels(key)
            // A malformed requirement is reported as `invalid-selector`; whether it matches means nothing.
            if (op == "In" || op == "NotIn") && values.isEmpty { continue }
            switch op {
            case "In":
                if let actual, values.contains(actual) { continue }
                return "the requirement `\(key) In (\(values.joined(separator: ", ")))` does not hold for the template labels"
            case "NotIn":
                if let actual, values.contains(actual) {
                    return "the requirement `\(key) NotIn (\(values.joined(separator: ", ")))` does not hold for the template labels"
                }
            case "Exists":
                if actual == nil { return "the requirement `\(key) Exists` does not hold: the template has no label `\(key)`" }
            case "DoesNotExist":
                if actual != nil { return "the requirement `\(key) DoesNotExist` does not hold: the template has label `\(key)`" }
            default:
                continue
            }
        }
        return nil
    }

    /// True when every `matchExpressions` requirement has the values its operator needs (a malformed
    /// selector is reported as `invalid-selector`, not compared with labels).
    static func isWellFormed(selector: Node) -> Bool {
        for requirement in selector.member("matchExpressions")?.sequence ?? [] {
            let count = requirement.member("values")?.sequence?.count ?? 0
            switch requirement.member("operator")?.stringValue {
            case "In"?, "NotIn"?: if count == 0 { return false }
            case "Exists"?, "DoesNotExist"?: if count != 0 { return false }
            default: return false
            }
        }
        return true
    }

    /// True when a selector has no `matchLabels` entries and no `matchExpressions`.
    static func isEmpty(selector: Node) -> Bool {
        // Read in place: copies of the two nodes retained them.
        withUnsafePointer(to: selector) { selector in
            (Node.member("matchLabels", of: selector).flatMap(NodeValidator.entries(of:))?.isEmpty ?? true)
                && (Node.member("matchExpressions", of: selector).flatMap(Node.items(of:))?.isEmpty ?? true)
        }
    }
}
