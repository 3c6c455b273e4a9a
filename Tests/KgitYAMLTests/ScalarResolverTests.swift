import Testing

@testable import KgitYAML

/// The value a plain scalar resolves to inside a parsed document (through the whole parser).
private func plainValue(_ text: String) throws -> Node.Scalar {
    let root = try parseRoot("v: \(text)\n")
    return try #require(root["v"]?.scalar)
}

@Suite struct ScalarResolverTests {
    @Test(arguments: ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"])
    func yaml11TruthyWordsAreCoercedTrue(_ word: String) throws {
        let s = try plainValue(word)
        #expect(s.value == .bool(true))
        #expect(s.yaml11Coerced)
    }

    @Test(arguments: ["n", "N", "no", "No", "NO", "off", "Off", "OFF"])
    func yaml11FalsyWordsAreCoercedFalse(_ word: String) throws {
        let s = try plainValue(word)
        #expect(s.value == .bool(false))
        #expect(s.yaml11Coerced)
    }

    @Test(arguments: [("true", true), ("True", true), ("TRUE", true), ("false", false), ("False", false), ("FALSE", false)])
    func coreBooleansAreNotCoerced(_ word: String, _ value: Bool) throws {
        let s = try plainValue(word)
        #expect(s.value == .bool(value))
        #expect(!s.yaml11Coerced)
    }

    @Test(arguments: ["yEs", "tRUE", "oN", "nO", "Yes!", "truth", "offline"])
    func otherSpellingsStayStrings(_ word: String) throws {
        #expect(try plainValue(word).value == .string(word))
    }

    @Test func everyListedWordResolvesToItsValueAndNearMissesStayStrings() throws {
        func same(_ a: ScalarValue?, _ b: ScalarValue) -> Bool {
            if case .float(let x)? = a, case .float(let y) = b, x.isNaN, y.isNaN { return true }
            return a == b
        }
        for (word, value) in ScalarResolver.words {
            let text = word.description
            #expect(same(try plainValue(text).value, value), "\(text)")
            // One byte changed, one dropped, one added: none of these is a word.
            var bytes = Array(text.utf8)
            let last = bytes.removeLast()
            for variant in [bytes + [last ^ 0x01], bytes + [last, UInt8(ascii: "x")]] {
                let other = String(decoding: variant, as: UTF8.self)
                if ScalarResolver.words.contains(where: { $0.0.description == other }) { continue }
                let resolved = variant.withUnsafeBufferPointer { ScalarResolver.resolveYAML11($0) }
                #expect(resolved == nil, "\(other) resolved to \(String(describing: resolved))")
            }
        }
    }

    @Test(arguments: ["~", "null", "Null", "NULL"])
    func nullWords(_ word: String) throws {
        let s = try plainValue(word)
        #expect(s.value == .null)
        #expect(!s.yaml11Coerced)
    }

    @Test func anEmptyPlainValueIsNull() throws {
        let root = try parseRoot("v:\nw: ''\n")
        #expect(root["v"]?.scalar?.value == .null)
        #expect(root["w"]?.scalar?.value == .string(""))
    }

    @Test(arguments: [
        ("0", 0), ("12", 12), ("+12", 12), ("-12", -12), ("0x1F", 31), ("0X1f", 31), ("-0x10", -16),
        ("0o17", 15), ("0b1010", 10), ("-0b11", -3), ("0755", 493), ("-017", -15), ("1_000", 1000),
        ("0x_FF", 255), ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min),
    ])
    func integers(_ text: String, _ value: Int) throws {
        #expect(try plainValue(text).value == .int(value))
    }

    @Test(arguments: ["0", "12", "+12", "-12", "0x1F", "0o17", "9223372036854775807"])
    func integersYAML12ReadsTheSameAreNotCoerced(_ text: String) throws {
        #expect(try !plainValue(text).yaml11Coerced)
    }

    @Test(arguments: ["0755", "-017", "1_000", "0b1010", "-0x10", "08"])
    func integersYAML12ReadsDifferentlyAreCoerced(_ text: String) throws {
        #expect(try plainValue(text).yaml11Coerced)
    }

    @Test func nonOctalDigitsAfterALeadingZeroMakeAFloat() throws {
        // Go's ParseInt rejects "08" as octal; go-yaml's float pattern then accepts it.
        #expect(try plainValue("08").value == .float(8))
    }

    @Test func integersPastInt64BecomeFloats() throws {
        #expect(try plainValue("18446744073709551615").value == .float(18446744073709551615.0))
        #expect(try plainValue("123456789012345678901234567890").value == .float(1.2345678901234568e29))
    }

    @Test(arguments: [
        ("1.5", 1.5), ("-1.5", -1.5), ("+.5", 0.5), (".5", 0.5), ("1e+3", 1000), ("1E-2", 0.01),
        ("1_0.5", 10.5), (".5e3", 500), ("2.", 2),
    ])
    func floats(_ text: String, _ value: Double) throws {
        if text == "2." {
            // go-yaml's pattern needs a digit after the dot: "2." is a string.
            #expect(try plainValue(text).value == .string("2."))
        } else {
            #expect(try plainValue(text).value == .float(value))
        }
    }

    @Test func exponentsWithoutASignStayStrings() throws {
        // go-yaml v2's float pattern is [eE][-+][0-9]+, so 1e3 is not a number for Kubernetes.
        #expect(try plainValue("1e3").value == .string("1e3"))
    }

    @Test func floatsOutsideDoubleRangeStayStrings() throws {
        #expect(try plainValue("1e+999").value == .string("1e+999"))
    }

