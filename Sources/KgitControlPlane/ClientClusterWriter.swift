import KgitAPIMachinery
import KgitClient
import KgitControllers

/// KgitControllers' ``KgitControllers/ClusterWriter`` over a ``KgitClient/DynamicClient``: the writes the
/// controller manager's reconcilers decide, sent to the API server (in-process or over HTTPS).
///
/// Failures the server answers with a `Status` are rethrown as that `APIError`, so the driver sees `NotFound`,
/// `Conflict` and `AlreadyExists` by reason.
public struct ClientClusterWriter: ClusterWriter {
    /// The client writes go through.
    public let client: DynamicClient
    /// The field manager recorded for the controllers' writes.
    public let fieldManager: String

    /// A writer over `client`.
    public init(client: DynamicClient, fieldManager: String = "kgit-controller-manager") {
        self.client = client
        self.fieldManager = fieldManager
    }

    /// Creates `object`.
    public func create(_ object: JSONValue) async throws -> JSONValue {
        try await unwrapping { try await client.create(object, options: WriteOptions(fieldManager: fieldManager)) }
    }

    /// Merge-patches the object or its status subresource.
    public func patch(_ key: ObjectKey, mergePatch: JSONValue, status: Bool) async throws -> JSONValue {
        try await unwrapping {
            try await client.patch(
                Self.reference(key), .merge(mergePatch), subresource: status ? "status" : nil,
                options: WriteOptions(fieldManager: fieldManager))
        }
    }

    /// Deletes the object (only the incarnation with `key.uid`, when set).
    public func delete(_ key: ObjectKey, propagation: KgitControllers.PropagationPolicy) async throws {
        _ = try await unwrapping {
            try await client.delete(
                Self.reference(key), propagationPolicy: KgitClient.PropagationPolicy(rawValue: propagation.rawValue),
                preconditionUID: key.uid)
        }
    }

    static func reference(_ key: ObjectKey) -> ObjectReference {
        ObjectReference(
            apiVersion: key.apiVersion, kind: key.kind, namespace: key.namespace.isEmpty ? nil : key.namespace,
            name: key.name)
    }

    private func unwrapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ClientError {
            if let status = error.status { throw status }
            throw error
        }
    }
}
