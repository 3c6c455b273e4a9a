import Testing

@testable import KgitGit

@Suite struct RepositoryDiffTests {
    @Test func onlyTheChangedPathsUnderTheDirectoryAreListed() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let old = try mirror.resolve("main").tree
        try remote.write("manifests/web/new.yaml", "kind: ConfigMap\n")
        try remote.git("rm", "-q", "manifests/web/service.yml")
        try remote.write("manifests/web/deployment.yaml", "kind: Deployment\nreplicas: 5\n")
        try remote.write("docs/guide.md", "changed outside the directory\n")
        try remote.commit("Change things")
        try mirror.fetch()
        let new = try mirror.resolve("main").tree

        let changes = try mirror.changes(from: old, to: new, under: "manifests")

        #expect(
            changes.map(\.path) == [
                "manifests/web/deployment.yaml", "manifests/web/new.yaml",
                "manifests/web/service.yml",
            ])
        #expect(changes.map(\.status) == [.modified, .added, .deleted])
        #expect(changes[0].newID?.hex == (try remote.revParse("main:manifests/web/deployment.yaml")))
        #expect(changes[1].oldID == nil)
        #expect(changes[2].newID == nil)
        #expect(changes[2].oldID?.hex == (try remote.revParse("main~1:manifests/web/service.yml")))
    }

    @Test func anUnchangedDirectoryHasNoChangesEvenWhenTheCommitMoved() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let old = try mirror.resolve("main").tree
        try remote.write("docs/guide.md", "only docs\n")
        try remote.commit("Docs only")
        try mirror.fetch()
        let new = try mirror.resolve("main").tree
        #expect(old != new)
        #expect(try mirror.changes(from: old, to: new, under: "manifests").isEmpty)
        #expect(try mirror.changes(from: old, to: new).map(\.path) == ["docs/guide.md"])
    }

    @Test func withoutAnOldTreeEverythingIsAdded() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let changes = try mirror.changes(from: nil, to: mirror.resolve("main").tree, under: "manifests/web")
        #expect(changes.map(\.path) == ["manifests/web/deployment.yaml", "manifests/web/service.yml"])
        #expect(changes.allSatisfy { $0.status == .added })
    }

    @Test func aDirectoryThatDisappearedIsAllDeleted() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let old = try mirror.resolve("main").tree
        try remote.git("rm", "-q", "-r", "manifests/web")
        try remote.commit("Remove web")
        try mirror.fetch()
        let changes = try mirror.changes(from: old, to: mirror.resolve("main").tree, under: "manifests/web")
        #expect(changes.map(\.status) == [.deleted, .deleted])
    }

    @Test func aFileThatBecameASymlinkIsModifiedWithTheNewKind() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let old = try mirror.resolve("main").tree
        try remote.git("rm", "-q", "manifests/web/service.yml")
        try remote.symlink("manifests/web/service.yml", to: "deployment.yaml")
        try remote.commit("Link")
        try mirror.fetch()
        let changes = try mirror.changes(from: old, to: mirror.resolve("main").tree, under: "manifests")
        #expect(changes.count == 1)
        #expect(changes.first?.status == .modified)
        #expect(changes.first?.kind == .symlink)
    }
}
