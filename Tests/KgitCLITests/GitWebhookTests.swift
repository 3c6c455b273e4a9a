import Foundation
import KgitAPIServer
import KgitTesting
import Testing

@testable import KgitCLI

/// The webhook's pieces: who may call it and which Applications a payload names.
@Suite struct GitWebhookUnitTests {
    static func request(_ headers: [(String, String)], body: String) -> APIRequest {
        APIRequest(method: "POST", target: "/webhooks/git", headers: headers.map { (name: $0.0, value: $0.1) }, body: Array(body.utf8))
    }

    @Test func aGitHubSignatureIsTheHMACSHA256OfTheBody() {
        // RFC 4231, test case 2.
        let secret = Array("Jefe".utf8)
        let body = "what do ya want for nothing?"
        let good = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        #expect(GitWebhook.authenticated(Self.request([("X-Hub-Signature-256", good)], body: body), secret: secret))
        #expect(!GitWebhook.authenticated(Self.request([("X-Hub-Signature-256", good)], body: body + " "), secret: secret))
        #expect(!GitWebhook.authenticated(Self.request([("X-Hub-Signature-256", "sha256=zz")], body: body), secret: secret))
        #expect(!GitWebhook.authenticated(Self.request([], body: body), secret: secret))
    }

    @Test func gitLabAndBearerTokensMustEqualTheSecret() {
        let secret = Array("s3cret".utf8)
        #expect(GitWebhook.authenticated(Self.request([("X-Gitlab-Token", "s3cret")], body: "{}"), secret: secret))
        #expect(!GitWebhook.authenticated(Self.request([("X-Gitlab-Token", "s3cre")], body: "{}"), secret: secret))
        #expect(GitWebhook.authenticated(Self.request([("Authorization", "Bearer s3cret")], body: "{}"), secret: secret))
        #expect(!GitWebhook.authenticated(Self.request([("Authorization", "Bearer s3cretX")], body: "{}"), secret: secret))
    }

    @Test func repositoryURLsMatchWhateverTheirSchemeUserOrSuffix() {
        let forms = [
            "https://github.com/Acme/shop.git", "git@github.com:acme/shop.git", "ssh://git@github.com:22/acme/shop",
            "https://bot@github.com/acme/shop/", "git://github.com/acme/shop.git",
        ]
        #expect(Set(forms.map(GitWebhook.normalized)) == ["github.com/acme/shop"])
        #expect(GitWebhook.normalized("/srv/git/shop/") == GitWebhook.normalized("file:///srv/git/shop"))
        #expect(GitWebhook.normalized("https://github.com/acme/shop") != GitWebhook.normalized("https://github.com/acme/shop2"))
    }
}

/// `POST /webhooks/git` on a real `kgit server`, called with curl as a git host would.
@Suite("git webhooks end to end", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled, "needs kubectl"))
struct GitWebhookTests {
    static let secret = "hook-secret"

    /// curl's answer: the status code, then the body.
    static func post(_ server: KgitServerProcess, _ body: String, headers: [String]) async throws -> (Int, String) {
        var arguments = ["-sk", "-X", "POST", server.url + "/webhooks/git", "--data-binary", "@-", "-w", "\n%{http_code}"]
        for header in headers { arguments += ["-H", header] }
        let result = try await Subprocess.run("curl", arguments, stdin: body)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    static func hmac(_ body: String) async throws -> String {
        let result = try await Subprocess.run("openssl", ["dgst", "-sha256", "-hmac", secret, "-r"], stdin: body)
        return "sha256=" + (result.stdout.split(separator: " ").first.map(String.init) ?? "")
    }

    @Test("a signed GitHub push, a GitLab push and a generic push each make the Application fetch at once; a bad signature gets 401")
    func pushesRefreshApplications() async throws {
        let secrets = try Scratch("kgit-webhook")
        try Data(Self.secret.utf8).write(to: URL(fileURLWithPath: secrets.url("secret")))
        let server = try await KgitServerProcess.start(extraArguments: ["--webhook-secret-file", secrets.url("secret")])
        defer { server.stop() }
        let repository = try await SyncRepository.make()
        func settings(_ mode: String) throws {
            try repository.write("settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  mode: \(mode)\n")
        }
        try settings("fast")
        try await repository.commit("settings")
        _ = try await ApplicationControllerTests.poll(server, ["get", "crd", "applications.kgit.dev", "-o", "name"]) { !$0.isEmpty }
        // An interval of an hour: only a webhook makes the controller look again during the test.
        let applied = try await server.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: kgit.dev/v1alpha1
            kind: Application
            metadata:
              name: shop
              namespace: default
            spec:
              source: \(repository.path)
              syncPolicy:
                interval: 1h
            """)
        #expect(applied.status == 0, "\(applied)")
        let mode = ["get", "configmap", "settings", "-o", "jsonpath={.data.mode}"]
        #expect(try await ApplicationControllerTests.poll(server, mode) { $0 == "fast" } == "fast", "\(server.serverLog)")

        try settings("github")
        try await repository.commit("github")
        let github = #"{"ref":"refs/heads/main","repository":{"clone_url":"file://\#(repository.path)"}}"#
        let forged = try await Self.post(server, github, headers: ["X-Hub-Signature-256: sha256=" + String(repeating: "0", count: 64)])
        #expect(forged.0 == 401, "\(forged)")
        let unsigned = try await Self.post(server, github, headers: [])
        #expect(unsigned.0 == 401, "\(unsigned)")
        let signed = try await Self.post(
            server, github, headers: ["X-GitHub-Event: push", "X-Hub-Signature-256: \(try await Self.hmac(github))"])
        #expect(signed.0 == 202, "\(signed)")
        #expect(signed.1.contains("default/shop"), "\(signed)")
        #expect(try await ApplicationControllerTests.poll(server, mode) { $0 == "github" } == "github", "\(server.serverLog)")

        try settings("gitlab")
        try await repository.commit("gitlab")
        let gitlab = #"{"object_kind":"push","project":{"git_http_url":"file://\#(repository.path)/"}}"#
        let wrongToken = try await Self.post(server, gitlab, headers: ["X-Gitlab-Token: nope"])
        #expect(wrongToken.0 == 401, "\(wrongToken)")
        let token = try await Self.post(server, gitlab, headers: ["X-Gitlab-Token: \(Self.secret)"])
        #expect(token.0 == 202, "\(token)")
        #expect(try await ApplicationControllerTests.poll(server, mode) { $0 == "gitlab" } == "gitlab", "\(server.serverLog)")

        try settings("generic")
        try await repository.commit("generic")
        let generic = try await Self.post(
            server, #"{"repoURL":"\#(repository.path)"}"#, headers: ["Authorization: Bearer \(Self.secret)"])
        #expect(generic.0 == 202, "\(generic)")
        #expect(try await ApplicationControllerTests.poll(server, mode) { $0 == "generic" } == "generic", "\(server.serverLog)")

        let elsewhere = try await Self.post(
            server, #"{"repoURL":"https://example.com/other.git"}"#, headers: ["Authorization: Bearer \(Self.secret)"])
        #expect(elsewhere.0 == 202 && !elsewhere.1.contains("default/shop"), "\(elsewhere)")
    }
}
