import Foundation
import Testing

@testable import KgitGit

@Suite struct RepositoryFetchTests {
    @Test func aMirrorFromALocalPathHasEveryBranchAndTag() throws {
        let remote = try sampleRemote()
        try remote.git("branch", "release", "main~1")
        let cache = try Scratch("kgit-cache")
        let mirror = try Repository.mirror(of: remote.path, at: cache.url("nested/dir/mirror.git"))
        let result = try mirror.fetch()
        #expect(result.changed)
        #expect(
            Set(result.updates.map(\.name))
                == ["refs/heads/main", "refs/heads/release", "refs/tags/v1", "refs/tags/light"])
        #expect(result.updates.allSatisfy { $0.old == nil && $0.new != nil })
        #expect(result.defaultBranch == "refs/heads/main")
        #expect(result.receivedObjects > 0)
        #expect(try mirror.resolve("release").commit.hex == remote.revParse("release"))
        #expect(mirror.isBare)
    }

    @Test func aMirrorFromAFileURLResolvesLikeTheRemote() throws {
        let remote = try sampleRemote()
        let (cache, mirror) = try fetchedMirror(of: "file://\(remote.path)")
        defer { withExtendedLifetime(cache) {} }
        #expect(try mirror.resolve("main").commit.hex == remote.revParse("main"))
    }

    @Test func aMirrorOverGitProtocolFromAGitDaemonResolvesLikeTheRemote() throws {
        let remote = try sampleRemote()
        let daemon = try GitDaemon(basePath: (remote.path as NSString).deletingLastPathComponent)
        let url = daemon.url((remote.path as NSString).lastPathComponent)
        let (cache, mirror) = try fetchedMirror(of: url)
        defer { withExtendedLifetime(cache) {} }
        #expect(try mirror.resolve("main").commit.hex == remote.revParse("main"))
        #expect(try mirror.resolve("v1").commit.hex == remote.revParse("v1^{commit}"))
        #expect(mirror.remoteURL == url)
    }

    @Test func aSecondFetchWithNothingNewChangesNothing() throws {
        let remote = try sampleRemote()
        let daemon = try GitDaemon(basePath: (remote.path as NSString).deletingLastPathComponent)
        let (cache, mirror) = try fetchedMirror(of: daemon.url((remote.path as NSString).lastPathComponent))
        defer { withExtendedLifetime(cache) {} }
        let again = try mirror.fetch()
        #expect(!again.changed)
        #expect(again.updates.isEmpty)
        #expect(again.receivedObjects == 0)
    }

    @Test func aFetchReportsMovedCreatedAndDeletedReferences() throws {
        let remote = try sampleRemote()
        try remote.git("branch", "doomed")
        let daemon = try GitDaemon(basePath: (remote.path as NSString).deletingLastPathComponent)
        let (cache, mirror) = try fetchedMirror(of: daemon.url((remote.path as NSString).lastPathComponent))
        defer { withExtendedLifetime(cache) {} }
        let before = try remote.revParse("main")

        try remote.write("manifests/web/service.yml", "kind: Service\nport: 80\n")
        let after = try remote.commit("Expose port 80")
        try remote.git("tag", "v2")
        try remote.git("branch", "-D", "doomed")
        let result = try mirror.fetch()

        #expect(result.changed)
        let updates = Dictionary(uniqueKeysWithValues: result.updates.map { ($0.name, $0) })
        #expect(updates["refs/heads/main"]?.old?.hex == before)
        #expect(updates["refs/heads/main"]?.new?.hex == after)
        #expect(updates["refs/tags/v2"]?.old == nil)
        #expect(updates["refs/tags/v2"]?.new?.hex == after)
        #expect(updates["refs/heads/doomed"]?.new == nil)
        #expect(updates.count == 3)
        #expect(try mirror.resolve("main").commit.hex == after)
        #expect(throws: GitError.self) { try mirror.resolve("doomed") }
    }

    @Test func anEmptyRemoteFetchesNothingAndHasNoDefaultBranch() throws {
        let remote = try GitWorkTree()
        let (cache, mirror) = try fetchedMirror(of: remote.path)
        defer { withExtendedLifetime(cache) {} }
        let again = try mirror.fetch()
        #expect(!again.changed)
        #expect(again.defaultBranch == nil)
        let error = try #require(throws: GitError.self) { try mirror.resolve("main") }
        #expect(error.kind == .notFound)
    }

    @Test func aClosedPortIsReportedAsUnreachableNamingTheURL() throws {
        let url = "git://127.0.0.1:\(try GitDaemon.freePort())/repo.git"
        let cache = try Scratch("kgit-cache")
        let mirror = try Repository.mirror(of: url, at: cache.url("mirror.git"))
        let error = try #require(throws: GitError.self) { try mirror.fetch() }
        #expect(error.kind == .unreachable)
        #expect(error.description.contains(url))
        #expect(error.libgit2Message != nil)
    }

    @Test func anSSHRemoteThatCannotBeReachedIsUnreachable() throws {
        let url = "ssh://git@127.0.0.1:\(try GitDaemon.freePort())/repo.git"
        let cache = try Scratch("kgit-cache")
        let mirror = try Repository.mirror(of: url, at: cache.url("mirror.git"))
        let error = try #require(throws: GitError.self) {
            try mirror.fetch(credentials: Credentials(sshKeys: [.init(privateKeyPath: "/nonexistent/key")]))
        }
        #expect(error.kind == .unreachable)
        #expect(error.description.contains(url))
    }

    @Test func aRepositoryTheDaemonDoesNotServeIsUnreachable() throws {
        let remote = try sampleRemote()
        let daemon = try GitDaemon(basePath: (remote.path as NSString).deletingLastPathComponent)
        let cache = try Scratch("kgit-cache")
        let mirror = try Repository.mirror(of: daemon.url("no-such-repo.git"), at: cache.url("mirror.git"))
        let error = try #require(throws: GitError.self) { try mirror.fetch() }
        #expect(error.kind == .unreachable)
        #expect(error.description.contains("no-such-repo.git"))
    }

    @Test func aMissingLocalRepositoryIsUnreachable() throws {
        let cache = try Scratch("kgit-cache")
        let mirror = try Repository.mirror(of: "file:///nonexistent/kgit/repo.git", at: cache.url("mirror.git"))
        let error = try #require(throws: GitError.self) { try mirror.fetch() }
        #expect(error.kind == .unreachable)
        #expect(error.description.contains("/nonexistent/kgit/repo.git"))
    }

    @Test func aPasswordInTheURLNeverAppearsInTheError() throws {
        let url = "https://bot:s3cret@127.0.0.1:\(try GitDaemon.freePort())/repo.git"
        let cache = try Scratch("kgit-cache")
        let mirror = try Repository.mirror(of: url, at: cache.url("mirror.git"))
        let error = try #require(throws: GitError.self) { try mirror.fetch() }
        #expect(error.kind == .unreachable)
        #expect(!error.description.contains("s3cret"))
        #expect(error.description.contains("bot:***@127.0.0.1"))
    }

    @Test func reopeningAMirrorForAnotherURLRepointsItsRemote() throws {
        let first = try sampleRemote()
        let second = try sampleRemote()
        try second.write("other.yaml", "x: 1\n")
        try second.commit("Diverge")
        let cache = try Scratch("kgit-cache")
        _ = try Repository.mirror(of: first.path, at: cache.url("mirror.git")).fetch()
        let mirror = try Repository.mirror(of: second.path, at: cache.url("mirror.git"))
        #expect(mirror.remoteURL == second.path)
        _ = try mirror.fetch()
        #expect(try mirror.resolve("main").commit.hex == second.revParse("main"))
    }

    @Test func fetchingARepositoryThatIsNotAMirrorFailsClearly() throws {
        let scratch = try Scratch()
        let plain = try Repository.create(at: scratch.url("plain.git"), bare: true)
        let error = try #require(throws: GitError.self) { try plain.fetch() }
        #expect(error.kind == .repository)
        #expect(error.description.contains("origin"))
    }
}

