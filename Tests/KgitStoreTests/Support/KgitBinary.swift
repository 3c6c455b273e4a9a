import Foundation

/// The real `kgit` executable built next to the test bundle (`swift build --build-tests` builds it).
enum KgitBinary {
    static var path: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kgit").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("kgit").path,
            FileManager.default.currentDirectoryPath + "/.build/debug/kgit",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[2]
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `kgit ARGS` to completion (stdin from `input`).
    static func run(_ args: [String], input: String? = nil, environment: [String: String]? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        if let environment { p.environment = environment }
        let out = Pipe()
        let err = Pipe()
        let inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(isOut, String(decoding: data, as: UTF8.self))
                group.leave()
            }
        }
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: collected.out, stderr: collected.err)
    }

    /// A running `kgit` whose stdout is drained continuously.
    final class Running: @unchecked Sendable {
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
        func killAndCollect() -> [String] {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            done.wait()
            return lines()
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
}

private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Bool: String] = [:]
    func set(_ isOut: Bool, _ s: String) {
        lock.lock()
        values[isOut] = s
        lock.unlock()
    }
    var out: String { lock.withLock { values[true] ?? "" } }
    var err: String { lock.withLock { values[false] ?? "" } }
}
