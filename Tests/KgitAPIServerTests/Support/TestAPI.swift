import Crypto
import Foundation
import KgitAPIMachinery
@testable import KgitAPIServer

/// An in-process API handler over a fresh MemoryStore, called without a network, for fast tests of
/// request semantics. Requests are made as the admin (system:masters) unless a user is given.
///
/// Watches last an hour unless a test asks for less (`timeoutSeconds`, `defaultWatchTimeout`): with the
/// server's 60 s, a test on a loaded machine had its watch end before the events it waited for.
struct TestAPI {
    let handler: APIHandler
    let store: MemoryStore
    static let admin = UserInfo(name: "admin", groups: ["system:masters"])

    init(historyLimit: Int = 10_000, tokens: [String: UserInfo] = [:], bookmarkInterval: Duration = .seconds(15),
         defaultWatchTimeout: Duration = .seconds(3600), encryption: EncryptionAtRest? = nil,
         rateLimits: ClientRateLimiter.Limits = .standard, clock: @escaping @Sendable () -> Date = Date.init,
         watchCacheWindow: Int = 4096, watchBuffer: Int = 10_000)
        async throws
    {
        store = MemoryStore(historyLimit: historyLimit)
        let rbac = RBACAuthorizer(registry: Registry(store: store, catalog: .builtIn))
        let authenticator = Authenticator.with(staticTokens: tokens, signingKey: P256.Signing.PrivateKey(), store: store)
        handler = APIHandler(store: store, authenticator: authenticator,
                             authorizer: AuthorizerChain([PrivilegedGroupAuthorizer(), rbac]),
                             serverAddress: "127.0.0.1:6443", defaultWatchTimeout: defaultWatchTimeout,
                             bookmarkInterval: bookmarkInterval, clock: clock, encryption: encryption,
                             rateLimits: rateLimits, watchCacheWindow: watchCacheWindow, watchBuffer: watchBuffer)
        try await handler.bootstrap()
    }

    /// The answer to one request: status, headers and the body parsed as JSON (when it is).
    struct Answer {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    func request(_ method: String, _ target: String, json: JSONValue? = nil, body: [UInt8]? = nil,
                 headers: [(String, String)] = [], user: UserInfo? = TestAPI.admin) async -> Answer {
        var allHeaders = headers
        let bytes = body ?? json?.serializedBytes() ?? []
        if json != nil && !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
            allHeaders.append(("Content-Type", "application/json"))
        }
        let request = APIRequest(method: method, target: target, headers: allHeaders.map { ($0.0, $0.1) }, body: bytes,
                                 transportUser: user)
        let response = await handler.handle(request)
        switch response.body {
        case .bytes(let b):
            return Answer(status: response.status, headers: response.headers, body: b)
        case .parts:
            return Answer(status: response.status, headers: response.headers, body: response.body.completeBytes ?? [])
        case .stream(let chunks):
            var collected: [UInt8] = []
            for await chunk in chunks { collected += chunk }
            return Answer(status: response.status, headers: response.headers, body: collected)
        }
    }

    /// Starts a watch and returns its line stream.
    func watch(_ target: String, headers: [(String, String)] = []) async -> AsyncStream<[UInt8]>? {
        let request = APIRequest(method: "GET", target: target, headers: headers.map { ($0.0, $0.1) },
                                 transportUser: TestAPI.admin)
        let response = await handler.handle(request)
        if case .stream(let chunks) = response.body { return chunks }
        return nil
    }

    static func configMap(_ name: String, labels: [String: String] = [:], data: [String: String] = ["k": "v"])
        -> JSONValue
    {
        var meta: JSONValue = ["name": .string(name)]
        if !labels.isEmpty { meta["labels"] = .object(labels.mapValues(JSONValue.string)) }
        return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": meta,
                "data": .object(data.mapValues(JSONValue.string))]
    }
}
