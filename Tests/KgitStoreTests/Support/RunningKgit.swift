import Foundation
import KgitTesting

/// A running `kgit` whose stdout is drained continuously.
final class RunningKgit: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ args: [String]) throws {
        process.executableURL = URL(fileURLWithPath: KgitBinary.path)
        process.arguments = args
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        DispatchQueue.global().async { [self] in
            while true {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                lock.lock()
                data.append(chunk)
                lock.unlock()
            }
            done.signal()
        }
    }

    /// Kills the process with SIGKILL and returns every complete line it wrote.
    func killAndCollect() async -> [String] {
        kill(process.processIdentifier, SIGKILL)
        return await offPool { [self] in
            process.waitUntilExit()
            done.wait()
            return lines()
        }
    }

    /// Complete lines so far (a torn last line is dropped).
    func lines() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        var text = String(decoding: data, as: UTF8.self)
        if !text.hasSuffix("\n"), let last = text.lastIndex(of: "\n") {
            text = String(text[...last])
        } else if !text.hasSuffix("\n") {
            text = ""
        }
        return text.split(separator: "\n").map(String.init)
    }
}
