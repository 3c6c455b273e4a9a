/// A comparison guarding a transaction (etcd `Compare`), on one key.
///
/// A missing key has version, create revision, mod revision and lease 0; a value comparison on a missing key
/// is false, as in etcd.
public struct Compare: Sendable, Hashable {
    /// What is compared.
    public enum Target: Sendable, Hashable {
        /// The value, compared byte-wise.
        case value([UInt8])
        /// The number of writes since creation (0 for a missing key).
        case version(Int64)
        /// The revision that created the key (0 for a missing key).
        case createRevision(Int64)
        /// The revision of the key's last write (0 for a missing key).
        case modRevision(Int64)
        /// The lease the key is attached to (0 for none or a missing key).
        case lease(Int64)
    }

    /// The comparison operator.
    public enum Result: String, Sendable, Hashable {
        /// `==`
        case equal = "EQUAL"
        /// `!=`
        case notEqual = "NOT_EQUAL"
        /// `<`
        case less = "LESS"
        /// `>`
        case greater = "GREATER"
    }

    /// The key compared.
    public var key: [UInt8]
    /// The operator: the key's field `result` the target operand.
    public var result: Result
    /// The field and operand.
    public var target: Target

    /// Creates a comparison: `key`'s field (`target`) `result` operand.
    public init(key: [UInt8], _ result: Result, _ target: Target) {
        self.key = key
        self.result = result
        self.target = target
    }

    /// Creates a comparison on a string key.
    public init(_ key: String, _ result: Result, _ target: Target) {
        self.init(key: Array(key.utf8), result, target)
    }

    /// Evaluates the comparison against the key's current version (`nil`: the key does not exist).
    func holds(for kv: KeyValue?) -> Bool {
        switch target {
        case .value(let operand):
            guard let kv else { return false }
            return Self.order(kv.value, operand, result)
        case .version(let v): return Self.order(kv?.version ?? 0, v, result)
        case .createRevision(let v): return Self.order(kv?.createRevision ?? 0, v, result)
        case .modRevision(let v): return Self.order(kv?.modRevision ?? 0, v, result)
        case .lease(let v): return Self.order(kv?.lease ?? 0, v, result)
        }
    }

    private static func order(_ a: Int64, _ b: Int64, _ r: Result) -> Bool {
        switch r {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .greater: a > b
        }
    }

    private static func order(_ a: [UInt8], _ b: [UInt8], _ r: Result) -> Bool {
        switch r {
        case .equal: a == b
        case .notEqual: a != b
        case .less: keyLess(a, b)
        case .greater: keyLess(b, a)
        }
    }
}

/// One operation in a transaction branch.
public enum TxnOp: Sendable, Hashable {
    /// A read; sees the transaction's earlier writes.
    case range(RangeRequest)
    /// A write.
    case put(PutRequest)
    /// A delete.
    case deleteRange(DeleteRangeRequest)
}

/// The result of one `TxnOp`, in order.
public enum TxnOpResponse: Sendable, Hashable {
    /// The answer to a `.range` op.
    case range(RangeResponse)
    /// The answer to a `.put` op.
    case put(PutResponse)
    /// The answer to a `.deleteRange` op.
    case deleteRange(DeleteRangeResponse)
}

/// An atomic if/then/else (etcd `TxnRequest`): when every comparison holds, `success` runs, else `failure`.
/// All writes of the chosen branch share one new revision; a branch with no writes does not advance it.
/// A branch may not write the same key twice (`StoreError.duplicateKey`).
public struct TxnRequest: Sendable, Hashable {
    /// Comparisons, all of which must hold.
    public var compare: [Compare]
    /// Operations run when every comparison holds.
    public var success: [TxnOp]
    /// Operations run otherwise.
    public var failure: [TxnOp]

    /// Creates a transaction.
    public init(compare: [Compare] = [], success: [TxnOp] = [], failure: [TxnOp] = []) {
        self.compare = compare
        self.success = success
        self.failure = failure
    }

    /// Bytes of keys and values in the request, checked against `StoreLimits.maxRequestBytes`.
    var size: Int {
        func opSize(_ op: TxnOp) -> Int {
            switch op {
            case .range(let r): r.range.start.count + (r.range.end?.count ?? 0)
            case .put(let p): p.key.count + p.value.count
            case .deleteRange(let d): d.range.start.count + (d.range.end?.count ?? 0)
            }
        }
        var total = 0
        for c in compare {
            total += c.key.count
            if case .value(let v) = c.target { total += v.count }
        }
        for op in success { total += opSize(op) }
        for op in failure { total += opSize(op) }
        return total
    }
}

/// The answer to a `TxnRequest`.
public struct TxnResponse: Sendable, Hashable {
    /// The store revision after the transaction.
    public var revision: Int64
    /// Whether every comparison held (the `success` branch ran).
    public var succeeded: Bool
    /// The results of the branch that ran, in order.
    public var responses: [TxnOpResponse]

    /// Creates a transaction response.
    public init(revision: Int64, succeeded: Bool, responses: [TxnOpResponse]) {
        self.revision = revision
        self.succeeded = succeeded
        self.responses = responses
    }
}
