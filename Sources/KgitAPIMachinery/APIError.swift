/// A failed API request, rendered to clients as a Kubernetes `Status` object.
///
/// Every error the API server reports goes through this type so that `reason` and `code` always
/// agree with upstream Kubernetes (kubectl prints `Error from server (<reason>): <message>`).
public struct APIError: Error, Sendable, Equatable {
    /// The machine-readable reason, e.g. `NotFound`.
    public var reason: String
    /// The HTTP status code.
    public var code: Int
    /// The human-readable message.
    public var message: String
    /// `details.name`, `details.group`, `details.kind` and `details.causes` when known.
    public var details: Details?

    /// The object an error refers to, and field-level causes.
    public struct Details: Sendable, Equatable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var causes: [Cause]
        public var retryAfterSeconds: Int?

        public init(name: String? = nil, group: String? = nil, kind: String? = nil, causes: [Cause] = [],
                    retryAfterSeconds: Int? = nil) {
            self.name = name
            self.group = group
            self.kind = kind
            self.causes = causes
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// One field-level cause of an `Invalid` or `Conflict` error.
    public struct Cause: Sendable, Equatable {
        public var type: String
        public var message: String
        public var field: String

        public init(type: String, message: String, field: String) {
            self.type = type
            self.message = message
            self.field = field
        }
    }

    public init(reason: String, code: Int, message: String, details: Details? = nil) {
        self.reason = reason
        self.code = code
        self.message = message
        self.details = details
    }

    /// The `Status` object sent to clients.
    public var status: JSONValue {
        var object: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .int(Int64(code)),
        ]
        if let details {
            var d: [String: JSONValue] = [:]
            if let name = details.name { d["name"] = .string(name) }
            if let group = details.group, !group.isEmpty { d["group"] = .string(group) }
            if let kind = details.kind { d["kind"] = .string(kind) }
            if let retry = details.retryAfterSeconds { d["retryAfterSeconds"] = .int(Int64(retry)) }
            if !details.causes.isEmpty {
                d["causes"] = .array(details.causes.map {
                    ["reason": .string($0.type), "message": .string($0.message), "field": .string($0.field)]
                })
            }
            object["details"] = .object(d)
        }
        return object
    }
}

// MARK: - Constructors for the reasons upstream uses

extension APIError {
    static func qualified(_ resource: String, _ group: String) -> String {
        group.isEmpty ? resource : "\(resource).\(group)"
    }

    /// 404: `pods "x" not found`.
    public static func notFound(resource: String, group: String = "", name: String) -> APIError {
        APIError(reason: "NotFound", code: 404, message: "\(qualified(resource, group)) \"\(name)\" not found",
                 details: Details(name: name, group: group, kind: resource))
    }

    /// 404 for a path that names no resource.
    public static func pathNotFound() -> APIError {
        APIError(reason: "NotFound", code: 404, message: "the server could not find the requested resource",
                 details: Details())
    }

    /// 409: `namespaces "x" already exists`.
    public static func alreadyExists(resource: String, group: String = "", name: String) -> APIError {
        APIError(reason: "AlreadyExists", code: 409,
                 message: "\(qualified(resource, group)) \"\(name)\" already exists",
                 details: Details(name: name, group: group, kind: resource))
    }

    /// 409: an optimistic-concurrency failure.
    public static func conflict(resource: String, group: String = "", name: String, message: String) -> APIError {
        APIError(reason: "Conflict", code: 409,
                 message: "Operation cannot be fulfilled on \(qualified(resource, group)) \"\(name)\": \(message)",
                 details: Details(name: name, group: group, kind: resource))
    }

    /// 422: the object is invalid; each cause names a field.
    public static func invalid(kind: String, group: String = "", name: String, causes: [Cause]) -> APIError {
        let list = causes.map { "\($0.field): \($0.message)" }.joined(separator: ", ")
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        return APIError(reason: "Invalid", code: 422,
                        message: "\(qualifiedKind) \"\(name)\" is invalid: \(list)",
                        details: Details(name: name, group: group, kind: kind, causes: causes))
    }

    /// 400.
    public static func badRequest(_ message: String) -> APIError {
        APIError(reason: "BadRequest", code: 400, message: message)
    }

    /// 401.
    public static func unauthorized() -> APIError {
        APIError(reason: "Unauthorized", code: 401, message: "Unauthorized")
    }

    /// 403: `User "x" cannot list resource "pods" in API group "" in the namespace "default"`.
    public static func forbidden(message: String, resource: String = "", group: String = "", name: String? = nil)
        -> APIError
    {
        APIError(reason: "Forbidden", code: 403, message: message,
                 details: Details(name: name, group: group, kind: resource))
    }

    /// 405.
    public static func methodNotAllowed(_ message: String = "the server does not allow this method on the requested resource") -> APIError {
        APIError(reason: "MethodNotAllowed", code: 405, message: message, details: Details())
    }

    /// 406.
    public static func notAcceptable(_ message: String) -> APIError {
        APIError(reason: "NotAcceptable", code: 406, message: message)
    }

    /// 410: a watch or list resumed from a compacted resourceVersion.
    public static func expired(_ message: String) -> APIError {
        APIError(reason: "Expired", code: 410, message: message)
    }

    /// 413.
    public static func requestEntityTooLarge(limit: Int) -> APIError {
        APIError(reason: "RequestEntityTooLarge", code: 413,
                 message: "the request body is larger than the limit of \(limit) bytes")
    }

    /// 415.
    public static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(reason: "UnsupportedMediaType", code: 415,
                 message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf; got \(contentType)")
    }

    /// 500.
    public static func internalError(_ message: String) -> APIError {
        APIError(reason: "InternalError", code: 500, message: "Internal error occurred: \(message)")
    }
}
