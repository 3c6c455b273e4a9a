import KgitSchema
import Testing

/// `pattern` in a CRD means what Go's `regexp` (RE2) makes of it, as in the API server.
@Suite struct SchemaPatternTests {
    func matches(_ pattern: String, _ text: String) throws -> Bool { try SchemaPattern(pattern).matches(text) }

    func refusal(_ pattern: String) -> String? {
        do {
            _ = try SchemaPattern(pattern)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test(arguments: [
        ("(a)\\1", "backreference `\\1`"),
        ("(?P<x>a)(?P=x)", "named backreference"),
        ("\\k<x>", "backreference `\\k`"),
        ("a(?=b)", "lookahead `(?=`"),
        ("a(?!b)", "lookahead `(?!`"),
        ("(?<=a)b", "lookbehind `(?<=`"),
        ("(?<!a)b", "lookbehind `(?<!`"),
        ("a*+", "possessive quantifier"),
        ("a++", "possessive quantifier"),
        ("a{2}+", "possessive quantifier"),
        ("(?>ab)", "atomic group"),
        ("(?(1)a|b)", "conditional"),
        ("a\\Z", "`\\Z`"),
        ("\\Ga", "escape `\\G`"),
        ("(?x) a", "flag `x`"),
        ("a{1001}", "more than 1000"),
        ("a{3,2}", "invalid repetition"),
        ("a**", "repeats a repetition"),
        ("*a", "nothing to repeat"),
        ("[[:alpah:]]", "unknown character class"),
        ("(a", "without a matching `)`"),
        ("a)", "without a matching `(`"),
    ])
    func constructsRE2DoesNotSupportAreRefused(pattern: String, reason: String) {
        let found = refusal(pattern)
        #expect(found?.contains(reason) == true, "\(pattern): \(found ?? "accepted")")
    }

    @Test(arguments: [
        "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "(?i)^abc$", "(?P<name>[a-z]+)=(?<value>\\d+)", "^\\pL+$", "\\p{Greek}",
        "[[:alpha:]_][[:word:]]*", "^a{2,3}b{1,}c{0}$", "\\Qa.b\\E", "x*?y+?z??", "(?s:a.b)", "[]a]", "\\x41\\x{42}",
    ])
    func validRE2PatternsCompile(pattern: String) {
        #expect(refusal(pattern) == nil)
    }

    @Test func dollarIsOnlyTheEndOfTheText() throws {
        // Swift's `$` also matches before a final newline; RE2's does not.
        #expect(try !matches("^[a-z]+$", "abc\n"))
        #expect(try matches("^[a-z]+$", "abc"))
        #expect(try matches("(?m)^b$", "a\nb\nc"))
    }

    @Test func perlClassesAreASCII() throws {
        #expect(try !matches("^\\d+$", "١٢٣"))  // Arabic-Indic digits
        #expect(try matches("^\\d+$", "123"))
        #expect(try !matches("^\\w+$", "héllo"))
        #expect(try !matches("^[[:alpha:]]+$", "é"))
        #expect(try matches("^\\s$", "\t"))
        #expect(try !matches("^\\s$", "\u{A0}"))
    }

    @Test func dotMatchesOneScalarButNotANewline() throws {
        // "é" written as e + combining acute accent is two runes: `^.$` does not match it in RE2.
        #expect(try !matches("^.$", "e\u{301}"))
        #expect(try matches("^..$", "e\u{301}"))
        #expect(try !matches("^a.b$", "a\nb"))
        #expect(try matches("(?s)^a.b$", "a\nb"))
        // Only `\n` is excluded: a carriage return is any other character to RE2.
        #expect(try matches("^a.b$", "a\rb"))
    }

    @Test func octalEscapesAreCharactersNotBackreferences() throws {
        #expect(try matches("^\\101$", "A"))
        #expect(try matches("^\\0$", "\0"))
        #expect(try matches("^\\v$", "\u{0B}"))
        #expect(try !matches("^\\v$", "\n"))
    }

    @Test func bracesThatAreNotRepetitionsAreLiterals() throws {
        #expect(try matches("^a{,2}$", "a{,2}"))
        #expect(try !matches("^a{,2}$", "aa"))
        #expect(try matches("^a{2}$", "aa"))
        #expect(try matches("^{}$", "{}"))
    }

    @Test func setOperatorsInsideAClassArePlainCharacters() throws {
        // Swift would read `&&` as an intersection and `[` as a nested class.
        #expect(try matches("^[a&&b]$", "&"))
        #expect(try matches("^[a&&b]$", "a"))
        #expect(try matches("^[[a]$", "["))
        #expect(try matches("^[a~~b]$", "~"))
        #expect(try matches("^[a-c-]$", "-"))
        #expect(try matches("^[\\d.]+$", "1.5"))
        #expect(try !matches("^[^\\D]$", "x"))
    }

    @Test func wordBoundariesUseASCIIWords() throws {
        #expect(try matches("\\bfoo\\b", "a foo b"))
        #expect(try !matches("\\bfoo\\b", "afoo"))
    }

    @Test func patternsAreUnanchoredUnlessTheySayOtherwise() throws {
        #expect(try matches("b", "abc"))
        #expect(try !matches("^b", "abc"))
    }
}
