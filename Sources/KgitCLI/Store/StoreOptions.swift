import ArgumentParser
import Foundation
import KgitStore

/// Where `kgit store` commands find the store: an embedded directory or an etcd cluster.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "Directory of the embedded store (created if missing). Defaults to $KGIT_DATA_DIR.", valueName: "dir"))
    var dataDir: String?

    @OptionGroup var etcd: EtcdOptions

    /// Opens the store the options name. Throws `StoreCommandError.usage` when neither is given, or when the
    /// etcd TLS files cannot be used.
    func open() throws -> any Store {
        if etcd.endpointList != nil, dataDir == nil || etcd.endpoints != nil {
            return try etcd.open()
        }
        guard let dir = dataDir ?? ProcessInfo.processInfo.environment["KGIT_DATA_DIR"], !dir.isEmpty else {
            throw StoreCommandError.usage("say which store: --data-dir DIR (embedded) or --etcd-endpoints URLS")
        }
        return try SQLiteStore(directory: dir)
    }

    /// Opens the store, runs `body`, closes the store, and turns store errors into exit codes.
    func run(_ body: (any Store) async throws -> Void) async throws {
        let store: any Store
        do {
            store = try open()
        } catch StoreError.invalidRequest(let why) {
            // Bad endpoint URLs and unusable TLS files are usage errors.
            throw StoreCommandError.usage("kgit store: \(why)")
        } catch {
            throw StoreCommandError.from(error)
        }
        do {
            try await body(store)
            await store.close()
        } catch {
            await store.close()
            throw StoreCommandError.from(error)
        }
    }
}

/// How to reach an etcd cluster: its client URLs and, for `https://` URLs, the CA and client certificate
/// (the files `etcdctl --cacert --cert --key` take). Shared by `kgit store` and `kgit server`.
struct EtcdOptions: ParsableArguments {
    @Option(
        name: .customLong("etcd-endpoints"),
        help: ArgumentHelp(
            "Comma-separated etcd client URLs (http://host:port or https://host:port), tried in order. Overrides --data-dir. Defaults to $KGIT_ETCD_ENDPOINTS.",
            valueName: "urls"))
    var endpoints: String?

    @Option(
        name: .customLong("etcd-cacert"),
        help: ArgumentHelp(
            "CA certificate (PEM) that signed etcd's serving certificate, for https endpoints (default: the system's CAs). Defaults to $KGIT_ETCD_CACERT.",
            valueName: "file"))
    var caFile: String?

    @Option(
        name: .customLong("etcd-cert"),
        help: ArgumentHelp(
            "Client certificate (PEM) for etcd's --client-cert-auth. Defaults to $KGIT_ETCD_CERT.", valueName: "file"))
    var certFile: String?

    @Option(
        name: .customLong("etcd-key"),
        help: ArgumentHelp("The client certificate's private key (PEM). Defaults to $KGIT_ETCD_KEY.", valueName: "file"))
    var keyFile: String?

    /// The endpoints from the flag or `$KGIT_ETCD_ENDPOINTS`; nil when neither names any.
    var endpointList: [String]? {
        guard let text = endpoints ?? ProcessInfo.processInfo.environment["KGIT_ETCD_ENDPOINTS"], !text.isEmpty else {
            return nil
        }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The TLS files from the flags or their environment variables; nil when none is given.
    var tls: EtcdTLS? {
        let env = ProcessInfo.processInfo.environment
        let ca = caFile ?? env["KGIT_ETCD_CACERT"], cert = certFile ?? env["KGIT_ETCD_CERT"], key = keyFile ?? env["KGIT_ETCD_KEY"]
        if ca == nil && cert == nil && key == nil { return nil }
        return EtcdTLS(caFile: ca, certFile: cert, keyFile: key)
    }

    /// Connects (lazily) to the endpoints. Throws `.invalidRequest` for bad URLs or TLS files.
    func open() throws -> EtcdStore {
        guard let urls = endpointList else { throw StoreError.invalidRequest("no etcd endpoints given (--etcd-endpoints)") }
        return try EtcdStore(endpoints: urls, tls: tls)
    }
}

/// Output formats of `kgit store` commands.
enum StoreOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
    case yaml
    /// Values only, one per line (for scripts).
    case value
}

/// Errors of `kgit store`, each with the exit code scripts can rely on.
///
/// Follows kgit's convention (0 success, 1 a negative answer, 2 usage or I/O errors) and adds two codes
/// scripts need to tell "fix the request" from "retry later":
///
/// | code | meaning |
/// | --- | --- |
/// | 0 | success |
/// | 1 | `get` of a single key that does not exist |
/// | 2 | usage error, or a storage / I/O error (corrupt database, unwritable file) |
/// | 3 | the store refused the request: compacted or future revision, too large, quota, unknown lease |
/// | 4 | the store is unavailable: etcd unreachable, directory in use by another process (retry later) |
struct StoreCommandError: Error, CustomStringConvertible {
    var message: String
    var code: Int32

    var description: String { message }

    static func usage(_ message: String) -> StoreCommandError { .init(message: message, code: 2) }
    static func notFound(_ key: String) -> StoreCommandError { .init(message: "key not found: \(key)", code: 1) }

    static func from(_ error: any Error) -> any Error {
        if error is StoreCommandError { return error }
        guard let e = error as? StoreError else { return error }
        switch e {
        case .unavailable, .closed: return StoreCommandError(message: "kgit store: \(e)", code: 4)
        case .storage(let s) where s.contains("in use by another process"):
            return StoreCommandError(message: "kgit store: \(e)", code: 4)
        case .storage: return StoreCommandError(message: "kgit store: \(e)", code: 2)
        default: return StoreCommandError(message: "kgit store: \(e)", code: 3)
        }
    }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning a `StoreCommandError` into kgit's `ExitWith` (message on stderr, its exit code).
    func exitingOnStoreError(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as StoreCommandError {
            throw ExitWith(message: error.message, code: error.code)
        }
    }
}
