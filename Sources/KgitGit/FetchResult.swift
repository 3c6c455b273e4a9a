/// What a fetch did to the mirror's references.
public struct FetchResult: Hashable, Sendable {
    /// One reference the fetch created, moved or deleted.
    public struct ReferenceUpdate: Hashable, Sendable {
        /// The full reference name: `refs/heads/main`, `refs/tags/v1.0.0`.
        public let name: String
        /// Where it pointed before; nil when the fetch created it.
        public let old: ObjectID?
        /// Where it points now; nil when the fetch deleted it (the remote no longer has it).
        public let new: ObjectID?

        public init(name: String, old: ObjectID?, new: ObjectID?) {
            self.name = name
            self.old = old
            self.new = new
        }
    }

    /// The remote fetched from, with any password redacted.
    public let url: String
    /// The references that changed, in the order libgit2 updated them.
    public let updates: [ReferenceUpdate]
    /// The remote's default branch (`refs/heads/main`), which the mirror's `HEAD` now names; nil when the remote
    /// has no default branch (an empty repository).
    public let defaultBranch: String?
    /// Objects received over the wire (0 for a fetch that changed nothing).
    public let receivedObjects: Int
    /// Bytes received over the wire.
    public let receivedBytes: Int

    /// Whether any reference changed. A fetch that changed nothing leaves every revision where it was.
    public var changed: Bool { !updates.isEmpty }

    public init(
        url: String, updates: [ReferenceUpdate], defaultBranch: String?, receivedObjects: Int,
        receivedBytes: Int
    ) {
        self.url = url
        self.updates = updates
        self.defaultBranch = defaultBranch
        self.receivedObjects = receivedObjects
        self.receivedBytes = receivedBytes
    }
}
