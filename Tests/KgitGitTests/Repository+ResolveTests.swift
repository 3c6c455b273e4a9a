import Testing

@testable import KgitGit

@Suite struct RepositoryResolveTests {
    @Test func aBranchResolvesToItsTipCommitAndTree() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let resolved = try mirror.resolve("main")
        #expect(resolved.commit.hex == (try remote.revParse("main")))
        #expect(resolved.tree.hex == (try remote.revParse("main^{tree}")))
        #expect(resolved.reference == "refs/heads/main")
    }

    @Test func anAnnotatedTagPeelsToTheCommitItTags() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let resolved = try mirror.resolve("v1")
        #expect(resolved.commit.hex == (try remote.revParse("v1^{commit}")))
        #expect(resolved.commit.hex != (try remote.revParse("v1")))  // the tag object itself is not the commit
        #expect(resolved.reference == "refs/tags/v1")
    }

    @Test func aLightweightTagResolvesToItsCommit() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        #expect(try mirror.resolve("light").commit.hex == remote.revParse("light"))
        #expect(try mirror.resolve("refs/tags/light").commit.hex == remote.revParse("light"))
    }

    @Test func fullAndAbbreviatedCommitIDsResolve() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let first = try remote.revParse("main~1")
        #expect(try mirror.resolve(first).commit.hex == first)
        #expect(try mirror.resolve(String(first.prefix(7))).commit.hex == first)
        #expect(try mirror.resolve(first.uppercased()).commit.hex == first)
        #expect(try mirror.resolve(first).reference == nil)
    }

    @Test func headResolvesToTheRemotesDefaultBranch() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        #expect(try mirror.resolve("HEAD").commit.hex == remote.revParse("main"))
    }

    @Test(arguments: ["no-such-branch", "v9", "deadbeef", "main~1", ""])
    func anUnknownRevisionFailsNamingIt(_ revision: String) throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let error = try #require(throws: GitError.self) { try mirror.resolve(revision) }
        #expect(error.kind == (revision.isEmpty ? .invalidArgument : .notFound))
        #expect(error.description.contains("\"\(revision)\""))
        #expect(error.description.contains(cache.path))
    }

    @Test func anAbbreviatedIDMatchingTwoObjectsIsAmbiguous() throws {
        let remote = try sampleRemote()
        // These two blobs were chosen because their ids share the prefix d1124: d1124b7a... and d11246cb...
        for text in ["blob 2728\n", "blob 3375\n"] {
            try GitWorkTree.run(["hash-object", "-w", "--stdin"], in: remote.path, input: text)
        }
        let repository = try Repository.open(at: remote.path)
        let error = try #require(throws: GitError.self) { try repository.resolve("d1124") }
        #expect(error.kind == .ambiguous)
        let blob = try #require(throws: GitError.self) { try repository.resolve("d1124b") }  // unique, but a blob
        #expect(blob.kind == .wrongObjectType)
    }

    @Test func aTagOfATreeIsNotACommit() throws {
        let remote = try sampleRemote()
        try remote.git("tag", "-a", "tree-tag", "-m", "a tree", "main^{tree}")
        let repository = try Repository.open(at: remote.path)
        let error = try #require(throws: GitError.self) { try repository.resolve("tree-tag") }
        #expect(error.kind == .wrongObjectType)
        #expect(error.description.contains("refs/tags/tree-tag"))
    }
}
