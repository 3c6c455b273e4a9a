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

@Suite struct ScalarStorageTests {
    @Test func aStringValueIsTheScalarsText() throws {
        let root = try parseRoot("a: 'quoted'\nb: plain text\nc: \"esc\\taped\"\n")
        for key in ["a", "b", "c"] {
            let scalar = try #require(root[key]?.scalar)
            #expect(scalar.isString)
            #expect(scalar.value == .string(scalar.text))
        }
        #expect(root["c"]?.scalar?.text == "esc\taped")
    }

    @Test func resolvedValuesKeepTheTextAsWritten() throws {
        let root = try parseRoot("i: 0x1F\nf: 1.5e+3\nb: yes\nn: ~\n")
        #expect(root["i"]?.scalar?.value == .int(31))
        #expect(root["i"]?.scalar?.text == "0x1F")
        #expect(root["f"]?.scalar?.value == .float(1500))
        #expect(root["b"]?.scalar?.value == .bool(true))
        #expect(root["b"]?.scalar?.yaml11Coerced == true)
        #expect(root["n"]?.scalar?.value == .null)
        #expect(root["n"]?.scalar?.text == "~")
        #expect(root["i"]?.scalar?.isString == false)
    }

    @Test func settingAValueUpdatesTextOnlyForStrings() {
        var scalar = Node.Scalar(text: "8080", style: .plain, value: .int(8080))
        scalar.value = .string("http")
        #expect(scalar.text == "http")
        #expect(scalar.value == .string("http"))
        scalar.value = .bool(false)
        #expect(scalar.text == "http")
        #expect(scalar.value == .bool(false))
        #expect(!scalar.isString)
    }

    @Test func scalarsCompareByTextStyleAndValue() {
        let a = Node.Scalar(text: "1", style: .plain, value: .int(1))
        #expect(a == Node.Scalar(text: "1", style: .plain, value: .int(1)))
        #expect(a != Node.Scalar(text: "1", style: .plain, value: .string("1")))
        #expect(a != Node.Scalar(text: "1", style: .singleQuoted, value: .int(1)))
        #expect(Set([a, Node.Scalar(text: "1", style: .plain, value: .int(1))]).count == 1)
    }

    @Test func theComposersInitializerReadsNoValueAsTheTextItselfAndAStringValueAsNewText() {
        let text = Node.Scalar(text: "web", style: .doubleQuoted, resolved: nil, yaml11Coerced: false)
        #expect(text.isString && text.value == .string("web") && text.style == .doubleQuoted)
        let replaced = Node.Scalar(text: "raw", style: .plain, resolved: .string("cooked"), yaml11Coerced: false)
        #expect(replaced.text == "cooked" && replaced.value == .string("cooked"))
        let coerced = Node.Scalar(text: "on", style: .plain, resolved: .bool(true), yaml11Coerced: true)
        #expect(coerced.text == "on" && coerced.value == .bool(true) && coerced.yaml11Coerced && !coerced.isString)
        #expect(Node.Scalar(text: "~", style: .plain, resolved: .null, yaml11Coerced: false).value == .null)
        #expect(Node.Scalar(text: "1.5", style: .plain, resolved: .float(1.5), yaml11Coerced: false).value == .float(1.5))
        #expect(Node.Scalar(text: "7", style: .plain, resolved: .int(7), yaml11Coerced: false).value == .int(7))
    }

    @Test func aNodeKeepsEveryFieldItWasBuiltWith() throws {
        let start = Mark(line: 3, column: 5, offset: 40)
        let end = Mark(line: 3, column: 9, offset: 44)
        let node = Node(
            content: .scalar(Node.Scalar(text: "x", style: .plain, value: .string("x"))), start: start, end: end,
            tag: "!!str", anchor: "a", fromAlias: true, document: 2)
        #expect(node.start == start && node.end == end)
        #expect(node.tag == "!!str" && node.anchor == "a" && node.fromAlias && node.document == 2)
        #expect(node.string == "x")
        let parsed = try parseRoot("k: &v !!str value\n")
        #expect(parsed["k"]?.anchor == "v" && parsed["k"]?.tag == "!!str" && parsed["k"]?.start == Mark(line: 1, column: 4, offset: 3))
    }

    @Test func marksKeepNegativeOffsetsAndSaturateHugeOnes() {
        let scalar = Node.Content.scalar(Node.Scalar(text: "x", style: .plain, value: .string("x")))
        // KGL's ProvenanceTable marks the nodes its patches create with offsets -(id + 1).
        let patched = Node(content: scalar, start: Mark(line: 4, column: 54, offset: -7), end: Mark(line: 4, column: 55, offset: -1))
        #expect(patched.start.offset == -7 && patched.end.offset == -1)
        let huge = Node(
            content: scalar, start: Mark(line: 1 << 40, column: 1 << 40, offset: 1 << 40),
            end: Mark(line: 1, column: 1, offset: -(1 << 40)))
        #expect(huge.start == Mark(line: Int(UInt32.max), column: Int(UInt32.max), offset: Int(Int32.max)))
        #expect(huge.end.offset == Int(Int32.min))
    }

    @Test func aNodeIsOneCacheLine() {
        // What the composer writes and the validator reads per node; a regression here costs memory traffic.
        #expect(MemoryLayout<Node>.stride == 64)
        #expect(MemoryLayout<Node.Pair>.stride == 128)
    }
}
