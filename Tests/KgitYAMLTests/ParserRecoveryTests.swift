import Testing

@testable import KgitYAML

/// `YAMLParser.parseAll`: a broken document costs only itself.
@Suite struct ParserRecoveryTests {
    func names(_ stream: ParsedStream) -> [String] { stream.documents.compactMap { $0.root?["name"]?.string } }

    @Test func documentsBeforeASyntaxErrorAreKept() {
        let stream = YAMLParser.parseAll(Array("name: a\n---\nname: b\n---\nname: [c\n".utf8))
        #expect(names(stream) == ["a", "b"])
        #expect(stream.errors.map(\.code) == [.syntax])
        #expect(stream.errors.first?.mark.line == 6)
    }

    @Test func readingResumesAtTheNextDocumentMarkerWithTruePositionsAndIndices() throws {
        let text = "name: a\n---\nname: [b\n---\nname: c\nlist: [1, 2]\n---\nname: d\n"
        let stream = YAMLParser.parseAll(Array(text.utf8))
        #expect(names(stream) == ["a", "c", "d"])
        #expect(stream.errors.count == 1)
        #expect(stream.documents.map(\.index) == [0, 2, 3])
        let c = try #require(stream.documents.dropFirst().first?.root)
        let list = try #require(c["list"])
        // `list: [1, 2]` is line 6; "[" is at byte 39.
        #expect(list.start == Mark(line: 6, column: 7, offset: 39))
        #expect(list.document == 2)
        #expect(c.keyNode("name")?.start == Mark(line: 5, column: 1, offset: 25))
    }

    @Test func positionsAfterResumingCountCharactersInNonASCIIText() throws {
        let text = "é: [1\n---\n日本: x\n"
        let stream = YAMLParser.parseAll(Array(text.utf8))
        #expect(stream.errors.count == 1)
        let key = try #require(stream.documents.first?.root?.mapping?.first?.key)
        #expect(key.start == Mark(line: 3, column: 1, offset: 11))
        let value = try #require(stream.documents.first?.root?["日本"])
        #expect(value.start == Mark(line: 3, column: 5, offset: 19))
    }

    @Test func aProblemInsideADocumentSkipsOnlyThatDocument() {
        let text = "name: a\n---\nname: b\nname: c\n---\nname: d\nref: *missing\n---\nname: e\n"
        let stream = YAMLParser.parseAll(Array(text.utf8))
        #expect(names(stream) == ["a", "e"])
        #expect(stream.errors.map(\.code) == [.duplicateKey, .unknownAnchor])
        #expect(stream.documents.map(\.index) == [0, 3])
    }

    @Test func anAliasBombIsRefusedAndTheNextDocumentStillRead() {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g"] {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        let stream = YAMLParser.parseAll(Array((bomb + "---\nname: after\n").utf8))
        #expect(stream.errors.map(\.code) == [.aliasExpansion])
        #expect(names(stream) == ["after"])
    }

    @Test func severalSyntaxErrorsAreEachReported() {
        let text = "a: [1\n---\nb: {2\n---\nname: ok\n---\nc: \"3\n"
        let stream = YAMLParser.parseAll(Array(text.utf8))
        #expect(stream.errors.map(\.code) == [.syntax, .syntax, .syntax])
        #expect(stream.errors.map(\.mark.line) == stream.errors.map(\.mark.line).sorted())
        #expect(names(stream) == ["ok"])
        #expect(stream.documents.first?.index == 2)
    }

    @Test func anErrorWithNoLaterMarkerEndsTheStream() {
        let stream = YAMLParser.parseAll(Array("name: a\n---\nname: [b\nmore: c\n".utf8))
        #expect(names(stream) == ["a"])
        #expect(stream.errors.count == 1)
    }

    @Test func invalidUTF8StopsEverything() {
        let stream = YAMLParser.parseAll([0x61, 0x3A, 0x20, 0xFF, 0x0A])
        #expect(stream.documents.isEmpty)
        #expect(stream.errors.map(\.code) == [.encoding])
    }

    @Test func parseStillThrowsTheFirstError() {
        let error = parseError("name: a\n---\nname: b\nname: c\n---\nx: [\n")
        #expect(error?.code == .duplicateKey)
    }

    @Test func aMarkerLineMustStartWithThreeDashesAndEndThere() {
        let text = Array("a: [1\n  ---\n----\n--- x\n".utf8)
        let found = text.withUnsafeBufferPointer { YAMLParser.nextDocumentMarker(in: $0, atOrAfterLineOf: 2, after: 0) }
        #expect(found == 17)
    }
}
