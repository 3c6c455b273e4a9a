/// One HTTP request to the API server: a method, a path with its query, headers and a body.
public struct TransportRequest: Sendable, Hashable {
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`.
    public var method: String
    /// The path and query, `/api/v1/namespaces/default/configmaps?limit=10`.
    public var path: String
    /// Extra headers (`Content-Type`, `Accept`); the transport adds `Host`, `Content-Length` and credentials.
    public var headers: [Header]
    /// The body; empty for none.
    public var body: [UInt8]

    /// One header.
    public struct Header: Sendable, Hashable {
        /// The header's name.
        public var name: String
        /// Its value.
        public var value: String
        /// A header `name: value`.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A request.
    public init(method: String, path: String, headers: [Header] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The value of header `name` (case-insensitive), if set.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A whole answer: status, headers and the complete body.
public struct TransportResponse: Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// The headers, in the order received.
    public var headers: [TransportRequest.Header]
    /// The complete body.
    public var body: [UInt8]

    /// An answer.
    public init(status: Int, headers: [TransportRequest.Header] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of header `name` (case-insensitive), if present.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// True for 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// An answer whose body arrives piece by piece (a watch): the status and headers, then the body's chunks.
///
/// The body ends when the server ends the response; dropping or cancelling the iteration closes the
/// connection.
public struct TransportStream: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The headers.
    public var headers: [TransportRequest.Header]
    /// The body's bytes, in chunks as they arrive (chunk boundaries mean nothing).
    public var body: AsyncThrowingStream<[UInt8], any Error>

    /// A streamed answer.
    public init(status: Int, headers: [TransportRequest.Header], body: AsyncThrowingStream<[UInt8], any Error>) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The whole body, for an answer that turned out not to be a stream (an error `Status`).
    public func collect(limit: Int = 1 << 20) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body {
            bytes += chunk
            if bytes.count >= limit { break }
        }
        return bytes
    }
}

/// How the client reaches an API server: request in, response out, plus a streaming form for watch.
///
/// `HTTPSTransport` talks HTTPS/1.1 to a server named by a kubeconfig; tests use a fake; an in-process
/// transport can hand requests straight to a server's handler.
public protocol Transport: Sendable {
    /// Sends `request` and returns the whole answer (any status: non-2xx is not an error here).
    /// - Throws: `ClientError.transport` when the server cannot be reached or the connection fails.
    func send(_ request: TransportRequest) async throws -> TransportResponse

    /// Sends `request` and returns as soon as the status and headers arrive; the body follows as a stream.
    func stream(_ request: TransportRequest) async throws -> TransportStream

    /// Closes idle connections and releases resources; later requests may reconnect.
    func shutdown() async
}
