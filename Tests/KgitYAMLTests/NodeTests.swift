import Testing

@testable import KgitYAML

@Suite struct NodeTests {
    @Test func accessorsReturnTheContentOfTheirKindOnly() throws {
        let root = try parseRoot("s: text\nl: [1]\nm: {k: v}\n")
        #expect(root["s"]?.string == "text")
        #expect(root["s"]?.sequence == nil)
        #expect(root["l"]?.sequence?.count == 1)
        #expect(root["l"]?.mapping == nil)
        #expect(root["m"]?.mapping?.count == 1)
        #expect(root["m"]?.scalar == nil)
        #expect(root["missing"] == nil)
        #expect(root["s"]?["k"] == nil)
    }

    @Test func keyNodePointsAtTheKeyRatherThanTheValue() throws {
        let root = try parseRoot("name: web\n")
        #expect(root.keyNode("name")?.start == Mark(line: 1, column: 1, offset: 0))
        #expect(root["name"]?.start == Mark(line: 1, column: 7, offset: 6))
        #expect(root.keyNode("other") == nil)
    }

    @Test func kindDescriptionsReadAsUsersSayThem() throws {
        let root = try parseRoot("a: x\nb: 1\nc: 1.5\nd: true\ne: ~\nf: []\ng: {}\n")
        let kinds = root.mapping?.map(\.value.kindDescription)
        #expect(kinds == ["string", "integer", "number", "boolean", "null", "list", "object"])
    }

    @Test func errorsDescribeThemselvesWithTheirPosition() {
        let error = YAMLError(.duplicateKey, "duplicate key", at: Mark(line: 4, column: 2, offset: 30))
        #expect(error.description == "4:2: duplicate key")
        #expect(error.code.rawValue == "yaml-duplicate-key")
    }
}
