import KgitSchema
import Testing

@Suite struct QuantityTests {
    @Test(arguments: [
        ("100m", 0.1), ("1", 1.0), ("1Gi", 1_073_741_824.0), ("512Mi", 536_870_912.0), ("1e3", 1000.0),
        ("1E-2", 0.01), ("2k", 2000.0), ("1.5", 1.5), (".5", 0.5), ("5.", 5.0), ("+1", 1.0), ("-1", -1.0),
        ("250u", 0.00025), ("1n", 1e-9), ("3M", 3e6), ("1Ki", 1024.0), ("0", 0.0),
    ])
    func validQuantitiesParseToTheirValue(text: String, value: Double) throws {
        let quantity = try #require(Quantity(parsing: text))
        #expect(abs(quantity.value - value) <= 1e-12 * max(1, abs(value)))
    }

    @Test(arguments: ["1x", "1gb", "1 Gi", "1.5.2", "", "Gi", "m", "1e", "1e+", "1ee3", "1KI", "--1", "1.2.3m", "0x10", "1e3.5"])
    func malformedQuantitiesDoNotParse(text: String) {
        #expect(Quantity(parsing: text) == nil)
    }

    @Test func quantitiesCompareByValueAcrossSuffixes() throws {
        let a = try #require(Quantity(parsing: "1Gi"))
        let b = try #require(Quantity(parsing: "1024Mi"))
        let c = try #require(Quantity(parsing: "100m"))
        let d = try #require(Quantity(parsing: "0.1"))
        #expect(a == b)
        #expect(c == d)
        #expect(c < a)
        #expect(!(a < b))
    }
}
