import KgitYAML

/// Checks on the specs of workload controllers: replicas, selector/template agreement, restart policy.
enum WorkloadChecks {
    /// Deployment, ReplicaSet, StatefulSet and DaemonSet specs.
    static func controllerSpec(_ name: String, hasReplicas: Bool = true) -> SchemaCheck {
        SchemaCheck(name: name) { spec, context in
            // Numbers are read in place; nodes are copied only for a report.
            if hasReplicas, let value = spec.memberInt("replicas"), value < 0, let node = spec.member("replicas") {
                context.report(.negativeReplicas, "replicas must not be negative, found \(value)", at: node, path: [.field("replicas")])
            }
            for field in ["minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"] {
                Checks.nonNegative(spec, field, into: &context)
            }
            if let seconds = spec.memberInt("progressDeadlineSeconds"), let minReady = spec.memberInt("minReadySeconds"),
                seconds <= minReady, let deadline = spec.member("progressDeadlineSeconds")
            {
                context.report(
                    .negativeValue, "progressDeadlineSeconds (\(seconds)) must be greater than minReadySeconds (\(minReady))",
                    at: deadline, path: [.field("progressDeadlineSeconds")])
            }
            checkSelector(spec, into: &context)
            if context.kind?.kind == "StatefulSet", let podSpec = spec.member("template")?.member("spec") {
                var volumes = PodChecks.volumeNames(podSpec)
                for claim in spec.member("volumeClaimTemplates")?.sequence ?? [] {
                    if let name = claim.member("metadata")?.member("name")?.stringValue { volumes.append(name) }
                }
                PodChecks.checkMounts(podSpec, volumes: volumes, path: [.field("template"), .field("spec")], into: &context)
            }
            // Read in place: copying the template and its spec to look at one scalar cost more than the check.
            let policyNode = withUnsafePointer(to: spec) { spec -> Node? in
                guard let template = Node.member("template", of: spec), let podSpec = Node.member("spec", of: template),
                    let policy = Node.member("restartPolicy", of: podSpec), let text = policy.pointee.stringValue, text != "Always"
                else { return nil }
                return policy.pointee
            }
            if let policyNode, let policy = policyNode.stringValue {
                context.report(
                    .restartPolicy, "the pod template of a \(context.kind?.kind ?? "workload") must have restartPolicy Always, found \(policy.debugDescription)",
                    at: policyNode, path: [.field("template"), .field("spec"), .field("restartPolicy")])
            }
        }
    }

    /// Reports an empty selector, or one that does not select the template's labels.
    static func checkSelector(_ spec: Node, into context: inout CheckContext) {
        guard let selector = spec.member("selector"), selector.mapping != nil else { return }
        if MetadataChecks.isEmpty(selector: selector) {
            context.report(
                .emptySelector, "the selector is empty; it must select the pod template's labels", at: selector,
                path: [.field("selector")])
            return
        }
        guard MetadataChecks.isWellFormed(selector: selector) else { return }
        // The template's labels are read in place (copies of the template, its metadata and every entry
        // cost more than the comparison), and looked up where they are: a selector names few labels, and
        // filing them in a dictionary (allocated, every key hashed) cost more than the whole rest of the
        // check. Only the labels node is copied, for the note of a report. The entries stay valid while
        // `spec` (which holds the tree) is alive.
        var entries = UnsafeBufferPointer<Node.Pair>(start: nil, count: 0)
        var labelsNode: Node?
        let hasTemplate = withUnsafePointer(to: spec) { spec -> Bool in
            guard let template = Node.member("template", of: spec) else { return false }
            guard let metadata = Node.member("metadata", of: template), let node = Node.member("labels", of: metadata) else { return true }
            if let found = NodeValidator.entries(of: node) { entries = found }
            labelsNode = node.pointee
            return true
        }
        guard hasTemplate else { return }
        // Filed once when there are many, so that thousands of selector keys against thousands of labels cost
        // linear time (the API server checks what clients send).
        let filed = entries.count > NameTable<Void>.linearLimit ? Self.labelTable(entries) : nil
        let reason = withExtendedLifetime(spec) {
            MetadataChecks.mismatch(selector: selector) { key in
                if let filed { return filed[key] }
                return Self.label(key, in: entries)
            }
        }
        if let reason {
            var notes: [String] = []
            if let labelsNode { notes.append("the template labels are at line \(labelsNode.start.line)") }
            context.report(
                .selectorMismatch, "the selector does not match the pod template's labels: \(reason)", at: selector,
                path: [.field("selector")], notes: notes)
        }
    }

