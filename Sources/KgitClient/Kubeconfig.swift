import Foundation
import KgitYAML

/// A kubeconfig file (or several merged, as `KUBECONFIG=a:b` does): clusters, users and contexts by name.
///
/// ```swift
/// let config = try Kubeconfig.load(explicitPath: options.kubeconfig)   // --kubeconfig, $KUBECONFIG, ~/.kube/config
/// let connection = try config.connection(context: options.context)     // --context, or current-context
/// let client = try DynamicClient(connection: connection)
/// ```
///
/// Understood: `clusters[].cluster.server`, `certificate-authority`, `certificate-authority-data`,
/// `insecure-skip-tls-verify`, `tls-server-name`; `users[].user.client-certificate`, `client-key` and their
/// `-data` forms, `token`, `tokenFile`; `contexts[].context.cluster`, `user`, `namespace`; `current-context`.
/// Relative file paths are relative to the kubeconfig that names them, as kubectl reads them.
public struct Kubeconfig: Sendable, Hashable {
    /// How to reach and trust one API server.
    public struct Cluster: Sendable, Hashable {
        /// `https://host:port`.
        public var server: String
        /// A CA bundle file (absolute after loading).
        public var certificateAuthority: String?
        /// The CA bundle's PEM bytes.
        public var certificateAuthorityData: [UInt8]?
        /// Skip verifying the server's certificate.
        public var insecureSkipTLSVerify: Bool
        /// The name to verify the server's certificate against, instead of the host in `server`.
        public var tlsServerName: String?

        /// A cluster entry.
        public init(
            server: String, certificateAuthority: String? = nil, certificateAuthorityData: [UInt8]? = nil,
            insecureSkipTLSVerify: Bool = false, tlsServerName: String? = nil
        ) {
            self.server = server
            self.certificateAuthority = certificateAuthority
            self.certificateAuthorityData = certificateAuthorityData
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.tlsServerName = tlsServerName
        }
    }

    /// The credentials of one user.
    public struct User: Sendable, Hashable {
        /// A client certificate file.
        public var clientCertificate: String?
        /// The client certificate's PEM bytes.
        public var clientCertificateData: [UInt8]?
        /// The client key file.
        public var clientKey: String?
        /// The client key's PEM bytes.
        public var clientKeyData: [UInt8]?
        /// A bearer token.
        public var token: String?
        /// A file holding a bearer token, re-read for every request (it may be rotated).
        public var tokenFile: String?

        /// A user entry.
        public init(
            clientCertificate: String? = nil, clientCertificateData: [UInt8]? = nil, clientKey: String? = nil,
            clientKeyData: [UInt8]? = nil, token: String? = nil, tokenFile: String? = nil
        ) {
            self.clientCertificate = clientCertificate
            self.clientCertificateData = clientCertificateData
            self.clientKey = clientKey
            self.clientKeyData = clientKeyData
            self.token = token
            self.tokenFile = tokenFile
        }
    }

    /// A cluster and a user under one name.
    public struct Context: Sendable, Hashable {
        /// The cluster's name.
        public var cluster: String
        /// The user's name (empty: no credentials).
        public var user: String
        /// The namespace for requests that name none.
        public var namespace: String?

        /// A context entry.
        public init(cluster: String, user: String, namespace: String? = nil) {
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
        }
    }

    /// Clusters by name.
    public var clusters: [String: Cluster]
    /// Users by name.
    public var users: [String: User]
    /// Contexts by name.
    public var contexts: [String: Context]
    /// The context used when none is chosen.
    public var currentContext: String?
    /// The files read, in order.
    public var files: [String]

    /// A kubeconfig from its parts.
    public init(
        clusters: [String: Cluster] = [:], users: [String: User] = [:], contexts: [String: Context] = [:],
        currentContext: String? = nil, files: [String] = []
    ) {
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
        self.currentContext = currentContext
        self.files = files
    }

    // MARK: - Loading