    @Test(arguments: [
        (".inf", Double.infinity), (".Inf", .infinity), (".INF", .infinity), ("+.inf", .infinity),
        ("-.inf", -.infinity), ("-.INF", -.infinity),
    ])
    func infinities(_ text: String, _ value: Double) throws {
        let s = try plainValue(text)
        #expect(s.value == .float(value))
        #expect(!s.yaml11Coerced)
    }

    @Test(arguments: [".nan", ".NaN", ".NAN"])
    func notANumber(_ text: String) throws {
        let s = try plainValue(text)
        guard case .float(let d) = s.value else {
            Issue.record("expected a float, got \(s.value)")
            return
        }
        #expect(d.isNaN)
        #expect(!s.yaml11Coerced)
    }

    @Test(arguments: ["1:30", "12:30:45", "2001-12-14", "2001-12-14T21:59:43.10Z", "1.2.3", "0x", "0xZZ", "+", ".", "_1", "1e", "--1", "0b102"])
    func textsKubernetesReadsAsStrings(_ text: String) throws {
        let s = try plainValue(text)
        #expect(s.value == .string(text))
        #expect(!s.yaml11Coerced)
    }

    @Test(arguments: ["'yes'", "\"1\"", "'~'", "\"true\"", "'0755'"])
    func quotedScalarsStayStrings(_ text: String) throws {
        let s = try plainValue(text)
        guard case .string = s.value else {
            Issue.record("\(text) resolved to \(s.value)")
            return
        }
        #expect(!s.yaml11Coerced)
    }

    @Test func blockScalarsStayStrings() throws {
        let root = try parseRoot("v: |\n  123\n")
        #expect(root["v"]?.scalar?.value == .string("123\n"))
    }

    @Test func explicitStrTagKeepsText() throws {
        let root = try parseRoot("a: !!str 123\nb: !!str yes\nc: ! 12\nd: !custom 5\n")
        #expect(root["a"]?.scalar?.value == .string("123"))
        #expect(root["b"]?.scalar?.value == .string("yes"))
        #expect(root["b"]?.scalar?.yaml11Coerced == false)
        #expect(root["c"]?.scalar?.value == .string("12"))
        #expect(root["d"]?.scalar?.value == .string("5"))
    }

    @Test func explicitTypeTagsAreHonoredEvenOnQuotedText() throws {
        let root = try parseRoot("a: !!int \"12\"\nb: !!float 3\nc: !!bool 'yes'\nd: !!null ''\ne: !!float '1.5'\n")
        #expect(root["a"]?.scalar?.value == .int(12))
        #expect(root["b"]?.scalar?.value == .float(3))
        #expect(root["c"]?.scalar?.value == .bool(true))
        #expect(root["d"]?.scalar?.value == .null)
        #expect(root["e"]?.scalar?.value == .float(1.5))
    }

    @Test func anExplicitTagThatDoesNotFitTheTextIsAnError() throws {
        let error = try #require(parseError("a: 1\nb: !!int abc\n"))
        #expect(error.code == .tagMismatch)
        #expect(error.mark == Mark(line: 2, column: 4, offset: 8))
        #expect(error.message == "cannot read the string \"abc\" as !!int")
        #expect(parseError("x: !!bool 1\n")?.code == .tagMismatch)
    }

    @Test func aLoneDashIsAString() {
        #expect(ScalarResolver.resolvePlain("-") == .init(value: nil, coerced: false))
        #expect(ScalarResolver.resolvePlain("-_") == .init(value: nil, coerced: false))
    }

    @Test func resolverAgreesWithTheCoreSchemaCheck() {
        #expect(ScalarResolver.resolvePlain("0o17") == .init(value: .int(15), coerced: false))
        #expect(ScalarResolver.resolvePlain("0755") == .init(value: .int(493), coerced: true))
        #expect(ScalarResolver.resolvePlain("hello") == .init(value: nil, coerced: false))
        #expect(ScalarResolver.resolvePlain("") == .init(value: .null, coerced: false))
    }

    /// `mayStartNonString` lets `resolvePlain` skip `resolveYAML11` for a first byte it rules out: for
    /// every byte it rules out, `resolveYAML11` must say "string" to text starting with that byte.
    @Test func everyFirstByteRuledOutResolvesToAString() {
        var ruledOut = 0
        for first in 0...255 {
            let byte = UInt8(first)
            guard !ScalarResolver.mayStartNonString(byte) else { continue }
            ruledOut += 1
            for tail in [[], [UInt8(ascii: "1")], Array("es".utf8), Array("rue".utf8), Array(".inf".utf8)] {
                let text = [byte] + tail
                let value = text.withUnsafeBufferPointer { ScalarResolver.resolveYAML11($0) }
                #expect(value == nil, "\(text) resolved to \(String(describing: value))")
            }
        }
        #expect(ruledOut == 256 - 24)
    }

    /// `plainDecimal` lets `resolvePlain` skip both full resolutions: it must agree with them.
    @Test(arguments: ["0", "1", "7", "80", "8080", "123456789012345678", "1234567890123456789", "00", "01", "0x1",
        "12a", "+1", "-1", "1_0", "1.0", "", "９"])
    func plainDecimalsResolveAsTheFullResolutionDoes(_ text: String) {
        let bytes = Array(text.utf8)
        let fast = bytes.withUnsafeBufferPointer { ScalarResolver.plainDecimal($0) }
        if let fast {
            let yaml11 = bytes.withUnsafeBufferPointer { ScalarResolver.resolveYAML11($0) }
            let core12 = bytes.withUnsafeBufferPointer { ScalarResolver.resolveCore12($0) }
            #expect(yaml11 == .int(fast))
            #expect(core12 == .int(fast))
        }
        #expect((fast != nil) == (["0", "1", "7", "80", "8080", "123456789012345678"].contains(text)))
    }
}
