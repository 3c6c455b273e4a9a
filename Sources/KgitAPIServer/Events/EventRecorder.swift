import Crypto
import Foundation
import KgitAPIMachinery

/// Writes `v1 Event`s about objects, the way client-go's recorder does for a component: one Event
/// per (object, type, reason, message), whose `count` and `lastTimestamp` grow when it repeats.
/// Events about cluster-scoped objects go to the `default` namespace, as upstream's do.
///
/// Recording never fails the operation it describes: errors are swallowed.
struct EventRecorder: Sendable {
    let registry: Registry
    /// `source.component` and `reportingComponent` of the events written.
    let component: String
    let clock: @Sendable () -> Date

    /// Records that `reason` happened to `object` (of type `info`).
    func record(_ type: EventType, reason: String, message: String, about object: JSONValue, info: ResourceInfo) async {
        guard let eventInfo = registry.catalog.lookup(group: "", version: "v1", resource: "events") else { return }
        let meta = object["metadata"] ?? [:]
        let name = meta["name"]?.stringValue ?? ""
        let namespace = meta["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let uid = meta["uid"]?.stringValue ?? ""
        let key = SHA256.hash(data: Array("\(uid)|\(type.rawValue)|\(reason)|\(message)".utf8))
            .prefix(8).map { String(format: "%02x", $0) }.joined()
        let eventName = "\(name).\(key)"
        let now = RFC3339.format(clock())
        for _ in 0..<3 {
            if let existing = try? await registry.read(eventInfo, namespace: namespace, name: eventName) {
                var event = existing.object
                event["count"] = .int((event["count"]?.intValue ?? 1) + 1)
                event["lastTimestamp"] = .string(now)
                if (try? await registry.update(eventInfo, object: event, expectedRevision: existing.revision,
                                               dryRun: false)) != nil { return }
                continue
            }
            var involved: JSONValue = [
                "apiVersion": .string(info.groupVersion), "kind": .string(info.kind), "name": .string(name),
                "uid": .string(uid),
            ]
            if let ns = meta["namespace"]?.stringValue, !ns.isEmpty { involved["namespace"] = .string(ns) }
            if let rv = meta["resourceVersion"] { involved["resourceVersion"] = rv }
            var event: JSONValue = [
                "apiVersion": "v1", "kind": "Event",
                "metadata": ["name": .string(eventName), "namespace": .string(namespace)],
                "involvedObject": involved, "type": .string(type.rawValue), "reason": .string(reason),
                "message": .string(message), "source": ["component": .string(component)],
                "firstTimestamp": .string(now), "lastTimestamp": .string(now), "count": 1,
                "reportingComponent": .string(component), "reportingInstance": "",
            ]
            do throws(APIError) {
                try Strategy.prepareForCreate(&event, info: eventInfo, now: clock())
                _ = try await registry.create(eventInfo, object: event, dryRun: false)
                return
            } catch where error.code == 409 {
                continue
            } catch {
                return
            }
        }
    }

    /// `Normal` or `Warning`.
    enum EventType: String, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }
}
