import KgitYAML
import Testing

@testable import KgitSync

@Suite struct YAMLLinesTests {
    static func render(_ yaml: String) -> String {
        YAMLLines.render(SyncFixtures.value(yaml), schema: nil).map(\.text).joined(separator: "\n")
    }

    @Test(arguments: [
        ("b: 1\na: x\n", "a: x\nb: 1"),
        ("a: {c: 1, b: [x, {k: v, j: w}]}\n", "a:\n  b:\n  - x\n  - j: w\n    k: v\n  c: 1"),
        (
            "a: \"yes\"\nb: \"1Gi\"\nc: \"x: y\"\nd: nginx:1.27\ne: \"\"\n",
            "a: \"yes\"\nb: \"1Gi\"\nc: \"x: y\"\nd: nginx:1.27\ne: \"\""
        ),
        ("a: {}\nb: []\nc: null\n", "a: {}\nb: []\nc: null"),
        ("s: \"line 1\\nline 2\\n\"\n", "s: |\n  line 1\n  line 2"),
        ("s: \"line 1\\n\\nline 3\"\n", "s: |-\n  line 1\n\n  line 3"),
        ("s: \" lead\\nx\"\n", "s: \" lead\\nx\""),
        ("s: \"a\\r\\nb\"\n", "s: \"a\\r\\nb\""),
        ("l: [\"x\\ny\\n\"]\n", "l:\n- |\n  x\n  y"),
    ])
    func sortedBlockYAMLWithQuotesOnlyWhereNeeded(yaml: String, want: String) {
        #expect(Self.render(yaml) == want)
    }

    @Test func everyLineCarriesTheFieldPathItWrites() {
        let lines = YAMLLines.render(SyncFixtures.value("data:\n  conf: \"a\\nb\\n\"\n  k: v\n"), schema: nil)
        #expect(lines.map(\.path) == [".data", ".data.conf", ".data.conf", ".data.conf", ".data.k"])
    }
}

@Suite struct FieldPathTests {
    @Test(arguments: [
        ("plain", "\"plain\""),
        ("a\"b\\c", "\"a\\\"b\\\\c\""),
        ("tab\tcr\rnl\n", "\"tab\\tcr\\rnl\\n\""),
        ("bell\u{07}", "\"bell\\u0007\""),
    ])
    func quotedEscapesEveryControlCharacter(text: String, want: String) {
        #expect(FieldPath.quoted(text) == want)
    }

    @Test(arguments: [
        (".spec.containers[name=\"a.b[0]\"].image", ".spec.containers[name=\"a.b[0]\"]"),
        (".metadata.annotations[\"kgit.dev/sync-wave\"]", ".metadata.annotations"),
        (".spec", ""),
    ])
    func theParentOfAPathIgnoresDotsAndBracketsInQuotes(path: String, want: String) throws {
        let cut = try #require(FieldPath.parentEnd(of: Substring(path)))
        #expect(String(path[..<cut]) == want)
    }
}
