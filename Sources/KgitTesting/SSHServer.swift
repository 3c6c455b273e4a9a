import Foundation

/// A real OpenSSH server (`/usr/sbin/sshd -D`) on a free loopback port, with its own host key and one authorized
/// client key, serving git over SSH as the current user; stopped in `deinit`. Create it off the cooperative pool
/// (`offPool`): starting it runs `ssh-keygen` and waits for the port.
public final class SSHServer: @unchecked Sendable {
    public static let sshd = "/usr/sbin/sshd"
    /// Whether the tools are installed (`openssh-server`, `openssh-client`).
    public static var isAvailable: Bool {
        ["/usr/sbin/sshd", "/usr/bin/ssh-keygen", "/usr/bin/ssh-keyscan"].allSatisfy {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// The server's files: keys, configuration, log.
    public let directory: Scratch
    /// The loopback port it listens on.
    public let port: Int
    /// The user git runs as (the current user).
    public let user: String
    /// The client's private key file (OpenSSH format, no passphrase).
    public var clientKey: String { directory.url("client") }
    /// The server's public host key line (`ssh-ed25519 AAAA...`).
    public let hostPublicKey: String
    private let pid: Int32

    /// Why the server could not be started.
    public struct DidNotStart: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Starts the server; blocks (run it with `offPool`).
    public init() throws {
        directory = try Scratch("kgit-sshd")
        user = String(cString: getpwuid(geteuid()).pointee.pw_name)
        try Self.keygen(directory.url("host"))
        try Self.keygen(directory.url("client"))
        hostPublicKey = try String(contentsOfFile: directory.url("host.pub"), encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        try FileManager.default.copyItem(atPath: directory.url("client.pub"), toPath: directory.url("authorized_keys"))
        // Privilege separation needs its empty directory (the package creates it at boot, containers may lack it).
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)

        var lastError = "sshd did not start"
        for _ in 0..<5 {
            let port = Int(try GitDaemon.freePort())
            let config = """
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(directory.url("host"))
                PidFile \(directory.url("sshd.pid"))
                AuthorizedKeysFile \(directory.url("authorized_keys"))
                StrictModes no
                UsePAM no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                PermitRootLogin prohibit-password
                LogLevel ERROR
                MaxStartups 100

                """
            try config.write(toFile: directory.url("sshd_config"), atomically: true, encoding: .utf8)
            // sshd detaches itself (no -D): no long-lived child process for this one to wait on.
            let started = try Subprocess.runBlocking(
                Self.sshd, ["-f", directory.url("sshd_config"), "-E", directory.url("sshd.log")])
            let pid = (try? String(contentsOfFile: directory.url("sshd.pid"), encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            // Wait until it answers a key scan (a hang guard, not a timing assumption).
            let deadline = Date().addingTimeInterval(60)
            while started.status == 0 && Date() < deadline {
                if let pid = pid ?? (try? String(contentsOfFile: directory.url("sshd.pid"), encoding: .utf8))
                    .flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }),
                    let scanned = try? Self.keyscan(port: port), scanned.contains("ssh-ed25519")
                {
                    self.port = port
                    self.pid = pid
                    return
                }
                usleep(100_000)
            }
            if let pid { kill(pid, SIGKILL) }
            lastError = "sshd did not start on port \(port): \(started) "
                + ((try? String(contentsOfFile: directory.url("sshd.log"), encoding: .utf8)) ?? "")
        }
        throw DidNotStart(description: lastError)
    }

    deinit {
        kill(pid, SIGTERM)
    }

    /// `ssh://USER@127.0.0.1:PORT/PATH` for a repository at absolute `path`.
    public func url(_ path: String) -> String { "ssh://\(user)@127.0.0.1:\(port)\(path)" }

    /// What `ssh-keyscan -p PORT 127.0.0.1` prints: the `known_hosts` lines of the server.
    public static func keyscan(port: Int) throws -> String {
        let result = try Subprocess.runBlocking("/usr/bin/ssh-keyscan", ["-t", "ed25519", "-p", "\(port)", "127.0.0.1"])
        return result.stdout
    }

    /// Writes a new Ed25519 key pair without passphrase at `path` and `path.pub`.
    public static func keygen(_ path: String) throws {
        let result = try Subprocess.runBlocking(
            "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "kgit-test", "-f", path])
        guard result.status == 0 else { throw DidNotStart(description: "ssh-keygen failed: \(result)") }
    }

    private static func touch(_ path: String) -> String {
        FileManager.default.createFile(atPath: path, contents: nil)
        return path
    }
}
