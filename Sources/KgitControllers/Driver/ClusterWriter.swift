import KgitAPIMachinery

/// The I/O seam through which controllers change the cluster: create, merge-patch and delete.
///
/// The client library implements it over HTTPS; ``InMemoryCluster`` implements it in memory for tests.
/// Every method throws an ``APIError`` carrying the Kubernetes `Status` reason (`NotFound`,
/// `AlreadyExists`, `Conflict`, ...) when the server refuses the write.
public protocol ClusterWriter: Sendable {
    /// Creates `object` (named by `metadata.name`, or by the server from `metadata.generateName`)
    /// and returns it as stored.
    func create(_ object: JSONValue) async throws -> JSONValue

    /// Applies a JSON merge patch to the object or, when `status`, to its status subresource, and
    /// returns the object as stored. A `metadata.resourceVersion` in the patch, or a UID in `key`,
    /// is a precondition: a mismatch is a `Conflict`.
    func patch(_ key: ObjectKey, mergePatch: JSONValue, status: Bool) async throws -> JSONValue

    /// Deletes the object with the given propagation (only the incarnation with `key.uid`, when set).
    func delete(_ key: ObjectKey, propagation: PropagationPolicy) async throws
}
