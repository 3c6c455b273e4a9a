import Testing

@testable import KgitScheduler

@Suite("Scheduling queue")
struct SchedulingQueueTests {
    /// The next pod, which must be there.
    func popped(_ q: inout SchedulingQueue, sourceLocation: SourceLocation = #_sourceLocation) throws -> QueuedPod {
        let next = q.pop()
        return try #require(next, sourceLocation: sourceLocation)
    }

    func queue(_ clock: ManualClock) -> SchedulingQueue {
        SchedulingQueue(clock: clock, initialBackoff: .seconds(1), maxBackoff: .seconds(10))
    }

    @Test("active pods pop by priority, then by the time they were added") func order() {
        let clock = ManualClock()
        var q = queue(clock)
        q.add(makePod("low-early", priority: 1))
        clock.advance(by: .milliseconds(1))
        q.add(makePod("high", priority: 100))
        clock.advance(by: .milliseconds(1))
        q.add(makePod("low-late", priority: 1))
        #expect([q.pop(), q.pop(), q.pop(), q.pop()].map { $0?.pod.name } == ["high", "low-early", "low-late", nil])
    }

    @Test(
        "backoff doubles with each attempt from 1s up to 10s",
        arguments: [(1, 1), (2, 2), (3, 4), (4, 8), (5, 10), (9, 10)] as [(Int, Int64)])
    func backoff(_ attempts: Int, _ seconds: Int64) {
        #expect(queue(ManualClock()).backoffDuration(attempts: attempts) == .seconds(seconds))
    }

    @Test("a pod that failed with an error returns only after its backoff") func backoffWaits() throws {
        let clock = ManualClock()
        var q = queue(clock)
        q.add(makePod("p"))
        var info = try popped(&q)
        q.addBackoff(info)
        #expect(q.backoffCount == 1)
        clock.advance(by: .milliseconds(999))
        #expect(q.pop() == nil)
        clock.advance(by: .milliseconds(1))
        info = try popped(&q)
        #expect(info.attempts == 2)
        q.addBackoff(info)
        clock.advance(by: .milliseconds(1999))
        #expect(q.pop() == nil)
        clock.advance(by: .milliseconds(1))
        #expect(q.pop()?.attempts == 3)
    }

    @Test("an unschedulable pod waits for an event that can help the plugin that rejected it") func events() throws {
        let clock = ManualClock()
        var q = queue(clock)
        q.add(makePod("p"))
        let info = try popped(&q)
        q.addUnschedulable(info, rejectedBy: ["TaintToleration"])
        #expect(q.unschedulableCount == 1)
        q.moveAllToActiveOrBackoff(on: .assignedPodDeleted)  // a freed pod does not remove a taint
        #expect(q.unschedulableCount == 1)
        clock.advance(by: .seconds(2))  // past the 1s backoff
        q.moveAllToActiveOrBackoff(on: .nodeUpdated)
        #expect(q.unschedulableCount == 0)
        #expect(q.pop()?.pod.name == "p")
    }

    @Test("a pod moved while still backing off goes to backoff first") func movedDuringBackoff() throws {
        let clock = ManualClock()
        var q = queue(clock)
        q.add(makePod("p"))
        let info = try popped(&q)
        q.addUnschedulable(info, rejectedBy: ["NodeResourcesFit"])
        q.moveAllToActiveOrBackoff(on: .assignedPodDeleted)
        #expect(q.backoffCount == 1)
        #expect(q.pop() == nil)
        clock.advance(by: .seconds(1))
        #expect(q.pop()?.pod.name == "p")
    }

    @Test("an event during a pod's attempt sends the failed pod to backoff, not to unschedulable") func raceWithEvent() throws {
        let clock = ManualClock()
        var q = queue(clock)
        q.add(makePod("p"))
        let info = try popped(&q)
        q.moveAllToActiveOrBackoff(on: .nodeAdded)  // arrives while p is being scheduled
        q.addUnschedulable(info, rejectedBy: ["NodeResourcesFit"])
        #expect(q.unschedulableCount == 0)
        #expect(q.backoffCount == 1)
    }

    @Test("a pod unschedulable for five minutes is retried without an event") func leftover() throws {
        let clock = ManualClock()
        var q = queue(clock)
        q.add(makePod("p"))
        q.addUnschedulable(try popped(&q), rejectedBy: ["NodeAffinity"])
        clock.advance(by: .seconds(299))
        #expect(q.pop() == nil)
        clock.advance(by: .seconds(1))
        #expect(q.pop()?.pod.name == "p")
    }

    @Test("updating an unschedulable pod retries it; deleting a pod forgets it") func updateAndDelete() throws {
        let clock = ManualClock()
        var q = queue(clock)
        q.add(makePod("p"))
        q.add(makePod("gone"))
        let p = try popped(&q)
        q.addUnschedulable(p, rejectedBy: ["NodeAffinity"])
        q.delete("default/gone")
        #expect(!q.contains("default/gone"))
        clock.advance(by: .seconds(5))
        q.update(makePod("p", labels: ["fixed": "yes"]))
        let retried = try popped(&q)
        #expect(retried.pod.labels == ["fixed": "yes"])
        #expect(q.pop() == nil)
    }
}
