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

/// Input the parser hands to libyaml's scanner directly, skipping its reader, must be exactly the input
/// the reader would pass through unchanged; everything else must still go through the reader.
@Suite struct LibYAMLParserPreloadTests {
    /// Every byte value at every position of a 17-byte text (two words and a tail byte).
    @Test func readerIdentityMatchesTheReadersRuleForEveryByte() {
        func reference(_ byte: UInt8) -> Bool {
            byte == 0x09 || byte == 0x0A || byte == 0x0D || (0x20...0x7E).contains(byte)
        }
        var mismatches = 0
        for position in 0..<17 {
            for value in 0...255 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 17)
                bytes[position] = UInt8(value)
                // A line feed elsewhere in the same word (for every other position) exercises the word
                // check's line-feed exemption.
                let partner = (position / 8) * 8 + (position % 8 == 7 ? 0 : 7)
                if position % 2 == 0, partner < 16, partner != position { bytes[partner] = 0x0A }
                let expected = bytes.allSatisfy(reference)
                let got = bytes.withUnsafeBufferPointer { LibYAMLParser.isReaderIdentity($0) }
                if got != expected { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
        #expect([UInt8]().withUnsafeBufferPointer { LibYAMLParser.isReaderIdentity($0) })
    }

    /// Marks at the end of a long preloaded input (about 30 KB, under libyaml's 48 KiB buffer) and of one too long
    /// to preload come out the same as in a short one.
    @Test func longInputsKeepTheirMarks() throws {
        for lines in [2_000, 6_000] {
            var text = ""
            for i in 0..<lines { text += "key\(i): value\(i)\n" }
            let root = try parseRoot(text)
            let last = try #require(root.mapping?.last)
            let offset = text.utf8.count - "key\(lines - 1): value\(lines - 1)\n".utf8.count
            #expect(last.key.start == Mark(line: lines, column: 1, offset: offset))
            #expect(last.value.scalar?.text == "value\(lines - 1)")
        }
    }

    @Test func tabsAndCarriageReturnsParseAsBefore() throws {
        let root = try parseRoot("a:\t1\r\nb: \"x\ty\"\r\nc: |\r\n  l1\r\n  l2\r\n")
        #expect(root["a"]?.scalar?.value == .int(1))
        #expect(root["b"]?.scalar?.text == "x\ty")
        #expect(root["c"]?.scalar?.text == "l1\nl2\n")
        #expect(root["c"]?.start == Mark(line: 3, column: 4, offset: 19))
    }

    @Test func controlCharactersInASCIIInputStillReachTheReader() throws {
        for (byte, name) in [(0x01, "U+0001"), (0x7F, "U+007F"), (0x0B, "U+000B")] as [(UInt8, String)] {
            let error = try #require(parseError(Array("a: 1\nbb: x".utf8) + [byte] + Array("y\n".utf8)))
            #expect(error.code == .encoding)
            #expect(error.message == "character \(name) is not allowed in YAML text")
            #expect(error.mark == Mark(line: 2, column: 6, offset: 10))
        }
    }
}
