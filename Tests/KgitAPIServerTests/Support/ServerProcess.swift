import Foundation
import KgitTesting

/// A real `kgit server` process on a free loopback port with a temporary data directory, for
/// end-to-end tests that drive it with the real `kubectl`, as a user would.
///
/// The binary is found beside the test bundle (`swift build --build-tests` puts both in the same
/// directory) or at `$KGIT_BIN`. ``stop()`` (or deinit) terminates it and removes the directory.
final class ServerProcess: @unchecked Sendable {
    let dataDirectory: URL
    let cacheDirectory: URL
    /// The temporary directory holding the cache (and the data directory unless one was passed in).
    let root: URL
    let process: ChildProcess
    let port: Int
    private let stderrBuffer: PipeCollector

    var kubeconfig: String { dataDirectory.appendingPathComponent("kubeconfig").path }
    var baseURL: String { "https://127.0.0.1:\(port)" }

    static var binaryPath: String {
        if let explicit = ProcessInfo.processInfo.environment["KGIT_BIN"] { return explicit }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("kgit").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return "kgit"
    }

    /// Starts a server and waits until `/readyz` answers; `prepare` may write files (e.g.
    /// `tokens.csv`) into the data directory first. Reuses `dataDirectory` when given; `arguments` are added to
    /// `kgit server`'s. Starts a server off the test's cooperative threads (blocking waits there starve other tests).
    static func start(dataDirectory: URL? = nil, arguments: [String] = [],
                      prepare: @escaping @Sendable (URL) throws -> Void = { _ in })
        async throws -> ServerProcess
    {
        try await offPool { try ServerProcess(dataDirectory: dataDirectory, arguments: arguments, prepare: prepare) }
    }

    /// Runs blocking work on a thread of its own and awaits it (see `KgitTesting.offPool`).
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await KgitTesting.offPool(work)
    }

    private init(dataDirectory existing: URL?, arguments: [String], prepare: (URL) throws -> Void) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("kgit-server-\(UUID().uuidString)")
        dataDirectory = existing ?? root.appendingPathComponent("data")
        cacheDirectory = root.appendingPathComponent("kube-cache")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
        try prepare(dataDirectory)

        process = try ChildProcess(
            ServerProcess.binaryPath, ["server", "--data-dir", dataDirectory.path, "--listen", "127.0.0.1:0"] + arguments,
            standardOutput: .null, standardError: .pipe)
        let buffer = PipeCollector(process.standardError ?? FileHandle.nullDevice)
        stderrBuffer = buffer

        // The server prints "listening on https://127.0.0.1:PORT" once bound and bootstrapped. The deadline is a
        // hang guard: on a fully loaded machine, making keys and certificates and bootstrapping can take long.
        let deadline = Date().addingTimeInterval(180)
        var found: Int?
        while Date() < deadline {
            let text = buffer.text
            if let range = text.range(of: "listening on https://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                found = Int(digits)
                if found != nil { break }
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            process.killBlocking()
            throw ServerError.didNotStart(buffer.text)
        }
        port = found
        // Ready once /readyz says so; a request that timed out on a loaded machine is asked again.
        var ready = try ServerProcess.readyz(baseURL, ca: dataDirectory.appendingPathComponent("pki/ca.crt").path)
        while ready.stdout != "ok" && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.2)
            ready = try ServerProcess.readyz(baseURL, ca: dataDirectory.appendingPathComponent("pki/ca.crt").path)
        }
        guard ready.stdout == "ok" else { throw ServerError.didNotStart("readyz: \(ready.stdout) \(ready.stderr)") }
    }

    /// One `GET /readyz` with curl (blocking).
    private static func readyz(_ baseURL: String, ca: String) throws -> Result {
        try runBlocking("/usr/bin/env", ["curl", "-sS", "--max-time", "\(requestLimit)", "--cacert", ca, "\(baseURL)/readyz"])
    }

    /// curl's `--max-time` for one request: a hang guard, long enough for a loaded machine.
    static let requestLimit = 60

    enum ServerError: Error { case didNotStart(String) }

    /// The server's standard error so far.
    var serverLog: String { stderrBuffer.text }

    /// The result of a command.
    typealias Result = Subprocess.Result

    /// Runs `kubectl --kubeconfig DIR/kubeconfig ARGS` with a private discovery cache.
    @discardableResult
    func kubectl(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) async throws
        -> Result
    {
        try await ServerProcess.run("/usr/bin/env", ["kubectl", "--kubeconfig", kubeconfig] + arguments, stdin: stdin,
                                    environment: ["KUBECACHEDIR": cacheDirectory.path, "HOME": cacheDirectory.path]
                                        .merging(environment) { $1 })
    }

    /// Runs curl against the server trusting the cluster CA, without client credentials unless given.
    func curl(_ arguments: [String]) async throws -> Result {
        let ca = dataDirectory.appendingPathComponent("pki/ca.crt").path
        return try await ServerProcess.run(
            "/usr/bin/env", ["curl", "-sS", "--max-time", "\(Self.requestLimit)", "--cacert", ca] + arguments)
    }

    /// curl with the admin client certificate.
    func curlAsAdmin(_ arguments: [String]) async throws -> Result {
        let pki = dataDirectory.appendingPathComponent("pki")
        return try await curl(["--cert", pki.appendingPathComponent("admin.crt").path,
                         "--key", pki.appendingPathComponent("admin.key").path] + arguments)
    }

    /// Kills the server (SIGKILL: the kernel reaps it at once, so this is quick enough for a `defer`, even on the
    /// cooperative pool; the store is crash-safe).
    func stop() {
        process.killBlocking()
    }

    /// Stops the server with SIGTERM and waits, without holding a thread, until it has exited.
    func stopGracefully() async throws {
        process.signal(SIGTERM)
        await process.exit()
    }

    /// Removes the temporary directories (the data directory too unless it was passed in).
    func cleanUp(keepData: Bool = false) {
        stop()
        try? FileManager.default.removeItem(at: cacheDirectory)
        if !keepData { try? FileManager.default.removeItem(at: dataDirectory) }
        // Remove our temporary root when nothing else is left in it (a reused data directory may be).
        if (try? FileManager.default.contentsOfDirectory(atPath: root.path))?.isEmpty ?? false {
            try? FileManager.default.removeItem(at: root)
        }
    }

    deinit { stop() }

    /// Runs a command to completion without blocking the caller's thread.
    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil,
                    environment: [String: String] = [:]) async throws -> Result {
        try await Subprocess.run(executable, arguments, stdin: stdin, environment: environment)
    }

    static func runBlocking(_ executable: String, _ arguments: [String], stdin: String? = nil,
                            environment: [String: String] = [:]) throws -> Result {
        try Subprocess.runBlocking(executable, arguments, stdin: stdin, environment: environment)
    }
}
