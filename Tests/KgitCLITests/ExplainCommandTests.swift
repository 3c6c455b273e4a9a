import KgitYAML
import Testing

@testable import KgitCLI

@Suite struct ExplainCommand {
    @Test func explainingAKnownCodePrintsItsSummaryAndExplanation() throws {
        let result = try KgitBinary.run(["explain", "yaml-duplicate-key"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("yaml-duplicate-key: A mapping has the same key twice.\n\n"))
    }

    @Test func listingShowsEveryCodeOnItsOwnLine() throws {
        let result = try KgitBinary.run(["explain", "--list"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("yaml-syntax"))
        #expect(result.stdout.contains("yaml-alias-limit"))
    }

    @Test func anUnknownCodeIsAUsageErrorWithExitStatus2() throws {
        let result = try KgitBinary.run(["explain", "no-such-code"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no diagnostic code \"no-such-code\""))
    }

    @Test func anUnknownOptionExitsWith2AndSaysWhy() throws {
        let result = try KgitBinary.run(["explain", "--frobnicate"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Unknown option '--frobnicate'"))
    }
}

@Suite struct ErrorCodeCatalog {
    @Test(arguments: YAMLError.Code.allCases)
    func everyYAMLErrorCodeCanBeExplained(code: YAMLError.Code) {
        #expect(ErrorCodes.lookup(code.rawValue) != nil, "kgit explain \(code.rawValue) has no entry")
    }
}
