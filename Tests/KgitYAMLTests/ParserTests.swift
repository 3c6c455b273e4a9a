import Testing

@testable import KgitYAML

/// Parses a stream that is expected to be valid.
func parseOK(_ text: String, limits: ParserLimits = .default, sourceLocation: SourceLocation = #_sourceLocation)
    throws -> [Document]
{
    do {
        return try YAMLParser.parse(text, limits: limits)
    } catch {
        Issue.record("unexpected error: \(error) [\(error.code.rawValue)]", sourceLocation: sourceLocation)
        throw error
    }
}

/// The root of a one-document stream.
func parseRoot(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Node {
    let docs = try parseOK(text, sourceLocation: sourceLocation)
    #expect(docs.count == 1, sourceLocation: sourceLocation)
    return try #require(docs.first?.root, sourceLocation: sourceLocation)
}

/// The error parsing `text` throws.
func parseError(_ text: String, limits: ParserLimits = .default, sourceLocation: SourceLocation = #_sourceLocation)
    -> YAMLError?
{
    parseError(Array(text.utf8), limits: limits, sourceLocation: sourceLocation)
}

func parseError(_ bytes: [UInt8], limits: ParserLimits = .default, sourceLocation: SourceLocation = #_sourceLocation)
    -> YAMLError?
{
    do {
        let docs = try YAMLParser.parse(bytes, limits: limits)
        Issue.record("expected an error, parsed \(docs.count) document(s)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite struct ParserPositionTests {
    @Test func scalarsCarryOneBasedLineAndColumnAndByteOffset() throws {
        let root = try parseRoot("a: 1\nbb:\n  - x\n")
        let a = try #require(root.keyNode("a"))
        #expect(a.start == Mark(line: 1, column: 1, offset: 0))
        #expect(a.end == Mark(line: 1, column: 2, offset: 1))
        let one = try #require(root["a"])
        #expect(one.start == Mark(line: 1, column: 4, offset: 3))
        let list = try #require(root["bb"])
        #expect(list.start == Mark(line: 3, column: 3, offset: 11))
        let x = try #require(list.sequence?.first)
        #expect(x.start == Mark(line: 3, column: 5, offset: 13))
        #expect(x.end == Mark(line: 3, column: 6, offset: 14))
    }

    @Test func columnsCountCharactersWhileOffsetsCountBytes() throws {
        // "é" is 2 bytes, "日本" 6 bytes, "🎉" 4 bytes.
        let root = try parseRoot("é: 日本\n🎉x: [a, b]\n")
        let value = try #require(root["é"])
        #expect(value.start == Mark(line: 1, column: 4, offset: 4))
        #expect(value.end == Mark(line: 1, column: 6, offset: 10))
        let flow = try #require(root["🎉x"])
        #expect(flow.start == Mark(line: 2, column: 5, offset: 18))
        let b = try #require(flow.sequence?.last)
        #expect(b.start == Mark(line: 2, column: 9, offset: 22))
    }

    @Test func markOrderingAndDescriptionUseLineThenColumn() {
        #expect(Mark(line: 1, column: 9, offset: 8) < Mark(line: 2, column: 1, offset: 10))
        #expect(Mark(line: 3, column: 7, offset: 20).description == "3:7")
    }

    @Test func crlfLineEndingsCountAsOneLineBreak() throws {
        let root = try parseRoot("a: 1\r\nb: 2\r\n")
        let b = try #require(root.keyNode("b"))
        #expect(b.start == Mark(line: 2, column: 1, offset: 6))
    }

    @Test func aByteOrderMarkIsSkippedButCountedInOffsets() throws {
        let root = try #require(try YAMLParser.parse([0xEF, 0xBB, 0xBF] + Array("k: v\n".utf8)).first?.root)
        let v = try #require(root["k"])
        #expect(v.string == "v")
        #expect(v.start == Mark(line: 1, column: 4, offset: 6))
    }

    @Test func positionsAfterLongMultibyteLinesStayExact() throws {
        let long = String(repeating: "ü", count: 1000)
        let root = try parseRoot("a: \(long)\nb: c\n")
        let c = try #require(root["b"])
        #expect(c.start == Mark(line: 2, column: 4, offset: 3 + 2000 + 1 + 3))
    }

    @Test func nodesRecordTheirDocumentIndex() throws {
        let docs = try parseOK("a: 1\n---\nb: [x]\n")
        #expect(docs.map(\.index) == [0, 1])
        let x = try #require(docs[1].root?["b"]?.sequence?.first)
        #expect(x.document == 1)
        #expect(docs[1].root?.document == 1)
    }
}

@Suite struct ParserStructureTests {
    @Test func buildsMappingsSequencesAndScalarsInSourceOrder() throws {
        let root = try parseRoot("z: 1\na:\n  - x\n  - {k: v}\nm: |\n  line1\n  line2\n")
        #expect(root.mapping?.map { $0.key.string } == ["z", "a", "m"])
        let a = try #require(root["a"]?.sequence)
        #expect(a.count == 2)
        #expect(a[0].string == "x")
        #expect(a[1]["k"]?.string == "v")
        #expect(root["m"]?.scalar?.text == "line1\nline2\n")
        #expect(root["m"]?.scalar?.style == .literal)
    }

    @Test func recordsScalarStyles() throws {
        let root = try parseRoot("p: a\ns: 'b'\nd: \"c\"\nl: |\n  x\nf: >\n  y\n")
        #expect(root["p"]?.scalar?.style == .plain)
        #expect(root["s"]?.scalar?.style == .singleQuoted)
        #expect(root["d"]?.scalar?.style == .doubleQuoted)
        #expect(root["l"]?.scalar?.style == .literal)
        #expect(root["f"]?.scalar?.style == .folded)
    }

    @Test func unescapesQuotedScalars() throws {
        let root = try parseRoot("a: \"tab\\there \\u00e9\"\nb: 'it''s'\n")
        #expect(root["a"]?.string == "tab\there é")
        #expect(root["b"]?.string == "it's")
    }

    @Test func recordsExplicitTagsInShortForm() throws {
        let root = try parseRoot("a: !!str 1\nb: !custom x\nc: !!map {}\nd: plain\n")
        #expect(root["a"]?.tag == "!!str")
        #expect(root["b"]?.tag == "!custom")
        #expect(root["c"]?.tag == "!!map")
        #expect(root["d"]?.tag == nil)
    }

    @Test func multiDocumentStreamsKeepEmptyDocumentsWithNilRoots() throws {
        let docs = try parseOK("---\na: 1\n---\n---\n# only a comment\n---\n- x\n")
        #expect(docs.count == 4)
        #expect(docs[0].root?["a"] != nil)
        #expect(docs[1].root == nil)
        #expect(docs[2].root == nil)
        #expect(docs[3].root?.sequence?.count == 1)
        #expect(docs[1].start.line == 3)
        #expect(docs[3].start == Mark(line: 6, column: 1, offset: 34))
    }

    @Test func anEmptyStreamHasNoDocuments() throws {
        #expect(try parseOK("").isEmpty)
        #expect(try parseOK("# nothing here\n\n").isEmpty)
    }

    @Test func anExplicitNullDocumentIsNotEmpty() throws {
        let docs = try parseOK("--- ~\n--- ''\n")
        #expect(docs.count == 2)
        #expect(docs[0].root?.scalar?.value == .null)
        #expect(docs[1].root?.scalar?.value == .string(""))
    }

    @Test func aDocumentEndMarkerEndsTheDocument() throws {
        let docs = try parseOK("a: 1\n...\n---\nb: 2\n")
        #expect(docs.count == 2)
        #expect(docs[1].root?["b"]?.scalar?.value == .int(2))
    }
}
