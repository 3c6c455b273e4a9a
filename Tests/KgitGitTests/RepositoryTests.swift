import Testing
@testable import KgitGit

@Suite struct RepositoryTests {
    @Test func openingADirectoryThatIsNotARepositoryFailsNamingThePath() throws {
        let scratch = try Scratch()
        let error = try #require(throws: GitError.self) { try Repository.open(at: scratch.path) }
        #expect(error.kind == .notFound)
        #expect(error.description.contains(scratch.path))
    }

    @Test func aCreatedBareRepositoryOpensAgain() throws {
        let scratch = try Scratch()
        let created = try Repository.create(at: scratch.url("new.git"), bare: true)
        #expect(created.isBare)
        let reopened = try Repository.open(at: scratch.url("new.git"))
        #expect(reopened.isBare)
    }

    @Test func aWorkTreeRepositoryMadeByGitOpens() throws {
        let remote = try sampleRemote()
        let repository = try Repository.open(at: remote.path)
        #expect(!repository.isBare)
        #expect(try repository.resolve("main").commit.hex == remote.revParse("main"))
    }

    @Test func theLinkedLibgit2IsThreadSafe() {
        #expect(Libgit2.features.threads)
        #expect(Libgit2.version.hasPrefix("1."))
    }
}