    /// Loads the kubeconfig as kubectl finds it: `explicitPath` (`--kubeconfig`) alone when given; otherwise every
    /// existing file of `KUBECONFIG` (colon-separated; the first file to set a name or `current-context` wins);
    /// otherwise `~/.kube/config`.
    /// - Throws: `ClientError.configuration` naming the file and what is wrong with it.
    public static func load(
        explicitPath: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ClientError) -> Kubeconfig {
        if let explicitPath, !explicitPath.isEmpty {
            return try load(file: explicitPath)
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            let paths = list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
            var merged = Kubeconfig()
            var found = false
            for path in paths where FileManager.default.fileExists(atPath: path) {
                merged.merge(try load(file: path))
                found = true
            }
            guard found else {
                throw .configuration("none of the files in KUBECONFIG exists: \(list)")
            }
            return merged
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let path = home + "/.kube/config"
        guard FileManager.default.fileExists(atPath: path) else {
            throw .configuration(
                "no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, or create \(path) (kgit server writes DIR/kubeconfig)")
        }
        return try load(file: path)
    }

    /// Reads one kubeconfig file.
    public static func load(file path: String) throws(ClientError) -> Kubeconfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("\(path): cannot read the kubeconfig (no such file, or not readable)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        var config = try parse(Array(data), file: path, directory: directory.isEmpty ? "." : directory)
        config.files = [path]
        return config
    }

    /// Parses kubeconfig text; relative paths in it are resolved against `directory`.
    public static func parse(_ bytes: [UInt8], file: String = "kubeconfig", directory: String = ".")
        throws(ClientError) -> Kubeconfig
    {
        let documents: [Document]
        do {
            documents = try YAMLParser.parse(bytes)
        } catch {
            throw .configuration("\(file): not valid YAML: \(error)")
        }
        guard let root = documents.first?.root else { return Kubeconfig(files: [file]) }
        let value = YAMLValue(root)
        var config = Kubeconfig(files: [file])
        func absolute(_ path: String?) -> String? {
            guard let path, !path.isEmpty else { return nil }
            if path.hasPrefix("/") { return path }
            if path.hasPrefix("~/") { return NSHomeDirectory() + path.dropFirst(1) }
            return directory + "/" + path
        }
        func base64(_ field: String, _ text: String?) throws(ClientError) -> [UInt8]? {
            guard let text, !text.isEmpty else { return nil }
            let compact = text.filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: compact) else {
                throw .configuration("\(file): \(field) is not valid base64")
            }
            return Array(data)
        }
        for (index, entry) in items(value["clusters"]).enumerated() {
            guard let name = string(entry["name"]), let cluster = entry["cluster"] else {
                throw .configuration("\(file): clusters[\(index)] needs a name and a cluster")
            }
            guard let server = string(cluster["server"]), !server.isEmpty else {
                throw .configuration("\(file): cluster \"\(name)\" has no server")
            }
            config.clusters[name] = Cluster(
                server: server, certificateAuthority: absolute(string(cluster["certificate-authority"])),
                certificateAuthorityData: try base64(
                    "cluster \"\(name)\" certificate-authority-data", string(cluster["certificate-authority-data"])),
                insecureSkipTLSVerify: bool(cluster["insecure-skip-tls-verify"]),
                tlsServerName: string(cluster["tls-server-name"]))
        }
        for (index, entry) in items(value["users"]).enumerated() {
            guard let name = string(entry["name"]) else {
                throw .configuration("\(file): users[\(index)] needs a name")
            }
            let user = entry["user"] ?? .mapping([])
            config.users[name] = User(
                clientCertificate: absolute(string(user["client-certificate"])),
                clientCertificateData: try base64(
                    "user \"\(name)\" client-certificate-data", string(user["client-certificate-data"])),
                clientKey: absolute(string(user["client-key"])),
                clientKeyData: try base64("user \"\(name)\" client-key-data", string(user["client-key-data"])),
                token: string(user["token"]), tokenFile: absolute(string(user["tokenFile"])))
        }
        for (index, entry) in items(value["contexts"]).enumerated() {
            guard let name = string(entry["name"]), let context = entry["context"] else {
                throw .configuration("\(file): contexts[\(index)] needs a name and a context")
            }
            config.contexts[name] = Context(
                cluster: string(context["cluster"]) ?? "", user: string(context["user"]) ?? "",
                namespace: string(context["namespace"]))
        }
        if let current = string(value["current-context"]), !current.isEmpty { config.currentContext = current }
        return config
    }

    /// Adds what `other` defines and this one does not (the first definition of a name wins, as in kubectl).
    public mutating func merge(_ other: Kubeconfig) {
        clusters.merge(other.clusters) { mine, _ in mine }
        users.merge(other.users) { mine, _ in mine }
        contexts.merge(other.contexts) { mine, _ in mine }
        if currentContext == nil { currentContext = other.currentContext }
        files += other.files
    }

    // MARK: - Resolving a context

