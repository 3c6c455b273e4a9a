import Testing

@testable import KgitGit

@Suite struct RepositoryTreeTests {
    @Test func filesUnderADirectoryAreListedRecursivelyLikeGitLsTree() throws {
        let remote = try sampleRemote()
        try remote.write("manifests/web/run.sh", "#!/bin/sh\n")
        try remote.git("update-index", "--add", "--chmod=+x", "manifests/web/run.sh")
        try remote.symlink("manifests/web/alias.yaml", to: "deployment.yaml")
        try remote.commit("Add a script and a link")
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let tree = try mirror.resolve("main").tree

        let got = try mirror.files(in: tree, under: "manifests")

        // git ls-tree -r -l: "<mode> <type> <id> <size>\t<path>"
        let want = try remote.git("ls-tree", "-r", "-l", "main", "manifests").split(separator: "\n").map { line in
            let fields = line.split(separator: "\t")
            let meta = fields[0].split(separator: " ", omittingEmptySubsequences: true)
            return "\(meta[0]) \(meta[2]) \(meta[3]) \(fields[1])"
        }
        let mode: (TreeEntry.Kind) -> String = { kind in
            switch kind {
            case .file: "100644"
            case .executable: "100755"
            case .symlink: "120000"
            case .submodule: "160000"
            }
        }
        #expect(got.map { "\(mode($0.kind)) \($0.id.hex) \($0.size ?? -1) \($0.path)" } == want)
        #expect(got.count == 5)
    }

    @Test func aSubmoduleIsListedAsSuchWithoutASize() throws {
        let remote = try sampleRemote()
        let pinned = try remote.revParse("main~1")
        try remote.git("update-index", "--add", "--cacheinfo", "160000,\(pinned),manifests/vendor")
        try remote.git("commit", "-q", "-m", "Add a submodule entry")
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let tree = try mirror.resolve("main").tree
        let entry = try #require(try mirror.files(in: tree, under: "manifests").first { $0.path == "manifests/vendor" })
        #expect(entry.kind == .submodule)
        #expect(entry.size == nil)
        #expect(entry.id.hex == pinned)
        let error = try #require(throws: GitError.self) {
            try mirror.readFile("manifests/vendor", in: tree, maxBytes: 10)
        }
        #expect(error.kind == .wrongObjectType)
    }

    @Test func pathsWithSpacesAndNonASCIICharactersAreListedAndReadAsCommitted() throws {
        let remote = try sampleRemote()
        try remote.write("manifests/wéb app/déploiement.yaml", "kind: Deployment\n")
        try remote.commit("Unicode path")
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let tree = try mirror.resolve("main").tree
        let paths = try mirror.files(in: tree, under: "manifests/wéb app").map(\.path)
        #expect(paths == ["manifests/wéb app/déploiement.yaml"])
        #expect(try mirror.readFile(paths[0], in: tree, maxBytes: 100).bytes == Array("kind: Deployment\n".utf8))
    }

    @Test func theWholeTreeIsListedFromTheRoot() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let paths = try mirror.files(in: mirror.resolve("main").tree).map(\.path)
        #expect(
            paths == [
                "docs/guide.md", "manifests/README.md", "manifests/web/deployment.yaml",
                "manifests/web/service.yml",
            ])
    }

    @Test func listingAMissingDirectoryFailsNamingIt() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let error = try #require(throws: GitError.self) {
            try mirror.files(in: mirror.resolve("main").tree, under: "clusters/prod")
        }
        #expect(error.kind == .notFound)
        #expect(error.description.contains("clusters/prod"))
    }

    @Test func listingAFileAsADirectoryFails() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let error = try #require(throws: GitError.self) {
            try mirror.files(in: mirror.resolve("main").tree, under: "docs/guide.md")
        }
        #expect(error.kind == .wrongObjectType)
    }

    @Test func aDirectoryKeepsItsTreeIDWhenOnlyOtherFilesChange() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let first = try mirror.resolve("v1").tree
        let second = try mirror.resolve("main").tree
        #expect(try mirror.treeID(at: "docs", in: first) == mirror.treeID(at: "docs", in: second))
        #expect(try mirror.treeID(at: "manifests", in: first) != mirror.treeID(at: "manifests", in: second))
        #expect(try mirror.treeID(at: "manifests", in: second)?.hex == remote.revParse("main:manifests"))
        #expect(try mirror.treeID(at: "missing", in: second) == nil)
        #expect(try mirror.treeID(at: "", in: second) == second)
    }
}
