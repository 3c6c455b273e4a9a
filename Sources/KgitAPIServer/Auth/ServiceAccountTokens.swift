import Crypto
import Foundation
import KgitAPIMachinery

/// Issues and verifies service-account tokens: ES256-signed JWTs bound to a ServiceAccount's uid,
/// as upstream's TokenRequest API issues them.
///
/// Claims: `iss`, `sub` (`system:serviceaccount:<ns>:<name>`), `aud`, `iat`, `nbf`, `exp` and
/// `kubernetes.io: {namespace, serviceaccount: {name, uid}}`. A token authenticates only while
/// it is unexpired, names an accepted audience, and its ServiceAccount still exists with the
/// same uid (deleting the account revokes its tokens).
struct ServiceAccountTokens: Sendable {
    static let issuer = "https://kubernetes.default.svc.cluster.local"
    static let defaultAudience = "https://kubernetes.default.svc.cluster.local"

    /// The private key's raw representation (Crypto's key types are not Sendable).
    let keyData: Data
    let keyID: String

    var signingKey: P256.Signing.PrivateKey {
        // keyData always comes from a valid key (see init), so this cannot fail in practice.
        (try? P256.Signing.PrivateKey(rawRepresentation: keyData)) ?? P256.Signing.PrivateKey()
    }

    init(signingKey: P256.Signing.PrivateKey) {
        self.keyData = signingKey.rawRepresentation
        let digest = SHA256.hash(data: signingKey.publicKey.derRepresentation)
        keyID = ServiceAccountTokens.base64URL(Data(digest.prefix(16)))
    }

    /// The claims a verified token carries.
    struct Claims: Equatable {
        var namespace: String
        var name: String
        var uid: String
        var audiences: [String]
        var expires: Date
    }

    /// A signed token for the account.
    func issue(namespace: String, name: String, uid: String, audiences: [String], lifetime: TimeInterval, now: Date)
        throws -> String
    {
        let header: JSONValue = ["alg": "ES256", "kid": .string(keyID), "typ": "JWT"]
        let iat = Int64(now.timeIntervalSince1970)
        let claims: JSONValue = [
            "iss": .string(ServiceAccountTokens.issuer), "sub": .string("system:serviceaccount:\(namespace):\(name)"),
            "aud": .array(audiences.map(JSONValue.string)), "iat": .int(iat), "nbf": .int(iat),
            "exp": .int(iat + Int64(lifetime)),
            "kubernetes.io": ["namespace": .string(namespace), "serviceaccount": ["name": .string(name), "uid": .string(uid)]],
        ]
        let signingInput = ServiceAccountTokens.base64URL(Data(header.serializedBytes())) + "."
            + ServiceAccountTokens.base64URL(Data(claims.serializedBytes()))
        let signature = try signingKey.signature(for: Data(signingInput.utf8))
        return signingInput + "." + ServiceAccountTokens.base64URL(signature.rawRepresentation)
    }

    /// The claims of a token this key signed, if valid at `now` for one of `audiences`.
    func verify(_ token: String, audiences: [String], now: Date) -> Claims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerData = ServiceAccountTokens.decodeBase64URL(String(parts[0])),
              let header = try? JSONParser.parse(Array(headerData)), header["alg"] == "ES256",
              let payload = ServiceAccountTokens.decodeBase64URL(String(parts[1])),
              let signatureData = ServiceAccountTokens.decodeBase64URL(String(parts[2])),
              let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signatureData),
              signingKey.publicKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8)),
              let claims = try? JSONParser.parse(Array(payload)),
              claims["iss"]?.stringValue == ServiceAccountTokens.issuer,
              let exp = claims["exp"]?.intValue, Double(exp) > now.timeIntervalSince1970,
              (claims["nbf"]?.intValue).map({ Double($0) <= now.timeIntervalSince1970 + 60 }) ?? true,
              let namespace = claims.value(at: ["kubernetes.io", "namespace"])?.stringValue,
              let name = claims.value(at: ["kubernetes.io", "serviceaccount", "name"])?.stringValue,
              let uid = claims.value(at: ["kubernetes.io", "serviceaccount", "uid"])?.stringValue
        else { return nil }
        let tokenAudiences = claims["aud"]?.arrayValue?.compactMap(\.stringValue)
            ?? claims["aud"]?.stringValue.map { [$0] } ?? []
        guard tokenAudiences.contains(where: audiences.contains) else { return nil }
        return Claims(namespace: namespace, name: name, uid: uid, audiences: tokenAudiences,
                      expires: Date(timeIntervalSince1970: TimeInterval(exp)))
    }

    /// The user a service account authenticates as.
    static func user(namespace: String, name: String, uid: String) -> UserInfo {
        UserInfo(name: "system:serviceaccount:\(namespace):\(name)", uid: uid,
                 groups: ["system:serviceaccounts", "system:serviceaccounts:\(namespace)"])
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
