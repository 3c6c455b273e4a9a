import Testing

@testable import KgitYAML

@Suite struct ComposerAliasTests {
    @Test func aliasesExpandToCopiesMarkedFromAlias() throws {
        let root = try parseRoot("base: &b\n  x: 1\n  list: [a]\nuse: *b\n")
        let base = try #require(root["base"])
        let use = try #require(root["use"])
        #expect(base.anchor == "b")
        #expect(!base.fromAlias)
        #expect(use.fromAlias)
        #expect(use["x"]?.scalar?.value == .int(1))
        #expect(use["x"]?.fromAlias == true)
        #expect(use["list"]?.sequence?.first?.fromAlias == true)
        // The copy keeps the original's marks.
        #expect(use.start == base.start)
        #expect(use["x"]?.start == Mark(line: 2, column: 6, offset: 14))
    }

    @Test func scalarAliases() throws {
        let root = try parseRoot("a: &v 42\nb: *v\n")
        #expect(root["b"]?.scalar?.value == .int(42))
        #expect(root["b"]?.fromAlias == true)
    }

    @Test func aLaterAnchorWithTheSameNameWins() throws {
        let root = try parseRoot("- &a 1\n- *a\n- &a 2\n- *a\n")
        #expect(root.sequence?.compactMap { $0.scalar?.value } == [.int(1), .int(1), .int(2), .int(2)])
    }

    @Test func anUnknownAnchorIsAnError() throws {
        let error = try #require(parseError("a: 1\nb: *nope\n"))
        #expect(error.code == .unknownAnchor)
        #expect(error.mark == Mark(line: 2, column: 4, offset: 8))
        #expect(error.message.contains("*nope"))
    }

    @Test func anchorsDoNotCrossDocuments() throws {
        #expect(parseError("a: &x 1\n---\nb: *x\n")?.code == .unknownAnchor)
    }

    @Test func anAliasInsideItsOwnAnchorIsAnError() throws {
        let error = try #require(parseError("a: &r\n  b: *r\n"))
        #expect(error.code == .unknownAnchor)
        #expect(error.message.contains("contains it"))
    }
}

@Suite struct ComposerMergeTests {
    @Test func mergesAMappingAtThePositionOfTheMergeKey() throws {
        let root = try parseRoot("base: &b {x: 1, y: 2}\nm:\n  a: 0\n  <<: *b\n  z: 3\n")
        let m = try #require(root["m"]?.mapping)
        #expect(m.map { $0.key.string } == ["a", "x", "y", "z"])
        #expect(root["m"]?["y"]?.scalar?.value == .int(2))
    }

    @Test func explicitKeysOverrideMergedOnesWhereverTheyStand() throws {
        let root = try parseRoot("base: &b {x: 1, y: 2}\nm:\n  x: before\n  <<: *b\n  y: after\n")
        let m = try #require(root["m"])
        #expect(m.mapping?.count == 2)
        #expect(m["x"]?.string == "before")
        #expect(m["y"]?.string == "after")
        #expect(m.mapping?.map { $0.key.string } == ["x", "y"])
    }

    @Test func earlierMapsInAMergeListTakePrecedence() throws {
        let root = try parseRoot("""
            a: &a {k: from-a, only-a: 1}
            b: &b {k: from-b, only-b: 2}
            m:
              <<: [*a, *b]
              own: 3
            """)
        let m = try #require(root["m"])
        #expect(m["k"]?.string == "from-a")
        #expect(m["only-a"]?.scalar?.value == .int(1))
        #expect(m["only-b"]?.scalar?.value == .int(2))
        #expect(m.mapping?.map { $0.key.string } == ["k", "only-a", "only-b", "own"])
    }

    @Test func inlineMappingsCanBeMerged() throws {
        let root = try parseRoot("m:\n  <<: {a: 1}\n  b: 2\n")
        #expect(root["m"]?.mapping?.map { $0.key.string } == ["a", "b"])
    }

