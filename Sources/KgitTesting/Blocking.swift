import Foundation

/// Runs blocking work (waiting for a process, a blocking read, a sleep) on a thread of its own and awaits it.
///
/// Swift concurrency runs every test on a cooperative pool as wide as the machine has cores: two here. A test
/// that blocks one of those threads stalls every other test and every in-process server task with it, which
/// made unrelated tests time out in CI. Anything that blocks goes through this instead.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// The non-throwing form of `offPool(_:)`.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: work()) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
