/// One step of a sync.
public struct SyncTask: Sendable, Hashable, CustomStringConvertible {
    /// What to do with the object.
    public enum Action: Sendable, Hashable {
        /// Server-side apply the desired object.
        case apply
        /// Delete the live object: kgit applied it before and git no longer declares it.
        case prune
        /// Leave the object alone, for the reason given.
        case skip(reason: String)
    }

    /// Which phase the task runs in.
    public enum Phase: Int, Sendable, Hashable, Comparable {
        /// Namespaces and CustomResourceDefinitions: applied first, and waited for (established, active)
        /// before anything that may live in them or be one of their kinds.
        case prerequisites
        /// Everything else.
        case main
        /// Deletions, after every apply, in reverse order.
        case prune

        public static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var identity: ObjectIdentity
    public var action: Action
    public var phase: Phase
    /// The sync wave, from the `kgit.dev/sync-wave` annotation (0 when absent).
    public var wave: Int

    public init(identity: ObjectIdentity, action: Action, phase: Phase, wave: Int = 0) {
        self.identity = identity
        self.action = action
        self.phase = phase
        self.wave = wave
    }

    /// `apply Deployment/shop/web (wave 0)`.
    public var description: String {
        let verb: String
        switch action {
        case .apply: verb = "apply"
        case .prune: verb = "prune"
        case .skip(let reason): verb = "skip (\(reason))"
        }
        return "\(verb) \(identity.path) (wave \(wave))"
    }
}
