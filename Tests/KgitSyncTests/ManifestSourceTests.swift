import Foundation
import KgitGit
import Testing

@testable import KgitSync

@Suite struct ManifestSourceTests {
    // MARK: - Full load

    @Test func loadReadsEveryManifestAndTheConfigurationUnderTheDirectory() throws {
        let served = try ServedRemote()
        let source = try ManifestSource(git: served.git, revision: "main", directory: "./clusters/prod/")

        let snapshot = try source.load()

        #expect(
            snapshot.sortedFiles.map(\.path) == [
                "clusters/prod/db/statefulset.YAML", "clusters/prod/kgit.kgl", "clusters/prod/schemas/web.kgl",
                "clusters/prod/web/deployment.yaml", "clusters/prod/web/service.yml",
            ])
        #expect(snapshot.configuration?.bytes.text == "package prod\n")
        #expect(snapshot.directory == "clusters/prod")
        #expect(snapshot.revision.commit.hex == (try served.remote.revParse("main")))
        #expect(snapshot.directoryTree.hex == (try served.remote.revParse("main:clusters/prod")))
        let deployment = try #require(snapshot.files["clusters/prod/web/deployment.yaml"])
        #expect(deployment.bytes.text == "kind: Deployment\nmetadata:\n  name: web\n")
        #expect(deployment.blob.hex == (try served.remote.revParse("main:clusters/prod/web/deployment.yaml")))
        #expect(served.git.fetches == 1)
    }

    @Test func theRepositoryRootIsTheDefaultDirectory() throws {
        let served = try ServedRemote()
        let snapshot = try ManifestSource(git: served.git, revision: "main").load()
        #expect(snapshot.files.count == 6)
        #expect(snapshot.configuration == nil)  // kgit.kgl is in clusters/prod, not at the root
    }

    @Test func aTagLoadsTheTaggedState() throws {
        let served = try ServedRemote()
        try served.remote.git("tag", "-a", "v1", "-m", "v1")
        try served.remote.write("clusters/prod/web/deployment.yaml", "kind: Deployment\nchanged: true\n")
        try served.remote.commit("Change after v1")
        let snapshot = try ManifestSource(git: served.git, revision: "v1", directory: "clusters/prod").load()
        #expect(snapshot.files["clusters/prod/web/deployment.yaml"]?.bytes.text.contains("changed") == false)
    }

    // MARK: - Incremental updates

    @Test func anUpdateWithNothingNewReadsNothing() throws {
        let served = try ServedRemote()
        let source = try ManifestSource(git: served.git, revision: "main", directory: "clusters/prod")
        let snapshot = try source.load()
        served.git.resetCounts()

        let update = try source.update(from: snapshot)

        #expect(update.isEmpty)
        #expect(update.snapshot.files == snapshot.files)
        #expect((served.git.reads, served.git.listings, served.git.diffs) == (0, 0, 0))
        #expect(served.git.fetches == 1)
    }

    @Test func anUpdateAfterACommitOutsideTheDirectoryReadsNothingButMovesTheRevision() throws {
        let served = try ServedRemote()
        let source = try ManifestSource(git: served.git, revision: "main", directory: "clusters/prod")
        let snapshot = try source.load()
        try served.remote.write("clusters/staging/web.yaml", "kind: Deployment\nreplicas: 2\n")
        let head = try served.remote.commit("Scale staging")
        served.git.resetCounts()

        let update = try source.update(from: snapshot)

        #expect(update.isEmpty)
        #expect(update.snapshot.revision.commit.hex == head)
        #expect((served.git.reads, served.git.listings, served.git.diffs) == (0, 0, 0))
    }

    @Test func anUpdateRereadsOnlyTheFilesThatChanged() throws {
        let served = try ServedRemote()
        let source = try ManifestSource(git: served.git, revision: "main", directory: "clusters/prod")
        let snapshot = try source.load()
        try served.remote.write("clusters/prod/web/deployment.yaml", "kind: Deployment\nreplicas: 3\n")
        try served.remote.write("clusters/prod/web/configmap.yaml", "kind: ConfigMap\n")
        try served.remote.git("rm", "-q", "clusters/prod/web/service.yml")
        try served.remote.write("clusters/prod/web/NOTES.md", "not a manifest\n")
        try served.remote.commit("Change web")
        served.git.resetCounts()

        let update = try source.update(from: snapshot)

        #expect(
            update.changed.map(\.path) == ["clusters/prod/web/configmap.yaml", "clusters/prod/web/deployment.yaml"])
        #expect(update.changed.last?.bytes.text == "kind: Deployment\nreplicas: 3\n")
        #expect(update.removed == ["clusters/prod/web/service.yml"])
        #expect(served.git.reads == 2)
        #expect(served.git.listings == 0)
        #expect(update.snapshot.files == (try source.load(fetch: false)).files)
    }

    @Test func aSequenceOfUpdatesEndsWhereAFullLoadDoes() throws {
        let served = try ServedRemote()
        let source = try ManifestSource(git: served.git, revision: "main", directory: "clusters")
        var snapshot = try source.load()
        for step in 0..<6 {
            try served.remote.write("clusters/prod/app-\(step % 3).yaml", "kind: ConfigMap\nstep: \(step)\n")
            if step == 3 { try served.remote.git("rm", "-q", "-r", "clusters/prod/db") }
            if step == 4 { try served.remote.git("mv", "clusters/staging/web.yaml", "clusters/staging/web2.yml") }
            try served.remote.commit("Step \(step)")
            snapshot = try source.update(from: snapshot).snapshot
        }
        let full = try source.load(fetch: false)
        #expect(snapshot.files == full.files)
        #expect(snapshot.directoryTree == full.directoryTree)
        #expect(snapshot.files["clusters/staging/web2.yml"] != nil)
        #expect(snapshot.files["clusters/prod/db/statefulset.YAML"] == nil)
    }

    @Test func aLinkedManifestIsRereadWhenItsTargetOutsideTheDirectoryChanges() throws {
        let served = try ServedRemote()
        try served.remote.write("shared/base.yaml", "kind: Namespace\nversion: 1\n")
        try served.remote.symlink("clusters/prod/base.yaml", to: "../../shared/base.yaml")
        try served.remote.commit("Link the shared base")
        let source = try ManifestSource(git: served.git, revision: "main", directory: "clusters/prod")
        let snapshot = try source.load()
        #expect(snapshot.files["clusters/prod/base.yaml"]?.bytes.text == "kind: Namespace\nversion: 1\n")

        try served.remote.write("shared/base.yaml", "kind: Namespace\nversion: 2\n")
        try served.remote.commit("Bump the shared base")
        let update = try source.update(from: snapshot)

        #expect(update.changed.map(\.path) == ["clusters/prod/base.yaml"])
        #expect(update.changed.first?.bytes.text == "kind: Namespace\nversion: 2\n")
    }

    @Test func aPinnedCommitAlreadyInTheMirrorIsLoadedWithoutFetching() throws {
        let served = try ServedRemote()
        _ = try ManifestSource(git: served.git, revision: "main", directory: "clusters/prod").load()
        served.git.resetCounts()
        let pinned = try ManifestSource(
            git: served.git, revision: try served.remote.revParse("main"),
            directory: "clusters/prod")
        _ = try pinned.load()
        #expect(served.git.fetches == 0)
    }

    @Test func anUpdateFromASnapshotTheMirrorNoLongerHasComparesBlobIDs() throws {
        let served = try ServedRemote()
        let snapshot = try ManifestSource(git: served.git, revision: "main", directory: "clusters/prod").load()
        try served.remote.write("clusters/prod/web/service.yml", "kind: Service\nport: 8080\n")
        try served.remote.commit("Change the service")
        let wiped = try Scratch("kgit-cache")
        let fresh = try Libgit2Source(url: served.url, cacheDirectory: wiped.path)
        let source = try ManifestSource(git: fresh, revision: "main", directory: "clusters/prod")

        let update = try source.update(from: snapshot)

        #expect(update.changed.map(\.path) == ["clusters/prod/web/service.yml"])
        #expect(update.removed.isEmpty)
        #expect(update.snapshot.files.count == snapshot.files.count)
    }

    @Test func anUpdateFromAnotherDirectorysSnapshotReplacesItsFiles() throws {
        let served = try ServedRemote()
        let staging = try ManifestSource(git: served.git, revision: "main", directory: "clusters/staging").load()
        let update = try ManifestSource(git: served.git, revision: "main", directory: "clusters/prod")
            .update(from: staging)
        #expect(update.removed == ["clusters/staging/web.yaml"])
        #expect(update.changed.count == 5)
    }

    // MARK: - Refusals and errors

    @Test(arguments: ["/etc", "../../../outside"])
    func aSymlinkOutOfTheRepositoryUnderTheDirectoryFailsTheLoad(_ target: String) throws {
        let served = try ServedRemote()
        try served.remote.symlink("clusters/prod/escape", to: target)
        try served.remote.commit("Escape")
        let source = try ManifestSource(git: served.git, revision: "main", directory: "clusters/prod")
        let error = try #require(throws: ManifestSourceError.self) { try source.load() }
        #expect(error.gitError?.kind == .symlinkEscapesRepository)
        #expect(error.description.contains("clusters/prod/escape"))
        #expect(error.description.contains(served.url))
    }

    @Test func aSymlinkOutOfTheRepositoryAddedLaterFailsTheUpdate() throws {
        let served = try ServedRemote()
        let source = try ManifestSource(git: served.git, revision: "main", directory: "clusters/prod")
        let snapshot = try source.load()
        try served.remote.symlink("clusters/prod/web/evil.yaml", to: "/etc/shadow")
        try served.remote.commit("Escape later")
        let error = try #require(throws: ManifestSourceError.self) { try source.update(from: snapshot) }
        #expect(error.gitError?.kind == .symlinkEscapesRepository)
    }

    @Test func aHugeManifestFailsNamingItsPathAndSize() throws {
        let served = try ServedRemote()
        try served.remote.write("clusters/prod/huge.yaml", bytes: [UInt8](repeating: 0x61, count: 2 << 20))
        try served.remote.commit("Huge")
        let source = try ManifestSource(
            git: served.git, revision: "main", directory: "clusters/prod",
            limits: .init(maxFileBytes: 1 << 20))
        let error = try #require(throws: ManifestSourceError.self) { try source.load() }
        #expect(error.gitError?.kind == .fileTooLarge)
        #expect(error.description.contains("clusters/prod/huge.yaml"))
        #expect(error.description.contains("2097152 bytes, over the limit of 1048576 bytes"))
    }

    @Test func moreManifestsThanTheLimitFailTheLoad() throws {
        let served = try ServedRemote()
        let source = try ManifestSource(
            git: served.git, revision: "main", directory: "clusters/prod",
            limits: .init(maxFiles: 3))
        let error = try #require(throws: ManifestSourceError.self) { try source.load() }
        #expect(error.description.hasSuffix("5 manifest files, over the limit of 3"))
    }

    @Test func manifestsOverTheTotalByteLimitFailTheLoad() throws {
        let served = try ServedRemote()
        let source = try ManifestSource(
            git: served.git, revision: "main", directory: "clusters/prod",
            limits: .init(maxTotalBytes: 50))
        let error = try #require(throws: ManifestSourceError.self) { try source.load() }
        guard case .tooManyBytes(_, 50) = error.reason else {
            Issue.record("want tooManyBytes, got \(error)")
            return
        }
    }

    @Test func anUnreachableRemoteNamesTheURLTheRevisionAndTheDirectory() throws {
        let served = try ServedRemote()
        served.daemon.stop()
        let source = try ManifestSource(git: served.git, revision: "main", directory: "clusters/prod")
        let error = try #require(throws: ManifestSourceError.self) { try source.load() }
        #expect(error.gitError?.kind == .unreachable)
        #expect(
            error.description.hasPrefix("loading manifests from \(served.url) at main, directory \"clusters/prod\""))
    }

    @Test func aMissingDirectoryFailsNamingIt() throws {
        let served = try ServedRemote()
        let source = try ManifestSource(git: served.git, revision: "main", directory: "clusters/dev")
        let error = try #require(throws: ManifestSourceError.self) { try source.load() }
        #expect(error.gitError?.kind == .notFound)
        #expect(error.description.contains("\"clusters/dev\""))
    }

    @Test func anUnknownRevisionFailsNamingIt() throws {
        let served = try ServedRemote()
        let source = try ManifestSource(git: served.git, revision: "release-9", directory: "clusters/prod")
        let error = try #require(throws: ManifestSourceError.self) { try source.load() }
        #expect(error.gitError?.kind == .notFound)
        #expect(error.description.contains("\"release-9\""))
    }

    @Test func aDirectoryClimbingAboveTheRootIsRefused() throws {
        let served = try ServedRemote()
        #expect(throws: ManifestSourceError.self) {
            try ManifestSource(git: served.git, revision: "main", directory: "../elsewhere")
        }
    }
}
