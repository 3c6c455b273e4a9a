import Foundation

/// A real `git daemon` serving every repository under `basePath` over git:// on a free loopback port; stopped in
/// `deinit` (and by `stop()`).
public final class GitDaemon {
    public let port: UInt16
    private let process: ChildProcess

    /// Starts the daemon and waits until it accepts connections.
    public init(basePath: String) throws {
        var lastError: Error?
        for _ in 0..<5 {
            let port = try Self.freePort()
            let process = try ChildProcess(
                "/usr/lib/git-core/git-daemon",
                [
                    "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)", "--export-all",
                    "--informative-errors", "--base-path=\(basePath)", basePath,
                ],
                standardOutput: .null, standardError: .null, processGroup: true)
            if Self.waitUntilListening(port: port, process: process) {
                self.port = port
                self.process = process
                return
            }
            process.signalGroup(SIGKILL)
            process.killBlocking()
            lastError = DaemonDidNotStart(port: port)
        }
        throw lastError ?? DaemonDidNotStart(port: 0)
    }

    deinit { stop() }

    /// `git://127.0.0.1:<port>/<relative>`.
    public func url(_ relative: String) -> String { "git://127.0.0.1:\(port)/\(relative)" }

    /// Kills the daemon and the connections it forked (its process group) and waits until it is reaped.
    public func stop() {
        process.signalGroup(SIGKILL)
        process.killBlocking()
    }

    /// A loopback TCP port nothing listens on right now (bound to port 0, then released).
    public static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DaemonDidNotStart(port: 0) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw DaemonDidNotStart(port: 0) }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw DaemonDidNotStart(port: 0) }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Polls until the daemon accepts a connection. A hang guard of 60 s, not a timing assumption: on a loaded
    /// machine the 2 s this allowed before may not be enough for git-daemon to exec and bind.
    private static func waitUntilListening(port: UInt16, process: ChildProcess) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if !process.isRunning { return false }
            if canConnect(port: port) { return true }
            usleep(10_000)
        }
        return false
    }

    private static func canConnect(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}

public struct DaemonDidNotStart: Error, CustomStringConvertible {
    public let port: UInt16
    public var description: String { "git daemon did not start listening on 127.0.0.1:\(port)" }

    public init(port: UInt16) {
        self.port = port
    }
}
