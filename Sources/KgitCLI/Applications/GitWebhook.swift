import Crypto
import Foundation
import KgitAPIMachinery
import KgitAPIServer
import Synchronization

/// `POST /webhooks/git` on `kgit server`: a git host's push notification makes every Application whose
/// `spec.source` is the pushed repository fetch at once (its key is queued) instead of at its next interval.
///
/// Callers prove they know the shared secret (`kgit server --webhook-secret-file FILE`) in one of three ways:
/// - GitHub (and Gitea, Forgejo): `X-Hub-Signature-256: sha256=HEX`, the HMAC-SHA256 of the body;
/// - GitLab: `X-Gitlab-Token: SECRET`;
/// - anything else: the same `X-Hub-Signature-256` header, or `Authorization: Bearer SECRET`.
///
/// The repository is read from the payload: GitHub's `repository.clone_url`, `ssh_url`, `html_url`, `git_url`;
/// GitLab's `project.git_http_url`, `git_ssh_url`, `web_url` (and `repository.*`); a generic payload's `repoURL`
/// or `repository` string. URLs match whatever their scheme, user, port or `.git` suffix
/// (`git@github.com:acme/shop.git` is `https://github.com/acme/shop`).
///
/// Answers: 202 with the refreshed Applications, 401 for a missing or wrong signature or token, 400 for a body
/// that names no repository, 405 for another method, 503 when no secret is configured (webhooks are off).
final class GitWebhook: Sendable {
    /// The path served.
    static let path = "/webhooks/git"

    let secret: [UInt8]?
    private let controller = Mutex<ApplicationController?>(nil)

    init(secret: [UInt8]?) {
        self.secret = secret.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The controller whose Applications are refreshed (set once it runs).
    func attach(_ controller: ApplicationController) {
        self.controller.withLock { $0 = controller }
    }

    func handle(_ request: APIRequest) async -> APIResponse {
        guard request.method == "POST" else { return Self.answer(405, "use POST") }
        guard let secret else {
            return Self.answer(503, "webhooks are off: start kgit server with --webhook-secret-file")
        }
        guard Self.authenticated(request, secret: secret) else {
            return Self.answer(401, "missing or wrong X-Hub-Signature-256, X-Gitlab-Token or bearer token")
        }
        if request.header("X-GitHub-Event") == "ping" { return Self.answer(200, "pong") }
        guard let payload = try? JSONParser.parse(request.body) else { return Self.answer(400, "the body is not JSON") }
        let urls = Self.repositoryURLs(payload)
        guard !urls.isEmpty else { return Self.answer(400, "the payload names no repository") }
        guard let controller = controller.withLock({ $0 }) else {
            return Self.answer(503, "the Application controller is not running yet")
        }
        do {
            let refreshed = try await controller.refresh(repositories: urls)
            return .json(["refreshed": .array(refreshed.map { .string($0) })], status: 202)
        } catch {
            return Self.answer(503, "cannot list Applications: \(error)")
        }
    }

    static func answer(_ status: Int, _ message: String) -> APIResponse {
        .json(["message": .string(message)], status: status)
    }

    /// Whether the request carries a valid HMAC signature of its body, or the secret itself as a GitLab token or
    /// bearer token. Comparisons take the same time wherever they differ.
    static func authenticated(_ request: APIRequest, secret: [UInt8]) -> Bool {
        if let header = request.header("X-Hub-Signature-256") {
            guard header.hasPrefix("sha256="), let given = hexBytes(String(header.dropFirst(7))) else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: request.body, using: SymmetricKey(data: secret))
        }
        if let token = request.header("X-Gitlab-Token") { return constantTimeEqual(Array(token.utf8), secret) }
        if let authorization = request.header("Authorization"), authorization.hasPrefix("Bearer ") {
            return constantTimeEqual(Array(authorization.dropFirst(7).utf8), secret)
        }
        return false
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    /// Every repository URL the payload names (GitHub, GitLab or generic).
    static func repositoryURLs(_ payload: JSONValue) -> [String] {
        var urls: [String] = []
        for field in ["repoURL", "repository", "url"] {
            if let text = payload[field]?.stringValue { urls.append(text) }
        }
        for object in ["repository", "project"] {
            for field in ["clone_url", "ssh_url", "html_url", "git_url", "url", "git_http_url", "git_ssh_url", "web_url", "homepage"] {
                if let text = payload[object]?[field]?.stringValue { urls.append(text) }
            }
        }
        return urls.filter { !$0.isEmpty }
    }

    /// A repository URL or path reduced to what identifies the repository: `host/path` for URLs (lowercase, no
    /// scheme, user, port or `.git`), `file:` and the standardized path for local paths.
    static func normalized(_ source: String) -> String {
        var text = source.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("file://") { text.removeFirst(7) }
        var host = ""
        var path: String
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            host = String(rest[..<slash])
            path = String(rest[slash...])
        } else if !text.hasPrefix("/"), let colon = text.firstIndex(of: ":"),
            !text[..<colon].contains("/")
        {
            host = String(text[..<colon])
            path = String(text[text.index(after: colon)...])
        } else {
            return "file:" + URL(fileURLWithPath: text).standardizedFileURL.path
        }
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") { host = String(host[..<colon]) }
        path = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if path.hasSuffix(".git") { path.removeLast(4) }
        return (host + "/" + path).lowercased()
    }
}
