import Foundation

/// Runs programs for end-to-end tests without blocking Swift concurrency's threads.
public enum Subprocess {
    /// What a finished program did.
    public struct Result: Sendable, CustomStringConvertible {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }

        public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    /// Runs `executable ARGUMENTS` to completion in `directory`, feeding `stdin`, with `environment` laid over
    /// this process's environment. An `executable` without a slash is looked up on PATH.
    public static func run(_ executable: String, _ arguments: [String], stdin: String? = nil,
                           directory: URL? = nil, environment: [String: String] = [:]) async throws -> Result {
        try await offPool {
            try runBlocking(executable, arguments, stdin: stdin, directory: directory, environment: environment)
        }
    }

    /// The blocking form of `run`, for code that already runs on a thread of its own.
    public static func runBlocking(_ executable: String, _ arguments: [String], stdin: String? = nil,
                                   directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let child = try ChildProcess(
            executable, arguments, environment: env, directory: directory?.path,
            standardInput: stdin == nil ? .null : .pipe, standardOutput: .pipe, standardError: .pipe)
        // Both pipes are drained at once so a child that fills one cannot deadlock against us.
        let out = child.standardOutput.map(PipeCollector.init), err = child.standardError.map(PipeCollector.init)
        if let stdin, let input = child.standardInput {
            try? input.write(contentsOf: Data(stdin.utf8))
            try? input.close()
        }
        let ended = child.waitBlocking()
        return Result(
            status: ended?.status ?? -1,
            stdout: out.map { String(decoding: $0.waitForEnd(), as: UTF8.self) } ?? "",
            stderr: err.map { String(decoding: $0.waitForEnd(), as: UTF8.self) } ?? "")
    }
}

/// The real `kgit` executable, as a user runs it, for end-to-end tests of the CLI.
///
/// It is found beside the test bundle (`swift build --build-tests` builds both into one directory), or at
/// `$KGIT_BIN`.
public enum KgitBinary {
    public typealias Result = Subprocess.Result

    /// The path of the built `kgit`.
    public static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["KGIT_BIN"] { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The runner may sit inside a test bundle; walk up until `kgit` is found.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("kgit").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath + "/.build/debug/kgit"
    }

    /// Runs `kgit ARGUMENTS` to completion in `directory`, feeding `stdin`.
    public static func run(_ arguments: [String], stdin: String? = nil, in directory: URL? = nil,
                           environment: [String: String] = [:]) async throws -> Result {
        try await Subprocess.run(path, arguments, stdin: stdin, directory: directory, environment: environment)
    }
}
