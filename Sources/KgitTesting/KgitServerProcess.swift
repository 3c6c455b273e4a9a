import Foundation

/// A real `kgit server` on a free loopback port with a temporary data directory, for end-to-end tests that drive
/// it as a user would (the built `kgit`, real kubectl, the client library over HTTPS).
///
/// ```swift
/// let server = try await KgitServerProcess.start()
/// defer { server.stop() }
/// let pods = try await server.kubectl(["get", "pods", "-A"])
/// ```
///
/// Started from `KgitBinary.path`; every blocking wait runs off the cooperative pool. `stop()` (or deinit) kills
/// the server and removes the temporary directory.
public final class KgitServerProcess: @unchecked Sendable {
    /// The server's data directory; it holds `kubeconfig` and `pki/`.
    public let dataDirectory: String
    /// The loopback port the server listens on.
    public let port: Int
    /// A private discovery cache for kubectl, so tests do not share `~/.kube/cache`.
    public let kubectlCache: String
    private let scratch: Scratch
    private let process: ChildProcess
    private let log: PipeCollector

    /// `DIR/kubeconfig`, written by the server for its admin user.
    public var kubeconfig: String { dataDirectory + "/kubeconfig" }
    /// `https://127.0.0.1:PORT`.
    public var url: String { "https://127.0.0.1:\(port)" }
    /// What the server wrote to standard error so far.
    public var serverLog: String { log.text }

    /// Starts `kgit server --data-dir DIR --listen 127.0.0.1:0 EXTRA` (or `kgit up ...` with `command: "up"`)
    /// and waits until it listens. `dataDirectory` reuses a directory the caller owns (to restart a server on
    /// its data); by default the server gets a temporary one, removed with it.
    ///
    /// `kgit up` gets `--node-monitor-grace-period 5m` unless `extraArguments` set one: on a fully loaded test
    /// machine the simulated nodes' Lease renewals can stall past the default 40 s, and a node marked NotReady
    /// (tainted, its pods evicted) changes what a test about something else sees. Tests about node health pass
    /// their own grace period.
    public static func start(command: String = "server", dataDirectory: String? = nil, extraArguments: [String] = [])
        async throws -> KgitServerProcess
    {
        var arguments = extraArguments
        if command == "up" && !arguments.contains("--node-monitor-grace-period") {
            arguments += ["--node-monitor-grace-period", Self.upNodeMonitorGracePeriod]
        }
        return try await offPool { [arguments] in
            try KgitServerProcess(command: command, dataDirectory: dataDirectory, extraArguments: arguments)
        }
    }

    /// The node-monitor grace period `start(command: "up")` gives `kgit up` unless the test sets one.
    public static let upNodeMonitorGracePeriod = "5m"

    /// How long `start` waits for the server to say it listens: a hang guard for a loaded machine, where
    /// starting (keys, certificates, bootstrap objects) can take many times longer than on an idle one.
    static let startLimit: TimeInterval = 180

    private init(command: String, dataDirectory existing: String?, extraArguments: [String]) throws {
        scratch = try Scratch("kgit-server")
        dataDirectory = existing ?? scratch.url("data")
        kubectlCache = scratch.url("kube-cache")
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: kubectlCache, withIntermediateDirectories: true)
        process = try ChildProcess(
            KgitBinary.path, [command, "--data-dir", dataDirectory, "--listen", "127.0.0.1:0"] + extraArguments,
            standardOutput: .null, standardError: .pipe)
        log = PipeCollector(process.standardError ?? FileHandle.nullDevice)
        // The server prints "listening on https://127.0.0.1:PORT" once it is bound and bootstrapped.
        var found: Int?
        let deadline = Date().addingTimeInterval(Self.startLimit)
        while Date() < deadline {
            let text = log.text
            if let range = text.range(of: "listening on https://127.0.0.1:") {
                found = Int(text[range.upperBound...].prefix { $0.isNumber })
                if found != nil { break }
            }
            if !process.isRunning { break }
            usleep(50_000)
        }
        guard let found, FileManager.default.fileExists(atPath: dataDirectory + "/kubeconfig") else {
            process.killBlocking()
            throw ServerDidNotStart(log: log.text)
        }
        port = found
    }

    deinit { stop() }

    /// Kills the server with SIGKILL and waits until it is reaped (only the kernel's work, so this may run in a
    /// `defer` on the cooperative pool).
    public func stop() {
        process.killBlocking()
    }

    /// Sends `signal` (SIGTERM: how a user or a service manager stops it) and waits for the process to exit, at
    /// most `limit`; a process still running then is killed and nil returned. A hang guard, not a timing target.
    public func stop(signal: Int32, within limit: Duration) async -> ChildProcess.Termination? {
        let process = self.process
        process.signal(signal)
        return await withTaskGroup(of: ChildProcess.Termination?.self) { group in
            group.addTask { await process.exit() }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if first == nil { await process.kill() }
            return first
        }
    }

    /// Kills the server and waits for it without holding a thread.
    public func stopped() async {
        await process.kill()
    }

    /// Runs `kubectl --kubeconfig DIR/kubeconfig ARGS` with a private cache.
    @discardableResult
    public func kubectl(_ arguments: [String], stdin: String? = nil) async throws -> Subprocess.Result {
        try await Subprocess.run(
            "kubectl", ["--kubeconfig", kubeconfig] + arguments, stdin: stdin,
            environment: ["KUBECACHEDIR": kubectlCache, "HOME": kubectlCache])
    }

    /// Whether kubectl is on PATH (end-to-end suites that need it are skipped without it). Looked up once:
    /// every suite's trait asks, and each look-up would block a thread of the test pool on a shell.
    public static let hasKubectl: Bool =
        (try? Subprocess.runBlocking("/bin/sh", ["-c", "command -v kubectl"]).status) == 0

    /// Whether tests that drive real kubectl run: when kubectl is installed, and always under
    /// `KGIT_REQUIRE_E2E=1` (CI), where a missing kubectl must fail them rather than skip them.
    public static var kubectlTestsEnabled: Bool {
        endToEndRequired || hasKubectl
    }

    /// Whether `KGIT_REQUIRE_E2E=1` is set (CI): end-to-end tests then run even when a tool they need (kubectl,
    /// etcd, sshd) is missing, so that its absence fails them instead of skipping them.
    public static var endToEndRequired: Bool {
        ProcessInfo.processInfo.environment["KGIT_REQUIRE_E2E"] == "1"
    }
}

/// `kgit server` exited or never said it was listening.
public struct ServerDidNotStart: Error, CustomStringConvertible {
    /// What the server printed.
    public let log: String
    /// `kgit server did not start:` and the log.
    public var description: String { "kgit server did not start:\n\(log)" }
}
