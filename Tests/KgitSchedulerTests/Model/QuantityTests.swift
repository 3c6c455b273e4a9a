import Testing

@testable import KgitScheduler

@Suite("Quantities")
struct QuantityTests {
    @Test(
        "milli-values round up as upstream's MilliValue",
        arguments: [
            ("100m", 100), ("1", 1000), ("1.5", 1500), ("0.1", 100), ("2k", 2_000_000), ("1e3", 1_000_000),
            ("1Ki", 1_024_000), ("0.0001", 1), ("1u", 1), ("250000n", 1), ("-100m", -100), ("+2", 2000),
        ] as [(String, Int64)])
    func milliValue(_ text: String, _ want: Int64) throws {
        #expect(try Quantity(parsing: text).milliValue == want)
    }

    @Test(
        "values round up as upstream's Value",
        arguments: [
            ("512Mi", 536_870_912), ("1Gi", 1_073_741_824), ("1G", 1_000_000_000), ("1.5Gi", 1_610_612_736),
            ("100m", 1), ("128974848", 128_974_848), ("129e6", 129_000_000), ("123Mi", 128_974_848), ("1E", 1_000_000_000_000_000_000),
        ] as [(String, Int64)])
    func value(_ text: String, _ want: Int64) throws {
        #expect(try Quantity(parsing: text).value == want)
    }

    @Test("a quantity too large for 64 bits saturates") func saturates() throws {
        #expect(try Quantity(parsing: "100Ei").value == Int64.max)
    }

    @Test("invalid quantities name the problem", arguments: ["", "abc", "1x", "1.2.3", "Mi", "1ee3"])
    func invalid(_ text: String) {
        #expect(throws: QuantityError.self) { try Quantity(parsing: text) }
    }
}
