import KgitSchema
import Testing

@Suite struct GroupVersionKindTests {
    @Test(arguments: [
        ("apps/v1", "apps", "v1"), ("v1", "", "v1"), ("a.example/b/v2", "a.example/b", "v2"), ("/v1", "", "v1"),
        ("apps/", "apps", ""), ("é.example/v1", "é.example", "v1"),
        // A slash followed by a combining mark is one character, not a separator.
        ("x/\u{301}v1", "", "x/\u{301}v1"),
    ])
    func anAPIVersionSplitsAtItsLastSlash(apiVersion: String, group: String, version: String) {
        let kind = GroupVersionKind(apiVersion: apiVersion, kind: "Thing")
        #expect(kind.group == group)
        #expect(kind.version == version)
        #expect(kind.kind == "Thing")
    }
}
