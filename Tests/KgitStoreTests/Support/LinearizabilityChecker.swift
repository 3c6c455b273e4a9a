/// A Wing & Gong linearizability checker (with Lowe's memoisation) for a single register supporting read,
/// write and compare-and-set, the model `StoreLinearizabilityTests` drives the stores with.
///
/// A history is linearizable when its operations can be put in one order that respects real time (an
/// operation that finished before another started comes first) and in which every result is what the
/// sequential register would have answered.
struct RegisterHistory {
    enum Op: Hashable, CustomStringConvertible {
        case read(Int?)  // the value read (nil: the key did not exist)
        case write(Int)
        case cas(expected: Int, new: Int, succeeded: Bool)

        var description: String {
            switch self {
            case .read(let v): "read→\(v.map(String.init) ?? "nil")"
            case .write(let v): "write(\(v))"
            case .cas(let e, let n, let ok): "cas(\(e)→\(n))=\(ok)"
            }
        }
    }

    struct Entry: CustomStringConvertible {
        var client: Int
        var op: Op
        var invoked: UInt64
        var returned: UInt64
        var description: String { "c\(client) \(op) [\(invoked), \(returned)]" }
    }

    var entries: [Entry] = []

    /// Applies `op` to the register state; `nil` when the recorded result is impossible from `state`.
    static func step(_ state: Int?, _ op: Op) -> Int?? {
        switch op {
        case .read(let v): return v == state ? .some(state) : nil
        case .write(let v): return .some(v)
        case .cas(let e, let n, let ok):
            if ok { return state == e ? .some(n) : nil }
            return state != e ? .some(state) : nil
        }
    }

    /// Whether the history is linearizable from an initially missing key.
    func isLinearizable() -> Bool {
        precondition(entries.count <= 62, "the checker handles at most 62 operations")
        var failed = Set<Failure>()
        return search(done: 0, state: nil, failed: &failed)
    }

    private struct Failure: Hashable {
        var done: UInt64
        var state: Int?
    }

    private func search(done: UInt64, state: Int?, failed: inout Set<Failure>) -> Bool {
        if done == (UInt64(1) << entries.count) - 1 { return true }
        if failed.contains(Failure(done: done, state: state)) { return false }
        // The earliest return among pending operations bounds which ones may go next.
        var horizon = UInt64.max
        for (i, e) in entries.enumerated() where done & (1 << i) == 0 { horizon = min(horizon, e.returned) }
        for (i, e) in entries.enumerated() where done & (1 << i) == 0 && e.invoked <= horizon {
            if let next = Self.step(state, e.op), search(done: done | (1 << i), state: next, failed: &failed) {
                return true
            }
        }
        failed.insert(Failure(done: done, state: state))
        return false
    }
}
