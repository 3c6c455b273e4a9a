import Testing

@testable import KgitYAML

@Suite struct UTF8ValidatorTests {
    private func firstInvalid(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { UTF8Validator.firstInvalidOffset(in: $0) }
    }

    @Test func acceptsWellFormedTextOfEveryWidth() {
        #expect(firstInvalid([]) == nil)
        #expect(firstInvalid(Array("plain ascii text that is longer than eight bytes".utf8)) == nil)
        #expect(firstInvalid(Array("é 日本 🎉 \u{10FFFF} \u{FEFF}".utf8)) == nil)
    }

    @Test func reportsTheOffsetOfTheFirstBadSequence() {
        // After 9 ASCII bytes (so the eight-byte fast path is used first).
        #expect(firstInvalid(Array("abcdefghi".utf8) + [0xFF, 0x41]) == 9)
        #expect(firstInvalid([0x41, 0xC3]) == 1)  // truncated at the end
    }

    @Test(arguments: [
        [0xC0, 0xAF] as [UInt8],  // overlong "/"
        [0xE0, 0x80, 0xAF],  // overlong, three bytes
        [0xF0, 0x80, 0x80, 0xAF],  // overlong, four bytes
        [0xED, 0xA0, 0x80],  // surrogate U+D800
        [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
        [0xF5, 0x80, 0x80, 0x80],  // invalid lead byte
        [0x80],  // lone continuation byte
        [0xE2, 0x28, 0xA1],  // bad continuation
    ])
    func rejectsMalformedSequences(_ bytes: [UInt8]) {
        #expect(firstInvalid(bytes) == 0)
    }
}
