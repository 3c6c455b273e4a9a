import Foundation
import KgitAPIMachinery

/// Decides who sent a request: a verified client certificate (checked by TLS against the cluster CA),
/// else a bearer token from the static token file, else anonymous.
///
/// An `Authorization` header with an unknown token is an authentication failure (401), not an
/// anonymous request, as upstream.
public struct Authenticator: Sendable {
    /// Bearer tokens and the users they stand for.
    public var staticTokens: [String: UserInfo]
    /// Verifies service-account tokens, when configured.
    var serviceAccounts: ServiceAccountTokens?
    /// The current uid of a ServiceAccount (namespace, name), nil when it does not exist.
    var accountUID: @Sendable (String, String) async -> String?

    public init(staticTokens: [String: UserInfo] = [:]) {
        self.staticTokens = staticTokens
        self.serviceAccounts = nil
        self.accountUID = { _, _ in nil }
    }

    init(staticTokens: [String: UserInfo], serviceAccounts: ServiceAccountTokens?,
         accountUID: @escaping @Sendable (String, String) async -> String?) {
        self.staticTokens = staticTokens
        self.serviceAccounts = serviceAccounts
        self.accountUID = accountUID
    }

    /// The request's user; nil when it presented credentials that are not valid.
    public func authenticate(_ request: APIRequest, now: Date = Date()) async -> UserInfo? {
        if let user = request.transportUser { return authenticated(user) }
        if let authorization = request.header("Authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            let token = parts[1].trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty else { return nil }
            if let user = staticTokens[token] { return authenticated(user) }
            if let serviceAccounts,
               let claims = serviceAccounts.verify(token, audiences: [ServiceAccountTokens.defaultAudience], now: now),
               await accountUID(claims.namespace, claims.name) == claims.uid
            {
                return authenticated(ServiceAccountTokens.user(namespace: claims.namespace, name: claims.name,
                                                               uid: claims.uid))
            }
            return nil
        }
        return .anonymous
    }

    private func authenticated(_ user: UserInfo) -> UserInfo {
        var user = user
        if !user.groups.contains("system:authenticated") { user.groups.append("system:authenticated") }
        return user
    }

    /// Parses an upstream-style token file: `token,user,uid[,"group1,group2"]` per line.
    public static func parseTokenFile(_ text: String) -> [String: UserInfo] {
        var tokens: [String: UserInfo] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            var fields: [String] = []
            var current = ""
            var quoted = false
            for ch in line {
                if ch == "\"" { quoted.toggle(); continue }
                if ch == "," && !quoted {
                    fields.append(current)
                    current = ""
                } else {
                    current.append(ch)
                }
            }
            fields.append(current)
            guard fields.count >= 2, !fields[0].isEmpty, !fields[1].isEmpty else { continue }
            let groups = fields.count >= 4 ? fields[3].split(separator: ",").map(String.init) : []
            tokens[fields[0]] = UserInfo(name: fields[1], uid: fields.count >= 3 ? fields[2] : "", groups: groups)
        }
        return tokens
    }
}
