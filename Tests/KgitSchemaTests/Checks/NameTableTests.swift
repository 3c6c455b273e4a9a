import Testing

@testable import KgitSchema

/// `NameTable`: a short list compared in order, a dictionary once long, with the same answers either way.
@Suite struct NameTableTests {
    @Test("names are found, replaced and removed, before and after the table hashes them", arguments: [3, 16, 17, 200])
    func filingAndFinding(count: Int) {
        var table = NameTable<Int>()
        for index in 0..<count { table["n\(index)"] = index }
        #expect(table.isHashed == (count > NameTable<Int>.linearLimit))
        for index in 0..<count { #expect(table["n\(index)"] == index) }
        #expect(table["n\(count)"] == nil)
        #expect(table[""] == nil)
        // The last value filed under a name counts.
        table["n0"] = -1
        #expect(table["n0"] == -1)
        table["n\(count - 1)"] = nil
        #expect(table["n\(count - 1)"] == nil)
        if count > 1 { #expect(table["n1"] == 1) }
    }

    @Test("the switch to a dictionary keeps every value, including ones replaced before it")
    func switchKeepsValues() {
        var table = NameTable<String>()
        for index in 0..<NameTable<String>.linearLimit { table["k\(index)"] = "first \(index)" }
        table["k5"] = "second 5"
        #expect(!table.isHashed)
        table["k-extra"] = "extra"
        #expect(table.isHashed)
        #expect(table["k5"] == "second 5")
        #expect(table["k0"] == "first 0")
        #expect(table["k-extra"] == "extra")
        #expect(table["k\(NameTable<String>.linearLimit)"] == nil)
    }

    @Test("names are compared as strings: a canonically equal spelling is the same name, as in a dictionary")
    func canonicalEquivalence() {
        var short = NameTable<Int>()
        var long = NameTable<Int>()
        for index in 0..<40 { long["pad\(index)"] = index }
        short["caf\u{E9}"] = 1
        long["caf\u{E9}"] = 1
        #expect(short["cafe\u{301}"] == 1)
        #expect(long["cafe\u{301}"] == 1)
    }
}
