/// One HTTP request as the API layer sees it, independent of the transport.
public struct APIRequest: Sendable {
    public var method: String
    /// The percent-decoded path, without the query.
    public var path: String
    public var query: QueryParameters
    /// Header fields in arrival order; names compare case-insensitively.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The identity established by the transport (a verified client certificate), if any.
    public var transportUser: UserInfo?
    /// The client's IP address, if known.
    public var remoteAddress: String?

    public init(method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                transportUser: UserInfo? = nil, remoteAddress: String? = nil) {
        self.remoteAddress = remoteAddress
        self.method = method
        let (path, query) = QueryParameters.split(target)
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.transportUser = transportUser
    }

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// Decoded query parameters.
public struct QueryParameters: Sendable {
    public var items: [(name: String, value: String)]

    public init(_ items: [(name: String, value: String)] = []) { self.items = items }

    /// The first value of `name`.
    public subscript(name: String) -> String? { items.first { $0.name == name }?.value }

    /// Whether `name` is `true` or `1`.
    public func flag(_ name: String) -> Bool {
        guard let v = self[name] else { return false }
        return v == "true" || v == "1"
    }

    /// Splits a request target into its decoded path and query.
    public static func split(_ target: String) -> (String, QueryParameters) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = percentDecode(String(parts.first ?? ""), plusIsSpace: false)
        var items: [(String, String)] = []
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = percentDecode(String(kv[0]), plusIsSpace: true)
                let value = kv.count == 2 ? percentDecode(String(kv[1]), plusIsSpace: true) : ""
                items.append((name, value))
            }
        }
        return (path, QueryParameters(items))
    }

    /// Decodes `%XX` escapes (and `+` as space in queries); malformed escapes are kept literally.
    static func percentDecode(_ s: String, plusIsSpace: Bool) -> String {
        guard s.contains("%") || (plusIsSpace && s.contains("+")) else { return s }
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: return b - 48
            case 65...70: return b - 55
            case 97...102: return b - 87
            default: return nil
            }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else if b == UInt8(ascii: "+") && plusIsSpace {
                out.append(UInt8(ascii: " "))
                i += 1
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
