import Crypto
import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("Secrets encrypted at rest")
struct EncryptionAtRestTests {
    static let secret: JSONValue = ["metadata": ["name": "db"], "stringData": ["password": "hunter2-plaintext"]]

    @Test("sealed values open with the key, and fail with another key or when tampered with")
    func sealAndOpen() throws {
        let encryption = EncryptionAtRest(key: SymmetricKey(size: .bits256))
        let plaintext = Array(#"{"data":"x"}"#.utf8)
        let sealed = try encryption.seal(plaintext)
        #expect(sealed.starts(with: Array("k8s:enc:aesgcm:v1:key1:".utf8)))
        #expect(try encryption.open(sealed) == plaintext)
        #expect(try encryption.open(plaintext) == plaintext, "values written before encryption are read as they are")
        let other = EncryptionAtRest(key: SymmetricKey(size: .bits256))
        #expect(throws: EncryptionAtRest.Failure.self) { try other.open(sealed) }
        var tampered = sealed
        tampered[tampered.count - 1] ^= 1
        #expect(throws: EncryptionAtRest.Failure.self) { try encryption.open(tampered) }
    }

    @Test("a secret's stored bytes hold no plaintext, while the API returns it; other kinds are stored plainly")
    func storedEncrypted() async throws {
        let api = try await TestAPI(encryption: EncryptionAtRest(key: SymmetricKey(size: .bits256)))
        let created = await api.request("POST", "/api/v1/namespaces/default/secrets", json: Self.secret)
        #expect(created.status == 201, "\(created.text)")
        let raw = try #require(try await api.store.get("/registry/core/secrets/default/db"))
        let text = String(decoding: raw.value, as: UTF8.self)
        #expect(text.hasPrefix("k8s:enc:aesgcm:v1:key1:"))
        #expect(!text.contains("hunter2") && !text.contains(Data("hunter2-plaintext".utf8).base64EncodedString()))
        #expect(!text.contains("\"db\""), "even the name inside the object is sealed")
        let got = await api.request("GET", "/api/v1/namespaces/default/secrets/db")
        let password = try #require(got.json.value(at: ["data", "password"])?.stringValue)
        #expect(Data(base64Encoded: password) == Data("hunter2-plaintext".utf8))
        let list = await api.request("GET", "/api/v1/namespaces/default/secrets")
        #expect(list.json["items"]?.arrayValue?.count == 1)

        _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("plain"))
        let plain = try #require(try await api.store.get("/registry/core/configmaps/default/plain"))
        #expect(String(decoding: plain.value, as: UTF8.self).hasPrefix("{"))
    }

    @Test("the key is created once in the data directory with mode 0600 and reused")
    func keyFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kgit-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try EncryptionAtRest.loadOrCreate(in: directory)
        let second = try EncryptionAtRest.loadOrCreate(in: directory)
        #expect(first.keyBytes == second.keyBytes && first.keyBytes.count == 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("encryption.key").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}

@Suite("Secrets encrypted at rest in a real kgit server", .serialized, .enabled(if: Tools.endToEnd))
struct EncryptionAtRestEndToEndTests {
    @Test("the SQLite store holds the secret sealed; after a restart kubectl reads it back", .timeLimit(.minutes(4)))
    func sealedOnDisk() async throws {
        let server = try await ServerProcess.start()
        let created = try await server.kubectl(["create", "secret", "generic", "db", "--from-literal=password=hunter2-on-disk"])
        #expect(created.status == 0, "\(created)")
        try await server.stopGracefully()
        let raw = try await ServerProcess.run(ServerProcess.binaryPath, [
            "store", "get", "--data-dir", server.dataDirectory.appendingPathComponent("store").path,
            "/registry/core/secrets/default/db", "-o", "value",
        ])
        #expect(raw.status == 0, "\(raw)")
        #expect(raw.stdout.hasPrefix("k8s:enc:aesgcm:v1:key1:"), "\(raw)")
        #expect(!raw.stdout.contains("hunter2") && !raw.stdout.contains("aHVudGVyMi1vbi1kaXNr"), "\(raw)")

        let restarted = try await ServerProcess.start(dataDirectory: server.dataDirectory)
        defer {
            restarted.cleanUp()
            server.cleanUp()
        }
        let value = try await restarted.kubectl(["get", "secret", "db", "-o", "jsonpath={.data.password}"])
        #expect(value.stdout == "aHVudGVyMi1vbi1kaXNr", "\(value)")
    }
}
