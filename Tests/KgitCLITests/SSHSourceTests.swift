import Foundation
import KgitTesting
import Testing

/// `kgit sync` and an Application fetching over SSH from a real `sshd` on loopback, with the host key checked
/// against `known_hosts` (a file for the CLI, a Secret key for the Application).
@Suite("ssh:// sources end to end", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: (KgitServerProcess.hasKubectl && SSHServer.isAvailable)
           || KgitServerProcess.endToEndRequired, "needs kubectl and openssh-server"))
struct SSHSourceTests {
    static func settings(_ mode: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssh-settings\n  namespace: default\ndata:\n  mode: \(mode)\n"
    }

    @Test("kgit sync fetches an ssh:// source whose host key --known-hosts lists, and refuses one it does not")
    func syncChecksTheHostKey() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let sshd = try await offPool { try SSHServer() }
        let repository = try await SyncRepository.make()
        try repository.write("settings.yaml", Self.settings("over-ssh"))
        try await repository.commit("settings")
        let scratch = try Scratch("kgit-ssh-cli")
        let scanned = try await offPool { try SSHServer.keyscan(port: sshd.port) }
        try scanned.write(toFile: scratch.url("known_hosts"), atomically: true, encoding: .utf8)
        try "git.example.com \(sshd.hostPublicKey)\n".write(
            toFile: scratch.url("other_hosts"), atomically: true, encoding: .utf8)
        func sync(_ knownHosts: String) async throws -> Subprocess.Result {
            try await KgitBinary.run(
                ["sync", sshd.url(repository.path), "--name", "ssh", "--known-hosts", knownHosts,
                 "--kubeconfig", server.kubeconfig, "--cache-dir", scratch.url("cache")],
                environment: ["KGIT_SSH_KEY": sshd.clientKey, "SSH_AUTH_SOCK": ""])
        }

        let refused = try await sync(scratch.url("other_hosts"))
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("[127.0.0.1]:\(sshd.port)"), "\(refused)")
        #expect(refused.stderr.contains("SHA256:"), "\(refused)")
        #expect(refused.stderr.contains("is not in \(scratch.url("other_hosts"))"), "\(refused)")
        let none = try await server.kubectl(["get", "configmap", "ssh-settings", "--ignore-not-found", "-o", "name"])
        #expect(none.stdout.isEmpty, "nothing may be applied from a refused host")

        let synced = try await sync(scratch.url("known_hosts"))
        #expect(synced.status == 0, "\(synced)")
        let mode = try await server.kubectl(["get", "configmap", "ssh-settings", "-o", "jsonpath={.data.mode}"])
        #expect(mode.stdout == "over-ssh", "\(mode)")
    }

    @Test("an Application syncs an ssh:// source with the identity and known_hosts of its Secret")
    func applicationUsesTheSecretsKeyAndKnownHosts() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let sshd = try await offPool { try SSHServer() }
        let repository = try await SyncRepository.make()
        try repository.write("settings.yaml", Self.settings("from-secret"))
        try await repository.commit("settings")
        let scanned = try await offPool { try SSHServer.keyscan(port: sshd.port) }
        _ = try await ApplicationControllerTests.poll(server, ["get", "crd", "applications.kgit.dev", "-o", "name"]) { !$0.isEmpty }
        let secret = try await server.kubectl(
            ["create", "secret", "generic", "ssh-creds", "--from-file=identity=\(sshd.clientKey)",
             "--from-literal=known_hosts=\(scanned)"])
        #expect(secret.status == 0, "\(secret)")
        let applied = try await server.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: kgit.dev/v1alpha1
            kind: Application
            metadata:
              name: shop-ssh
              namespace: default
            spec:
              source: \(sshd.url(repository.path))
              secretRef:
                name: ssh-creds
              syncPolicy:
                interval: 1s
            """)
        #expect(applied.status == 0, "\(applied)")
        let mode = try await ApplicationControllerTests.poll(
            server, ["get", "configmap", "ssh-settings", "-o", "jsonpath={.data.mode}"]) { $0 == "from-secret" }
        let status = try await server.kubectl(["get", "application", "shop-ssh", "-o", "jsonpath={.status.lastError}"])
        #expect(mode == "from-secret", "\(status.stdout)\n\(server.serverLog)")
        let key = try String(contentsOfFile: sshd.clientKey, encoding: .utf8)
        let json = try await server.kubectl(["get", "application", "shop-ssh", "-o", "json"])
        #expect(!json.stdout.contains(key.split(separator: "\n")[1]), "the key reached the Application's status")
    }
}
