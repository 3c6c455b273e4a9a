import Testing
@testable import KgitAPIMachinery

@Suite("JSON parsing and serialization")
struct JSONParserTests {
    @Test("objects, arrays, numbers, strings and literals round-trip with sorted keys")
    func roundTrip() throws {
        let text = #"{"b":[1,2.5,true,false,null],"a":{"s":"x\"y\\z\n","n":-12}}"#
        let value = try JSONParser.parse(text)
        #expect(value.serialized() == #"{"a":{"n":-12,"s":"x\"y\\z\n"},"b":[1,2.5,true,false,null]}"#)
    }

    @Test("integers stay integers and large values stay exact")
    func integers() throws {
        #expect(try JSONParser.parse("9007199254740993") == .int(9007199254740993))
        #expect(try JSONParser.parse("1e3") == .double(1000))
    }

    @Test("unicode escapes, including surrogate pairs, decode to scalars")
    func unicodeEscapes() throws {
        #expect(try JSONParser.parse(#""\u00e9\ud83d\ude00""#) == .string("é😀"))
    }

    @Test("HTML-sensitive characters are escaped like Go's encoder")
    func htmlEscaping() {
        #expect(JSONValue.string("<a&b>").serialized() == #""\u003ca\u0026b\u003e""#)
    }

    @Test("malformed input is rejected with an offset", arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "tru", "01", "1.", "\"abc", "{} x", "\"\u{01}\"",
    ])
    func malformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test("nesting deeper than the limit is rejected instead of overflowing the stack")
    func deepNesting() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test("setValue creates intermediate objects and nil removes a member")
    func setValue() {
        var value: JSONValue = [:]
        value.setValue("x", at: ["metadata", "labels", "app"])
        #expect(value.value(at: ["metadata", "labels", "app"]) == "x")
        value.setValue(nil, at: ["metadata", "labels", "app"])
        #expect(value.value(at: ["metadata", "labels"]) == [:])
    }
}
