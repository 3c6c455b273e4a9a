import KgitStore
import Testing

@Suite struct KeyRangeTests {
    @Test(
        "a prefix range ends at the prefix with its last byte below 0xff incremented",
        arguments: [
            ([UInt8]([0x61]), [UInt8]([0x62])),
            ([0x61, 0xff], [0x62]),
            ([0x61, 0x62, 0xff, 0xff], [0x61, 0x63]),
            ([0xff, 0xff], [0x00]),
        ])
    func prefixEnd(prefix: [UInt8], want: [UInt8]) {
        #expect(KeyRange.prefixEnd(prefix) == want)
    }

    @Test("contains follows etcd: one key, [start, end), or everything from start")
    func contains() {
        #expect(KeyRange.key("a").contains([UInt8](utf8: "a")))
        #expect(!KeyRange.key("a").contains([UInt8](utf8: "ab")))
        let prefix = KeyRange.prefix("a/")
        #expect(prefix.contains([UInt8](utf8: "a/")) && prefix.contains([UInt8](utf8: "a/zzz")))
        #expect(!prefix.contains([UInt8](utf8: "a0")) && !prefix.contains([UInt8](utf8: "a")))
        let from = KeyRange.from([UInt8](utf8: "m"))
        #expect(from.contains([UInt8](utf8: "m")) && from.contains([0xff, 0xff]) && !from.contains([UInt8](utf8: "l")))
        #expect(KeyRange.all.contains([1]) && KeyRange.prefix("") == .all)
    }

    @Test("an empty range end means a single key")
    func emptyEndIsSingleKey() {
        #expect(KeyRange(start: [1], end: []).isSingleKey)
    }
}
