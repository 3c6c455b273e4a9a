import Foundation
import KgitAPIMachinery

/// The audit log: one `audit.k8s.io/v1 Event` per request at level Metadata (who, what, when,
/// the outcome; never bodies), appended as JSON lines to a file such as `DIR/audit.log`.
///
/// Health probes are not recorded. Watches are recorded when their response starts
/// (`ResponseStarted`); everything else when complete. Write failures are reported once on
/// standard error and do not fail requests.
public actor AuditLog {
    private let handle: FileHandle
    private var reportedFailure = false

    /// Opens (creating, mode 0600) the log at `url` for appending.
    public init(url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
            else { throw CocoaError(.fileWriteUnknown) }
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    /// The event for one request (pure; exposed for tests).
    static func event(_ request: APIRequest, route: Route, user: UserInfo?, status: Int, received: Date,
                      completed: Date, annotations: [String: String] = [:]) -> JSONValue? {
        if case .health = route { return nil }
        var verb = request.method.lowercased()
        var objectRef: JSONValue?
        if case .resource(let r) = route {
            verb = r.verb
            var ref: JSONValue = ["resource": .string(r.resource), "apiVersion": .string(r.version)]
            if !r.group.isEmpty { ref["apiGroup"] = .string(r.group) }
            if let namespace = r.namespace { ref["namespace"] = .string(namespace) }
            if let name = r.name { ref["name"] = .string(name) }
            if let sub = r.subresource { ref["subresource"] = .string(sub) }
            objectRef = ref
        }
        let target = request.query.items.isEmpty ? request.path
            : request.path + "?" + request.query.items.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        var event: JSONValue = [
            "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
            "auditID": .string(UUID().uuidString.lowercased()),
            "stage": .string(verb == "watch" ? "ResponseStarted" : "ResponseComplete"),
            "requestURI": .string(target), "verb": .string(verb),
            "responseStatus": ["metadata": [:], "code": .int(Int64(status))],
            "requestReceivedTimestamp": .string(microseconds(received)),
            "stageTimestamp": .string(microseconds(completed)),
        ]
        if let user {
            var u: JSONValue = ["username": .string(user.name), "groups": .array(user.groups.map(JSONValue.string))]
            if !user.uid.isEmpty { u["uid"] = .string(user.uid) }
            event["user"] = u
        } else {
            event["user"] = ["username": "system:anonymous"]
        }
        if let address = request.remoteAddress { event["sourceIPs"] = [.string(address)] }
        if let agent = request.header("User-Agent") { event["userAgent"] = .string(agent) }
        if let objectRef { event["objectRef"] = objectRef }
        if !annotations.isEmpty { event["annotations"] = .object(annotations.mapValues(JSONValue.string)) }
        return event
    }

    static func microseconds(_ date: Date) -> String {
        let base = RFC3339.format(date)
        let micros = Int((date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)) * 1_000_000)
        let fraction = String(micros)
        return String(base.dropLast()) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }

    /// Appends the event for one request.
    func record(_ request: APIRequest, route: Route, user: UserInfo?, status: Int, received: Date, completed: Date,
                annotations: [String: String] = [:]) {
        guard let event = AuditLog.event(request, route: route, user: user, status: status, received: received,
                                         completed: completed, annotations: annotations)
        else { return }
        do {
            try handle.write(contentsOf: Data((event.serialized() + "\n").utf8))
        } catch {
            if !reportedFailure {
                reportedFailure = true
                try? FileHandle.standardError.write(contentsOf: Data("kgit server: cannot write the audit log: \(error)\n".utf8))
            }
        }
    }
}
