import Foundation
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

@Suite struct RepositoryConcurrencyTests {
    @Test func separateMirrorsFetchAndReadConcurrentlyFromSeparateTasks() async throws {
        let remote = try sampleRemote()
        let want = try remote.revParse("main:manifests/web/deployment.yaml")
        let cache = try Scratch("kgit-cache")
        let path = remote.path, base = cache.path
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<4 {
                group.addTask {
                    // Each task owns its Repository: instances are not Sendable and never cross tasks.
                    let mirror = try Repository.mirror(of: path, at: "\(base)/mirror-\(i).git")
                    try mirror.fetch()
                    let tree = try mirror.resolve("main").tree
                    return try mirror.readFile("manifests/web/deployment.yaml", in: tree, maxBytes: 100).id.hex
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(ids == Array(repeating: want, count: 4))
    }

    @Test func aCacheDirectoryThatIsAFileFailsNamingThePath() throws {
        let scratch = try Scratch()
        let file = scratch.url("not-a-directory")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let error = try #require(throws: GitError.self) { try Repository.mirror(of: "/srv/repo.git", at: file) }
        #expect(error.description.contains(file))
    }
}
