import Foundation
import KgitStore
import KgitTesting

/// Certificates for etcd over TLS, made with the openssl command line once per test process: a CA, etcd's
/// serving certificate for 127.0.0.1 and localhost signed by it, a client certificate signed by it, and a
/// second CA that signed nothing here (the "wrong CA").
struct EtcdPKI: Sendable {
    let directory: String

    var caFile: String { directory + "/ca.crt" }
    var serverCert: String { directory + "/server.crt" }
    var serverKey: String { directory + "/server.key" }
    var clientCert: String { directory + "/client.crt" }
    var clientKey: String { directory + "/client.key" }
    var wrongCAFile: String { directory + "/wrong-ca.crt" }

    /// What a client that etcd accepts uses.
    var clientTLS: EtcdTLS { EtcdTLS(caFile: caFile, certFile: clientCert, keyFile: clientKey) }

    /// The process-wide certificates, made on first use.
    static func shared() async throws -> EtcdPKI { try await Maker.shared.pki() }

    /// Makes the certificates once: concurrent callers share one task (an actor alone would let a second
    /// caller in while the first awaits openssl).
    private actor Maker {
        static let shared = Maker()
        private var making: Task<(EtcdPKI, TemporaryDirectory), any Error>?

        func pki() async throws -> EtcdPKI {
            let task = making ?? Task {
                let dir = try TemporaryDirectory()
                let pki = EtcdPKI(directory: dir.path)
                try await pki.make()
                return (pki, dir)
            }
            making = task
            return try await task.value.0
        }
    }

    private func openssl(_ args: [String]) async throws {
        let result = try await Subprocess.run("openssl", args, directory: URL(fileURLWithPath: directory))
        if result.status != 0 { throw PKIError(description: "openssl \(args.joined(separator: " ")): \(result)") }
    }

    private func key(_ name: String) async throws {
        try await openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name + ".key"])
    }

    private func ca(_ name: String, _ subject: String) async throws {
        try await key(name)
        try await openssl([
            "req", "-x509", "-new", "-key", name + ".key", "-days", "2", "-subj", subject, "-out", name + ".crt",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    private func leaf(_ name: String, _ subject: String, serial: Int, extensions: String) async throws {
        try await key(name)
        try await openssl(["req", "-new", "-key", name + ".key", "-subj", subject, "-out", name + ".csr"])
        try Data(extensions.utf8).write(to: URL(fileURLWithPath: directory + "/" + name + ".ext"))
        try await openssl([
            "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", String(serial),
            "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt",
        ])
    }

    private func make() async throws {
        try await ca("ca", "/CN=kgit test etcd CA")
        try await ca("wrong-ca", "/CN=some other CA")
        try await leaf(
            "server", "/CN=etcd", serial: 2,
            extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n")
        try await leaf("client", "/CN=kgit-test-client", serial: 3, extensions: "extendedKeyUsage=clientAuth\n")
    }
}

struct PKIError: Error, CustomStringConvertible {
    var description: String
}
