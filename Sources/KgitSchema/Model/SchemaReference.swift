/// A named, shared schema that is linked after it is created, so that definitions can refer to each
/// other (and to themselves, like `JSONSchemaProps`) while being compiled once.
///
/// Lifecycle: create it, put `.reference(ref)` in the schemas that use it, then `link(_:)` it exactly
/// once, before any schema containing it is shared with another thread. After that it never changes,
/// which is what makes it safe to read from many threads without a lock.
public final class SchemaReference: @unchecked Sendable {
    /// The name of the definition (`io.k8s.api.core.v1.Container`, or a KGL type name).
    public let name: String
    // Written once by `link` before publication, then only read.
    private var linked: Schema?

    public init(name: String, target: Schema? = nil) {
        self.name = name
        self.linked = target
    }

    /// The schema this reference stands for; nil until linked.
    public var target: Schema? { linked }

    /// Links the reference to its schema. Call once, before sharing schemas that contain it.
    public func link(_ schema: Schema) {
        linked = schema
    }
}
