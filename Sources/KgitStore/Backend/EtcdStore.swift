import FoundationEssentials
import Synchronization

/// A `Store` backed by a real etcd 3.4 cluster, over etcd's v3 JSON gateway (`/v3/kv/...`, `/v3/lease/...`,
/// `/v3/watch`) with a small HTTP/1.1 client of our own (no gRPC build).
///
/// Endpoints fail over in order (see `EtcdClient`); watches reconnect to the next endpoint and resume from the
/// revision after the last one delivered. Errors: etcd's error messages are mapped to `StoreError` cases; for
/// a compacted range etcd does not report the compaction revision, so `.compacted(compactRevision: 0)` is
/// thrown (a compacted watch does report it). Endpoints are `http://host:port`, or `https://host:port` with
/// `EtcdTLS` settings (CA, client certificate and key) for an etcd serving TLS with `--client-cert-auth`.
public final class EtcdStore: Store {
    private let client: EtcdClient
    private let encoder = JSONEncoder()

    /// Connects lazily to `endpoints` (`http://host:port` or `https://host:port`, tried in order).
    /// `tls` gives the CA and client certificate for `https` endpoints (without it, the system's CAs are
    /// trusted and no client certificate is sent). `maxConcurrency` bounds the in-flight unary requests (one
    /// connection and thread each). Throws `.invalidRequest` for a bad URL, TLS files that cannot be used,
    /// or TLS settings given for plain `http` endpoints.
    public init(endpoints: [String], tls: EtcdTLS? = nil, maxConcurrency: Int = 64) throws {
        let parsed = try endpoints.map { url in
            guard let e = HTTPConnection.Endpoint(url) else {
                throw StoreError.invalidRequest("bad etcd endpoint \(url) (want http://host:port or https://host:port)")
            }
            return e
        }
        if parsed.isEmpty { throw StoreError.invalidRequest("no etcd endpoints") }
        if tls != nil, let plain = parsed.first(where: { !$0.tls }) {
            throw StoreError.invalidRequest("TLS settings given, but the etcd endpoint \(plain) is not https://")
        }
        let context = parsed.contains(where: \.tls) ? try TLSClientContext(tls ?? EtcdTLS()) : nil
        client = EtcdClient(endpoints: parsed, tls: context, maxConcurrency: max(1, maxConcurrency))
    }

    // MARK: - Plumbing

    private func call<Req: Encodable, Resp: Decodable>(
        _ path: String, _ request: Req, as: Resp.Type, idempotent: Bool, leaseID: Int64 = 0, size: Int = 0
    ) async throws -> Resp {
        let body = try [UInt8](encoder.encode(request))
        do {
            let data = try await client.call(path, body, idempotent: idempotent)
            return try JSONDecoder().decode(Resp.self, from: Data(data))
        } catch let error as GatewayError {
            throw Self.map(error.decoded, status: error.status, leaseID: leaseID, size: size)
        } catch let error as DecodingError {
            throw StoreError.unavailable("unexpected answer from etcd: \(error)")
        }
    }

    /// Maps the gateway's error body to a `StoreError`.
    static func map(_ e: EtcdJSON.ErrorJ?, status: Int, leaseID: Int64 = 0, size: Int = 0) -> StoreError {
        let message = e?.message ?? e?.error ?? "HTTP \(status)"
        let has = { (s: String) in message.contains(s) }
        if has("required revision has been compacted") { return .compacted(compactRevision: 0) }
        if has("required revision is a future revision") { return .futureRevision(requested: 0, current: 0) }
        if has("requested lease not found") { return .leaseNotFound(leaseID) }
        if has("lease already exists") { return .leaseExists(leaseID) }
        if has("request is too large") || has("larger than max") || e?.code == 8 && !has("space exceeded") {
            return .requestTooLarge(size: size, limit: StoreLimits.etcd.maxRequestBytes)
        }
        if has("database space exceeded") { return .quotaExceeded(size: 0, quota: 0) }
        if has("duplicate key") { return .duplicateKey([]) }
        if e?.code == 3 { return .invalidRequest(message) }
        return .unavailable(message)
    }

    // MARK: - KV

    public func range(_ request: RangeRequest) async throws -> RangeResponse {
        try await call("/v3/kv/range", EtcdJSON.RangeReq(request), as: EtcdJSON.RangeResp.self, idempotent: true)
            .response()
    }

    public func put(_ request: PutRequest) async throws -> PutResponse {
        let r = try await call(
            "/v3/kv/put", EtcdJSON.PutReq(request), as: EtcdJSON.PutResp.self, idempotent: false,
            leaseID: request.lease, size: request.key.count + request.value.count)
        return PutResponse(revision: r.header?.revision?.value ?? 0, prevKV: r.prev_kv?.keyValue)
    }

