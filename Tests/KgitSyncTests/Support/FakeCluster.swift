import KgitYAML
import Synchronization

@testable import KgitSync

/// An in-memory cluster for engine tests: objects by identity, a resourceVersion bumped on every change,
/// Namespaces active and CRDs established at once (unless told otherwise), and failures on demand.
final class FakeCluster: ClusterClient {
    struct State {
        var objects: [ObjectIdentity: YAMLValue] = [:]
        var version = 1
        var log: [String] = []
        var failing: [String: String] = [:]
        var neverReady: Set<String> = []
    }

    let state = Mutex(State())

    /// `apply Namespace/shop`, `delete ConfigMap/shop/a`, ... in call order (dry runs marked).
    var log: [String] { state.withLock { $0.log } }
    var objects: [ObjectIdentity: YAMLValue] { state.withLock { $0.objects } }

    /// Makes every apply of the object at `path` (`Kind/ns/name`) fail with `reason`.
    func fail(_ path: String, _ reason: String) { state.withLock { $0.failing[path] = reason } }
    /// Leaves the object at `path` never ready (a terminating Namespace, a CRD without conditions).
    func neverReady(_ path: String) { state.withLock { _ = $0.neverReady.insert(path) } }

    func get(_ identity: ObjectIdentity) async throws -> YAMLValue? { state.withLock { $0.objects[identity] } }

    func list(group: String, version: String, kind: String, namespace: String?, labelSelector: String?)
        async throws -> [YAMLValue]
    {
        state.withLock { state in
            state.objects.filter { $0.key.group == group && $0.key.kind == kind }.map(\.value)
        }
    }

    func apply(_ object: YAMLValue, fieldManager: String, force: Bool, dryRun: Bool) async throws -> YAMLValue {
        guard let identity = ObjectIdentity(object: object) else { throw FakeError(message: "no identity") }
        return try state.withLock { state in
            state.log.append("apply \(identity.path)\(dryRun ? " (dry run)" : "")")
            if let reason = state.failing[identity.path] { throw FakeError(message: reason) }
            let old = state.objects[identity]
            var stored = Self.withoutServerFields(object)
            if identity.kind == "Namespace" {
                let phase = state.neverReady.contains(identity.path) ? "Terminating" : "Active"
                stored = Self.setting("status", .mapping([.init(key: "phase", value: .string(phase))]), in: stored)
            }
            if identity.kind == "CustomResourceDefinition", !state.neverReady.contains(identity.path) {
                let established = YAMLValue.mapping([
                    .init(key: "type", value: .string("Established")), .init(key: "status", value: .string("True")),
                ])
                let accepted = YAMLValue.mapping([
                    .init(key: "type", value: .string("NamesAccepted")), .init(key: "status", value: .string("True")),
                ])
                stored = Self.setting(
                    "status", .mapping([.init(key: "conditions", value: .sequence([established, accepted]))]), in: stored)
            }
            if let old, Self.withoutServerFields(old) == Self.withoutServerFields(stored) {
                return old
            }
            if !dryRun { state.version += 1 }
            stored = Self.settingVersion(String(state.version), in: stored)
            if !dryRun { state.objects[identity] = stored }
            return stored
        }
    }

    func delete(_ identity: ObjectIdentity, dryRun: Bool) async throws -> Bool {
        state.withLock { state in
            state.log.append("delete \(identity.path)\(dryRun ? " (dry run)" : "")")
            guard state.objects[identity] != nil else { return false }
            if !dryRun { state.objects[identity] = nil }
            return true
        }
    }

    struct FakeError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func setting(_ key: String, _ value: YAMLValue, in object: YAMLValue) -> YAMLValue {
        guard case .mapping(var entries) = object else { return object }
        entries.removeAll { $0.key == key }
        entries.append(.init(key: key, value: value))
        return .mapping(entries)
    }

    static func settingVersion(_ version: String, in object: YAMLValue) -> YAMLValue {
        guard case .mapping(var metadata)? = object["metadata"] else { return object }
        metadata.removeAll { $0.key == "resourceVersion" }
        metadata.append(.init(key: "resourceVersion", value: .string(version)))
        return setting("metadata", .mapping(metadata), in: object)
    }

    static func withoutServerFields(_ object: YAMLValue) -> YAMLValue {
        settingVersion("", in: object)
    }
}
