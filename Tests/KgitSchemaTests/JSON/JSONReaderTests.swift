@testable import KgitSchema
import Testing

@Suite struct JSONReaderTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONReader.parse(Array(#"{"a": [1, -2.5e1, true, false, null], "b": {"c": "d"}, "e": ""}"#.utf8))
        #expect(value["a"]?.array?.count == 5)
        #expect(value["a"]?.array?[1].number == -25)
        #expect(value["a"]?.array?[2].bool == true)
        #expect(value["b"]?["c"]?.string == "d")
        #expect(value["e"]?.string == "")
        #expect(value["missing"] == nil)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONReader.parse(Array(#""tab\tquote\"slash\/snow\u2603face\ud83d\ude00""#.utf8))
        #expect(value.string == "tab\tquote\"slash/snow\u{2603}face\u{1F600}")
    }

    @Test(arguments: ["{", "[1,", "{\"a\" 1}", "tru", "\"open", "{} extra", "[1 2]", "-", ""])
    func rejectsMalformedInput(text: String) {
        #expect(throws: JSONError.self) { try JSONReader.parse(Array(text.utf8)) }
    }

    @Test func skipsValuesWithoutBuildingThem() throws {
        let bytes = Array(#"{"skip": {"x": ["}", "]", {"y": "\"}"}]}, "keep": 7}"#.utf8)
        var reader = JSONReader(bytes)
        var kept: [String: Double] = [:]
        try reader.forEachMember { reader, key throws(JSONError) in
            if key == "keep" { kept[key] = try reader.parseValue().number } else { try reader.skipValue() }
        }
        #expect(kept == ["keep": 7])
    }
}