    @Test func aQuotedMergeKeyIsAnOrdinaryKey() throws {
        let root = try parseRoot("m:\n  '<<': {a: 1}\n")
        #expect(root["m"]?.mapping?.first?.key.string == "<<")
        #expect(root["m"]?["<<"]?.mapping?.count == 1)
    }

    @Test func mergingAScalarIsAnError() throws {
        let error = try #require(parseError("m:\n  <<: 5\n"))
        #expect(error.code == .badMerge)
        #expect(error.mark == Mark(line: 2, column: 7, offset: 9))
    }

    @Test func mergingAListWithANonMappingIsAnError() throws {
        let error = try #require(parseError("a: &a {x: 1}\nm:\n  <<: [*a, [1]]\n"))
        #expect(error.code == .badMerge)
        #expect(error.mark.line == 3)
        #expect(error.message.contains("list"))
    }
}

@Suite struct ComposerDuplicateKeyTests {
    @Test func aDuplicateKeyIsReportedAtTheSecondKeyNamingTheFirstLine() throws {
        let error = try #require(parseError("name: a\nother: 1\nname: b\n"))
        #expect(error.code == .duplicateKey)
        #expect(error.mark == Mark(line: 3, column: 1, offset: 17))
        #expect(error.message == "duplicate key \"name\": it is already defined at line 1")
    }

    @Test func duplicatesAreFoundInLargeMappingsToo() throws {
        var text = ""
        for i in 0..<50 { text += "k\(i): \(i)\n" }
        text += "k7: again\n"
        let error = try #require(parseError(text))
        #expect(error.code == .duplicateKey)
        #expect(error.mark.line == 51)
        #expect(error.message.hasSuffix("line 8"))
    }

    @Test func keysAreComparedByResolvedValue() throws {
        // 0x10 and 16 are the same integer key.
        #expect(parseError("0x10: a\n16: b\n")?.code == .duplicateKey)
        // "16" quoted is a string, not the integer 16.
        #expect(try parseRoot("'16': a\n16: b\n").mapping?.count == 2)
    }

    @Test func keysThatShareLengthAndEndsAreStillDistinct() throws {
        // Same length, first two, middle and last two bytes: equal fingerprints, different keys.
        #expect(Composer.fingerprint(.string("ab1-m-xcd")) == Composer.fingerprint(.string("ab2-m-ycd")))
        let root = try parseRoot("ab1-m-xcd: 1\nab2-m-ycd: 2\n-0.0: a\n")
        #expect(root.mapping?.count == 3)
        #expect(parseError("ab1-m-xcd: 1\nab2-m-ycd: 2\nab1-m-xcd: 3\n")?.mark.line == 3)
    }

    @Test(arguments: ["", "a", "name", "containerPort", "fifteen-bytes-x", "sixteen-bytes-xy", "café", "日本語", "é\u{301}x"])
    func shortScalarTextIsTheStringOfItsBytes(_ sample: String) throws {
        let bytes = Array(sample.utf8)
        let text = bytes.withUnsafeBufferPointer { Composer.smallString(UnsafeBufferPointer(rebasing: $0.prefix(15))) }
        #expect(text == String(decoding: bytes.prefix(15), as: UTF8.self))
        #expect(Array(text.utf8) == Array(bytes.prefix(15)) || bytes.count > 15)
        // Through the parser, as a key and as a value.
        let root = try parseRoot("'\(sample)': '\(sample)'\n")
        #expect(root.mapping?.first?.key.scalar?.text == sample)
        #expect(root.mapping?.first?.value.scalar?.text == sample)
    }