    /// The value of the label `key` among a template's label entries: the text of the last entry whose key
    /// and value are both scalars and whose key is `key` (what a dictionary filed from them in order holds).
    static func label(_ key: String, in entries: UnsafeBufferPointer<Node.Pair>) -> String? {
        var index = entries.count
        while index > 0 {
            index -= 1
            guard case .scalar = entries[index].key.content, case .scalar = entries[index].value.content,
                case .scalar(let name) = entries[index].key.content, name.text == key,
                case .scalar(let value) = entries[index].value.content
            else { continue }
            return value.text
        }
        return nil
    }

    /// What `label(_:in:)` finds for every key, in one dictionary.
    static func labelTable(_ entries: UnsafeBufferPointer<Node.Pair>) -> [String: String] {
        var table: [String: String] = [:]
        for entry in entries {
            guard case .scalar(let name) = entry.key.content, case .scalar(let value) = entry.value.content else { continue }
            table[name.text] = value.text
        }
        return table
    }

    /// Job specs: the template's restart policy must be OnFailure or Never; counts are not negative.
    static let jobSpec = SchemaCheck(name: "batch.v1.JobSpec") { spec, context in
        for field in ["parallelism", "completions", "backoffLimit", "backoffLimitPerIndex", "maxFailedIndexes", "ttlSecondsAfterFinished"] {
            Checks.nonNegative(spec, field, into: &context)
        }
        if let node = spec.member("activeDeadlineSeconds"), let value = node.intValue, value < 1 {
            context.report(.negativeValue, "activeDeadlineSeconds must be at least 1, found \(value)", at: node, path: [.field("activeDeadlineSeconds")])
        }
        if spec.member("manualSelector")?.boolValue == true { checkSelector(spec, into: &context) }
        guard let podSpec = spec.member("template")?.member("spec"), podSpec.mapping != nil else { return }
        let path: [PathComponent] = [.field("template"), .field("spec"), .field("restartPolicy")]
        if let policyNode = podSpec.member("restartPolicy") {
            if let policy = policyNode.stringValue, policy != "OnFailure", policy != "Never" {
                context.report(
                    .restartPolicy, "the pod template of a Job must have restartPolicy OnFailure or Never, found \(policy.debugDescription)",
                    at: policyNode, path: path)
            }
        } else {
            context.report(
                .restartPolicy, "the pod template of a Job must set restartPolicy to OnFailure or Never (the default, Always, is not allowed)",
                at: podSpec, path: path)
        }
    }

    /// CronJob specs: the schedule and the history limits.
    static let cronJobSpec = SchemaCheck(name: "batch.v1.CronJobSpec") { spec, context in
        for field in ["startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"] {
            Checks.nonNegative(spec, field, into: &context)
        }
        if let node = spec.member("schedule"), let schedule = node.stringValue, let problem = CronSchedule.problem(schedule) {
            context.report(.invalidSchedule, "invalid schedule \(schedule.debugDescription): \(problem)", at: node, path: [.field("schedule")])
        }
    }

    /// HorizontalPodAutoscaler specs: at least one replica, and a maximum no smaller than the minimum.
    static let autoscalerSpec = SchemaCheck(name: "autoscaling.HorizontalPodAutoscalerSpec") { spec, context in
        if let node = spec.member("minReplicas"), let minimum = node.intValue, minimum < 1 {
            context.report(.negativeReplicas, "minReplicas must be at least 1, found \(minimum)", at: node, path: [.field("minReplicas")])
        }
        if let node = spec.member("maxReplicas"), let maximum = node.intValue {
            let minimum = spec.member("minReplicas")?.intValue ?? 1
            if maximum < minimum {
                context.report(
                    .negativeReplicas, "maxReplicas (\(maximum)) must not be less than minReplicas (\(minimum))", at: node,
                    path: [.field("maxReplicas")])
            }
        }
    }
}
