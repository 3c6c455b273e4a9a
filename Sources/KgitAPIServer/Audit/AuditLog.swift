import Foundation
import KgitAPIMachinery
import Synchronization

/// The audit log: one `audit.k8s.io/v1 Event` per request at level Metadata (who, what, when,
/// the outcome; never bodies), appended as JSON lines to a file such as `DIR/audit.log`.
///
/// Health probes are not recorded. Watches are recorded when their response starts
/// (`ResponseStarted`); everything else when complete. Write failures are reported once on
/// standard error and do not fail requests.
///
/// ```
/// request task ─ event → line ─▶ queue ─▶ the log's own thread: take every queued line ─▶ one write ─▶ resume
///   (suspends, no thread held) ◀───────────────────────────────────────────────────────────────────────┘
/// ```
/// A request's line is in the file before its response is sent, as before, but the file is written on a
/// thread of the log's own, never on a task's thread: a write that stalls (the disk busy, the thread
/// preempted) holds no thread of the cooperative pool and serialises nothing but the lines waiting for it,
/// which then go out in one write.
public final class AuditLog: Sendable {
    private let queue: AuditQueue

    /// Opens (creating, mode 0600) the log at `url` for appending.
    public convenience init(url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
            else { throw CocoaError(.fileWriteUnknown) }
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        let reported = Mutex(false)
        self.init { bytes in
            do {
                try handle.write(contentsOf: Data(bytes))
            } catch {
                // Reported once: the first failure says why, later ones would repeat it per request.
                guard reported.withLock({ reported in defer { reported = true }; return !reported }) else { return }
                try? FileHandle.standardError.write(contentsOf: Data("kgit server: cannot write the audit log: \(error)\n".utf8))
            }
        }
    }

    /// A log whose batches of lines go to `write`, called on the log's thread (for tests).
    init(write: @escaping @Sendable ([UInt8]) -> Void) {
        queue = AuditQueue(write: write)
        queue.start()
    }

    deinit {
        queue.close()
    }

    /// The name of the thread that writes the file.
    static let threadName = "kgit-audit"

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

    /// Appends the event for one request; returns once it is written.
    func record(_ request: APIRequest, route: Route, user: UserInfo?, status: Int, received: Date, completed: Date,
                annotations: [String: String] = [:]) async {
        guard let event = AuditLog.event(request, route: route, user: user, status: status, received: received,
                                         completed: completed, annotations: annotations)
        else { return }
        await withCheckedContinuation { continuation in
            append(Array((event.serialized() + "\n").utf8), then: continuation)
        }
    }

    /// Queues `line` for the log's thread, which resumes `written` once the line is written. Never waits.
    func append(_ line: [UInt8], then written: CheckedContinuation<Void, Never>?) {
        queue.append(line, then: written)
    }
}

/// The lines waiting for the audit log's thread, and that thread.
private final class AuditQueue: Sendable {
    private struct State {
        var lines: [UInt8] = []
        var written: [CheckedContinuation<Void, Never>] = []
        var closed = false
    }

    private let condition = NSCondition()
    private let state = Mutex(State())
    private let write: @Sendable ([UInt8]) -> Void

    init(write: @escaping @Sendable ([UInt8]) -> Void) {
        self.write = write
    }

    func start() {
        Thread { [self] in
            // Foundation's `Thread.current` can be a different object from the `Thread` started here while
            // that thread starts (Linux), and the name set on it is then not the OS thread's, which keeps the
            // name inherited from its creator (a Dispatch worker's). So the OS thread is named directly too.
            Thread.current.name = AuditLog.threadName
            try? Data(AuditLog.threadName.utf8).write(to: URL(fileURLWithPath: "/proc/thread-self/comm"))
            run()
        }.start()
    }

    func append(_ line: [UInt8], then written: CheckedContinuation<Void, Never>?) {
        condition.lock()
        let closed = state.withLock { state in
            if state.closed { return true }
            state.lines += line
            if let written { state.written.append(written) }
            return false
        }
        condition.signal()
        condition.unlock()
        if closed { written?.resume() }
    }

    /// Takes every queued line and waiting request, leaving the queue empty.
    private func takeBatch() -> State {
        state.withLock { state in
            defer { (state.lines, state.written) = ([], []) }
            return state
        }
    }

    func close() {
        condition.lock()
        state.withLock { $0.closed = true }
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            var batch = takeBatch()
            while batch.lines.isEmpty && batch.written.isEmpty && !batch.closed {
                condition.wait()
                batch = takeBatch()
            }
            condition.unlock()
            if !batch.lines.isEmpty { write(batch.lines) }
            for continuation in batch.written { continuation.resume() }
            if batch.closed { return }
        }
    }
}
