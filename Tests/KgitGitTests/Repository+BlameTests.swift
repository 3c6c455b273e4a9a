import Testing

@testable import KgitGit

@Suite struct RepositoryBlameTests {
    @Test func eachLineIsBlamedOnTheCommitThatLastChangedIt() throws {
        let remote = try sampleRemote()
        let first = try remote.revParse("main~1")
        let second = try remote.revParse("main")
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }

        let blame = try mirror.blame("manifests/web/deployment.yaml", at: mirror.resolve("main").commit)

        let line1 = try #require(blame.hunk(forLine: 1))
        #expect(line1.commit.hex == first)
        #expect(line1.summary == "Add the web app")
        #expect(line1.author.name == "Ada Author")
        #expect(line1.author.email == "ada@example.com")
        let line2 = try #require(blame.hunk(forLine: 2))
        #expect(line2.commit.hex == second)
        #expect(line2.summary == "Scale web to 3")
        #expect(blame.hunk(forLine: 3) == nil)
        #expect(blame.hunk(forLine: 0) == nil)
    }

    @Test func theNewestCommitOptionBlamesAnOlderVersion() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let blame = try mirror.blame("manifests/web/deployment.yaml", at: mirror.resolve("v1").commit)
        #expect(blame.hunks.count == 1)
        #expect(blame.hunk(forLine: 2)?.summary == "Add the web app")
    }

    @Test func blamingOneLineReportsOnlyThatLine() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let blame = try mirror.blame("manifests/web/deployment.yaml", at: mirror.resolve("main").commit, lines: 2...2)
        #expect(blame.hunks.count == 1)
        #expect(blame.hunk(forLine: 2)?.summary == "Scale web to 3")
        #expect(blame.hunk(forLine: 1) == nil)
    }

    @Test func blamingAMissingFileFailsNamingIt() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let error = try #require(throws: GitError.self) {
            try mirror.blame("nope.yaml", at: mirror.resolve("main").commit)
        }
        #expect(error.description.contains("nope.yaml"))
    }
}
