import Testing

@testable import KgitYAML

@Suite struct LibYAMLParserErrorTests {
    @Test func syntaxErrorsCarryLibyamlsProblemAndPosition() throws {
        let error = try #require(parseError("a: 1\nb: c: d\n"))
        #expect(error.code == .syntax)
        #expect(error.message
            == "mapping values are not allowed in this context; a value containing ': ' must be quoted, or this line is indented wrongly")
        #expect(error.mark == Mark(line: 2, column: 5, offset: 9))
    }

    @Test func contextIsAddedWhenLibyamlGivesIt() throws {
        let error = try #require(parseError("a:\n  b: 1\n - c\n"))
        #expect(error.code == .syntax)
        #expect(error.message == "did not find expected key (while parsing a block mapping at line 1, column 1); check the indentation of this line against the keys above it")
        #expect(error.mark == Mark(line: 3, column: 2, offset: 11))
    }

    @Test func unclosedFlowCollectionsPointAtTheEnd() throws {
        let error = try #require(parseError("a: [1, 2\n"))
        #expect(error.code == .syntax)
        #expect(error.message.contains("while parsing a flow sequence at line 1, column 4"))
    }

    @Test func tabIndentationGetsAPlainExplanation() throws {
        let error = try #require(parseError("a:\n\tb: 1\n"))
        #expect(error.code == .syntax)
        #expect(error.message.contains("tab"))
        #expect(error.mark == Mark(line: 2, column: 1, offset: 3))
    }

    @Test func syntaxErrorPositionsCountBytesAfterMultibyteText() throws {
        let error = try #require(parseError("é: 日本\nx: y: z\n"))
        #expect(error.code == .syntax)
        #expect(error.mark == Mark(line: 2, column: 5, offset: 15))
    }

    @Test func aMissingClosingQuoteSaysSo() throws {
        let error = try #require(parseError("a: \"open\nb: 1\n"))
        #expect(error.code == .syntax)
        #expect(error.message.hasSuffix("a closing quote is missing"))
        #expect(error.message.contains("while scanning a quoted scalar at line 1, column 4"))
    }

    @Test func misindentedListItemsGetAHint() throws {
        let error = try #require(parseError("a:\n  b: 1\n  - c\n"))
        #expect(error.code == .syntax)
        #expect(error.message.contains("indentation"))
        #expect(error.mark.line == 3)
    }

    @Test func invalidUTF8IsAnEncodingError() throws {
        let bytes: [UInt8] = Array("a: ok\nb: ".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        let error = try #require(parseError(bytes))
        #expect(error.code == .encoding)
        #expect(error.mark == Mark(line: 2, column: 4, offset: 9))
        #expect(error.message.contains("0xC3"))
    }

    @Test(arguments: [
        [0xFF] as [UInt8], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80],
    ])
    func malformedSequencesAreRejected(_ bytes: [UInt8]) throws {
        #expect(parseError(bytes)?.code == .encoding)
    }

    @Test func utf16InputIsRejectedAsNotUTF8() throws {
        #expect(parseError([0xFF, 0xFE, 0x61, 0x00])?.code == .encoding)
    }

    @Test func controlCharactersAreEncodingErrorsWithTheirPosition() throws {
        let error = try #require(parseError(Array("a: b\nc: d\u{07}\n".utf8)))
        #expect(error.code == .encoding)
        #expect(error.message == "character U+0007 is not allowed in YAML text")
        #expect(error.mark == Mark(line: 2, column: 5, offset: 9))
        #expect(parseError([0x61, 0x3A, 0x20, 0x00])?.code == .encoding)
    }

    @Test func scanEventCountCountsEveryEvent() throws {
        // stream-start, doc-start, mapping-start, scalars a, 1 and b, sequence-start,
        // scalars x and y, sequence-end, mapping-end, doc-end, stream-end
        #expect(try YAMLParser.scanEventCount(Array("a: 1\nb: [x, y]\n".utf8)) == 13)
        #expect(try YAMLParser.scanEventCount([]) == 2)
    }

    @Test func scanEventCountReportsSyntaxErrors() throws {
        #expect(throws: YAMLError.self) { try YAMLParser.scanEventCount(Array("a: [".utf8)) }
    }
}
