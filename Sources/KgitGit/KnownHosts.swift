internal import COpenSSL

/// The SSH host keys kgit trusts, read from OpenSSH's `known_hosts` format, and the check of a host's key
/// against them (libgit2 1.5 does not consult `known_hosts`: kgit does, before any credential is offered).
///
/// Each line is `[MARKER] HOSTS KEYTYPE BASE64KEY [COMMENT]`: HOSTS is a comma-separated list of patterns (`*` and
/// `?` wildcards, `!` negates), a host on a port other than 22 is written `[host]:port`, and a hashed entry
/// (`HashKnownHosts yes`, `ssh-keygen -H`) is `|1|SALT|HASH` (base64 of a salt and of HMAC-SHA1(salt, host)).
/// MARKER `@revoked` lists a key that is never accepted; `@cert-authority` (host certificates) is not supported
/// and a host that only such lines name is refused with a message saying so. Blank lines and `#` comments are
/// skipped.
///
/// ```swift
/// let trusted = try KnownHosts(text: knownHostsText, source: "secret git-creds key known_hosts")
/// switch trusted.check(host: "git.example.com", port: 22, key: offeredKey) { case .trusted: ... }
/// ```
public struct KnownHosts: Sendable, Equatable {
    /// One line of the file.
    public struct Entry: Sendable, Equatable {
        /// How a line qualifies its key.
        public enum Marker: Sendable, Equatable {
            case none
            /// `@revoked`: the key must never be accepted.
            case revoked
            /// `@cert-authority`: the key signs host certificates (not supported).
            case certificateAuthority
        }

        public var marker: Marker
        /// The host patterns as written (hashed ones included).
        public var patterns: [String]
        public var key: SSHPublicKey
        /// The 1-based line number in `source`.
        public var line: Int
    }

    /// Where the entries come from, as errors name it: a file path or `secret default/git-creds key known_hosts`.
    public let source: String
    /// The lines that list a key, in file order.
    public let entries: [Entry]

