@testable import KgitSchema
import Testing

@Suite struct SuggestionTests {
    @Test(arguments: [
        ("replica", "replicas"), ("contianers", "containers"), ("imagePulPolicy", "imagePullPolicy"), ("Replicas", "replicas"),
        ("selecter", "selector"), ("labels", nil), ("strategy", nil), ("xyz", nil), ("templat", "template"),
    ] as [(String, String?)])
    func suggestsTheClosestName(typo: String, expected: String?) {
        let candidates = ["replicas", "containers", "imagePullPolicy", "selector", "strategy", "template", "paused"]
        #expect(Suggestion.closest(to: typo, among: candidates) == expected)
    }

    @Test func countsATranspositionAsOneEdit() {
        #expect(Suggestion.editDistance(Array("ab".unicodeScalars), Array("ba".unicodeScalars)) == 1)
        #expect(Suggestion.editDistance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars)) == 3)
        #expect(Suggestion.editDistance(Array("".unicodeScalars), Array("abc".unicodeScalars)) == 3)
    }
}
