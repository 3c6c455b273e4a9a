import Foundation
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
        // Write blobs until two ids share their first four hex digits (the birthday bound is ~300 of 65,536).
        let inputs = try Scratch()
        var paths: [String] = []
        for i in 0..<1200 {
            let file = inputs.url("blob-\(i)")
            try Data("blob \(i)\n".utf8).write(to: URL(fileURLWithPath: file))
            paths.append(file)
        }
        let ids = try GitWorkTree.run(["hash-object", "-w", "--stdin-paths"], in: remote.path,
                                      input: paths.joined(separator: "\n") + "\n").split(separator: "\n")
        var seen: [Substring: Substring] = [:]
        var shared: Substring?
        for id in ids {
            if seen[id.prefix(4)] != nil { shared = id.prefix(4); break }
            seen[id.prefix(4)] = id
        }
        let prefix = try #require(shared)
        let repository = try Repository.open(at: remote.path)
        let error = try #require(throws: GitError.self) { try repository.resolve(String(prefix)) }
        #expect(error.kind == .ambiguous)
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
