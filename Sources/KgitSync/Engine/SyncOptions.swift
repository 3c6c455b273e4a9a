/// How `SyncEngine` applies a revision.
public struct SyncOptions: Sendable, Hashable {
    /// The sync's name: which inventory it reads and writes (`kgit-inventory-<name>`).
    public var name: String
    /// Delete objects the previous sync applied that git no longer declares.
    public var prune: Bool
    /// Allow a revision with no objects to prune everything the inventory holds.
    public var allowEmpty: Bool
    /// Send every write with `dryRun=All`: the server validates and admits, nothing is stored, no inventory is written.
    public var dryRun: Bool
    /// The server-side apply field manager.
    public var fieldManager: String
    /// Take over fields another manager owns (someone's `kubectl edit`): git is the source of truth.
    public var force: Bool
    /// Create the namespaces objects live in when git does not declare them and the cluster lacks them (like
    /// Argo CD's `CreateNamespace=true`). They are not recorded in the inventory, so they are never pruned.
    public var createNamespaces: Bool
    /// How many objects of one wave are applied (or pruned) at the same time.
    public var parallelism: Int
    /// How long to wait for a Namespace to be active or a CustomResourceDefinition to be established.
    public var waitTimeout: Duration
    /// How often to look while waiting.
    public var pollInterval: Duration

    /// Options; by default a sync named `default` that applies and does not prune.
    public init(
        name: String = "default", prune: Bool = false, allowEmpty: Bool = false, dryRun: Bool = false,
        fieldManager: String = "kgit", force: Bool = true, createNamespaces: Bool = false, parallelism: Int = 8, waitTimeout: Duration = .seconds(60),
        pollInterval: Duration = .milliseconds(200)
    ) {
        self.name = name
        self.prune = prune
        self.allowEmpty = allowEmpty
        self.dryRun = dryRun
        self.fieldManager = fieldManager
        self.force = force
        self.createNamespaces = createNamespaces
        self.parallelism = parallelism
        self.waitTimeout = waitTimeout
        self.pollInterval = pollInterval
    }
}
