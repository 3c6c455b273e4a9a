import Foundation

/// A throwaway single-member etcd on free loopback ports with a temporary data directory, for end-to-end tests
/// that run `kgit` against a real etcd (`kgit server --etcd-endpoints`).
///
/// ```swift
/// let etcd = try await EtcdMember.start()
/// defer { etcd.stop() }
/// let server = try await KgitServerProcess.start(extraArguments: ["--etcd-endpoints", etcd.clientURL])
/// ```
///
/// etcd runs under ``ParentWatchdog``, so it dies with the test process even when that is SIGKILLed.
/// `scripts/install-deps.sh` installs etcd (Debian's `etcd-server`); ``start()`` throws when it is missing.
public final class EtcdMember: @unchecked Sendable {
    /// `http://127.0.0.1:PORT`.
    public let clientURL: String
    private let scratch: Scratch
    private let process: ChildProcess

    /// The etcd binary, or nil when none is installed.
    public static let binary: String? = ["/usr/bin/etcd", "/usr/local/bin/etcd"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Whether etcd is installed here.
    public static var isInstalled: Bool { binary != nil }

    /// Starts a member and waits (up to 120 s, a hang guard) until it answers `/health`.
    public static func start() async throws -> EtcdMember {
        try await offPool { try EtcdMember() }
    }

    private init() throws {
        guard let binary = Self.binary else { throw EtcdUnavailable(reason: "etcd is not installed (scripts/install-deps.sh)") }
        scratch = try Scratch("kgit-etcd")
        let ports = try LoopbackPorts.free(2)
        clientURL = "http://127.0.0.1:\(ports[0])"
        let peer = "http://127.0.0.1:\(ports[1])"
        let command = ParentWatchdog.guarded([
            binary, "--name", "m0", "--data-dir", scratch.url("data"),
            "--listen-client-urls", clientURL, "--advertise-client-urls", clientURL,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "m0=\(peer)",
            "--initial-cluster-state", "new", "--heartbeat-interval", "50", "--election-timeout", "500", "--log-level", "error",
        ])
        process = try ChildProcess(command.executable, command.arguments, standardOutput: .null, standardError: .null)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if !process.isRunning { break }
            let health = try? Subprocess.runBlocking("curl", ["-sS", "--max-time", "10", clientURL + "/health"])
            if health?.stdout.contains("\"health\":\"true\"") == true { return }
            usleep(50_000)
        }
        process.killBlocking()
        throw EtcdUnavailable(reason: "etcd at \(clientURL) did not become healthy")
    }

    /// Kills the member and waits until it is reaped.
    public func stop() {
        process.killBlocking()
    }

    deinit { process.signal(SIGKILL) }
}

/// etcd is missing or did not come up.
public struct EtcdUnavailable: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// Runs a command so that it is SIGKILLed once the process that started it is gone, even when that process was
/// itself SIGKILLed and no cleanup ran.
public enum ParentWatchdog {
    /// `exec "$@"` (so the command keeps the shell's process ID) after starting a watchdog that kills that process
    /// once its parent changes (`/proc/PID/stat`'s fourth field), i.e. once the starter died and it was reparented.
    /// The watchdog closes every inherited descriptor first: a watchdog holding the starter's end of a socket pair
    /// would keep the command an unreaped zombie. It ends by itself when the command exits first.
    public static let script = """
        starter=$PPID
        (
            exec </dev/null >/dev/null 2>&1
            for fd in $(ls /proc/$BASHPID/fd); do if [ "$fd" -gt 2 ]; then exec {fd}>&-; fi; done
            while [ "$(cut -d' ' -f4 /proc/$$/stat 2>/dev/null)" = "$starter" ]; do sleep 0.3; done
            if [ -n "$(cut -d' ' -f4 /proc/$$/stat 2>/dev/null)" ]; then kill -9 $$; fi
        ) &
        exec "$@"
        """

    /// The command line that runs `arguments` under the watchdog.
    public static func guarded(_ arguments: [String]) -> (executable: String, arguments: [String]) {
        ("/bin/bash", ["-c", script, "watchdog"] + arguments)
    }
}

/// Loopback TCP ports that were free a moment ago.
public enum LoopbackPorts {
    /// `count` distinct ports, each bound to port 0 and released (all held until the end, so they differ).
    public static func free(_ count: Int) throws -> [Int] {
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw EtcdUnavailable(reason: "no socket for a free port: errno \(errno)") }
            fds.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
            }
            guard bound else { throw EtcdUnavailable(reason: "no free loopback port: errno \(errno)") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}