    @Test func inlineASCIIStringsAreTheStandardLibrarysOwn() {
        #if (arch(x86_64) || arch(arm64)) && _endian(little)
            // Else the composer silently falls back to the slower path.
            #expect(Composer.inlineASCIIWorks)
        #endif
        guard Composer.inlineASCIIWorks else { return }
        // Every length, with bytes around the ends of the ASCII range, from inside a larger buffer (so
        // that bytes past the scalar are not ASCII and must not leak in).
        var generator = SystemRandomNumberGenerator()
        for count in 0...15 {
            for _ in 0..<50 {
                let bytes = (0..<count).map { _ in UInt8.random(in: 0...0x7F, using: &generator) }
                let padded = [0xC3] + bytes + [0xA9, 0xFF]
                let made = padded.withUnsafeBufferPointer {
                    Composer.inlineASCII(UnsafeBufferPointer(rebasing: $0[1..<(1 + count)]))
                }
                let reference = String(decoding: bytes, as: UTF8.self)
                #expect(made.map { unsafeBitCast($0, to: (UInt64, UInt64).self) == unsafeBitCast(reference, to: (UInt64, UInt64).self) } == true)
                #expect(made == reference)
                #expect(made.map { Array($0.utf8) } == bytes)
            }
        }
        #expect(Array("abcdefgh\u{80}".utf8).withUnsafeBufferPointer { Composer.inlineASCII($0) } == nil)
        #expect([UInt8](repeating: 0x61, count: 16).withUnsafeBufferPointer { Composer.inlineASCII($0) } == nil)
    }

    @Test func invalidBytesAreRepairedAsStringDecodingRepairsThem() {
        for bad: [UInt8] in [[0xff], [0x61, 0xc3], [0xe6, 0x97, 0x61], [0x61, 0x80, 0x62, 0x63]] {
            let text = bad.withUnsafeBufferPointer { Composer.smallString($0) }
            #expect(Array(text.utf8) == Array(String(decoding: bad, as: UTF8.self).utf8))
        }
    }

    @Test func zeroAndNegativeZeroFloatKeysAreTheSameKey() throws {
        #expect(parseError("0.0: a\n-0.0: b\n")?.code == .duplicateKey)
    }

    @Test func duplicatesInFlowMappings() throws {
        #expect(parseError("{a: 1, a: 2}")?.code == .duplicateKey)
    }

    @Test func theSameKeyInSiblingMappingsIsFine() throws {
        #expect(try parseRoot("- a: 1\n- a: 2\n").sequence?.count == 2)
    }
}

@Suite struct ComposerLimitTests {
    static let billionLaughs = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """

    @Test func aBillionLaughsDocumentIsRefused() throws {
        let error = try #require(parseError(Self.billionLaughs))
        #expect(error.code == .aliasExpansion)
        #expect(error.message.contains("more than 100000 nodes"))
        // Refused while expanding level f (the first level past 100 000 nodes), long before i.
        #expect(error.mark.line == 6)
    }

    @Test func aliasesUnderTheLimitAreExpanded() throws {
        let root = try parseOK(Self.billionLaughs.split(separator: "\n").prefix(3).joined(separator: "\n"))
        #expect(root.first?.root?["c"]?.sequence?.first?.sequence?.first?.sequence?.count == 9)
    }

    @Test func theAliasLimitIsConfigurable() throws {
        let text = "a: &a [1, 2, 3]\nb: [*a, *a]\n"
        #expect(parseError(text, limits: ParserLimits(maxAliasExpansion: 5))?.code == .aliasExpansion)
        #expect(try parseOK(text, limits: ParserLimits(maxAliasExpansion: 8)).count == 1)
    }

    @Test func nestingDeeperThanTheLimitIsRefused() throws {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        let error = try #require(parseError(deep))
        #expect(error.code == .depth)
        #expect(error.mark == Mark(line: 1, column: 257, offset: 256))
        let ok = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(try parseOK(ok).count == 1)
    }

    @Test func aliasesCannotExceedTheDepthLimit() throws {
        let limits = ParserLimits(maxDepth: 4)
        let text = "a: &a [[1]]\nb: [[*a]]\n"
        let error = try #require(parseError(text, limits: limits))
        #expect(error.code == .depth)
        #expect(error.mark.line == 2)
    }

    @Test func inputLargerThanTheLimitIsRefused() throws {
        let error = try #require(parseError("a: 1234567890\n", limits: ParserLimits(maxBytes: 8)))
        #expect(error.code == .size)
        #expect(error.message.contains("14 bytes"))
    }
}