    public func deleteRange(_ request: DeleteRangeRequest) async throws -> DeleteRangeResponse {
        let r = try await call(
            "/v3/kv/deleterange", EtcdJSON.DeleteReq(request), as: EtcdJSON.DeleteResp.self, idempotent: false)
        return DeleteRangeResponse(
            revision: r.header?.revision?.value ?? 0, deleted: r.deleted?.value ?? 0,
            prevKVs: (r.prev_kvs ?? []).map(\.keyValue))
    }

    public func txn(_ request: TxnRequest) async throws -> TxnResponse {
        let lease = (request.success + request.failure).lazy.compactMap { op -> Int64? in
            if case .put(let p) = op, p.lease != 0 { return p.lease }
            return nil
        }.first ?? 0
        let r = try await call(
            "/v3/kv/txn", EtcdJSON.TxnReq(request), as: EtcdJSON.TxnResp.self, idempotent: false, leaseID: lease,
            size: request.size)
        let revision = r.header?.revision?.value ?? 0
        let responses: [TxnOpResponse] = (r.responses ?? []).map { op in
            if let range = op.response_range { return .range(range.response(revision: revision)) }
            if let put = op.response_put { return .put(PutResponse(revision: revision, prevKV: put.prev_kv?.keyValue)) }
            let d = op.response_delete_range
            return .deleteRange(
                DeleteRangeResponse(
                    revision: revision, deleted: d?.deleted?.value ?? 0, prevKVs: (d?.prev_kvs ?? []).map(\.keyValue)))
        }
        return TxnResponse(revision: revision, succeeded: r.succeeded ?? false, responses: responses)
    }

    public func compact(_ revision: Int64) async throws {
        _ = try await call(
            "/v3/kv/compaction", EtcdJSON.CompactReq(revision: .init(revision), physical: true),
            as: EtcdJSON.PutResp.self, idempotent: true)
    }

    // MARK: - Leases

    public func grantLease(ttl: Int64, id: Int64) async throws -> Lease {
        let r = try await call(
            "/v3/lease/grant", EtcdJSON.LeaseGrantReq(TTL: .init(ttl), ID: id != 0 ? .init(id) : nil),
            as: EtcdJSON.LeaseResp.self, idempotent: false, leaseID: id)
        if let error = r.error, !error.isEmpty { throw Self.map(.init(message: error), status: 200, leaseID: id) }
        return Lease(id: r.ID?.value ?? id, ttl: r.TTL?.value ?? ttl)
    }

    public func keepAliveLease(_ id: Int64) async throws -> Int64 {
        let r = try await call(
            "/v3/lease/keepalive", EtcdJSON.LeaseIDReq(ID: .init(id)), as: EtcdJSON.StreamResult<EtcdJSON.LeaseResp>.self,
            idempotent: true, leaseID: id)
        if let e = r.error { throw Self.map(e, status: 200, leaseID: id) }
        guard let ttl = r.result?.TTL?.value, ttl > 0 else { throw StoreError.leaseNotFound(id) }
        return ttl
    }

    public func revokeLease(_ id: Int64) async throws {
        _ = try await call(
            "/v3/lease/revoke", EtcdJSON.LeaseIDReq(ID: .init(id)), as: EtcdJSON.LeaseResp.self, idempotent: false,
            leaseID: id)
    }

    public func leaseTimeToLive(_ id: Int64, keys: Bool) async throws -> LeaseTimeToLive {
        let r = try await call(
            "/v3/lease/timetolive", EtcdJSON.LeaseIDReq(ID: .init(id), keys: keys ? true : nil),
            as: EtcdJSON.LeaseResp.self, idempotent: true, leaseID: id)
        guard let ttl = r.TTL?.value, ttl >= 0 else { throw StoreError.leaseNotFound(id) }
        return LeaseTimeToLive(
            id: id, ttl: ttl, grantedTTL: r.grantedTTL?.value ?? 0, keys: (r.keys ?? []).map(EtcdJSON.bytes))
    }

    // MARK: - Watch

    public func watch(_ request: WatchRequest) async throws -> WatchStream {
        try await EtcdWatch.start(request, client: client)
    }

    // MARK: - Status, snapshot, lifecycle

    public func status() async throws -> StoreStatus {
        let r = try await call("/v3/maintenance/status", [String: String](), as: EtcdJSON.StatusResp.self, idempotent: true)
        return StoreStatus(
            backend: "etcd", revision: r.header?.revision?.value ?? 0, compactRevision: 0,
            dbSize: r.dbSize?.value ?? 0, version: r.version ?? "")
    }

    /// Streams etcd's maintenance snapshot (a bbolt file `etcdctl snapshot restore` accepts) and returns its
    /// bytes. Called by `kgit store snapshot save`.
    public func snapshot() async throws -> [UInt8] {
        try await EtcdWatch.snapshot(client: client)
    }

    public func close() async {
        client.close()
    }
}
