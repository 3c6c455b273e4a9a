import Testing

@testable import KgitGit

@Suite struct ObjectIDTests {
    @Test func fortyHexDigitsRoundTripThroughTheTwentyBytes() throws {
        let hex = "0123456789abcdef00112233445566778899aabb"
        let id = try #require(ObjectID(hex: hex))
        #expect(id.hex == hex)
        #expect(id.bytes.count == 20)
        #expect(ObjectID(bytes: id.bytes) == id)
        #expect(id.abbreviated() == "0123456")
    }

    @Test func upperCaseHexParsesToTheSameID() {
        #expect(
            ObjectID(hex: "ABCDEF0123456789ABCDEF0123456789ABCDEF01")
                == ObjectID(hex: "abcdef0123456789abcdef0123456789abcdef01"))
    }

    @Test(arguments: [
        "", "abc", "0123456789abcdef00112233445566778899aab", "g123456789abcdef00112233445566778899aabb",
        "0123456789abcdef00112233445566778899aabbcc",
    ])
    func anythingButFortyHexDigitsIsRejected(_ text: String) {
        #expect(ObjectID(hex: text) == nil)
    }

    @Test func idsOrderLikeTheirBytes() throws {
        let low = try #require(ObjectID(hex: "00000000000000000000000000000000000000ff"))
        let high = try #require(ObjectID(hex: "0000000000000000000000000000000000000100"))
        #expect(low < high)
    }
}
