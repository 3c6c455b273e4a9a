#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import Synchronization

/// One etcd watch over the gateway's streaming `/v3/watch`: a dedicated thread reads newline-delimited JSON
/// results and feeds a `WatchStream`.
///
/// On a broken connection it reconnects to the next endpoint and resumes from the revision after the last
/// event it delivered (so nothing is lost or repeated), giving up with `StoreError.unavailable` after every
/// endpoint failed three times in a row. Cancelling the consumer shuts the socket down, which ends the thread.
/// A consumer more than the request's `bufferLimit` responses behind is cancelled with
/// `StoreError.watchCancelled` (the watch stops reading from etcd).
enum EtcdWatch {
    /// Cancellation state shared by the consumer and the reading thread.
    final class Control: Sendable {
        private let state = Mutex<(connection: HTTPConnection?, cancelled: Bool)>((nil, false))

        func cancel() {
            let c = state.withLock { s -> HTTPConnection? in
                s.cancelled = true
                return s.connection
            }
            c?.shutdownNow()
        }

        var cancelled: Bool { state.withLock { $0.cancelled } }

        /// Records the live connection; false when already cancelled.
        func attach(_ c: HTTPConnection?) -> Bool {
            state.withLock { s in
                s.connection = c
                return !s.cancelled
            }
        }
    }

    /// Starts the watch and returns once etcd confirmed its creation.
    static func start(_ request: WatchRequest, client: EtcdClient) async throws -> WatchStream {
        let (stream, continuation) = WatchStream.makeStream(bufferingPolicy: .bufferingOldest(request.bufferLimit))
        let control = Control()
        continuation.onTermination = { _ in control.cancel() }
        try await withCheckedThrowingContinuation { (created: CheckedContinuation<Void, any Error>) in
            startThread {
                run(request, client: client, control: control, continuation: continuation, created: created)
            }
        }
        return stream
    }

    private static func run(
        _ request: WatchRequest, client: EtcdClient, control: Control, continuation: WatchStream.Continuation,
        created: CheckedContinuation<Void, any Error>
    ) {
        var createdSignal: CheckedContinuation<Void, any Error>? = created
        var next = request.startRevision
        var failures = 0
        var lastError = ""
        let decoder = JSONDecoder()
        outer: while !control.cancelled && failures < 3 * client.endpoints.count {
            let index = client.preferredEndpoint
            let connection: HTTPConnection
            do {
                connection = try HTTPConnection(client.endpoints[index], tls: client.tls)
            } catch {
                lastError = "\(error)"
                client.failed(index)
                failures += 1
                usleep(100_000)
                continue
            }
            guard control.attach(connection) else { break }
            let create = EtcdJSON.WatchCreate(
                key: EtcdJSON.b64(request.range.start), range_end: request.range.end.map(EtcdJSON.b64),
                start_revision: next > 0 ? .init(next) : nil, progress_notify: request.progressNotify ? true : nil,
                prev_kv: request.prevKV ? true : nil)
            do {
                let body = try [UInt8](JSONEncoder().encode(EtcdJSON.WatchReq(create_request: create)))
                try connection.post("/v3/watch", body: body, keepAlive: false)
                let head = try connection.readHead()
                if head.status != 200 {
                    let rest = try? connection.readChunk()
                    let decoded = rest.flatMap { try? decoder.decode(EtcdJSON.ErrorJ.self, from: Data($0)) }
                    let error = EtcdStore.map(decoded, status: head.status)
                    createdSignal?.resume(throwing: error)
                    createdSignal = nil
                    continuation.finish(throwing: error)
                    return
                }
                var pending: [UInt8] = []
                while let chunk = try (head.chunked ? connection.readChunk() : nil) {
                    pending += chunk
                    while let newline = pending.firstIndex(of: 10) {
                        let line = Array(pending[..<newline])
                        pending.removeFirst(newline + 1)
                        if line.isEmpty { continue }
                        let message = try decoder.decode(EtcdJSON.StreamResult<EtcdJSON.WatchResp>.self, from: Data(line))
                        if let e = message.error {
                            let error = EtcdStore.map(e, status: 200)
                            createdSignal?.resume(throwing: error)
                            createdSignal = nil
                            continuation.finish(throwing: error)
                            return
                        }
                        guard let r = message.result else { continue }
                        let revision = r.header?.revision?.value ?? 0
                        if r.created == true {
                            failures = 0
                            if next == 0 { next = revision + 1 }
                            createdSignal?.resume()
                            createdSignal = nil
                            continue
                        }
                        if r.canceled == true {
                            let error: StoreError =
                                if let c = r.compact_revision?.value, c > 0 { .compacted(compactRevision: c) } else {
                                    .unavailable("watch canceled by etcd: \(r.cancel_reason ?? "no reason given")")
                                }
                            createdSignal?.resume(throwing: error)
                            createdSignal = nil
                            continuation.finish(throwing: error)
                            return
                        }
                        let events = (r.events ?? []).map { e in
                            Event(
                                kind: e.type == "DELETE" ? .delete : .put, kv: e.kv?.keyValue ?? KeyValue(
                                    key: [], value: [], createRevision: 0, modRevision: 0, version: 0),
                                prevKV: e.prev_kv?.keyValue)
                        }
                        if let last = events.last { next = last.kv.modRevision + 1 }
                        if case .dropped = continuation.yield(WatchResponse(revision: revision, events: events)),
                            let first = events.first?.kv.modRevision
                        {
                            // The consumer fell too far behind: stop watching (the connection closes on
                            // return) and tell it where to resume once it has read what is buffered.
                            _ = control.attach(nil)
                            continuation.finish(
                                throwing: StoreError.watchCancelled(resumeRevision: first, limit: request.bufferLimit))
                            return
                        }
                    }
                }
                lastError = "watch stream ended"
            } catch {
                lastError = "\(error)"
            }
            if control.cancelled { break outer }
            client.failed(index)
            failures += 1
            usleep(100_000)
        }
        _ = control.attach(nil)
        if control.cancelled {
            createdSignal?.resume(throwing: CancellationError())
            continuation.finish()
        } else {
            let error = StoreError.unavailable("watch: \(lastError)")
            createdSignal?.resume(throwing: error)
            continuation.finish(throwing: error)
        }
    }

    /// Reads the whole maintenance snapshot stream into memory.
    static func snapshot(client: EtcdClient) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<[UInt8], any Error>) in
            startThread {
                c.resume(with: Result { try readSnapshot(client: client) })
            }
        }
    }

    private static func readSnapshot(client: EtcdClient) throws -> [UInt8] {
        let connection = try HTTPConnection(client.endpoints[client.preferredEndpoint], tls: client.tls, readTimeoutSeconds: 60)
        try connection.post("/v3/maintenance/snapshot", body: Array("{}".utf8), keepAlive: false)
        let (head, body) = try connection.readResponse()
        if head.status != 200 { throw StoreError.unavailable("snapshot: HTTP \(head.status)") }
        var out: [UInt8] = []
        let decoder = JSONDecoder()
        for line in body.split(separator: 10) where !line.isEmpty {
            let message = try decoder.decode(EtcdJSON.StreamResult<EtcdJSON.SnapshotChunk>.self, from: Data(line))
            if let e = message.error { throw EtcdStore.map(e, status: 200) }
            out += EtcdJSON.bytes(message.result?.blob)
        }
        return out
    }
}
