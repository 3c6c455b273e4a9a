#if canImport(Glibc)
    import Glibc
#endif

/// What kgit offers a remote that asks who it is: an SSH agent, SSH key files, a username and password (or
/// token) for HTTPS.
///
/// libgit2 asks through a callback each time the server rejects or requests credentials, saying which kinds it
/// accepts. kgit answers with the first candidate of an accepted kind it has not offered yet during this fetch
/// (`nextChoice`), and gives up when none is left, so a wrong password fails with `.authentication` instead of
/// looping. The order is: for SSH, the agent then each key file; for HTTPS, the username and password.
///
/// git:// and local remotes never ask. TLS certificates are verified by libgit2 against the system store. SSH
/// host keys are checked by kgit against `knownHosts` before anything is offered (libgit2 1.5 does not consult
/// `known_hosts`): a host whose key is not listed, or listed with another key, is refused (`GitError.Kind.certificate`),
/// and without `knownHosts` every SSH host is.
public struct Credentials: Sendable, Equatable {
    /// An SSH key pair on disk.
    public struct SSHKey: Sendable, Equatable {
        /// The private key file.
        public var privateKeyPath: String
        /// The public key file; libgit2 derives it from the private key when nil.
        public var publicKeyPath: String?
        /// The private key's passphrase, when it has one.
        public var passphrase: String?
        /// The private key itself (PEM or OpenSSH format), for a key that is not in a file (a Kubernetes Secret's);
        /// `privateKeyPath` then only names it in messages.
        public var privateKeyText: String?

        public init(privateKeyPath: String, publicKeyPath: String? = nil, passphrase: String? = nil) {
            self.privateKeyPath = privateKeyPath
            self.publicKeyPath = publicKeyPath
            self.passphrase = passphrase
        }

        /// A key held in memory; `name` says where it came from (`secret default/git-creds key identity`).
        public init(name: String, privateKey: String, passphrase: String? = nil) {
            self.privateKeyPath = name
            self.passphrase = passphrase
            self.privateKeyText = privateKey
        }
    }

    /// The user name for HTTPS (many hosts accept any name with a token) and, when the URL has none, for SSH.
    public var username: String?
    /// The HTTPS password or access token.
    public var password: String?
    /// Whether to ask the SSH agent at `SSH_AUTH_SOCK`.
    public var useSSHAgent: Bool
    /// SSH key files, tried in order after the agent.
    public var sshKeys: [SSHKey]
    /// The SSH host keys trusted; nil refuses every SSH host (no `known_hosts` was configured).
    public var knownHosts: KnownHosts?
    /// Why the configured `known_hosts` could not be read; every SSH host is refused with this reason.
    public var knownHostsError: KnownHostsError?

    public init(
        username: String? = nil, password: String? = nil, useSSHAgent: Bool = false, sshKeys: [SSHKey] = [],
        knownHosts: KnownHosts? = nil
    ) {
        self.username = username
        self.password = password
        self.useSSHAgent = useSSHAgent
        self.sshKeys = sshKeys
        self.knownHosts = knownHosts
    }

    /// Reads `known_hosts` text into `knownHosts`, or records why it cannot be used in `knownHostsError`.
    public mutating func trustHosts(in text: String, source: String) {
        do {
            let parsed = try KnownHosts(text: text, source: source)
            knownHosts = knownHosts.map { KnownHosts(merging: [$0, parsed]) } ?? parsed
        } catch {
            knownHostsError = error
        }
    }

    /// The refusal message for `key` offered by `host`, nil when `knownHosts` trusts it.
    func hostKeyRefusal(host: String, port: Int?, key: SSHPublicKey) -> String? {
        if let knownHosts {
            if let knownHostsError { return "the known hosts cannot be read: \(knownHostsError)" }
            return knownHosts.refusal(knownHosts.check(host: host, port: port, key: key), host: host, port: port, key: key)
        }
        let name = KnownHosts.name(host: host, port: port)
        if let knownHostsError {
            return "the SSH host key of \(name) (\(key)) cannot be checked: \(knownHostsError)"
        }
        return "the SSH host key of \(name) (\(key)) cannot be checked: no known_hosts is configured "
            + "(KGIT_KNOWN_HOSTS, ~/.ssh/known_hosts, --known-hosts, or a Secret's known_hosts)"
    }

    /// No credentials: enough for public HTTPS, git:// and local remotes.
    public static let anonymous = Credentials()

