import Foundation
import KgitAPIMachinery

/// One HTTP response from the API layer: a complete body or a stream of chunks (watch).
public struct APIResponse: Sendable {
    /// The body of a response.
    public enum Body: Sendable {
        case bytes([UInt8])
        /// A complete body held as consecutive parts (a large list: its envelope and one part per
        /// object), so it is never joined into one buffer on the server: its length is the parts'
        /// total, and the parts are written in order as they are copied out.
        case parts([[UInt8]])
        /// Chunks written and flushed as they arrive; the response ends when the stream finishes.
        case stream(AsyncStream<[UInt8]>)

        /// The whole body of a complete (`bytes` or `parts`) response, joined; nil for a stream.
        public var completeBytes: [UInt8]? {
            switch self {
            case .bytes(let bytes):
                return bytes
            case .parts(let parts):
                var joined: [UInt8] = []
                joined.reserveCapacity(parts.reduce(0) { $0 + $1.count })
                for part in parts { joined += part }
                return joined
            case .stream:
                return nil
            }
        }
    }

    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Body

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response.
    public static func json(_ value: JSONValue, status: Int = 200, contentType: String = "application/json")
        -> APIResponse
    {
        APIResponse(status: status, headers: [("Content-Type", contentType)], body: .bytes(value.serializedBytes()))
    }

    /// A plain-text response.
    public static func text(_ text: String, status: Int = 200) -> APIResponse {
        APIResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")],
                    body: .bytes(Array(text.utf8)))
    }

    /// This response with a `Warning: 299 - "<text>"` header per warning (kubectl prints them).
    public func warning(_ warnings: [String]) -> APIResponse {
        var copy = self
        for text in warnings {
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            copy.headers.append(("Warning", "299 - \"\(escaped)\""))
        }
        return copy
    }

    /// A `Status` failure response.
    public static func error(_ error: APIError) -> APIResponse {
        json(error.status, status: error.code)
    }
}
