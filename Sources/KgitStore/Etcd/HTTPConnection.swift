#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking HTTP/1.1 client connection over a POSIX TCP socket, or TLS over one for `https://` endpoints:
/// just enough HTTP for etcd's JSON gateway (POST with a JSON body; responses with `Content-Length` or
/// chunked, read whole or streamed line by line).
///
/// Not thread-safe: one thread uses a connection at a time (an `EtcdClient` worker or a watch thread).
/// Every failure throws `HTTPError`, saying whether the request could have reached the server.
final class HTTPConnection: @unchecked Sendable {
    let endpoint: Endpoint
    private(set) var fd: Int32
    private var tls: TLSSession?
    private var buffer: [UInt8] = []
    private var start = 0

    /// A host and port parsed from `http://host:port` or `https://host:port`.
    struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        /// The address connected to (`localhost` becomes 127.0.0.1).
        var host: String
        var port: UInt16
        /// Whether the endpoint speaks TLS (`https://`).
        var tls: Bool
        /// The host as written, which the server's certificate must name.
        var serverName: String

        /// Parses `http://host:port`, `https://host:port` or `host:port`. Returns nil for anything else.
        init?(_ url: String) {
            var rest = Substring(url)
            tls = false
            if rest.hasPrefix("http://") {
                rest = rest.dropFirst(7)
            } else if rest.hasPrefix("https://") {
                rest = rest.dropFirst(8)
                tls = true
            } else if rest.contains("://") {
                return nil
            }
            while rest.hasSuffix("/") { rest = rest.dropLast() }
            guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]) else {
                return nil
            }
            host = String(rest[..<colon])
            if host.isEmpty || host.contains("/") { return nil }
            serverName = host
            if host == "localhost" { host = "127.0.0.1" }
            self.port = port
        }

        var description: String { "\(tls ? "https" : "http")://\(serverName):\(port)" }
    }

    /// Why an exchange failed.
    enum HTTPError: Error, CustomStringConvertible {
        /// Nothing was sent: connecting failed.
        case connect(String)
        /// The connection broke after the request may have been sent.
        case io(String)
        /// The server answered something that is not HTTP we understand.
        case protocolError(String)

        var description: String {
            switch self {
            case .connect(let s): "connect: \(s)"
            case .io(let s): "i/o: \(s)"
            case .protocolError(let s): "protocol: \(s)"
            }
        }
    }

    /// Connects to `endpoint` (IPv4 literal or resolvable name), with a timeout for each later read; for an
    /// `https` endpoint, runs the TLS handshake with `tls` (its failure is a `.connect` error saying why).
    init(_ endpoint: Endpoint, tls context: TLSClientContext?, readTimeoutSeconds: Int = 0) throws {
        self.endpoint = endpoint
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(endpoint.host, String(endpoint.port), &hints, &info) == 0, let info else {
            throw HTTPError.connect("cannot resolve \(endpoint.host)")
        }
        defer { freeaddrinfo(info) }
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if fd < 0 { throw HTTPError.connect(String(cString: strerror(errno))) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if readTimeoutSeconds > 0 { setTimeout(fd, seconds: readTimeoutSeconds) }
        if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            let why = String(cString: strerror(errno))
            close(fd)
            fd = -1  // deinit runs for a fully initialised object even when init throws: never close twice
            throw HTTPError.connect("\(endpoint): \(why)")
        }
        if endpoint.tls {
            guard let context else { throw HTTPError.connect("\(endpoint): no TLS settings for an https endpoint") }
            if readTimeoutSeconds == 0 { setTimeout(fd, seconds: 10) }  // a handshake must not hang a watch
            do {
                tls = try context.handshake(fd: fd, host: endpoint.serverName)
            } catch {
                close(fd)
                fd = -1
                throw HTTPError.connect("TLS handshake with \(endpoint) failed: \(error)")
            }
            if readTimeoutSeconds == 0 { setTimeout(fd, seconds: 0) }
        }
    }

    deinit {
        tls = nil  // frees the TLS session before its socket closes
        if fd >= 0 { close(fd) }
    }

    /// Interrupts a blocked read from another thread (used to cancel a watch).
    func shutdownNow() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// Sends `POST path` with a JSON body. `keepAlive` false asks the server to close after answering.
    func post(_ path: String, body: [UInt8], keepAlive: Bool = true) throws {
        var head = "POST \(path) HTTP/1.1\r\nHost: \(endpoint.host):\(endpoint.port)\r\n"
        head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        if !keepAlive { head += "Connection: close\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        bytes += body
        if let tls {
            do {
                try bytes.withUnsafeBytes { try tls.write($0) }
            } catch {
                throw HTTPError.io("send: \(error)")
            }
            return
        }
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return send(fd, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                throw HTTPError.io("send: \(String(cString: strerror(errno)))")
            }
            sent += n
        }
    }

    /// Status code and whether the body is chunked / its length / whether the server will close.
    struct Head {
        var status: Int
        var contentLength: Int?
        var chunked: Bool
        var close: Bool
    }

    /// Reads the response status line and headers.
    func readHead() throws -> Head {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw HTTPError.protocolError("bad status line \(statusLine.prefix(80))")
        }
        var head = Head(status: status, contentLength: nil, chunked: false, close: parts[0] == "HTTP/1.0")
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces().lowercased()
            switch name {
            case "content-length": head.contentLength = Int(value)
            case "transfer-encoding": head.chunked = value.contains("chunked")
            case "connection": head.close = value.contains("close")
            default: break
            }
        }
        return head
    }

    /// Reads a whole response: head and body.
    func readResponse() throws -> (head: Head, body: [UInt8]) {
        let head = try readHead()
        var body: [UInt8] = []
        if head.chunked {
            while let chunk = try readChunk() { body += chunk }
        } else if let length = head.contentLength {
            body = try readExactly(length)
        } else {
            while let more = try fill() { _ = more }
            body = Array(buffer[start...])
            start = buffer.count
        }
        return (head, body)
    }

    /// Reads the next chunk of a chunked body; nil at the final (empty) chunk.
    func readChunk() throws -> [UInt8]? {
        let sizeLine = try readLine()
        guard let size = Int(sizeLine.split(separator: ";").first.map(String.init) ?? "", radix: 16) else {
            throw HTTPError.protocolError("bad chunk size \(sizeLine.prefix(40))")
        }
        if size == 0 {
            // Skip trailers (the gateway sends some on errors) up to the blank line.
            while try !readLine().isEmpty {}
            return nil
        }
        let data = try readExactly(size)
        _ = try readLine()
        return data
    }

    // MARK: - Buffered reading

    /// Reads more bytes into the buffer; nil at end of stream.
    private func fill() throws -> Int? {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        if let tls {
            let n: Int
            do {
                n = try chunk.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return 0 }
                    return try tls.read(base, raw.count)
                }
            } catch {
                throw HTTPError.io("recv: \(error)")
            }
            if n == 0 { return nil }
            buffer += chunk[0..<n]
            return n
        }
        while true {
            let n = chunk.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return recv(fd, base, raw.count, 0)
            }
            if n > 0 {
                buffer += chunk[0..<n]
                return n
            }
            if n == 0 { return nil }
            if errno == EINTR { continue }
            throw HTTPError.io("recv: \(String(cString: strerror(errno)))")
        }
    }

    private func readLine() throws -> String {
        while true {
            if let i = buffer[start...].firstIndex(of: 10) {
                var end = i
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = i + 1
                return line
            }
            guard try fill() != nil else { throw HTTPError.io("connection closed by \(endpoint)") }
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count - start < count {
            guard try fill() != nil else { throw HTTPError.io("connection closed by \(endpoint)") }
        }
        let out = Array(buffer[start..<start + count])
        start += count
        return out
    }
}

/// Sets a socket's send and receive timeouts (0: none).
private func setTimeout(_ fd: Int32, seconds: Int) {
    var tv = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
