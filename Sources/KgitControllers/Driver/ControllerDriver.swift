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
        /// The creates, patches and deletes that succeeded, for the controller's next reconcile of the key to
        /// wait for until its view shows them (``WriteExpectation``).
        public var written: [WriteExpectation] = []
        /// Whether the key should be retried with backoff (some action failed).
        public var needsRetry: Bool { !failures.isEmpty }
    }

    /// The most creates of one run sent at once (see ``perform(_:now:)``).
    public static var maxParallelCreates: Int { 32 }

    /// Performs `actions` in order; `now` timestamps recorded events.
    ///
    /// A run of consecutive creates (a ReplicaSet's missing pods) goes out in parallel batches of 1, 2, 4, ...
    /// up to ``maxParallelCreates``, as upstream's slow start: after a batch in which a create failed, the rest
    /// of the run is not attempted (the failure asks for a retry, and the reconciler decides again).
    public func perform(_ actions: [ControllerAction], now: Date) async -> Outcome {
        var outcome = Outcome()
        outcome.requeueAfter = actions.requeueAfter
        var eventIndex = 0
        var position = 0
        while position < actions.count {
            var end = position
            while end < actions.count, case .create = actions[end] { end += 1 }
            if end > position {
                await performCreates(actions[position..<end], now: now, eventIndex: &eventIndex, into: &outcome)
                position = end
                continue
            }
            let action = actions[position]
            position += 1
            do {
                switch action {
                case .create:
                    continue  // performed above
                case .patch(let key, let patch, let status):
                    let patched = try await writer.patch(key, mergePatch: patch, status: status)
                    if let expectation = WriteExpectation.written(patched) { outcome.written.append(expectation) }
                case .delete(let key, let propagation):
                    do {
                        try await writer.delete(key, propagation: propagation)
                    } catch let error as APIError where error.reason == "NotFound" {
                        // Gone already (another worker won); the view must still stop showing it.
                    }
                    outcome.written.append(WriteExpectation(key: key, change: .deleted))
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

    /// Performs a run of creates in slow-start batches, each create followed by its event.
    private func performCreates(
        _ creates: ArraySlice<ControllerAction>, now: Date, eventIndex: inout Int, into outcome: inout Outcome
    ) async {
        var batchStart = creates.startIndex
        var batchSize = 1
        while batchStart < creates.endIndex {
            let batch = Array(creates[batchStart..<min(creates.endIndex, batchStart + batchSize)])
            let firstIndex = eventIndex
            eventIndex += batch.count
            let results = await withTaskGroup(of: Outcome.self) { group in
                for (offset, action) in batch.enumerated() {
                    group.addTask { [self] in
                        var one = Outcome()
                        guard case .create(let object, let event) = action else { return one }
                        do {
                            let created = try await writer.create(object)
                            if let expectation = WriteExpectation.written(created) { one.written.append(expectation) }
                            if var event {
                                let name = created.value(at: ["metadata", "name"])?.stringValue ?? ""
                                event.message = event.message.replacingOccurrences(of: ControllerEvent.createdName, with: name)
                                await record(event, now: now, index: firstIndex + offset, into: &one)
                            }
                        } catch {
                            one.failures.append((action, String(describing: error)))
                        }
                        return one
                    }
                }
                var all: [Outcome] = []
                for await one in group { all.append(one) }
                return all
            }
            for one in results {
                outcome.failures += one.failures
                outcome.eventFailures += one.eventFailures
                outcome.written += one.written
            }
            if results.contains(where: { !$0.failures.isEmpty }) { return }
            batchStart += batch.count
            batchSize = min(batchSize * 2, Self.maxParallelCreates)
        }
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
