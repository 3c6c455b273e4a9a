import Foundation
import KgitClient
import KgitTesting
import Testing

@Suite("Kubeconfig")
struct KubeconfigTests {
    static let pem = Array("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8)

    static func config(currentContext: String = "dev", extra: String = "") -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: https://127.0.0.1:6443
            certificate-authority-data: \(Data(pem).base64EncodedString())
        - name: remote
          cluster:
            server: https://api.example.com
            certificate-authority: certs/ca.pem
            insecure-skip-tls-verify: true
        users:
        - name: admin
          user:
            client-certificate-data: \(Data(pem).base64EncodedString())
            client-key-data: \(Data("KEY".utf8).base64EncodedString())
        - name: robot
          user:
            token: s3cret
        contexts:
        - name: dev
          context: {cluster: local, user: admin, namespace: shop}
        - name: prod
          context: {cluster: remote, user: robot}
        current-context: \(currentContext)
        \(extra)
        """
    }

    @Test("the current context gives the server, the embedded CA, the client certificate and the namespace")
    func currentContext() throws {
        let config = try Kubeconfig.parse(Array(Self.config().utf8))
        let connection = try config.connection()
        #expect(connection.contextName == "dev")
        #expect(connection.endpoint == Endpoint(tls: true, host: "127.0.0.1", port: 6443))
        #expect(connection.caPEM == Self.pem)
        #expect(connection.clientCertificatePEM == Self.pem)
        #expect(connection.clientKeyPEM == Array("KEY".utf8))
        #expect(connection.namespace == "shop")
        #expect(try connection.authorization() == nil)
    }

    @Test("--context picks another context; files are relative to the kubeconfig; a token becomes a bearer header")
    func otherContext() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.url("certs"), withIntermediateDirectories: true)
        try Data(Self.pem).write(to: URL(fileURLWithPath: scratch.url("certs/ca.pem")))
        try Data(Self.config().utf8).write(to: URL(fileURLWithPath: scratch.url("config")))
        let connection = try Kubeconfig.load(explicitPath: scratch.url("config")).connection(context: "prod")
        #expect(connection.endpoint == Endpoint(tls: true, host: "api.example.com", port: 443))
        #expect(connection.caPEM == Self.pem)
        #expect(connection.insecureSkipTLSVerify)
        #expect(try connection.authorization() == "Bearer s3cret")
        #expect(connection.namespace == "default")
    }

    @Test("a tokenFile is read for every request, so a rotated token is picked up")
    func tokenFile() throws {
        let scratch = try Scratch()
        try Data("first\n".utf8).write(to: URL(fileURLWithPath: scratch.url("token")))
        let text = """
            clusters: [{name: c, cluster: {server: "https://10.0.0.1:8443"}}]
            users: [{name: u, user: {tokenFile: token}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: scratch.url("config")))
        let connection = try Kubeconfig.load(file: scratch.url("config")).connection()
        #expect(try connection.authorization() == "Bearer first")
        try Data("second".utf8).write(to: URL(fileURLWithPath: scratch.url("token")))
        #expect(try connection.authorization() == "Bearer second")
    }

    @Test("KUBECONFIG merges files: the first to define a name or current-context wins")
    func kubeconfigEnvironment() throws {
        let scratch = try Scratch()
        try Data(Self.config(currentContext: "prod").utf8).write(to: URL(fileURLWithPath: scratch.url("a")))
        let second = """
            clusters: [{name: extra, cluster: {server: "http://127.0.0.1:8080"}}]
            contexts: [{name: dev, context: {cluster: extra}}, {name: other, context: {cluster: extra}}]
            current-context: other
            """
        try Data(second.utf8).write(to: URL(fileURLWithPath: scratch.url("b")))
        let config = try Kubeconfig.load(
            environment: ["KUBECONFIG": "\(scratch.url("missing")):\(scratch.url("a")):\(scratch.url("b"))"])
        #expect(config.currentContext == "prod")
        #expect(try config.connection(context: "dev").endpoint.port == 6443)
        #expect(try config.connection(context: "other").endpoint == Endpoint(tls: false, host: "127.0.0.1", port: 8080))
    }

    @Test("errors name what is missing: the context, its cluster, the file")
    func errors() throws {
        let config = try Kubeconfig.parse(Array(Self.config().utf8), file: "my.kubeconfig")
        #expect(throws: ClientError.self) { try config.connection(context: "staging") }
        do {
            _ = try config.connection(context: "staging")
        } catch {
            #expect(error.description.contains("context \"staging\" is not in my.kubeconfig"))
            #expect(error.description.contains("dev, prod"))
        }
        do {
            _ = try Kubeconfig.load(explicitPath: "/nonexistent/kubeconfig")
            Issue.record("loading a missing file succeeded")
        } catch {
            #expect(error.description.contains("/nonexistent/kubeconfig"))
        }
        do {
            _ = try Kubeconfig.parse(Array("clusters: [{name: c, cluster: {}}]".utf8), file: "k")
            Issue.record("a cluster without a server was accepted")
        } catch {
            #expect(error.description == "k: cluster \"c\" has no server")
        }
    }

    @Test("server URLs: default ports, IPv6 brackets, refused paths and schemes")
    func endpoints() throws {
        #expect(try Endpoint("https://example.com") == Endpoint(tls: true, host: "example.com", port: 443))
        #expect(try Endpoint("http://example.com/") == Endpoint(tls: false, host: "example.com", port: 80))
        #expect(try Endpoint("https://[::1]:6443") == Endpoint(tls: true, host: "::1", port: 6443))
        #expect(try Endpoint("https://[::1]:6443").description == "https://[::1]:6443")
        #expect(throws: ClientError.self) { try Endpoint("ftp://example.com") }
        #expect(throws: ClientError.self) { try Endpoint("https://example.com/prefix") }
        #expect(throws: ClientError.self) { try Endpoint("https://example.com:99999") }
    }
}
