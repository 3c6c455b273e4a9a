/// The lines `kgit sync` prints: one per object in the order the tasks ran, then a summary.
public struct SyncReport: Sendable, Hashable {
    /// One object's result.
    public struct Entry: Sendable, Hashable {
        /// The object.
        public var identity: ObjectIdentity
        /// What happened to it.
        public var outcome: SyncOutcome

        /// An entry.
        public init(identity: ObjectIdentity, outcome: SyncOutcome) {
            self.identity = identity
            self.outcome = outcome
        }
    }

    /// The entries, in the order the tasks ran.
    public var entries: [Entry]

    /// A report of `entries`.
    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// True when some object failed: `kgit sync` then exits non-zero.
    public var hasFailures: Bool {
        entries.contains { if case .failed = $0.outcome { true } else { false } }
    }

    /// `Deployment/shop/web configured` per object, then `2 created, 1 configured, 1 failed` (buckets with
    /// no object are left out; `nothing to do` when there were no objects). A reason spanning lines is
    /// kept on one line.
    public func render() -> String {
        var text = ""
        var counts: [String: Int] = [:]
        for entry in entries {
            let outcome = entry.outcome.text.split(whereSeparator: \.isNewline).joined(separator: " ")
            text += "\(entry.identity.path) \(outcome)\n"
            counts[entry.outcome.summaryName, default: 0] += 1
        }
        let order = ["created", "configured", "unchanged", "pruned", "skipped", "failed"]
        let summary = order.compactMap { name in counts[name].map { "\($0) \(name)" } }
        text += summary.isEmpty ? "nothing to do\n" : summary.joined(separator: ", ") + "\n"
        return text
    }
}
