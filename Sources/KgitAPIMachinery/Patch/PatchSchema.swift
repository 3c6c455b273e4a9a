/// What strategic merge patch needs to know about a position in an object: how its lists merge.
///
/// Implementations walk a schema (kgit's server reads the Kubernetes OpenAPI definitions);
/// ``PatchSchema/unknown`` is used when no schema is available, making lists replace as in
/// JSON merge patch.
public struct PatchSchema: Sendable {
    /// The schema of a member of this object, or nil when unknown.
    public var field: @Sendable (String) -> PatchSchema?
    /// The schema of this list's items, or nil when unknown.
    public var items: @Sendable () -> PatchSchema?
    /// `x-kubernetes-patch-strategy` of this list or map (`merge`, `retainKeys`, `merge,retainKeys`, `replace`).
    public var patchStrategy: String?
    /// `x-kubernetes-patch-merge-key` of this list.
    public var patchMergeKey: String?

    public init(field: @escaping @Sendable (String) -> PatchSchema?, items: @escaping @Sendable () -> PatchSchema?,
                patchStrategy: String?, patchMergeKey: String?) {
        self.field = field
        self.items = items
        self.patchStrategy = patchStrategy
        self.patchMergeKey = patchMergeKey
    }

    /// A schema that knows nothing.
    public static let unknown = PatchSchema(field: { _ in nil }, items: { nil }, patchStrategy: nil, patchMergeKey: nil)
}
