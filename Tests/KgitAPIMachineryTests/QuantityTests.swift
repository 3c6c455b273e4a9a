import KgitAPIMachinery
import Testing

@Suite("Quantities")
struct QuantityTests {
    @Test(
        "every form of the grammar parses to its value",
        arguments: [
            ("100m", 0.1), ("1", 1.0), ("1Gi", 1_073_741_824.0), ("512Mi", 536_870_912.0), ("1e3", 1000.0),
            ("1E-2", 0.01), ("2k", 2000.0), ("1.5", 1.5), (".5", 0.5), ("5.", 5.0), ("+1", 1.0), ("-1", -1.0),
            ("250u", 0.00025), ("1n", 1e-9), ("3M", 3e6), ("1Ki", 1024.0), ("0", 0.0), ("1e+20", 1e20),
        ] as [(String, Double)])
    func parses(_ text: String, _ value: Double) throws {
        let quantity = try Quantity(parsing: text)
        #expect(abs(quantity.doubleValue - value) <= 1e-12 * max(1, abs(value)))
        #expect(quantity.text == text)
    }

    @Test(
        "text outside the grammar is refused, naming the problem",
        arguments: [
            ("", "it is empty"), ("1x", "unknown suffix \"x\""), ("1gb", "unknown suffix \"gb\""),
            ("1 Gi", "unknown suffix \" Gi\""), ("1.5.2", "it has more than one decimal point"), ("Gi", "it has no digits"),
            ("m", "it has no digits"), ("1e", "unknown suffix \"e\""), ("1e+", "unknown suffix \"e+\""),
            ("1ee3", "unknown suffix \"ee3\""), ("1KI", "unknown suffix \"KI\""), ("--1", "it has no digits"),
            ("0x10", "unknown suffix \"x10\""), ("1e3.5", "unknown suffix \"e3.5\""), ("1e12345", "unknown suffix \"e12345\""),
            ("abc", "it has no digits"), (String(repeating: "1", count: 129), "it is longer than 128 characters"),
        ])
    func refused(_ text: String, _ problem: String) {
        #expect(throws: QuantityError(text: text, problem: problem)) { try Quantity(parsing: text) }
    }

    @Test(
        "milli-values round up as upstream's MilliValue",
        arguments: [
            ("100m", 100), ("1", 1000), ("1.5", 1500), ("0.1", 100), ("2k", 2_000_000), ("1e3", 1_000_000),
            ("1Ki", 1_024_000), ("0.0001", 1), ("1u", 1), ("250000n", 1), ("-100m", -100), ("+2", 2000),
            ("128Mi", 134_217_728_000), ("1G", 1_000_000_000_000),
        ] as [(String, Int64)])
    func milliValue(_ text: String, _ want: Int64) throws {
        #expect(try Quantity(parsing: text).milliValue == want)
    }

    @Test(
        "values round up as upstream's Value",
        arguments: [
            ("512Mi", 536_870_912), ("1Gi", 1_073_741_824), ("1G", 1_000_000_000), ("1.5Gi", 1_610_612_736),
            ("100m", 1), ("128974848", 128_974_848), ("129e6", 129_000_000), ("123Mi", 128_974_848),
            ("1E", 1_000_000_000_000_000_000),
        ] as [(String, Int64)])
    func value(_ text: String, _ want: Int64) throws {
        #expect(try Quantity(parsing: text).value == want)
    }

    @Test("a quantity too large for 64 bits saturates, and keeps its magnitude for comparison")
    func saturates() throws {
        #expect(try Quantity(parsing: "100Ei").value == Int64.max)
        #expect(try Quantity(parsing: "-100Ei").value == -Int64.max)
        let huge = try Quantity(parsing: "123456789012345678901234567890")
        #expect(huge.value == Int64.max)
        #expect(try Quantity(parsing: "1e20") < huge)
        #expect(try huge < Quantity(parsing: "1e30"))
    }

    @Test("equal values are equal whatever their spelling, and hash alike")
    func equality() throws {
        let pairs = [("1Gi", "1024Mi"), ("100m", "0.1"), ("1Ki", "1024"), ("1k", "1000"), ("1e3", "1k"), ("0", "-0.0"),
                     ("1.50", "1500m"), ("2E0", "2")]
        for (a, b) in pairs {
            let x = try Quantity(parsing: a), y = try Quantity(parsing: b)
            #expect(x == y, "\(a) == \(b)")
            #expect(x.hashValue == y.hashValue, "\(a) and \(b) hash alike")
        }
        #expect(try Quantity(parsing: "1G") != Quantity(parsing: "1Gi"))
        #expect(try Quantity(parsing: "1n") != Quantity(parsing: "0"))
    }

    @Test("order is by value across suffixes and signs")
    func order() throws {
        let ascending = ["-1Gi", "-1", "-1m", "0", "1n", "100m", "0.5", "1", "1k", "1Ki", "1M", "1Mi", "1G", "1Gi", "1e12", "1Ti"]
        let quantities = try ascending.map { try Quantity(parsing: $0) }
        for (lower, higher) in zip(quantities, quantities.dropFirst()) {
            #expect(lower < higher, "\(lower) < \(higher)")
            #expect(!(higher < lower), "not \(higher) < \(lower)")
        }
        #expect(quantities.shuffled().sorted() == quantities)
    }

    @Test("JSON strings and numbers are quantities; other JSON is not")
    func fromJSON() {
        #expect(Quantity(json: "250m")?.milliValue == 250)
        #expect(Quantity(json: .int(2))?.milliValue == 2000)
        #expect(Quantity(json: .double(0.5))?.milliValue == 500)
        #expect(Quantity(json: "1x") == nil)
        #expect(Quantity(json: .bool(true)) == nil)
        #expect(Quantity(json: nil) == nil)
    }

    @Test("sums are in thousandths, and canonical text uses m for fractions and binary suffixes for memory")
    func sumsAndText() throws {
        #expect(Quantity(millis: 1500).formatted(binary: false) == "1500m")
        #expect(Quantity(millis: 1500).text == "1500m")
        #expect(Quantity(millis: 2000).formatted(binary: false) == "2")
        #expect(try Quantity(parsing: "256Mi").formatted(binary: true) == "256Mi")
        #expect(try Quantity(parsing: "1Gi").formatted(binary: true) == "1Gi")
        #expect(try Quantity(parsing: "1000").formatted(binary: true) == "1000")
        #expect(try (Quantity(parsing: "128Mi") + Quantity(parsing: "128Mi")).formatted(binary: true) == "256Mi")
        #expect(try (Quantity(parsing: "100m") + Quantity(parsing: "1.2")).formatted(binary: false) == "1300m")
        #expect(try (Quantity(parsing: "100Ei") + Quantity(parsing: "100Ei")).milliValue == Int64.max)
    }
}
