/// A union of an object's fields selected by a discriminator field (`x-kubernetes-unions`).
public struct DiscriminatedUnion: Sendable, Hashable {
    /// The field whose value names the member in use (`type`), if any.
    public var discriminator: String?
    /// Member field name to the discriminator value that selects it.
    public var fields: [String: String]

    public init(discriminator: String?, fields: [String: String]) {
        self.discriminator = discriminator
        self.fields = fields
    }
}
