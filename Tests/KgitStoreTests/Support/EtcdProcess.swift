import Foundation
import KgitStore

/// A real etcd 3.4 member (or cluster) started by a test on free loopback ports with a temporary data dir.
/// The suite never skips when etcd is missing: `scripts/install-deps.sh` installs it.
final class EtcdProcess: @unchecked Sendable {
    let name: String
    let clientURL: String
    let peerURL: String
    let dataDir: TemporaryDirectory
    private let process: Process

    private init(name: String, clientURL: String, peerURL: String, dataDir: TemporaryDirectory, process: Process) {
        self.name = name
        self.clientURL = clientURL
        self.peerURL = peerURL
        self.dataDir = dataDir
        self.process = process
    }

    static let binary = ["/usr/bin/etcd", "/usr/local/bin/etcd"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "etcd"

    /// Starts a single-member cluster and waits until it serves requests.
    static func start(quotaBytes: Int64? = nil) async throws -> EtcdProcess {
        let ports = try freePorts(2)
        let member = try launch(
            name: "m0", client: ports[0], peer: ports[1], cluster: "m0=http://127.0.0.1:\(ports[1])", quotaBytes: quotaBytes)
        try await member.waitUntilHealthy()
        return member
    }

    /// Starts a cluster of `count` members and waits until every one is healthy.
    static func startCluster(_ count: Int) async throws -> [EtcdProcess] {
        let ports = try freePorts(2 * count)
        let cluster = (0..<count).map { "m\($0)=http://127.0.0.1:\(ports[2 * $0 + 1])" }.joined(separator: ",")
        let members = try (0..<count).map {
            try launch(name: "m\($0)", client: ports[2 * $0], peer: ports[2 * $0 + 1], cluster: cluster, quotaBytes: nil)
        }
        for m in members { try await m.waitUntilHealthy() }
        return members
    }

    private static func launch(name: String, client: Int, peer: Int, cluster: String, quotaBytes: Int64?) throws
        -> EtcdProcess
    {
        let dir = try TemporaryDirectory()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        var args = [
            "--name", name, "--data-dir", dir.path + "/data",
            "--listen-client-urls", "http://127.0.0.1:\(client)", "--advertise-client-urls", "http://127.0.0.1:\(client)",
            "--listen-peer-urls", "http://127.0.0.1:\(peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peer)",
            "--initial-cluster", cluster, "--initial-cluster-state", "new",
            "--heartbeat-interval", "50", "--election-timeout", "500",
            "--experimental-watch-progress-notify-interval", "300ms", "--log-level", "error",
        ]
        if let quotaBytes { args += ["--quota-backend-bytes", String(quotaBytes)] }
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        return EtcdProcess(
            name: name, clientURL: "http://127.0.0.1:\(client)", peerURL: "http://127.0.0.1:\(peer)", dataDir: dir,
            process: p)
    }

    /// Polls `/health` until it answers true (10 s at most).
    func waitUntilHealthy() async throws {
        let store = try EtcdStore(endpoints: [clientURL], maxConcurrency: 1)
        defer { Task { await store.close() } }
        for _ in 0..<500 {
            if (try? await store.range(RangeRequest(.key("health")))) != nil { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw EtcdNotHealthy(url: clientURL)
    }

    /// The process ID, for killing it.
    var pid: Int32 { process.processIdentifier }

    /// Kills the member with SIGKILL (no clean shutdown).
    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Stops the member.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// Loopback ports that were free a moment ago (bound to port 0, then released).
    static func freePorts(_ count: Int) throws -> [Int] {
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            fds.append(fd)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let ok = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
                }
            }
            if !ok { throw EtcdNotHealthy(url: "no free port") }
            ports.append(Int(UInt16(bigEndian: addr.sin_port)))
        }
        return ports
    }
}

struct EtcdNotHealthy: Error, CustomStringConvertible {
    let url: String
    var description: String { "etcd at \(url) did not become healthy" }
}
