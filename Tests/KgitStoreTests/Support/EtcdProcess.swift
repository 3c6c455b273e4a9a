import Foundation
import KgitStore
import KgitTesting

/// A real etcd 3.4 member (or cluster) started by a test on free loopback ports with a temporary data dir.
/// The suite never skips when etcd is missing: `scripts/install-deps.sh` installs it.
///
/// Each member runs under KgitTesting's `ParentWatchdog`, so it dies with the test process even when that is killed with
/// SIGKILL (no deinit or defer runs then). Stopping and killing wait for the member off the cooperative pool.
final class EtcdProcess: @unchecked Sendable {
    let name: String
    let clientURL: String
    let peerURL: String
    let dataDir: TemporaryDirectory
    /// What a client uses to reach this member when it serves TLS (nil: plain http).
    let clientTLS: EtcdTLS?
    private let process: ChildProcess

    private init(
        name: String, clientURL: String, peerURL: String, dataDir: TemporaryDirectory, clientTLS: EtcdTLS?,
        process: ChildProcess
    ) {
        self.name = name
        self.clientURL = clientURL
        self.peerURL = peerURL
        self.dataDir = dataDir
        self.clientTLS = clientTLS
        self.process = process
    }

    static let binary = ["/usr/bin/etcd", "/usr/local/bin/etcd"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "etcd"

    /// The command line that runs `arguments` under KgitTesting's ``ParentWatchdog`` (etcd dies with the test
    /// process even when that is SIGKILLed).
    static func guarded(_ arguments: [String]) -> (executable: String, arguments: [String]) {
        ParentWatchdog.guarded(arguments)
    }

    /// Runs `body` with a fresh single-member etcd (TLS with client certificates when `tls`), then stops it.
    static func withMember<T>(
        quotaBytes: Int64? = nil, tls: EtcdPKI? = nil, _ body: (EtcdProcess) async throws -> T
    ) async throws -> T {
        let member = try await start(quotaBytes: quotaBytes, tls: tls)
        do {
            let result = try await body(member)
            await member.stop()
            return result
        } catch {
            await member.stop()
            throw error
        }
    }

    /// Runs `body` with a fresh cluster of `count` members, then stops them all.
    static func withCluster<T>(_ count: Int, _ body: ([EtcdProcess]) async throws -> T) async throws -> T {
        let members = try await startCluster(count)
        do {
            let result = try await body(members)
            for m in members { await m.stop() }
            return result
        } catch {
            for m in members { await m.stop() }
            throw error
        }
    }

    /// Starts a single-member cluster and waits until it serves requests.
    static func start(quotaBytes: Int64? = nil, tls: EtcdPKI? = nil) async throws -> EtcdProcess {
        let ports = try freePorts(2)
        let member = try launch(
            name: "m0", client: ports[0], peer: ports[1], cluster: "m0=http://127.0.0.1:\(ports[1])", quotaBytes: quotaBytes,
            tls: tls)
        do {
            try await member.waitUntilHealthy()
        } catch {
            await member.stop()
            throw error
        }
        return member
    }

    /// Starts a cluster of `count` members and waits until every one is healthy.
    static func startCluster(_ count: Int) async throws -> [EtcdProcess] {
        let ports = try freePorts(2 * count)
        let cluster = (0..<count).map { "m\($0)=http://127.0.0.1:\(ports[2 * $0 + 1])" }.joined(separator: ",")
        let members = try (0..<count).map {
            try launch(name: "m\($0)", client: ports[2 * $0], peer: ports[2 * $0 + 1], cluster: cluster, quotaBytes: nil, tls: nil)
        }
        do {
            for m in members { try await m.waitUntilHealthy() }
        } catch {
            for m in members { await m.stop() }
            throw error
        }
        return members
    }

    /// etcd's command line for one member (plain http peers; clients over TLS with client certificates
    /// required when `tls` is given).
    static func arguments(
        name: String, dataDir: String, client: Int, peer: Int, cluster: String, quotaBytes: Int64?, tls: EtcdPKI?
    ) -> [String] {
        let scheme = tls == nil ? "http" : "https"
        var args = [
            binary, "--name", name, "--data-dir", dataDir,
            "--listen-client-urls", "\(scheme)://127.0.0.1:\(client)", "--advertise-client-urls", "\(scheme)://127.0.0.1:\(client)",
            "--listen-peer-urls", "http://127.0.0.1:\(peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peer)",
            "--initial-cluster", cluster, "--initial-cluster-state", "new",
            // A member alone elects itself after one election timeout, so a short one starts it sooner. Members
            // of a cluster use etcd's defaults: on a loaded machine a leader stalled past 500 ms made followers
            // call elections, and requests failed with "leader changed" in tests about something else.
            "--heartbeat-interval", cluster.contains(",") ? "100" : "50",
            "--election-timeout", cluster.contains(",") ? "1000" : "500",
            "--experimental-watch-progress-notify-interval", "300ms", "--log-level", "error",
        ]
        if let quotaBytes { args += ["--quota-backend-bytes", String(quotaBytes)] }
        if let tls {
            args += [
                "--cert-file", tls.serverCert, "--key-file", tls.serverKey, "--trusted-ca-file", tls.caFile,
                "--client-cert-auth",
            ]
        }
        return args
    }

    private static func launch(name: String, client: Int, peer: Int, cluster: String, quotaBytes: Int64?, tls: EtcdPKI?)
        throws -> EtcdProcess
    {
        let dir = try TemporaryDirectory()
        let command = guarded(
            arguments(
                name: name, dataDir: dir.path + "/data", client: client, peer: peer, cluster: cluster,
                quotaBytes: quotaBytes, tls: tls))
        let p = try ChildProcess(command.executable, command.arguments, standardOutput: .null, standardError: .null)
        let scheme = tls == nil ? "http" : "https"
        return EtcdProcess(
            name: name, clientURL: "\(scheme)://127.0.0.1:\(client)", peerURL: "http://127.0.0.1:\(peer)", dataDir: dir,
            clientTLS: tls?.clientTLS, process: p)
    }

    /// Polls with a read until the member answers (a hang guard of 120 s: under full load, starting etcd has
    /// taken longer than the 10 s this allowed before).
    func waitUntilHealthy() async throws {
        let store = try EtcdStore(endpoints: [clientURL], tls: clientTLS, maxConcurrency: 1)
        defer { Task { await store.close() } }
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if (try? await store.range(RangeRequest(.key("health")))) != nil { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw EtcdNotHealthy(url: clientURL)
    }

    /// The process ID, for killing it.
    var pid: Int32 { process.processIdentifier }

    /// Kills the member with SIGKILL (no clean shutdown) and waits for it to be gone.
    func kill() async {
        await process.kill()
    }

    /// Stops the member (SIGTERM) and waits for it to exit.
    func stop() async {
        process.signal(SIGTERM)
        await process.exit()
    }

    /// Never waits: a member still running here is killed and left for the system to reap.
    deinit { process.signal(SIGKILL) }

    /// Loopback ports that were free a moment ago (bound to port 0, then released).
    static func freePorts(_ count: Int) throws -> [Int] {
        try LoopbackPorts.free(count)
    }
}

struct EtcdNotHealthy: Error, CustomStringConvertible {
    let url: String
    var description: String { "etcd at \(url) did not become healthy" }
}
