import Testing

@testable import KgitGit

@Suite struct Libgit2SourceTests {
    @Test func mirrorNamesAreReadableAndDistinctPerURL() {
        let a = Libgit2Source.mirrorName(for: "https://github.com/stefanprodan/podinfo.git")
        let b = Libgit2Source.mirrorName(for: "https://gitlab.com/stefanprodan/podinfo.git")
        #expect(a.hasPrefix("podinfo-") && a.hasSuffix(".git"))
        #expect(a.count == "podinfo-".count + 12 + ".git".count)
        #expect(a != b)
        #expect(Libgit2Source.mirrorName(for: "git@host:org/we ird$name").hasPrefix("we_ird_name-"))
    }

    @Test func aSourceMirrorsIntoItsCacheDirectoryAndReads() throws {
        let remote = try sampleRemote()
        let cache = try Scratch("kgit-cache")
        let source = try Libgit2Source(url: remote.path, cacheDirectory: cache.path)
        #expect(source.repository.path.hasPrefix(cache.path + "/"))
        #expect(try source.fetch().changed)
        let resolved = try source.resolve("main")
        #expect(source.contains(resolved.commit))
        #expect(!source.contains(try #require(ObjectID(hex: String(repeating: "ab", count: 20)))))
        let entries = try source.files(in: resolved.tree, under: "manifests/web")
        #expect(entries.count == 2)
        #expect(try source.readBlob(entries[0].id, maxBytes: 1000).count == entries[0].size)
    }
}