/// These tests serve git over HTTP with a small Python server around `git http-backend`, so they need python3.
@Suite(
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"),
        "the HTTP test server needs /usr/bin/python3"))
struct RepositoryFetchCredentialsTests {
    @Test func theRightPasswordIsSentToAnHTTPRemoteThatAsks() throws {
        let remote = try sampleRemote()
        let server = try GitHTTPServer(
            basePath: (remote.path as NSString).deletingLastPathComponent,
            username: "bot", password: "s3cret")
        let cache = try Scratch("kgit-cache")
        let mirror = try Repository.mirror(
            of: server.url((remote.path as NSString).lastPathComponent),
            at: cache.url("mirror.git"))
        let result = try mirror.fetch(credentials: Credentials(username: "bot", password: "s3cret"))
        #expect(result.changed)
        #expect(try mirror.resolve("main").commit.hex == remote.revParse("main"))
    }

    @Test func aPasswordInTheURLIsOfferedAsACredentialAndNeverStored() throws {
        let remote = try sampleRemote()
        let server = try GitHTTPServer(
            basePath: (remote.path as NSString).deletingLastPathComponent, username: "bot", password: "s3cret")
        let cache = try Scratch("kgit-cache")
        let name = (remote.path as NSString).lastPathComponent
        let source = try Libgit2Source(
            url: "http://bot:s3cret@127.0.0.1:\(server.port)/\(name)", cacheDirectory: cache.path)
        #expect(try source.fetch().changed)
        #expect(source.displayURL == "http://bot@127.0.0.1:\(server.port)/\(name)")
        let config = try String(contentsOfFile: source.repository.path + "/config", encoding: .utf8)
        #expect(!config.contains("s3cret"))
        #expect(config.contains("http://bot@127.0.0.1"))
    }

