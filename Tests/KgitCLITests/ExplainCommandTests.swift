import KgitTesting
import KgitYAML
import Testing

@testable import KgitCLI

@Suite struct ExplainCommand {
    @Test func explainingAKnownCodePrintsItsSummaryAndExplanation() async throws {
        let result = try await KgitBinary.run(["explain", "yaml-duplicate-key"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("yaml-duplicate-key: A mapping has the same key twice.\n\n"))
    }

    @Test func listingShowsEveryCodeOnItsOwnLine() async throws {
        let result = try await KgitBinary.run(["explain", "--list"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("yaml-syntax"))
        #expect(result.stdout.contains("yaml-alias-limit"))
    }

    @Test func anUnknownCodeIsAUsageErrorWithExitStatus2() async throws {
        let result = try await KgitBinary.run(["explain", "no-such-code"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no diagnostic code \"no-such-code\""))
    }

    @Test func anUnknownOptionExitsWith2AndSaysWhy() async throws {
        let result = try await KgitBinary.run(["explain", "--frobnicate"])
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
