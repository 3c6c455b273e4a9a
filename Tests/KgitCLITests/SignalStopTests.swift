import Dispatch
import Foundation
import Testing

@testable import KgitCLI

/// How `kgit server`, `up`, `agent` and `scheduler` hear SIGTERM and SIGINT (`SignalStop`). The tests use
/// signals the test process does not otherwise use, one per test case: libdispatch keeps its handler for a
/// signal once installed, so a signal can show the start-up window only once per process.
@Suite("Signal handling of the long-running commands")
struct SignalStopTests {
    /// A server announces "listening" right after installing its handlers, and supervisors (and our own
    /// tests) signal it the moment they read that line. A signal arriving before libdispatch had
    /// registered its source was discarded (its disposition was still SIG_IGN): the server never stopped.
    @Test(
        "a signal sent the moment the handlers are installed is handled, not lost",
        arguments: ["SIGUSR1", "SIGUSR2", "SIGRTMIN+5"])
    func signalRightAfterInstall(name: String) async throws {
        let number: Int32
        switch name {
        case "SIGUSR1": number = SIGUSR1
        case "SIGUSR2": number = SIGUSR2
        default: number = __libc_current_sigrtmin() + 5
        }
        let handled = DispatchSemaphore(value: 0)
        let timedOut = DispatchSemaphore(value: 0)
        let sources = SignalStop.handle([number], timeout: .milliseconds(10)) {
            handled.signal()
        } onTimeout: {
            timedOut.signal()
        }
        defer { sources.forEach { $0.cancel() } }
        kill(getpid(), number)
        // Bounded so that a lost signal fails the test instead of hanging it.
        let heard = await Self.offPool { handled.wait(timeout: .now() + 30) }
        try #require(heard == .success, "\(name) sent right after SignalStop.handle returned was lost")
        let timerFired = await Self.offPool { timedOut.wait(timeout: .now() + 30) }
        #expect(timerFired == .success, "the shutdown timeout follows the signal")
    }

    /// Blocks a thread of its own, not one of the cooperative pool's.
    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}
