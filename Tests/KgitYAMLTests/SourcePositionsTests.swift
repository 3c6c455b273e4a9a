import Testing

@testable import KgitYAML

@Suite struct SourcePositionsTests {
    @Test func mapsCharacterIndicesToByteOffsetsInBothDirections() {
        let bytes = Array("aé日🎉b".utf8)  // characters at bytes 0, 1, 3, 6, 10
        bytes.withUnsafeBufferPointer { input in
            var positions = SourcePositions(bytes: input, byteBase: 0)
            #expect(positions.byteOffset(ofCharacter: 4) == 10)
            #expect(positions.byteOffset(ofCharacter: 2) == 3)
            #expect(positions.byteOffset(ofCharacter: 3) == 6)
            #expect(positions.byteOffset(ofCharacter: 0) == 0)
            #expect(positions.byteOffset(ofCharacter: 99) == bytes.count)
        }
    }

    @Test func marksAddTheSkippedBytesAndMakeLinesAndColumnsOneBased() {
        let bytes = Array("ab\ncd".utf8)
        bytes.withUnsafeBufferPointer { input in
            var positions = SourcePositions(bytes: input, byteBase: 3)
            #expect(positions.mark(index: 4, line: 1, column: 1) == Mark(line: 2, column: 2, offset: 7))
        }
    }

    @Test func byteOffsetsBecomeMarksCountingEveryLibyamlLineBreak() {
        // LF, CR LF, CR, NEL, LS, then "x".
        let bytes: [UInt8] = [0x61, 0x0A, 0x62, 0x0D, 0x0A, 0x63, 0x0D, 0x64, 0xC2, 0x85, 0x65, 0xE2, 0x80, 0xA8, 0xC3, 0xA9, 0x78]
        bytes.withUnsafeBufferPointer { input in
            #expect(SourcePositions.mark(ofByte: 16, in: input) == Mark(line: 6, column: 2, offset: 16))
            #expect(SourcePositions.mark(ofByte: 2, in: input) == Mark(line: 2, column: 1, offset: 2))
        }
    }

    @Test func aLeadingByteOrderMarkIsNotAColumn() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF, 0x61, 0x62]
        bytes.withUnsafeBufferPointer { input in
            #expect(SourcePositions.mark(ofByte: 4, in: input) == Mark(line: 1, column: 2, offset: 4))
        }
    }
}

@Suite struct SourcePositionsASCIITests {
    @Test func asciiInputMapsCharacterIndicesToTheSameByteOffsets() {
        let bytes = Array("abc\ndef".utf8)
        bytes.withUnsafeBufferPointer { input in
            var positions = SourcePositions(bytes: input, byteBase: 0, isASCII: true)
            #expect(positions.byteOffset(ofCharacter: 5) == 5)
            #expect(positions.byteOffset(ofCharacter: 100) == 7)
        }
    }

    @Test func theValidatorTellsWhetherInputIsASCII() {
        let ascii = Array("plain text, long enough for the word loop".utf8)
        let accented = Array("plain text, long enough… and accented é".utf8)
        #expect(ascii.withUnsafeBufferPointer { UTF8Validator.check($0) } == (nil, true))
        #expect(accented.withUnsafeBufferPointer { UTF8Validator.check($0) } == (nil, false))
    }
}