    /// Everything needed to connect, for `context` (nil: `current-context`): the server, what to trust and who to be.
    /// - Throws: `ClientError.configuration` naming the missing context, cluster, user or file.
    public func connection(context requested: String? = nil) throws(ClientError) -> Connection {
        let where_ = files.isEmpty ? "the kubeconfig" : files.joined(separator: ":")
        guard let name = requested ?? currentContext, !name.isEmpty else {
            throw .configuration("\(where_) has no current-context; pass --context (one of: \(contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let context = contexts[name] else {
            throw .configuration("context \"\(name)\" is not in \(where_) (it has: \(contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let cluster = clusters[context.cluster] else {
            throw .configuration("context \"\(name)\" names cluster \"\(context.cluster)\", which is not in \(where_)")
        }
        var user = User()
        if !context.user.isEmpty {
            guard let found = users[context.user] else {
                throw .configuration("context \"\(name)\" names user \"\(context.user)\", which is not in \(where_)")
            }
            user = found
        }
        let endpoint = try Endpoint(cluster.server)
        var ca = cluster.certificateAuthorityData
        if ca == nil { ca = try read(cluster.certificateAuthority, what: "certificate-authority") }
        var certificate = user.clientCertificateData
        if certificate == nil { certificate = try read(user.clientCertificate, what: "client-certificate") }
        var key = user.clientKeyData
        if key == nil { key = try read(user.clientKey, what: "client-key") }
        if (certificate == nil) != (key == nil) {
            throw .configuration("user \"\(context.user)\" needs both a client certificate and a client key")
        }
        return Connection(
            contextName: name, endpoint: endpoint, caPEM: ca, insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
            tlsServerName: cluster.tlsServerName, clientCertificatePEM: certificate, clientKeyPEM: key,
            token: user.token, tokenFile: user.tokenFile, namespace: context.namespace ?? "default")
    }

    private func read(_ path: String?, what: String) throws(ClientError) -> [UInt8]? {
        guard let path else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("\(what) \(path): no such file, or not readable")
        }
        return Array(data)
    }

    private static func items(_ value: YAMLValue?) -> [YAMLValue] {
        if case .sequence(let items)? = value { return items }
        return []
    }

    private static func string(_ value: YAMLValue?) -> String? {
        switch value {
        case .string(let text)?: return text
        case .int(let number)?: return String(number)
        case .bool(let flag)?: return flag ? "true" : "false"
        default: return nil
        }
    }

    private static func bool(_ value: YAMLValue?) -> Bool {
        switch value {
        case .bool(let flag)?: return flag
        case .string(let text)?: return text == "true"
        default: return false
        }
    }
}

/// A resolved context: where the API server is and how to talk to it.
public struct Connection: Sendable, Hashable {
    /// The context's name.
    public var contextName: String
    /// The server's scheme, host and port.
    public var endpoint: Endpoint
    /// The CA bundle to trust (PEM); nil: no CA given (verification fails unless skipped).
    public var caPEM: [UInt8]?
    /// Do not verify the server's certificate.
    public var insecureSkipTLSVerify: Bool
    /// The name to verify the certificate against, instead of the host.
    public var tlsServerName: String?
    /// The client certificate (PEM), for client-certificate authentication.
    public var clientCertificatePEM: [UInt8]?
    /// The client key (PEM).
    public var clientKeyPEM: [UInt8]?
    /// A bearer token.
    public var token: String?
    /// A file holding the bearer token, read for every request.
    public var tokenFile: String?
    /// The namespace for requests that name none.
    public var namespace: String

    /// A connection from its parts.
    public init(
        contextName: String = "", endpoint: Endpoint, caPEM: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false,
        tlsServerName: String? = nil, clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil,
        token: String? = nil, tokenFile: String? = nil, namespace: String = "default"
    ) {
        self.contextName = contextName
        self.endpoint = endpoint
        self.caPEM = caPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.token = token
        self.tokenFile = tokenFile
        self.namespace = namespace
    }

    /// The `Authorization` header value, if this connection uses a bearer token.
    public func authorization() throws(ClientError) -> String? {
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw .configuration("tokenFile \(tokenFile): no such file, or not readable")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return token.isEmpty ? nil : "Bearer \(token)"
        }
        if let token, !token.isEmpty { return "Bearer \(token)" }
        return nil
    }
}

/// The scheme, host and port of a server URL.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// True for `https`.
    public var tls: Bool
    /// The host name or IP address (without brackets).
    public var host: String
    /// The port.
    public var port: Int

    /// An endpoint from its parts.
    public init(tls: Bool, host: String, port: Int) {
        self.tls = tls
        self.host = host
        self.port = port
    }

    /// Parses `https://host:port` (a path after the authority is not supported and is refused).
    public init(_ url: String) throws(ClientError) {
        var rest = Substring(url)
        if rest.hasPrefix("https://") {
            tls = true
            rest = rest.dropFirst(8)
        } else if rest.hasPrefix("http://") {
            tls = false
            rest = rest.dropFirst(7)
        } else {
            throw .configuration("server \"\(url)\" must start with https:// or http://")
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/") else {
            throw .configuration("server \"\(url)\": a path after host:port is not supported")
        }
        var hostPart = rest
        var portPart: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .configuration("server \"\(url)\": unclosed [") }
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() }
        } else if let colon = rest.lastIndex(of: ":") {
            hostPart = rest[..<colon]
            portPart = rest[rest.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { throw .configuration("server \"\(url)\" has no host") }
        host = String(hostPart)
        if let portPart {
            guard let number = Int(portPart), (1...65535).contains(number) else {
                throw .configuration("server \"\(url)\": invalid port \"\(portPart)\"")
            }
            port = number
        } else {
            port = tls ? 443 : 80
        }
    }

    /// `https://host:port`.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(tls ? "https" : "http")://\(shownHost):\(port)"
    }
}
