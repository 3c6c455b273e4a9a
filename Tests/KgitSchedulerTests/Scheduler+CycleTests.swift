import Synchronization
import Testing

@testable import KgitScheduler

/// A binder that records bindings and refuses pods named in `refuse`.
final class RecordingBinder: Binder {
    struct Refused: Error, CustomStringConvertible {
        var description: String { "Operation cannot be fulfilled: the pod was deleted" }
    }

    let refuse: Set<String>
    let bindings = Mutex<[String: String]>([:])

    init(refuse: Set<String> = []) { self.refuse = refuse }

    func bind(_ pod: Pod, to nodeName: String) async throws {
        if refuse.contains(pod.name) { throw Refused() }
        bindings.withLock { $0[pod.key] = nodeName }
    }
}

/// A Reserve plugin that refuses one node, to drive the Unreserve path.
struct RefuseNode: ReservePlugin {
    let node: String
    var name: String { "RefuseNode" }
    func reserve(_ pod: Pod, on nodeName: String, state: CycleState) -> Status {
        nodeName == node ? Status(.unschedulable, "reserved for someone else") : .success
    }
    func unreserve(_ pod: Pod, on nodeName: String, state: CycleState) {}
}

@Suite("Scheduling cycle")
struct SchedulingCycleTests {
    @Test("a bound pod is assumed in the snapshot, so the next pod sees its requests") func bindsAndAssumes() async {
        let clock = ManualClock()
        var queue = SchedulingQueue(clock: clock)
        var snapshot = Snapshot(nodes: [makeNode("n1", cpu: "2"), makeNode("n2", cpu: "2")])
        var scheduler = Scheduler()
        let binder = RecordingBinder()
        queue.add(makePod("a", cpu: "1500m"))
        queue.add(makePod("b", cpu: "1500m"))
        let first = await scheduler.scheduleOne(queue: &queue, snapshot: &snapshot, binder: binder)
        let second = await scheduler.scheduleOne(queue: &queue, snapshot: &snapshot, binder: binder)
        guard case .bound(_, let p1) = first, case .bound(_, let p2) = second else {
            Issue.record("expected two bindings, got \(first) and \(second)")
            return
        }
        #expect(p1.nodeName != p2.nodeName)
        #expect(binder.bindings.withLock { $0 } == ["default/a": p1.nodeName, "default/b": p2.nodeName])
        #expect(snapshot.podCount == 2)
        #expect(await scheduler.scheduleOne(queue: &queue, snapshot: &snapshot, binder: binder) == .idle)
    }

    @Test("a refused binding undoes the assumption and backs the pod off") func bindingRefused() async {
        let clock = ManualClock()
        var queue = SchedulingQueue(clock: clock)
        var snapshot = Snapshot(nodes: [makeNode("n1")])
        var scheduler = Scheduler()
        queue.add(makePod("doomed"))
        let outcome = await scheduler.scheduleOne(queue: &queue, snapshot: &snapshot, binder: RecordingBinder(refuse: ["doomed"]))
        #expect(outcome == .failed(makePod("doomed"), nodeName: "n1", message: "binding rejected: Operation cannot be fulfilled: the pod was deleted"))
        #expect(snapshot.podCount == 0)
        #expect(queue.backoffCount == 1)
    }

    @Test("a Reserve rejection undoes the assumption") func reserveRejected() async {
        var queue = SchedulingQueue(clock: ManualClock())
        var snapshot = Snapshot(nodes: [makeNode("n1")])
        var plugins = Framework.default.plugins
        plugins.append(RefuseNode(node: "n1"))
        var scheduler = Scheduler(framework: Framework(plugins: plugins))
        queue.add(makePod("p"))
        let outcome = await scheduler.scheduleOne(queue: &queue, snapshot: &snapshot, binder: RecordingBinder())
        #expect(outcome == .failed(makePod("p"), nodeName: "n1", message: "RefuseNode: reserved for someone else"))
        #expect(snapshot.podCount == 0)
    }

    @Test("an unschedulable pod waits until a node is added, then binds") func waitsForNode() async {
        let clock = ManualClock()
        var queue = SchedulingQueue(clock: clock)
        var snapshot = Snapshot(nodes: [makeNode("small", cpu: "1")])
        var scheduler = Scheduler()
        let binder = RecordingBinder()
        queue.add(makePod("big", cpu: "2"))
        guard case .unschedulable(_, let error) = await scheduler.scheduleOne(queue: &queue, snapshot: &snapshot, binder: binder) else {
            Issue.record("expected the pod to be unschedulable")
            return
        }
        #expect(error.message.hasPrefix("0/1 nodes are available: 1 Insufficient cpu."))
        #expect(queue.unschedulableCount == 1)
        #expect(await scheduler.scheduleOne(queue: &queue, snapshot: &snapshot, binder: binder) == .idle)
        snapshot.upsert(makeNode("large", cpu: "8"))
        clock.advance(by: .seconds(1))
        queue.moveAllToActiveOrBackoff(on: .nodeAdded)
        let outcome = await scheduler.scheduleOne(queue: &queue, snapshot: &snapshot, binder: binder)
        #expect(outcome.boundNode == "large")
    }
}

extension CycleOutcome {
    var boundNode: String? {
        if case .bound(_, let placement) = self { return placement.nodeName }
        return nil
    }
}
