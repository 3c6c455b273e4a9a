import Testing

@testable import KgitGit

@Suite struct RepositoryReadTests {
    @Test func aFileIsReadFromTheObjectDatabaseOfABareMirror() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        #expect(mirror.isBare)
        let tree = try mirror.resolve("main").tree
        let blob = try mirror.readFile("manifests/web/deployment.yaml", in: tree, maxBytes: 1 << 20)
        #expect(String(decoding: blob.bytes, as: UTF8.self) == "kind: Deployment\nreplicas: 3\n")
        #expect(blob.id.hex == (try remote.revParse("main:manifests/web/deployment.yaml")))
        #expect(try mirror.readBlob(blob.id, maxBytes: 100) == blob.bytes)
    }

    @Test func anOlderRevisionReadsTheOlderContents() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let blob = try mirror.readFile("./manifests/web/deployment.yaml", in: mirror.resolve("v1").tree, maxBytes: 100)
        #expect(String(decoding: blob.bytes, as: UTF8.self) == "kind: Deployment\nreplicas: 1\n")
    }

    @Test func aSymlinkInsideTheRepositoryIsFollowed() throws {
        let remote = try sampleRemote()
        try remote.symlink("manifests/shared/web.yaml", to: "../web/deployment.yaml")
        try remote.symlink("manifests/hop.yaml", to: "shared/web.yaml")
        try remote.commit("Link to the web deployment")
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let blob = try mirror.readFile("manifests/hop.yaml", in: mirror.resolve("main").tree, maxBytes: 100)
        #expect(blob.resolvedPath == "manifests/web/deployment.yaml")
        #expect(String(decoding: blob.bytes, as: UTF8.self).hasPrefix("kind: Deployment"))
    }

    @Test(arguments: ["/etc/passwd", "../../../etc/passwd", "../../outside.yaml"])
    func aSymlinkPointingOutsideTheRepositoryIsRefused(_ target: String) throws {
        let remote = try sampleRemote()
        try remote.symlink("manifests/evil.yaml", to: target)
        try remote.commit("Point outside")
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let tree = try mirror.resolve("main").tree
        let error = try #require(throws: GitError.self) {
            try mirror.readFile("manifests/evil.yaml", in: tree, maxBytes: 1 << 20)
        }
        #expect(error.kind == .symlinkEscapesRepository)
        #expect(error.description.contains("manifests/evil.yaml"))
        #expect(error.description.contains(target))
        let entry = try #require(
            try mirror.files(in: tree, under: "manifests").first { $0.path == "manifests/evil.yaml" })
        #expect(throws: GitError.self) { try mirror.symlinkTarget(of: entry.path, blob: entry.id) }
    }

    @Test func aSymlinkLoopIsRefused() throws {
        let remote = try sampleRemote()
        try remote.symlink("a.yaml", to: "b.yaml")
        try remote.symlink("b.yaml", to: "a.yaml")
        try remote.commit("Loop")
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let error = try #require(throws: GitError.self) {
            try mirror.readFile("a.yaml", in: mirror.resolve("main").tree, maxBytes: 100)
        }
        #expect(error.kind == .symlinkEscapesRepository)
        #expect(error.description.contains("a loop"))
    }

    @Test func aFileOverTheLimitIsRefusedWithItsSize() throws {
        let remote = try sampleRemote()
        try remote.write("manifests/huge.yaml", bytes: [UInt8](repeating: UInt8(ascii: "a"), count: 3 << 20))
        try remote.commit("Add a huge file")
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let error = try #require(throws: GitError.self) {
            try mirror.readFile("manifests/huge.yaml", in: mirror.resolve("main").tree, maxBytes: 1 << 20)
        }
        #expect(error.kind == .fileTooLarge)
        #expect(error.description.contains("\"manifests/huge.yaml\" is 3145728 bytes, over the limit of 1048576 bytes"))
    }

    @Test func readingADirectoryOrAMissingFileFailsNamingThePath() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let tree = try mirror.resolve("main").tree
        let directory = try #require(throws: GitError.self) {
            try mirror.readFile("manifests/web", in: tree, maxBytes: 10)
        }
        #expect(directory.kind == .wrongObjectType)
        let missing = try #require(throws: GitError.self) { try mirror.readFile("nope.yaml", in: tree, maxBytes: 10) }
        #expect(missing.kind == .notFound)
        #expect(missing.description.contains("nope.yaml"))
    }
}
