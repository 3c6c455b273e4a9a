import Foundation

/// Runs blocking work (libgit2's fetch and reads) on a thread of its own and awaits it, so the command's
/// async code never blocks one of Swift concurrency's few threads.
func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }
        thread.stackSize = 4 << 20
        thread.start()
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    Console.error((text + "\n"))
}