    @Test func aWrongPasswordIsOfferedOnceThenFailsWithAnAuthenticationError() throws {
        let (server, mirror, url) = try Self.protectedMirror()
        defer { withExtendedLifetime(server) {} }
        let error = try #require(throws: GitError.self) {
            try mirror.fetch(credentials: Credentials(username: "bot", password: "wr0ng"))
        }
        #expect(error.kind == .authentication)
        #expect(error.description.contains(url))
        #expect(error.description.contains("the remote rejected every credential offered: a password for bot"))
        #expect(!error.description.contains("wr0ng"))
    }

    @Test func noCredentialsForAnHTTPRemoteThatAsksFailsSayingWhatToConfigure() throws {
        let (server, mirror, _) = try Self.protectedMirror()
        defer { withExtendedLifetime(server) {} }
        let error = try #require(throws: GitError.self) { try mirror.fetch(credentials: .anonymous) }
        #expect(error.kind == .authentication)
        #expect(error.description.contains("KGIT_GIT_TOKEN"))
    }

    /// A mirror of a sample remote served over HTTP to user `bot` with password `s3cret` only.
    private static func protectedMirror() throws -> (GitHTTPServer, Repository, String) {
        let remote = try sampleRemote()
        let server = try GitHTTPServer(
            basePath: (remote.path as NSString).deletingLastPathComponent,
            username: "bot", password: "s3cret")
        let cache = try Scratch("kgit-cache")
        let url = server.url((remote.path as NSString).lastPathComponent)
        let mirror = try Repository.mirror(of: url, at: cache.url("mirror.git"))
        // Scratch directories are deleted when their values die: tie the remote's and the cache's to the server.
        server.keepAlive = [remote, cache]
        return (server, mirror, url)
    }
}
