import Foundation
import KgitTesting

/// A running `kgit` whose stdout is drained continuously.
final class RunningKgit: @unchecked Sendable {
    let process: ChildProcess
    private let output: PipeCollector

    init(_ args: [String]) throws {
        process = try ChildProcess(KgitBinary.path, args, standardOutput: .pipe, standardError: .null)
        output = PipeCollector(process.standardOutput ?? FileHandle.nullDevice)
    }

    /// Kills the process with SIGKILL and returns every complete line it wrote.
    func killAndCollect() async -> [String] {
        await process.kill()
        _ = await output.end()
        return lines()
    }

    /// Waits until the process printed `count` `ack ` lines; false if it exited or `limit` passed first (a hang
    /// guard, not a timing assertion).
    func waitForAcknowledged(_ count: Int, within limit: Duration) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            if lines().filter({ $0.hasPrefix("ack ") }).count >= count { return true }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return lines().filter { $0.hasPrefix("ack ") }.count >= count
    }

    /// Complete lines so far (a torn last line is dropped).
    func lines() -> [String] {
        var text = output.text
        if !text.hasSuffix("\n"), let last = text.lastIndex(of: "\n") {
            text = String(text[...last])
        } else if !text.hasSuffix("\n") {
            text = ""
        }
        return text.split(separator: "\n").map(String.init)
    }
}
