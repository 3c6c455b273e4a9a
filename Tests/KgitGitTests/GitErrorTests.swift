import Testing

@testable import KgitGit

@Suite struct GitErrorTests {
    @Test func theDescriptionNamesTheOperationTheReasonAndLibgit2sMessage() {
        let error = GitError(
            .notFound, operation: "resolving revision \"v9\" in /cache/x.git", reason: "not found",
            libgit2Code: -3, libgit2Message: "reference 'refs/tags/v9' not found")
        #expect(
            error.description
                == "resolving revision \"v9\" in /cache/x.git: not found (libgit2: reference 'refs/tags/v9' not found)")
    }

    @Test func withoutALibgit2MessageTheCodeIsShown() {
        let error = GitError(.other, operation: "fetching x", reason: "failed", libgit2Code: -1, libgit2Message: nil)
        #expect(error.description == "fetching x: failed (libgit2 error -1)")
    }
}
