import Foundation
import KgitAPIMachinery

/// Performs a reconciler's actions through a ``ClusterWriter``: the only place controllers do I/O.
///
/// Actions run in order. A delete of an object that is already gone counts as done (reconcilers are
/// level-triggered, so a second worker may have won); any other failure is collected and the
/// outcome asks for a retry, leaving backoff to the work queue.
public struct ControllerDriver<Writer: ClusterWriter>: Sendable {
    /// Where writes go.
    public var writer: Writer
    /// The `source.component` of recorded events, e.g. `replicaset-controller`.
    public var component: String

    /// A driver writing through `writer`, recording events as `component`.
    public init(writer: Writer, component: String) {
        self.writer = writer
        self.component = component
    }

    /// What happened when actions ran.
    public struct Outcome: Sendable {
        /// Each action that failed, with the error's description.
        public var failures: [(action: ControllerAction, error: String)] = []
        /// The shortest requeue asked for by the reconciler.
        public var requeueAfter: Duration?
        /// Events that could not be recorded. Recording is best effort, as upstream's recorder: a lost
        /// event does not make the reconcile fail.
        public var eventFailures: [(event: ControllerEvent, error: String)] = []
        /// Whether the key should be retried with backoff (some action failed).
        public var needsRetry: Bool { !failures.isEmpty }
    }

    /// Performs `actions` in order; `now` timestamps recorded events.
    public func perform(_ actions: [ControllerAction], now: Date) async -> Outcome {
        var outcome = Outcome()
        outcome.requeueAfter = actions.requeueAfter
        var eventIndex = 0
        for action in actions {
            do {
                switch action {
                case .create(let object, let event):
                    let created = try await writer.create(object)
                    if var event {
                        let name = created.value(at: ["metadata", "name"])?.stringValue ?? ""
                        event.message = event.message.replacingOccurrences(of: ControllerEvent.createdName, with: name)
                        await record(event, now: now, index: eventIndex, into: &outcome)
                        eventIndex += 1
                    }
                case .patch(let key, let patch, let status):
                    _ = try await writer.patch(key, mergePatch: patch, status: status)
                case .delete(let key, let propagation):
                    do {
                        try await writer.delete(key, propagation: propagation)
                    } catch let error as APIError where error.reason == "NotFound" {
                        continue
                    }
                case .event(let event):
                    await record(event, now: now, index: eventIndex, into: &outcome)
                    eventIndex += 1
                case .requeue:
                    continue
                }
            } catch {
                outcome.failures.append((action, String(describing: error)))
            }
        }
        return outcome
    }

    func record(_ event: ControllerEvent, now: Date, index: Int, into outcome: inout Outcome) async {
        do {
            _ = try await writer.create(Self.eventObject(event, component: component, now: now, index: index))
        } catch {
            outcome.eventFailures.append((event, String(describing: error)))
        }
    }

    /// The core/v1 Event object recording `event`, named as upstream's recorder does
    /// (`<involved name>.<hex nanoseconds>`), the nanoseconds offset by the event's position and a
    /// hash of its message so that events recorded in the same instant get distinct names.
    public static func eventObject(_ event: ControllerEvent, component: String, now: Date, index: Int = 0) -> JSONValue {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for b in (event.reason + event.message).utf8 {
            hash = (hash ^ UInt64(b)) &* 1_099_511_628_211
        }
        let nanos = UInt64(max(0, now.timeIntervalSince1970) * 1_000_000_000) &+ UInt64(index) &+ (hash & 0xFFFF_FFFF)
        let time = JSONValue.string(RFC3339.format(now))
        var involved: [String: JSONValue] = [
            "apiVersion": .string(event.involved.apiVersion), "kind": .string(event.involved.kind),
            "name": .string(event.involved.name),
        ]
        if !event.involved.namespace.isEmpty { involved["namespace"] = .string(event.involved.namespace) }
        if let uid = event.involved.uid { involved["uid"] = .string(uid) }
        return [
            "apiVersion": "v1", "kind": "Event",
            "metadata": [
                "name": .string("\(event.involved.name).\(String(nanos, radix: 16))"),
                "namespace": .string(event.involved.namespace.isEmpty ? "default" : event.involved.namespace),
            ],
            "involvedObject": .object(involved),
            "type": .string(event.type.rawValue), "reason": .string(event.reason), "message": .string(event.message),
            "source": ["component": .string(component)], "reportingComponent": .string(component),
            "firstTimestamp": time, "lastTimestamp": time, "count": 1,
        ]
    }
}
