import Foundation
import KgitAPIMachinery

/// The opaque `continue` token of a paged list: the revision the first page was served at and the
/// last key returned, base64-encoded JSON (as upstream).
struct ContinueToken: Equatable {
    var revision: Int64
    var key: String

    func encoded() -> String {
        let json: JSONValue = ["v": "meta.k8s.io/v1", "rv": .int(revision), "start": .string(key)]
        return Data(json.serializedBytes()).base64EncodedString()
    }

    static func decode(_ token: String) -> ContinueToken? {
        guard let data = Data(base64Encoded: token), let json = try? JSONParser.parse(Array(data)),
              let rv = json["rv"]?.intValue, let key = json["start"]?.stringValue
        else { return nil }
        return ContinueToken(revision: rv, key: key)
    }
}
