import FoundationEssentials

/// The JSON shapes of etcd 3.4's grpc-gateway (`/v3/...`): proto field names, keys and values in base64,
/// 64-bit integers as strings, zero values omitted. Pure data; `EtcdStore` converts to and from the public
/// types.
enum EtcdJSON {
    /// An int64 that etcd writes as a JSON string (and accepts as one).
    struct I64: Codable, Sendable {
        var value: Int64
        init(_ value: Int64) { self.value = value }
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self), let v = Int64(s) {
                value = v
            } else {
                value = try c.decode(Int64.self)
            }
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(String(value))
        }
    }

    static func b64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
    static func bytes(_ b64: String?) -> [UInt8] {
        guard let b64, !b64.isEmpty, let data = Data(base64Encoded: b64) else { return [] }
        return [UInt8](data)
    }

    struct Header: Codable { var revision: I64? }

    struct KV: Codable {
        var key: String?
        var value: String?
        var create_revision: I64?
        var mod_revision: I64?
        var version: I64?
        var lease: I64?

        var keyValue: KeyValue {
            KeyValue(
                key: bytes(key), value: bytes(value), createRevision: create_revision?.value ?? 0,
                modRevision: mod_revision?.value ?? 0, version: version?.value ?? 0, lease: lease?.value ?? 0)
        }
    }

    struct RangeReq: Codable {
        var key: String
        var range_end: String?
        var limit: I64?
        var revision: I64?
        var keys_only: Bool?
        var count_only: Bool?

        init(_ r: RangeRequest) {
            key = b64(r.range.start)
            range_end = r.range.end.map(b64)
            limit = r.limit > 0 ? I64(r.limit) : nil
            revision = r.revision > 0 ? I64(r.revision) : nil
            keys_only = r.keysOnly ? true : nil
            count_only = r.countOnly ? true : nil
        }
    }

    struct RangeResp: Codable {
        var header: Header?
        var kvs: [KV]?
        var more: Bool?
        var count: I64?

        func response(revision: Int64? = nil) -> RangeResponse {
            RangeResponse(
                revision: revision ?? header?.revision?.value ?? 0, kvs: (kvs ?? []).map(\.keyValue),
                count: count?.value ?? 0, more: more ?? false)
        }
    }

    struct PutReq: Codable {
        var key: String
        var value: String
        var lease: I64?
        var prev_kv: Bool?

        init(_ p: PutRequest) {
            key = b64(p.key)
            value = b64(p.value)
            lease = p.lease != 0 ? I64(p.lease) : nil
            prev_kv = p.prevKV ? true : nil
        }
    }

    struct PutResp: Codable {
        var header: Header?
        var prev_kv: KV?
    }

    struct DeleteReq: Codable {
        var key: String
        var range_end: String?
        var prev_kv: Bool?

        init(_ d: DeleteRangeRequest) {
            key = b64(d.range.start)
            range_end = d.range.end.map(b64)
            prev_kv = d.prevKV ? true : nil
        }
    }

    struct DeleteResp: Codable {
        var header: Header?
        var deleted: I64?
        var prev_kvs: [KV]?
    }

    struct CompareJ: Codable {
        var key: String
        var target: String
        var result: String
        var value: String?
        var version: I64?
        var create_revision: I64?
        var mod_revision: I64?
        var lease: I64?

        init(_ c: Compare) {
            key = b64(c.key)
            result = c.result.rawValue
            switch c.target {
            case .value(let v):
                target = "VALUE"
                value = b64(v)
            case .version(let v):
                target = "VERSION"
                version = I64(v)
            case .createRevision(let v):
                target = "CREATE"
                create_revision = I64(v)
            case .modRevision(let v):
                target = "MOD"
                mod_revision = I64(v)
            case .lease(let v):
                target = "LEASE"
                lease = I64(v)
            }
        }
    }

    struct OpJ: Codable {
        var request_range: RangeReq?
        var request_put: PutReq?
        var request_delete_range: DeleteReq?

        init(_ op: TxnOp) {
            switch op {
            case .range(let r): request_range = RangeReq(r)
            case .put(let p): request_put = PutReq(p)
            case .deleteRange(let d): request_delete_range = DeleteReq(d)
            }
        }
    }

    struct TxnReq: Codable {
        var compare: [CompareJ]
        var success: [OpJ]
        var failure: [OpJ]

        init(_ t: TxnRequest) {
            compare = t.compare.map(CompareJ.init)
            success = t.success.map(OpJ.init)
            failure = t.failure.map(OpJ.init)
        }
    }

    struct OpRespJ: Codable {
        var response_range: RangeResp?
        var response_put: PutResp?
        var response_delete_range: DeleteResp?
    }

    struct TxnResp: Codable {
        var header: Header?
        var succeeded: Bool?
        var responses: [OpRespJ]?
    }

    struct CompactReq: Codable {
        var revision: I64
        var physical: Bool
    }

    struct LeaseGrantReq: Codable {
        var TTL: I64
        var ID: I64?
    }

    struct LeaseResp: Codable {
        var header: Header?
        var ID: I64?
        var TTL: I64?
        var grantedTTL: I64?
        var keys: [String]?
        var error: String?
    }

    struct LeaseIDReq: Codable {
        var ID: I64
        var keys: Bool?
    }

    struct StreamResult<T: Codable>: Codable {
        var result: T?
        var error: ErrorJ?
    }

    struct WatchCreate: Codable {
        var key: String
        var range_end: String?
        var start_revision: I64?
        var progress_notify: Bool?
        var prev_kv: Bool?
    }

    struct WatchReq: Codable { var create_request: WatchCreate }

    struct EventJ: Codable {
        var type: String?
        var kv: KV?
        var prev_kv: KV?
    }

    struct WatchResp: Codable {
        var header: Header?
        var created: Bool?
        var canceled: Bool?
        var compact_revision: I64?
        var cancel_reason: String?
        var events: [EventJ]?
    }

    struct StatusResp: Codable {
        var header: Header?
        var version: String?
        var dbSize: I64?
    }

    struct SnapshotChunk: Codable {
        var blob: String?
    }

    /// The gateway's error body: `{"error": "...", "message": "...", "code": N}`.
    struct ErrorJ: Codable {
        var error: String?
        var message: String?
        var code: Int?
    }
}