    /// Credentials from the environment, the way an operator configures kgit:
    ///
    /// - `KGIT_GIT_USERNAME`, and `KGIT_GIT_PASSWORD` or `KGIT_GIT_TOKEN`, for HTTPS;
    /// - `SSH_AUTH_SOCK` set: use the SSH agent;
    /// - `KGIT_SSH_KEY` (a private key path, with `KGIT_SSH_KEY_PASSPHRASE`), else whichever of
    ///   `~/.ssh/id_ed25519`, `~/.ssh/id_ecdsa` and `~/.ssh/id_rsa` exist;
    /// - `KGIT_KNOWN_HOSTS` (a `known_hosts` file), else `~/.ssh/known_hosts` when it exists, for SSH host keys.
    ///
    /// - Parameters:
    ///   - environment: the variables to read (the process environment in production, a dictionary in tests).
    ///   - fileExists: whether a key file exists and is readable.
    ///   - readFile: a text file's contents, nil when it cannot be read.
    public static func fromEnvironment(
        _ environment: [String: String],
        fileExists: (String) -> Bool = Credentials.isReadable,
        readFile: (String) -> String? = Credentials.readText
    ) -> Credentials {
        var credentials = Credentials()
        credentials.username = environment["KGIT_GIT_USERNAME"].nonEmpty
        credentials.password = environment["KGIT_GIT_PASSWORD"].nonEmpty ?? environment["KGIT_GIT_TOKEN"].nonEmpty
        credentials.useSSHAgent = environment["SSH_AUTH_SOCK"].nonEmpty != nil
        if let key = environment["KGIT_SSH_KEY"].nonEmpty {
            credentials.sshKeys = [
                SSHKey(privateKeyPath: key, passphrase: environment["KGIT_SSH_KEY_PASSPHRASE"].nonEmpty)
            ]
        } else if let home = environment["HOME"].nonEmpty {
            credentials.sshKeys = ["id_ed25519", "id_ecdsa", "id_rsa"]
                .map { "\(home)/.ssh/\($0)" }
                .filter(fileExists)
                .map { SSHKey(privateKeyPath: $0) }
        }
        if let path = environment["KGIT_KNOWN_HOSTS"].nonEmpty {
            if let text = readFile(path) {
                credentials.trustHosts(in: text, source: path)
            } else {
                credentials.knownHostsError = KnownHostsError(source: path, line: 0, reason: "the file cannot be read")
            }
        } else if let home = environment["HOME"].nonEmpty, fileExists("\(home)/.ssh/known_hosts"),
            let text = readFile("\(home)/.ssh/known_hosts")
        {
            credentials.trustHosts(in: text, source: "\(home)/.ssh/known_hosts")
        }
        return credentials
    }

    /// The contents of a text file, nil when it cannot be read.
    public static func readText(_ path: String) -> String? {
        guard let handle = fopen(path, "rb") else { return nil }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            if count <= 0 { break }
            bytes += buffer[0..<count]
            if bytes.count > 16 << 20 { return nil }  // not a known_hosts file
        }
        return ferror(handle) == 0 ? String(decoding: bytes, as: UTF8.self) : nil
    }

    /// The variables `fromEnvironment` reads, taken from this process's environment.
    public static func fromProcessEnvironment() -> Credentials {
        let names = [
            "KGIT_GIT_USERNAME", "KGIT_GIT_PASSWORD", "KGIT_GIT_TOKEN", "SSH_AUTH_SOCK", "KGIT_SSH_KEY",
            "KGIT_SSH_KEY_PASSPHRASE", "KGIT_KNOWN_HOSTS", "HOME",
        ]
        var environment: [String: String] = [:]
        for name in names {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return fromEnvironment(environment)
    }

    /// Whether `path` names a file this process can read.
    public static func isReadable(_ path: String) -> Bool {
        access(path, R_OK) == 0
    }
}

// MARK: - Choosing what to offer

extension Credentials {
    /// The kinds of credential a remote accepts, as libgit2 reports them (`git_credential_t` bits).
    struct AllowedTypes: OptionSet, Sendable {
        let rawValue: UInt32
        static let userPassword = AllowedTypes(rawValue: 1 << 0)
        static let sshKey = AllowedTypes(rawValue: 1 << 1)
        static let username = AllowedTypes(rawValue: 1 << 5)
    }

    /// One answer to a credentials request.
    enum Choice: Equatable, Sendable, CustomStringConvertible {
        /// Only a user name: SSH asks for it first when the URL has none.
        case username(String)
        case sshAgent(user: String)
        case sshKey(user: String, key: SSHKey)
        case userPassword(user: String, password: String)

        /// What was offered, without secrets.
        var description: String {
            switch self {
            case .username(let user): return "user name \(user)"
            case .sshAgent(let user): return "the SSH agent's keys for \(user)"
            case .sshKey(let user, let key): return "SSH key \(key.privateKeyPath) for \(user)"
            case .userPassword(let user, _): return "a password for \(user)"
            }
        }
    }

    /// The first candidate of an accepted kind that is not in `tried`; nil when there is none, which ends the
    /// attempt with an authentication error.
    func nextChoice(allowed: AllowedTypes, usernameFromURL: String?, tried: [Choice]) -> Choice? {
        let sshUser = usernameFromURL.nonEmpty ?? username ?? "git"
        var candidates: [Choice] = []
        if allowed.contains(.username) {
            candidates.append(.username(sshUser))
        }
        if allowed.contains(.sshKey) {
            if useSSHAgent { candidates.append(.sshAgent(user: sshUser)) }
            candidates += sshKeys.map { .sshKey(user: sshUser, key: $0) }
        }
        if allowed.contains(.userPassword), let password {
            candidates.append(.userPassword(user: username ?? usernameFromURL.nonEmpty ?? "git", password: password))
        }
        return candidates.first { !tried.contains($0) }
    }
}

extension Optional where Wrapped == String {
    /// nil for nil and for "".
    fileprivate var nonEmpty: String? {
        switch self {
        case .some(let s) where !s.isEmpty: return s
        default: return nil
        }
    }
}