    /// Parses `text`. A line that cannot be read is an error naming `source:line`: a half-read trust list is not
    /// used.
    public init(text: String, source: String) throws(KnownHostsError) {
        self.source = source
        var entries: [Entry] = []
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = rawLine.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            var marker = Entry.Marker.none
            if let first = fields.first, first.hasPrefix("@") {
                switch first {
                case "@revoked": marker = .revoked
                case "@cert-authority": marker = .certificateAuthority
                default:
                    throw KnownHostsError(source: source, line: number, reason: "unknown marker \(first)")
                }
                fields.removeFirst()
            }
            guard fields.count >= 3 else {
                throw KnownHostsError(
                    source: source, line: number, reason: "expected HOSTS KEYTYPE KEY, found \(fields.count) fields")
            }
            let key: SSHPublicKey
            do {
                key = try SSHPublicKey(type: fields[1], base64: fields[2])
            } catch {
                throw KnownHostsError(source: source, line: number, reason: "the \(fields[1]) key: \(error)")
            }
            let patterns = fields[0].split(separator: ",").map(String.init)
            for pattern in patterns where pattern.hasPrefix("|") && HashedHost(pattern) == nil {
                throw KnownHostsError(
                    source: source, line: number, reason: "\(pattern) is not a hashed host name (|1|SALT|HASH)")
            }
            entries.append(Entry(marker: marker, patterns: patterns, key: key, line: number))
        }
        self.entries = entries
    }

    /// Several files (or Secret keys) read as one list; each entry keeps the line of its own source.
    public init(merging lists: [KnownHosts]) {
        source = lists.map(\.source).joined(separator: ", ")
        entries = lists.flatMap(\.entries)
    }

    /// The name `known_hosts` uses for a host: `host` on port 22 (or no port), `[host]:port` otherwise.
    public static func name(host: String, port: Int?) -> String {
        guard let port, port != 22 else { return host }
        return "[\(host)]:\(port)"
    }

    /// What the list says about `key` offered by `host` on `port`.
    public func check(host: String, port: Int?, key: SSHPublicKey) -> HostKeyVerdict {
        let name = Self.name(host: host, port: port)
        let matching = entries.filter { Self.matches(name, patterns: $0.patterns) }
        if let revoked = matching.first(where: { $0.marker == .revoked && $0.key == key }) {
            return .revoked(line: revoked.line)
        }
        let plain = matching.filter { $0.marker == .none }
        if let trusted = plain.first(where: { $0.key == key }) { return .trusted(line: trusted.line) }
        if !plain.isEmpty { return .mismatch(listed: plain) }
        if let authority = matching.first(where: { $0.marker == .certificateAuthority }) {
            return .certificateAuthorityOnly(line: authority.line)
        }
        return .unknown
    }

    /// Whether `name` matches a comma-separated pattern list: some positive pattern matches and no negated one.
    static func matches(_ name: String, patterns: [String]) -> Bool {
        var matched = false
        for pattern in patterns {
            if pattern.hasPrefix("!") {
                if wildcard(String(pattern.dropFirst()).lowercased(), name.lowercased()) { return false }
            } else if let hashed = HashedHost(pattern) {
                if hashed.matches(name) { matched = true }
            } else if wildcard(pattern.lowercased(), name.lowercased()) {
                matched = true
            }
        }
        return matched
    }

    /// `*` matches any run of characters, `?` one character; everything else itself.
    static func wildcard(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let t = Array(text.unicodeScalars)
        var pi = 0
        var ti = 0
        var star: Int?
        var resume = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                resume = ti
                pi += 1
            } else if let star {
                pi = star + 1
                resume += 1
                ti = resume
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// The message for a refusal: names the host, the offered key and what the list says.
    public func refusal(_ verdict: HostKeyVerdict, host: String, port: Int?, key: SSHPublicKey) -> String? {
        let name = Self.name(host: host, port: port)
        switch verdict {
        case .trusted:
            return nil
        case .unknown:
            return "the SSH host key of \(name) (\(key)) is not in \(source); add the host's key "
                + "(ssh-keyscan\(port.map { $0 != 22 ? " -p \($0)" : "" } ?? "") \(host)) after checking its fingerprint"
        case .mismatch(let listed):
            let expected = listed.map { "\($0.key) at \(source):\($0.line)" }.joined(separator: ", ")
            return "the SSH host key of \(name) (\(key)) does not match the key \(source) lists for it (\(expected)): "
                + "the host key changed or someone is intercepting the connection"
        case .revoked(let line):
            return "the SSH host key of \(name) (\(key)) is revoked at \(source):\(line)"
        case .certificateAuthorityOnly(let line):
            return "the SSH host key of \(name) (\(key)) can only be trusted through the @cert-authority line at "
                + "\(source):\(line), and kgit does not support host certificates; list the host's key instead"
        }
    }
}

/// What `known_hosts` says about a host's key.
public enum HostKeyVerdict: Sendable, Equatable {
    /// A line for the host lists this key.
    case trusted(line: Int)
    /// No line names the host.
    case unknown
    /// Lines name the host with other keys.
    case mismatch(listed: [KnownHosts.Entry])
    /// An `@revoked` line lists this key for the host.
    case revoked(line: Int)
    /// Only `@cert-authority` lines name the host.
    case certificateAuthorityOnly(line: Int)
}

/// A `known_hosts` file that cannot be read, at `source:line`.
public struct KnownHostsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file path or Secret key the text came from.
    public var source: String
    /// The 1-based line.
    public var line: Int
    /// What is wrong with it.
    public var reason: String

    /// Creates an error at `source:line`.
    public init(source: String, line: Int, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(source):\(line): \(reason)" }
}

/// A hashed host name, `|1|SALT|HASH`: HASH is HMAC-SHA1 keyed with SALT over the host name.
struct HashedHost {
    let salt: [UInt8]
    let hash: [UInt8]

    init?(_ pattern: String) {
        let parts = pattern.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "1", let salt = Base64.decode(String(parts[2])),
            let hash = Base64.decode(String(parts[3])), hash.count == 20
        else { return nil }
        self.salt = salt
        self.hash = hash
    }

    func matches(_ name: String) -> Bool {
        Self.hmacSHA1(key: salt, message: Array(name.utf8)) == hash
    }

    static func hmacSHA1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                HMAC(EVP_sha1(), keyBytes.baseAddress, Int32(keyBytes.count), messageBytes.baseAddress, messageBytes.count, &out, &length)
            }
        }
        return result == nil ? [] : Array(out.prefix(Int(length)))
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
