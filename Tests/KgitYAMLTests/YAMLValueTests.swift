import Testing

@testable import KgitYAML

@Suite struct YAMLValueTests {
    @Test func valuesConvertFromNodesWithStringKeys() throws {
        let root = try parseRoot("a: [1, x]\n2: true\n")
        let value = YAMLValue(root)
        #expect(value == .mapping([
            .init(key: "a", value: .sequence([.int(1), .string("x")])),
            .init(key: "2", value: .bool(true)),
        ]))
        #expect(value["a"] == .sequence([.int(1), .string("x")]))
        #expect(YAMLValue(try parseRoot(YAMLEmitter().yaml(value))) == value)
    }

    @Test func nodesBuiltFromValuesHoldTheSameValues() throws {
        let value = YAMLValue.mapping([
            .init(key: "n", value: .null), .init(key: "f", value: .float(2.5)),
            .init(key: "l", value: .sequence([.bool(false), .string("x")])),
        ])
        let node = Node(value, document: 3)
        #expect(node.document == 3)
        #expect(node["n"]?.scalar?.value == .null)
        #expect(node["f"]?.scalar?.value == .float(2.5))
        #expect(node["l"]?.sequence?.first?.scalar?.value == .bool(false))
        #expect(YAMLValue(node) == value)
    }

    @Test func nonStringKeysBecomeTheirCanonicalText() throws {
        let root = try parseRoot("0x10: a\nOn: b\n~: c\n2.50: d\n{k: v}: e\n")
        #expect(YAMLValue(root) == .mapping([
            .init(key: "16", value: .string("a")), .init(key: "true", value: .string("b")),
            .init(key: "null", value: .string("c")), .init(key: "2.5", value: .string("d")),
            .init(key: #"{"k":"v"}"#, value: .string("e")),
        ]))
    }
}
