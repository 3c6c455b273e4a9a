import FoundationEssentials
import Synchronization

/// Unary calls to etcd's JSON gateway over a pool of keep-alive HTTP/1.1 connections, with endpoint failover.
///
/// Blocking socket I/O runs on worker threads (started on demand, up to `maxConcurrency`), never on Swift's
/// cooperative pool. Failover: when an endpoint cannot be reached, the next one is tried and becomes the
/// preferred one. A request whose connection broke after it was sent is retried elsewhere only when it is
/// idempotent (reads, lease queries); a write then fails with `StoreError.unavailable`, because it may or may
/// not have been applied.
final class EtcdClient: Sendable {
    let endpoints: [HTTPConnection.Endpoint]
    /// TLS settings for `https` endpoints.
    let tls: TLSClientContext?
    private let maxConcurrency: Int
    private let preferred = Atomic<Int>(0)
    private let idle: Mutex<[[HTTPConnection]]>
    private let jobs = BlockingQueue<Job>()
    private let workers = Mutex<(idle: Int, closed: Bool)>((0, false))

    struct Job: Sendable {
        var path: String
        var body: [UInt8]
        var idempotent: Bool
        var done: @Sendable (Result<[UInt8], any Error>) -> Void
    }

    init(endpoints: [HTTPConnection.Endpoint], tls: TLSClientContext?, maxConcurrency: Int) {
        self.endpoints = endpoints
        self.tls = tls
        self.maxConcurrency = maxConcurrency
        idle = Mutex(Array(repeating: [], count: endpoints.count))
    }

    /// The endpoint currently tried first.
    var preferredEndpoint: Int { preferred.load(ordering: .relaxed) % endpoints.count }

    /// Marks `index` as failed so the next request starts with the following endpoint.
    func failed(_ index: Int) {
        _ = preferred.compareExchange(expected: index, desired: (index + 1) % endpoints.count, ordering: .relaxed)
    }

    /// POSTs a JSON body and returns the 200 response body; a gateway error body is thrown as the
    /// `StoreError` `mapError` makes of it.
    func call(_ path: String, _ body: [UInt8], idempotent: Bool) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<[UInt8], any Error>) in
            if workers.withLock({ $0.closed }) {
                c.resume(throwing: StoreError.closed)
                return
            }
            jobs.append(Job(path: path, body: body, idempotent: idempotent) { c.resume(with: $0) })
            startWorkerIfNeeded()
        }
    }

    private let started = Atomic<Int>(0)

    private func startWorkerIfNeeded() {
        let need = workers.withLock { w -> Bool in
            if w.idle > 0 || started.load(ordering: .relaxed) >= maxConcurrency { return false }
            started.add(1, ordering: .relaxed)
            return true
        }
        if need { startThread { [self] in self.work() } }
    }

    private func work() {
        while true {
            workers.withLock { $0.idle += 1 }
            let job = jobs.takeOne()
            workers.withLock { $0.idle -= 1 }
            if job.path.isEmpty { return }
            job.done(perform(job))
        }
    }

    /// Stops the workers and drops pooled connections.
    func close() {
        workers.withLock { $0.closed = true }
        for _ in 0..<started.load(ordering: .relaxed) {
            jobs.append(Job(path: "", body: [], idempotent: true) { _ in })
        }
        idle.withLock { $0 = Array(repeating: [], count: endpoints.count) }
    }

    private func perform(_ job: Job) -> Result<[UInt8], any Error> {
        var lastError = "no endpoint"
        let first = preferredEndpoint
        for attempt in 0..<endpoints.count {
            let index = (first + attempt) % endpoints.count
            var pooled = true
            var connection = idle.withLock { $0[index].popLast() }
            if connection == nil {
                pooled = false
                do {
                    connection = try HTTPConnection(endpoints[index], tls: tls, readTimeoutSeconds: 30)
                } catch {
                    lastError = "\(error)"
                    failed(index)
                    continue
                }
            }
            guard let connection else { continue }
            do {
                try connection.post(job.path, body: job.body)
                let (head, body) = try connection.readResponse()
                if !head.close { idle.withLock { $0[index].append(connection) } }
                if head.status == 200 { return .success(body) }
                let answer = GatewayError(status: head.status, body: body)
                // UNAVAILABLE (no leader, leader changed, timed out): this member may be cut off from the
                // quorum, so a read asks the next one. A write gets the error: after a timeout its outcome
                // is unknown, and retrying it could apply it twice.
                if job.idempotent && answer.decoded?.code == 14 && attempt < endpoints.count - 1 {
                    lastError = "\(endpoints[index]): \(answer.decoded?.message ?? "unavailable")"
                    failed(index)
                    continue
                }
                return .failure(answer)
            } catch {
                lastError = "\(endpoints[index]): \(error)"
                if pooled, case HTTPConnection.HTTPError.io = error, job.idempotent {
                    // A stale keep-alive connection: try this endpoint once more with a fresh one.
                    if let fresh = try? HTTPConnection(endpoints[index], tls: tls, readTimeoutSeconds: 30),
                        (try? fresh.post(job.path, body: job.body)) != nil,
                        let (head, body) = try? fresh.readResponse()
                    {
                        if !head.close { idle.withLock { $0[index].append(fresh) } }
                        return head.status == 200 ? .success(body) : .failure(GatewayError(status: head.status, body: body))
                    }
                }
                failed(index)
                if !job.idempotent { return .failure(StoreError.unavailable("\(lastError) (the write may have been applied)")) }
            }
        }
        return .failure(StoreError.unavailable(lastError))
    }
}
