import Foundation
import KgitAPIMachinery

/// The metadata every reconciler reads, decoded from an object's `apiVersion`, `kind` and `metadata`.
public struct ObjectMeta: Sendable, Equatable {
    /// The object's `group/version`.
    public var apiVersion: String
    /// The object's kind.
    public var kind: String
    /// `metadata.name`.
    public var name: String
    /// `metadata.namespace`; empty for cluster-scoped objects.
    public var namespace: String
    /// `metadata.uid`.
    public var uid: String
    /// `metadata.resourceVersion`, used as the optimistic-concurrency precondition of list replacements.
    public var resourceVersion: String?
    /// `metadata.generation` (0 when absent).
    public var generation: Int
    /// `metadata.labels`.
    public var labels: [String: String]
    /// `metadata.annotations`.
    public var annotations: [String: String]
    /// `metadata.ownerReferences`.
    public var ownerReferences: [OwnerReference]
    /// `metadata.finalizers`.
    public var finalizers: [String]
    /// `metadata.creationTimestamp`.
    public var creationTimestamp: Date?
    /// `metadata.deletionTimestamp`: set once deletion has begun.
    public var deletionTimestamp: Date?

    /// Decodes the metadata of `object`; throws when a field has the wrong type.
    public init(_ object: JSONValue) throws(ObjectDecodingError) {
        let kind = object["kind"]?.stringValue ?? "object"
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let ns = object.value(at: ["metadata", "namespace"])?.stringValue ?? ""
        let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
        let label = ns.isEmpty ? "\(apiVersion) \(kind) \(name)" : "\(apiVersion) \(kind) \(ns)/\(name)"
        try self.init(JSONReader(object, object: label))
    }

    init(_ r: JSONReader) throws(ObjectDecodingError) {
        apiVersion = try r.string(["apiVersion"]) ?? ""
        kind = try r.string(["kind"]) ?? ""
        name = try r.string(["metadata", "name"]) ?? ""
        namespace = try r.string(["metadata", "namespace"]) ?? ""
        uid = try r.string(["metadata", "uid"]) ?? ""
        resourceVersion = try r.string(["metadata", "resourceVersion"])
        generation = try r.int(["metadata", "generation"]) ?? 0
        labels = try r.stringMap(["metadata", "labels"])
        annotations = try r.stringMap(["metadata", "annotations"])
        finalizers = try r.array(["metadata", "finalizers"]).compactMap(\.stringValue)
        creationTimestamp = try r.time(["metadata", "creationTimestamp"])
        deletionTimestamp = try r.time(["metadata", "deletionTimestamp"])
        var refs: [OwnerReference] = []
        for e in try r.elements(["metadata", "ownerReferences"]) {
            guard let uid = try e.string(["uid"]) else { throw e.fail(["uid"], "an owner reference needs a uid") }
            refs.append(OwnerReference(
                apiVersion: try e.string(["apiVersion"]) ?? "", kind: try e.string(["kind"]) ?? "",
                name: try e.string(["name"]) ?? "", uid: uid, controller: try e.bool(["controller"]) ?? false,
                blockOwnerDeletion: try e.bool(["blockOwnerDeletion"]) ?? false))
        }
        ownerReferences = refs
    }

    /// The object's key, with its UID as the precondition.
    public var key: ObjectKey {
        ObjectKey(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name, uid: uid.isEmpty ? nil : uid)
    }

    /// The owner reference with `controller: true`, if any.
    public var controllerRef: OwnerReference? { ownerReferences.first { $0.controller } }

    /// Whether deletion has begun.
    public var isBeingDeleted: Bool { deletionTimestamp != nil }
}
