import Foundation
import KgitTesting
import Testing

/// An Application fetching from a password-protected smart-HTTP git server (`git http-backend`) with credentials
/// from a Secret named by `spec.secretRef`.
@Suite("Application git credentials end to end", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled, "needs kubectl"))
struct ApplicationCredentialsTests {
    /// The Basic-auth git server KgitGitTests use, started without blocking the pool; stopped by `stop()`.
    final class HTTPGitServer: @unchecked Sendable {
        let process: ChildProcess
        let port: Int

        init(process: ChildProcess, port: Int) {
            self.process = process
            self.port = port
        }

        static func start(root: String, username: String, password: String) async throws -> HTTPGitServer {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("KgitGitTests/Support/git-http-auth-server.py").path
            let process = try ChildProcess(
                "/usr/bin/python3", [script, root, username, password], standardOutput: .pipe, standardError: .null)
            let output = process.standardOutput ?? FileHandle.nullDevice
            let line = await offPool { () -> String in
                var bytes = Data()
                while let chunk = try? output.read(upToCount: 1), let byte = chunk.first, byte != 10 {
                    bytes.append(byte)
                }
                return String(decoding: bytes, as: UTF8.self)
            }
            guard let port = Int(line) else {
                await process.kill()
                throw SigningKeyFailed(description: "the git HTTP server did not start: \(line)")
            }
            return HTTPGitServer(process: process, port: port)
        }

        func stop() {
            // SIGKILL: the server script does not stop on SIGTERM.
            process.killBlocking()
        }
    }

    @Test("a wrong password is reported without printing it; the right one from the Secret syncs the repository")
    func secretCredentials() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let repository = try await SyncRepository.make()
        try repository.write("settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  mode: private\n")
        try await repository.commit("settings")
        let root = try Scratch("kgit-http-root")
        _ = try await Subprocess.run("git", ["clone", "-q", "--bare", repository.path, root.url("shop.git")])
        let http = try await HTTPGitServer.start(root: root.path, username: "bot", password: "right-password-42")
        defer { http.stop() }

        _ = try await ApplicationControllerTests.poll(server, ["get", "crd", "applications.kgit.dev", "-o", "name"]) { !$0.isEmpty }
        let wrong = try await server.kubectl(
            ["create", "secret", "generic", "git-creds", "--from-literal=username=bot", "--from-literal=password=wrong-password-17"])
        #expect(wrong.status == 0, "\(wrong)")
        let applied = try await server.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: kgit.dev/v1alpha1
            kind: Application
            metadata:
              name: shop
              namespace: default
            spec:
              source: http://127.0.0.1:\(http.port)/shop.git
              secretRef:
                name: git-creds
              syncPolicy:
                interval: 1s
            """)
        #expect(applied.status == 0, "\(applied)")
        let error = try await ApplicationControllerTests.poll(
            server, ["get", "application", "shop", "-o", "jsonpath={.status.lastError}"]) { $0.contains("rejected") }
        #expect(error.contains("rejected every credential"), "\(error)\n\(server.serverLog)")
        #expect(!error.contains("wrong-password-17"), "the password was printed: \(error)")
        #expect(!server.serverLog.contains("wrong-password-17"), "the password was logged")

        let fixed = try await server.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: v1
            kind: Secret
            metadata:
              name: git-creds
              namespace: default
            stringData:
              username: bot
              password: right-password-42
            """)
        #expect(fixed.status == 0, "\(fixed)")
        let mode = try await ApplicationControllerTests.poll(
            server, ["get", "configmap", "settings", "-o", "jsonpath={.data.mode}"]) { $0 == "private" }
        #expect(mode == "private", "\(server.serverLog)")
        let status = try await server.kubectl(["get", "application", "shop", "-o", "json"])
        #expect(!status.stdout.contains("right-password-42"), "the password reached the Application's status")
    }

    @Test("an SSH key in a Secret without known_hosts is refused with a clear reason, never printed")
    func sshKeySecretIsRefused() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        _ = try await ApplicationControllerTests.poll(server, ["get", "crd", "applications.kgit.dev", "-o", "name"]) { !$0.isEmpty }
        let secret = try await server.kubectl(
            ["create", "secret", "generic", "ssh-creds", "--from-literal=identity=PRIVATE-KEY-MATERIAL-91"])
        #expect(secret.status == 0, "\(secret)")
        let applied = try await server.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: kgit.dev/v1alpha1
            kind: Application
            metadata:
              name: shop
              namespace: default
            spec:
              source: ssh://git@127.0.0.1:9/shop.git
              secretRef:
                name: ssh-creds
            """)
        #expect(applied.status == 0, "\(applied)")
        let error = try await ApplicationControllerTests.poll(
            server, ["get", "application", "shop", "-o", "jsonpath={.status.lastError}"]) { !$0.isEmpty }
        #expect(error.contains("spec.secretRef"), "\(error)")
        #expect(error.contains("has an SSH key (identity) but no known_hosts"), "\(error)")
        #expect(!error.contains("PRIVATE-KEY-MATERIAL-91"), "the key was printed")
    }
}
