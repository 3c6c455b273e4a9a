import Foundation
import KgitStore
import KgitTesting
import Testing

/// etcd serving its clients over TLS with client certificates required (`--cert-file --key-file
/// --trusted-ca-file --client-cert-auth`), with certificates the test makes with openssl.
@Suite("etcd over TLS", .timeLimit(.minutes(5)))
struct EtcdTLSTests {
    @Test("with the cluster's CA and a client certificate, reads, writes and watches work over https")
    func trustedClient() async throws {
        let pki = try await EtcdPKI.shared()
        await EtcdGate.shared.enter()
        defer { Task { await EtcdGate.shared.leave() } }
        try await EtcdProcess.withMember(tls: pki) { etcd in
            #expect(etcd.clientURL.hasPrefix("https://"))
            let store = try EtcdStore(endpoints: [etcd.clientURL], tls: pki.clientTLS)
            let watch = try await store.watch(WatchRequest(.prefix("tls/")))
            let rev = try await store.put("tls/a", "secret")
            #expect(try await store.get("tls/a")?.value.s == "secret")
            #expect(try await watch.events(1).map(\.kv.modRevision) == [rev])
            // Through `localhost`: the certificate names it too, and the name is what gets verified.
            let byName = try EtcdStore(endpoints: [etcd.clientURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")], tls: pki.clientTLS)
            #expect(try await byName.get("tls/a")?.value.s == "secret")
            await byName.close()
            await store.close()
        }
    }

    @Test("a CA that did not sign etcd's certificate is refused, and says so")
    func wrongCA() async throws {
        let pki = try await EtcdPKI.shared()
        await EtcdGate.shared.enter()
        defer { Task { await EtcdGate.shared.leave() } }
        try await EtcdProcess.withMember(tls: pki) { etcd in
            let store = try EtcdStore(
                endpoints: [etcd.clientURL], tls: EtcdTLS(caFile: pki.wrongCAFile, certFile: pki.clientCert, keyFile: pki.clientKey))
            await #expect {
                _ = try await store.get("x")
            } throws: { error in
                guard case StoreError.unavailable(let why) = error else { return false }
                return why.contains("certificate is not trusted") && why.contains(etcd.clientURL)
            }
            await store.close()
            // Without a client certificate etcd itself refuses the connection.
            let anonymous = try EtcdStore(endpoints: [etcd.clientURL], tls: EtcdTLS(caFile: pki.caFile))
            await #expect {
                _ = try await anonymous.put("x", "y")
            } throws: { error in
                guard case StoreError.unavailable(let why) = error else { return false }
                return why.contains("certificate")
            }
            await anonymous.close()
        }
    }

    @Test("TLS files that cannot be used, or TLS settings for plain http, are refused up front")
    func badSettings() async throws {
        let pki = try await EtcdPKI.shared()
        #expect {
            _ = try EtcdStore(endpoints: ["https://127.0.0.1:2379"], tls: EtcdTLS(caFile: "/nonexistent/ca.pem"))
        } throws: { "\($0)".contains("/nonexistent/ca.pem") }
        #expect {
            _ = try EtcdStore(
                endpoints: ["https://127.0.0.1:2379"], tls: EtcdTLS(caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.serverKey))
        } throws: { "\($0)".contains("does not belong to the certificate") }
        #expect {
            _ = try EtcdStore(endpoints: ["https://127.0.0.1:2379"], tls: EtcdTLS(caFile: pki.caFile, certFile: pki.clientCert))
        } throws: { "\($0)".contains("needs its key") }
        #expect {
            _ = try EtcdStore(endpoints: ["http://127.0.0.1:2379"], tls: EtcdTLS(caFile: pki.caFile))
        } throws: { "\($0)".contains("is not https://") }
    }

    @Test("kgit store put, get and snapshot save work over TLS from the command line; a wrong CA exits 4")
    func commandLine() async throws {
        let pki = try await EtcdPKI.shared()
        await EtcdGate.shared.enter()
        defer { Task { await EtcdGate.shared.leave() } }
        try await EtcdProcess.withMember(tls: pki) { etcd in
            let tls = [
                "--etcd-endpoints", etcd.clientURL, "--etcd-cacert", pki.caFile, "--etcd-cert", pki.clientCert,
                "--etcd-key", pki.clientKey,
            ]
            let put = try await KgitBinary.run(["store", "put"] + tls + ["/tls/k", "over tls"])
            #expect(put.status == 0 && put.stdout == "OK revision 2\n", "\(put)")
            let get = try await KgitBinary.run(["store", "get"] + tls + ["/tls/k", "-o", "value"])
            #expect(get.stdout == "over tls\n", "\(get)")
            let dir = try TemporaryDirectory()
            let save = try await KgitBinary.run(["store", "snapshot", "save"] + tls + [dir.path + "/tls.snap"])
            #expect(save.status == 0, "\(save)")
            let status = try await Subprocess.run("etcdctl", ["snapshot", "status", dir.path + "/tls.snap", "-w", "json"])
            #expect(status.status == 0 && status.stdout.contains("\"revision\":2"), "\(status)")
            var wrong = tls
            wrong[3] = pki.wrongCAFile
            let refused = try await KgitBinary.run(["store", "get"] + wrong + ["/tls/k"])
            #expect(refused.status == 4 && refused.stderr.contains("certificate is not trusted"), "\(refused)")
            let missing = try await KgitBinary.run(["store", "get", "--etcd-endpoints", etcd.clientURL, "--etcd-cacert", dir.path + "/none.pem", "/tls/k"])
            #expect(missing.status == 2 && missing.stderr.contains("none.pem"), "\(missing)")
            withExtendedLifetime(dir) {}
        }
    }

    @Test("kgit server keeps its objects in an etcd reached over TLS with the same flags")
    func serverOnEtcd() async throws {
        let pki = try await EtcdPKI.shared()
        await EtcdGate.shared.enter()
        defer { Task { await EtcdGate.shared.leave() } }
        try await EtcdProcess.withMember(tls: pki) { etcd in
            let dir = try TemporaryDirectory()
            // Under the same watchdog as etcd, so the server dies with the test process too.
            let command = EtcdProcess.guarded([
                KgitBinary.path, "server", "--data-dir", dir.path + "/server", "--listen", "127.0.0.1:0",
                "--etcd-endpoints", etcd.clientURL, "--etcd-cacert", pki.caFile, "--etcd-cert", pki.clientCert,
                "--etcd-key", pki.clientKey,
            ])
            let server = try ChildProcess(
                command.executable, command.arguments, standardOutput: .null, standardError: .null)
            let store = try EtcdStore(endpoints: [etcd.clientURL], tls: pki.clientTLS)
            var namespaces: [String] = []
            // The server seeds the default namespaces when it starts; they land in etcd. The deadline is a hang
            // guard: under full load, starting kgit server can take longer than the 30 s this allowed before.
            let deadline = ContinuousClock.now + .seconds(180)
            while namespaces.isEmpty && server.isRunning && ContinuousClock.now < deadline {
                namespaces = try await store.range(RangeRequest(.prefix("/registry/core/namespaces/"), keysOnly: true)).kvs
                    .map(\.keyString)
                if namespaces.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(namespaces.contains("/registry/core/namespaces/default"), "keys: \(namespaces)")
            server.signal(SIGTERM)
            await server.exit()
            await store.close()
            withExtendedLifetime(dir) {}
        }
    }
}
