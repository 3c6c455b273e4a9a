import Foundation
import KgitTesting
import Testing

/// `kgit sync --verify-signatures` and an Application's `spec.verify`, driven as a user would: commits signed by
/// the real git with keys from the real ssh-keygen, the built `kgit` against a running `kgit server`, kubectl.
@Suite("SSH commit signatures required by kgit sync and Applications", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled, "needs kubectl"))
struct SignedSyncTests {
    static func settings(_ mode: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  mode: \(mode)\n"
    }

    static let namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"

    /// Keys for alice (allowed) and mallory (not), and an allowed-signers file listing alice only.
    struct Keys {
        let scratch: Scratch
        let alice: SigningKey
        let mallory: SigningKey
        var allowedSigners: String { scratch.url("allowed_signers") }

        static func make() async throws -> Keys {
            let scratch = try Scratch("kgit-keys")
            let alice = try await SigningKey.generate(name: "alice", in: scratch.path)
            let mallory = try await SigningKey.generate("ecdsa", name: "mallory", in: scratch.path)
            try Data((alice.allowedSigner("alice@example.com", options: #"namespaces="git""#) + "\n").utf8)
                .write(to: URL(fileURLWithPath: scratch.url("allowed_signers")))
            return Keys(scratch: scratch, alice: alice, mallory: mallory)
        }
    }

    @Test("only commits signed by an allowed key are applied; others are refused naming the commit and signer")
    func syncVerifiesSignatures() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let keys = try await Keys.make()
        let cache = try Scratch("kgit-cache")
        let repository = try await SyncRepository.make()
        func sync(_ extra: [String] = ["--verify-signatures", "--allowed-signers", keys.allowedSigners]) async throws -> Subprocess.Result {
            try await KgitBinary.run(
                ["sync", repository.path, "--name", "shop"] + extra
                    + ["--kubeconfig", server.kubeconfig, "--cache-dir", cache.path])
        }
        func mode() async throws -> String {
            try await server.kubectl(["get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}"]).stdout
        }

        try repository.write("namespace.yaml", Self.namespace)
        try repository.write("settings.yaml", Self.settings("fast"))
        try await repository.commit("the shop", signedWith: keys.alice)
        let first = try await sync()
        #expect(first.status == 0, "\(first)")
        #expect(try await mode() == "fast")

        try repository.write("settings.yaml", Self.settings("unsigned"))
        let unsigned = try await repository.commit("an unsigned change")
        let refused = try await sync()
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("commit \(unsigned.prefix(12))"), "\(refused)")
        #expect(refused.stderr.contains("is not signed"), "\(refused)")
        #expect(refused.stderr.contains("nothing was applied"), "\(refused)")
        #expect(try await mode() == "fast", "an unsigned commit reached the cluster")

        try repository.write("settings.yaml", Self.settings("mallory"))
        let forged = try await repository.commit("mallory's change", signedWith: keys.mallory)
        let unknown = try await sync()
        #expect(unknown.status == 1, "\(unknown)")
        #expect(unknown.stderr.contains("commit \(forged.prefix(12))"), "\(unknown)")
        #expect(unknown.stderr.contains(try await keys.mallory.fingerprint()), "\(unknown)")
        #expect(unknown.stderr.contains("not an allowed signer"), "\(unknown)")
        #expect(try await mode() == "fast", "a commit by an unknown key reached the cluster")

        // The same commit without the policy is applied: the refusal came from the signature alone.
        let unchecked = try await sync([])
        #expect(unchecked.status == 0, "\(unchecked)")
        #expect(try await mode() == "mallory")

        try repository.write("settings.yaml", Self.settings("safe"))
        try await repository.commit("alice's change", signedWith: keys.alice)
        let signed = try await sync()
        #expect(signed.status == 0, "\(signed)")
        #expect(try await mode() == "safe")

        let usage = try await sync(["--verify-signatures"])
        #expect(usage.status == 2, "\(usage)")
        #expect(usage.stderr.contains("--allowed-signers"), "\(usage)")
    }

    @Test("an Application with spec.verify applies signed commits and refuses an unsigned one, recording why")
    func applicationVerifiesSignatures() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let keys = try await Keys.make()
        let repository = try await SyncRepository.make()
        try repository.write("namespace.yaml", Self.namespace)
        try repository.write("settings.yaml", Self.settings("fast"))
        try await repository.commit("the shop", signedWith: keys.alice)
        _ = try await ApplicationControllerTests.poll(server, ["get", "crd", "applications.kgit.dev", "-o", "name"]) { !$0.isEmpty }
        let secret = try await server.kubectl(
            ["create", "secret", "generic", "signers", "--from-file=allowed_signers=\(keys.allowedSigners)"])
        #expect(secret.status == 0, "\(secret)")
        let applied = try await server.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: kgit.dev/v1alpha1
            kind: Application
            metadata:
              name: shop
              namespace: default
            spec:
              source: \(repository.path)
              verify:
                allowedSignersSecretRef:
                  name: signers
              syncPolicy:
                interval: 1s
            """)
        #expect(applied.status == 0, "\(applied)")
        let mode = ["get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}"]
        let synced = try await ApplicationControllerTests.poll(server, mode) { $0 == "fast" }
        #expect(synced == "fast", "\(server.serverLog)")

        try repository.write("settings.yaml", Self.settings("unsigned"))
        let unsigned = try await repository.commit("an unsigned change")
        let error = try await ApplicationControllerTests.poll(
            server, ["get", "application", "shop", "-o", "jsonpath={.status.lastError}"]) { $0.contains("not signed") }
        #expect(error.contains("commit \(unsigned.prefix(12))"), "\(error)")
        let verified = try await server.kubectl(
            ["get", "application", "shop", "-o", #"jsonpath={.status.conditions[?(@.type=="Verified")].status}"#])
        #expect(verified.stdout == "False", "\(verified)")
        #expect(try await server.kubectl(mode).stdout == "fast", "an unsigned commit reached the cluster")

        try repository.write("settings.yaml", Self.settings("safe"))
        try await repository.commit("alice's change", signedWith: keys.alice)
        let healed = try await ApplicationControllerTests.poll(server, mode) { $0 == "safe" }
        #expect(healed == "safe", "\(server.serverLog)")
    }
}
