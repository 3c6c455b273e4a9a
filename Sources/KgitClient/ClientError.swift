import Foundation
import KgitAPIMachinery

/// Why a request to the Kubernetes API failed.
///
/// A non-2xx answer is always `.status`, decoded from the `Status` object the server sent (or made up
/// from the HTTP status when the body was not one), so callers test `reason` and `code` the way
/// upstream clients do: `error.isNotFound`, `error.status?.reason == "AlreadyExists"`.
public enum ClientError: Error, Sendable, CustomStringConvertible {
    /// The server answered with a failure `Status`: reason, code and message.
    case status(APIError)
    /// The server could not be reached or the connection failed (DNS, TCP, TLS, timeout, reset).
    case transport(String)
    /// The server does not serve this `apiVersion` and `kind`.
    case unknownKind(apiVersion: String, kind: String)
    /// The server's answer could not be read (not JSON, not the expected shape).
    case invalidResponse(String)
    /// The kubeconfig or the arguments cannot make a working client.
    case configuration(String)
    /// The object given to the client lacks what the request needs (kind, name).
    case invalidObject(String)

    /// The decoded `Status`, when the server answered with one.
    public var status: APIError? {
        if case .status(let error) = self { return error }
        return nil
    }

    /// 404 NotFound.
    public var isNotFound: Bool { status?.code == 404 }
    /// 409 AlreadyExists.
    public var isAlreadyExists: Bool { status?.reason == "AlreadyExists" }
    /// 409 Conflict (a stale resourceVersion or a server-side apply field conflict).
    public var isConflict: Bool { status?.code == 409 && status?.reason != "AlreadyExists" }
    /// 410 Expired/Gone: a list or watch resumed from a compacted resourceVersion; list again.
    public var isExpired: Bool { status?.code == 410 }

    /// `NotFound (404): configmaps "x" not found`, or the transport or configuration problem.
    public var description: String {
        switch self {
        case .status(let error): return "\(error.reason) (\(error.code)): \(error.message)"
        case .transport(let message): return "cannot reach the API server: \(message)"
        case .unknownKind(let apiVersion, let kind):
            return "the server does not serve kind \(kind) in \(apiVersion)"
        case .invalidResponse(let message): return "unexpected answer from the API server: \(message)"
        case .configuration(let message): return message
        case .invalidObject(let message): return message
        }
    }
}

extension APIError {
    /// The `Status` in a failed answer's body, or one made from the HTTP status code when the body is
    /// not a `Status` (a proxy's HTML page, an empty body).
    static func decoding(status code: Int, body: [UInt8]) -> APIError {
        if let value = try? JSONParser.parse(body), value["kind"]?.stringValue == "Status" {
            return APIError(status: value, httpCode: code)
        }
        let text = String(decoding: body.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let message = text.isEmpty ? "the server answered HTTP \(code)" : text
        return APIError(reason: reason(forCode: code), code: code, message: message)
    }

    /// An error from a `Status` object (as sent in an answer or a watch ERROR event).
    init(status value: JSONValue, httpCode: Int) {
        let code = value["code"]?.intValue.map(Int.init) ?? httpCode
        var details: Details?
        if let object = value["details"]?.objectValue {
            let causes: [Cause] = (object["causes"]?.arrayValue ?? []).map { cause in
                Cause(
                    type: cause["reason"]?.stringValue ?? "", message: cause["message"]?.stringValue ?? "",
                    field: cause["field"]?.stringValue ?? "")
            }
            details = Details(
                name: object["name"]?.stringValue, group: object["group"]?.stringValue,
                kind: object["kind"]?.stringValue, causes: causes,
                retryAfterSeconds: object["retryAfterSeconds"]?.intValue.map(Int.init))
        }
        self.init(
            reason: value["reason"]?.stringValue ?? APIError.reason(forCode: code), code: code,
            message: value["message"]?.stringValue ?? "the server answered HTTP \(code)", details: details)
    }

    /// The reason upstream uses for a bare HTTP status.
    static func reason(forCode code: Int) -> String {
        switch code {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 406: "NotAcceptable"
        case 409: "Conflict"
        case 410: "Expired"
        case 413: "RequestEntityTooLarge"
        case 415: "UnsupportedMediaType"
        case 422: "Invalid"
        case 429: "TooManyRequests"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "Unknown"
        }
    }
}
