import Testing

/// The checker must reject what is wrong, or the store tests that rely on it prove nothing.
@Suite struct LinearizabilityCheckerTests {
    typealias E = RegisterHistory.Entry

    @Test("overlapping operations may be ordered either way")
    func acceptsOverlap() {
        let h = RegisterHistory(entries: [
            E(client: 0, op: .write(1), invoked: 0, returned: 10),
            E(client: 1, op: .read(1), invoked: 1, returned: 5),
            E(client: 2, op: .read(nil), invoked: 2, returned: 3),
        ])
        #expect(h.isLinearizable())
    }

    @Test("a read of a value overwritten before the read began is rejected")
    func rejectsStaleRead() {
        let h = RegisterHistory(entries: [
            E(client: 0, op: .write(1), invoked: 0, returned: 1),
            E(client: 0, op: .write(2), invoked: 2, returned: 3),
            E(client: 1, op: .read(1), invoked: 4, returned: 5),
        ])
        #expect(!h.isLinearizable())
    }

    @Test("two successful compare-and-sets from the same value are rejected")
    func rejectsDoubleCAS() {
        let h = RegisterHistory(entries: [
            E(client: 0, op: .write(0), invoked: 0, returned: 1),
            E(client: 1, op: .cas(expected: 0, new: 1, succeeded: true), invoked: 2, returned: 6),
            E(client: 2, op: .cas(expected: 0, new: 2, succeeded: true), invoked: 3, returned: 7),
        ])
        #expect(!h.isLinearizable())
    }
}
