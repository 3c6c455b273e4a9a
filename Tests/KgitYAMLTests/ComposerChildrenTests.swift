import Testing

@testable import KgitYAML

/// Children of collections are gathered in one buffer shared by all open collections (`ChildStack`);
/// these pin down that every collection still gets exactly its own children, in order.
@Suite struct ComposerChildrenTests {
    @Test func nestedCollectionsKeepTheirOwnChildrenInOrder() throws {
        let root = try parseRoot("a: 1\nb:\n  - x\n  - {p: 1, q: [2, 3]}\n  - y\nc: [z]\nd: 4\n")
        #expect(root.mapping?.map { $0.key.string } == ["a", "b", "c", "d"])
        let b = try #require(root["b"]?.sequence)
        #expect(b.count == 3)
        #expect(b[0].string == "x")
        #expect(b[1].mapping?.map { $0.key.string } == ["p", "q"])
        #expect(b[1]["q"]?.sequence?.map { $0.scalar?.value } == [.int(2), .int(3)])
        #expect(b[2].string == "y")
        #expect(root["c"]?.sequence?.map { $0.string } == ["z"])
        #expect(root["d"]?.scalar?.value == .int(4))
    }

    @Test func emptyCollectionsHaveNoChildren() throws {
        let root = try parseRoot("a: []\nb: {}\nc: [[], {}]\n")
        #expect(root["a"]?.sequence?.isEmpty == true)
        #expect(root["b"]?.mapping?.isEmpty == true)
        #expect(root["c"]?.sequence?.map { $0.kindDescription } == ["list", "object"])
    }

    @Test func collectionsWiderAndDeeperThanTheBufferStartsWith() throws {
        // 200 keys, each holding a list of three mappings: far more open children than the buffer's
        // first capacity, so it grows while outer collections still hold children in it.
        var text = ""
        for i in 0..<200 { text += "k\(i):\n  - {v: \(i)}\n  - {v: \(i + 1)}\n  - [\(i), \(i)]\n" }
        let root = try parseRoot(text)
        let pairs = try #require(root.mapping)
        #expect(pairs.count == 200)
        for (i, pair) in pairs.enumerated() {
            #expect(pair.key.string == "k\(i)")
            let items = try #require(pair.value.sequence)
            #expect(items.count == 3)
            #expect(items[0]["v"]?.scalar?.value == .int(i))
            #expect(items[1]["v"]?.scalar?.value == .int(i + 1))
            #expect(items[2].sequence?.map { $0.scalar?.value } == [.int(i), .int(i)])
        }
    }

    @Test func aMergeBetweenNestedEntriesLandsWhereItStood() throws {
        let root = try parseRoot("base: &b {m: 1, n: 2}\nuse:\n  first: [1, 2]\n  <<: *b\n  n: 3\n  last: {x: 1}\n")
        let use = try #require(root["use"]?.mapping)
        #expect(use.map { $0.key.string } == ["first", "m", "n", "last"])
        #expect(root["use"]?["n"]?.scalar?.value == .int(3))
        #expect(root["use"]?["first"]?.sequence?.count == 2)
    }

    @Test func aDocumentAbandonedInsideNestedCollectionsLeavesNothingBehind() throws {
        // The duplicate key stops the first document three levels deep; the next document must not
        // see any of its children.
        let stream = YAMLParser.parseAll(Array("a:\n  b:\n    - {c: 1, c: 2}\n    - 5\n---\nx: [1, 2]\ny: {z: 3}\n".utf8))
        #expect(stream.errors.map(\.code) == [.duplicateKey])
        #expect(stream.documents.count == 1)
        let root = try #require(stream.documents.first?.root)
        #expect(root.mapping?.map { $0.key.string } == ["x", "y"])
        #expect(root["x"]?.sequence?.map { $0.scalar?.value } == [.int(1), .int(2)])
        #expect(root["y"]?["z"]?.scalar?.value == .int(3))
    }
}
