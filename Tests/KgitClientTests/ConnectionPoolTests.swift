@testable import KgitClient
import Testing

/// Links are numbers (negative ones count as closed); waiters are names.
@Suite("ConnectionPool: which connection a request gets")
struct ConnectionPoolTests {
    typealias Pool = ConnectionPool<Int, String>
    static func open(_ link: Int) -> Bool { link >= 0 }

    @Test("an idle connection is reused at once, skipping closed ones")
    func idleFirst() {
        var pool = Pool(maxIdle: 4, maxDials: 2)
        _ = pool.checkIn(1)
        _ = pool.checkIn(-2)
        guard case .link(let link) = pool.checkOut("a", isOpen: Self.open) else {
            Issue.record("expected an idle link")
            return
        }
        #expect(link == 1)
        #expect(pool.idle.isEmpty && pool.waiters.isEmpty && pool.dialing == 0)
    }

    @Test("requests without an idle connection wait; connections are opened only up to the waiters and the cap")
    func dialsAreBounded() {
        var pool = Pool(maxIdle: 4, maxDials: 2)
        var dials = 0
        for name in ["a", "b", "c", "d", "e"] {
            guard case .wait(let dial) = pool.checkOut(name, isOpen: Self.open) else {
                Issue.record("\(name) should wait")
                continue
            }
            if dial { dials += 1 }
        }
        #expect(dials == 2)
        #expect(pool.dialing == 2 && pool.waiters == ["a", "b", "c", "d", "e"])
    }

    @Test("a connection freed while requests wait goes to the longest waiting one, not to the idle list")
    func checkInServesWaiters() {
        var pool = Pool(maxIdle: 4, maxDials: 1)
        _ = pool.checkOut("a", isOpen: Self.open)
        _ = pool.checkOut("b", isOpen: Self.open)
        guard case .waiter(let first) = pool.checkIn(7) else {
            Issue.record("expected a waiter")
            return
        }
        #expect(first == "a")
        // The connection being opened for the waiters now goes to b, and no further one is opened.
        let (handoff, failed, again) = pool.dialEnded(8)
        guard case .waiter(let second) = handoff else {
            Issue.record("expected the new connection to go to b")
            return
        }
        #expect(second == "b" && failed == nil && !again)
        #expect(pool.dialing == 0 && pool.waiters.isEmpty)
    }

    @Test("a new connection nobody waits for any more stays idle for the next request")
    func unneededDialIdles() {
        var pool = Pool(maxIdle: 4, maxDials: 2)
        _ = pool.checkOut("a", isOpen: Self.open)
        _ = pool.checkIn(3)  // a is served by a freed connection first
        let (handoff, failed, again) = pool.dialEnded(4)
        guard case .idle = handoff else {
            Issue.record("expected the new connection to idle")
            return
        }
        #expect(failed == nil && !again && pool.idle == [4])
    }

    @Test("a connection that cannot be opened fails one waiter, and another is tried for those still waiting")
    func failedDial() {
        var pool = Pool(maxIdle: 4, maxDials: 1)
        _ = pool.checkOut("a", isOpen: Self.open)
        _ = pool.checkOut("b", isOpen: Self.open)
        var ended = pool.dialEnded(nil)
        #expect(ended.failed == "a" && ended.handoff == nil && ended.dialAgain)
        ended = pool.dialEnded(nil)
        #expect(ended.failed == "b" && !ended.dialAgain)
        #expect(pool.waiters.isEmpty && pool.dialing == 0)
    }

    @Test("while any request waits, a connection is being opened")
    func noWaiterIsForgotten() {
        var pool = Pool(maxIdle: 2, maxDials: 3)
        var next = 100
        // Interleave arrivals, check-ins and dial results; after each step the invariant holds.
        for step in 0..<60 {
            switch step % 4 {
            case 0, 1: _ = pool.checkOut("w\(step)", isOpen: Self.open)
            case 2:
                if pool.dialing > 0 {
                    next += 1
                    _ = pool.dialEnded(step % 8 == 2 ? nil : next)
                }
            default:
                next += 1
                _ = pool.checkIn(next)
            }
            #expect(pool.waiters.isEmpty || pool.dialing > 0, "step \(step): \(pool.waiters.count) waiting, nothing being opened")
            #expect(pool.idle.count <= 2)
        }
    }

    @Test("beyond maxIdle a freed connection is closed")
    func idleIsBounded() {
        var pool = Pool(maxIdle: 1, maxDials: 1)
        guard case .idle = pool.checkIn(1), case .close = pool.checkIn(2) else {
            Issue.record("expected the second connection to be closed")
            return
        }
        let (idle, waiters) = pool.drain()
        #expect(idle == [1] && waiters.isEmpty && pool.idle.isEmpty)
    }
}
