import Testing

@testable import KgitYAML

@Suite struct ScalarTextTests {
    @Test(arguments: ["web", "--port", "a:b", "a#b", "registry.io/app:1.0", "héllo", "x y", "-verbose", "3/4"])
    func plainWhenUnambiguous(_ text: String) {
        #expect(ScalarText.canBePlain(text))
    }

    @Test(arguments: [
        "", "yes", "Off", "null", "~", "12", "0x1F", "1e3", "1:30", "2024-01-02", "1.2.3", ".5", "-", "- x", "---",
        "...", "a: b", "a #b", "x:", " x", "x ", "<<", "&a", "*a", "!t", "|", ">", "'q", "\"q", "%p", "@a", "`b",
        "{", "[", "#c", "?", "? x", ":x", "a\tb", "a\nb", "\u{85}", "a\u{2028}b", "\u{FEFF}x",
    ])
    func quotedWhenPlainWouldMisread(_ text: String) {
        #expect(!ScalarText.canBePlain(text))
    }

    @Test func doubleQuotedEscapesWhatYAMLRequires() {
        #expect(ScalarText.doubleQuoted("a\"b\\c\n\t\u{0}\u{1B}\u{7F}\u{2029}é") == #""a\"b\\c\n\t\0\e\u007F\Pé""#)
    }

    @Test func literalBlocksChooseChompingAndIndentation() {
        #expect(ScalarText.literalBlock("a\nb", indent: 2) == "|-\n  a\n  b\n")
        #expect(ScalarText.literalBlock("a\n", indent: 4) == "|\n    a\n")
        #expect(ScalarText.literalBlock("a\n\n\n", indent: 2) == "|+\n  a\n\n\n")
        #expect(ScalarText.literalBlock(" a\nb", indent: 2) == "|2-\n   a\n  b\n")
        #expect(ScalarText.literalBlock("single line", indent: 2) == nil)
        #expect(ScalarText.literalBlock("\n\n", indent: 2) == nil)
        #expect(ScalarText.literalBlock("a\r\nb", indent: 2) == nil)
    }

    @Test func floatsAreWrittenSoTheyReadBackAsFloats() {
        #expect(NumberFormat.yaml(1) == "1.0")
        #expect(NumberFormat.yaml(1e20) == "1e+20")
        #expect(NumberFormat.yaml(-.infinity) == "-.inf")
        #expect(NumberFormat.yaml(.nan) == ".nan")
        #expect(NumberFormat.json(.infinity) == nil)
        #expect(NumberFormat.json(0.1) == "0.1")
    }
}
