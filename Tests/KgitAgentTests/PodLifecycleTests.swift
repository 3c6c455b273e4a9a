import Testing

@testable import KgitAgent

@Suite("Pod lifecycle")
struct PodLifecycleTests {
    typealias State = PodLifecycle.State

    /// The states visited up to `until`, including the first.
    func states(_ pod: inout PodLifecycle, until: Duration) -> [State] {
        [pod.state] + pod.advance(to: until).map(\.to)
    }

    @Test("a healthy pod goes Pending, ContainerCreating, Running and stays there") func healthy() {
        var pod = PodLifecycle(boundAt: .seconds(100), timings: .init(createDelay: .seconds(1), startDelay: .seconds(2)))
        #expect(pod.advance(to: .milliseconds(100_999)).isEmpty)
        let steps = pod.advance(to: .seconds(103))
        #expect(steps.map(\.to) == [.containerCreating, .running])
        #expect(steps.map(\.at) == [.seconds(101), .seconds(103)])
        #expect(pod.state.phase == "Running")
        #expect(pod.nextTransition == nil)
        #expect(pod.advance(to: .seconds(10_000)).isEmpty)
    }

    @Test("ContainerCreating is still phase Pending") func creatingIsPending() {
        #expect(State.containerCreating.phase == "Pending")
        #expect(State.crashLoopBackOff.phase == "Running")
    }

    @Test(
        "a workload that exits 0 finishes or restarts as its restart policy says",
        arguments: [
            (PodLifecycle.RestartPolicy.never, [State.pending, .containerCreating, .running, .succeeded]),
            (.onFailure, [.pending, .containerCreating, .running, .succeeded]),
            (.always, [.pending, .containerCreating, .running, .crashLoopBackOff, .running]),
        ])
    func completion(_ policy: PodLifecycle.RestartPolicy, _ want: [State]) {
        var pod = PodLifecycle(
            boundAt: .zero, restartPolicy: policy, timings: .init(createDelay: .seconds(1), startDelay: .seconds(1), runFor: .seconds(5)))
        #expect(states(&pod, until: .seconds(17)) == want)
    }

    @Test(
        "a crashing container fails the pod or restarts it, counting restarts",
        arguments: [
            (PodLifecycle.RestartPolicy.never, State.failed, 0),
            (.onFailure, .crashLoopBackOff, 1),
            (.always, .crashLoopBackOff, 1),
        ])
    func crash(_ policy: PodLifecycle.RestartPolicy, _ want: State, _ restarts: Int) {
        var pod = PodLifecycle(
            boundAt: .zero, restartPolicy: policy, timings: .init(createDelay: .zero, startDelay: .seconds(1)),
            failures: .init(crashAfter: .seconds(3)))
        let steps = pod.advance(to: .seconds(5))
        #expect(pod.state == want)
        #expect(pod.restartCount == restarts)
        #expect(steps.last?.exitCode == 1)
        #expect(steps.last?.at == .seconds(4))
    }

    @Test("restarts back off 10s, 20s, 40s ... up to 5 minutes") func backoff() {
        var pod = PodLifecycle(
            boundAt: .zero, timings: .init(createDelay: .zero, startDelay: .zero), failures: .init(crashAfter: .zero))
        var gaps: [Duration] = []
        var last = Duration.zero
        for t in pod.advance(to: .seconds(2000)) where t.to == .running {
            gaps.append(t.at - last)
            last = t.at
        }
        #expect(Array(gaps.prefix(7)) == [.zero, .seconds(10), .seconds(20), .seconds(40), .seconds(80), .seconds(160), .seconds(300)])
    }

    @Test("failed starts are retried with backoff until one succeeds") func failedStarts() {
        var pod = PodLifecycle(
            boundAt: .zero, timings: .init(createDelay: .zero, startDelay: .seconds(1)), failures: .init(failedStarts: 2))
        let steps = pod.advance(to: .seconds(100))
        #expect(steps.map(\.to) == [.containerCreating, .crashLoopBackOff, .crashLoopBackOff, .running])
        #expect(steps.compactMap(\.exitCode) == [128, 128])
        #expect(pod.restartCount == 2)
        #expect(pod.state == .running)
    }

    @Test("sampled failures pick about the requested share of pods, the same ones every time") func sampling() {
        let uids = (0..<2000).map { "uid-\($0)" }
        let failing = uids.filter { PodLifecycle.Failures.sampled(uid: $0, rate: 0.25, seed: 7, crashAfter: .seconds(5)) != .none }
        #expect((400...600).contains(failing.count))
        let again = uids.filter { PodLifecycle.Failures.sampled(uid: $0, rate: 0.25, seed: 7, crashAfter: .seconds(5)) != .none }
        #expect(failing == again)
        #expect(uids.allSatisfy { PodLifecycle.Failures.sampled(uid: $0, rate: 0, seed: 7, crashAfter: .seconds(5)) == .none })
    }
}
