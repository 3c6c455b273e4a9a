import Foundation
import KgitTesting
import Testing

/// The controller reacts to watch events and retries failures with backoff, whatever the interval.
@Suite("Application watch-driven reconciliation end to end", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled, "needs kubectl"))
struct ApplicationWatchTests {
    static func application(source: String, revision: String = "main") -> String {
        """
        apiVersion: kgit.dev/v1alpha1
        kind: Application
        metadata:
          name: shop
          namespace: default
        spec:
          source: \(source)
          revision: \(revision)
          syncPolicy:
            interval: 1h
        """
    }

    static func settings(_ mode: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  mode: \(mode)\n"
    }

    static let mode = ["get", "configmap", "settings", "-o", "jsonpath={.data.mode}"]

    @Test("with an interval of an hour, a spec change (kubectl patch) is reconciled as soon as it is watched")
    func specChangeIsWatched() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let repository = try await SyncRepository.make()
        try repository.write("settings.yaml", Self.settings("main"))
        try await repository.commit("main")
        try await repository.git("checkout", "-q", "-b", "next")
        try repository.write("settings.yaml", Self.settings("next"))
        try await repository.commit("next")
        _ = try await ApplicationControllerTests.poll(server, ["get", "crd", "applications.kgit.dev", "-o", "name"]) { !$0.isEmpty }
        let applied = try await server.kubectl(["apply", "-f", "-"], stdin: Self.application(source: repository.path))
        #expect(applied.status == 0, "\(applied)")
        #expect(try await ApplicationControllerTests.poll(server, Self.mode) { $0 == "main" } == "main", "\(server.serverLog)")
        let patched = try await server.kubectl(
            ["patch", "application", "shop", "--type", "merge", "-p", #"{"spec":{"revision":"next"}}"#])
        #expect(patched.status == 0, "\(patched)")
        #expect(try await ApplicationControllerTests.poll(server, Self.mode) { $0 == "next" } == "next", "\(server.serverLog)")
    }

    @Test("a failed fetch is retried with backoff before the interval: the repository appearing later is synced")
    func failureIsRetried() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let parent = try Scratch("kgit-later")
        let path = parent.url("shop")
        _ = try await ApplicationControllerTests.poll(server, ["get", "crd", "applications.kgit.dev", "-o", "name"]) { !$0.isEmpty }
        let applied = try await server.kubectl(["apply", "-f", "-"], stdin: Self.application(source: path))
        #expect(applied.status == 0, "\(applied)")
        let error = try await ApplicationControllerTests.poll(
            server, ["get", "application", "shop", "-o", "jsonpath={.status.lastError}"]) { !$0.isEmpty }
        #expect(!error.isEmpty, "\(server.serverLog)")

        // Nothing about the Application changes: only the controller's retry can notice the repository.
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let scratchRepository = try await SyncRepository.make()
        try scratchRepository.write("settings.yaml", Self.settings("late"))
        try await scratchRepository.commit("late")
        _ = try await Subprocess.run("git", ["clone", "-q", "--bare", scratchRepository.path, path])
        #expect(try await ApplicationControllerTests.poll(server, Self.mode) { $0 == "late" } == "late", "\(server.serverLog)")
    }
}
