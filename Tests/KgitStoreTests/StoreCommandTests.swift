import KgitTesting
import Foundation
import KgitStore
import Testing

/// `kgit store` driven through the real binary: output formats, exit codes, help.
@Suite("kgit store command", .timeLimit(.minutes(3)))
struct StoreCommandTests {
    @Test("put then get prints a table, JSON, YAML or bare values")
    func putAndGet() async throws {
        let dir = try TemporaryDirectory()
        let d = ["--data-dir", dir.path + "/s"]
        let put = try await KgitBinary.run(["store", "put"] + d + ["/app/a", "hello"])
        #expect(put.status == 0 && put.stdout == "OK revision 2\n")
        let piped = try await KgitBinary.run(["store", "put"] + d + ["/app/b"], stdin: "from stdin")
        #expect(piped.status == 0)
        let table = try await KgitBinary.run(["store", "get"] + d + ["/app/", "--prefix"])
        #expect(table.status == 0)
        let firstColumn: [String] = table.stdout.split(separator: "\n").map { line in
            line.split(separator: " ").first.map(String.init) ?? ""
        }
        #expect(firstColumn == ["KEY", "/app/a", "/app/b"])
        let json = try await KgitBinary.run(["store", "get"] + d + ["/app/a", "-o", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["revision"] as? Int == 3)
        let kvs = object?["kvs"] as? [[String: Any]]
        #expect(kvs?.first?["value"] as? String == "hello")
        #expect(kvs?.first?["modRevision"] as? Int == 2)
        let yaml = try await KgitBinary.run(["store", "get"] + d + ["/app/b", "-o", "yaml"])
        #expect(yaml.stdout.contains("value: \"from stdin\""))
        let value = try await KgitBinary.run(["store", "get"] + d + ["/app/", "--prefix", "-o", "value"])
        #expect(value.stdout == "hello\nfrom stdin\n")
        withExtendedLifetime(dir) {}
    }

    @Test("get of a missing key exits 1; a prefix matching nothing exits 0")
    func missingKey() async throws {
        let dir = try TemporaryDirectory()
        let d = ["--data-dir", dir.path + "/s"]
        let missing = try await KgitBinary.run(["store", "get"] + d + ["/nope"])
        #expect(missing.status == 1 && missing.stderr.contains("key not found: /nope"))
        let empty = try await KgitBinary.run(["store", "get"] + d + ["/nope/", "--prefix"])
        #expect(empty.status == 0 && empty.stdout.isEmpty)
        withExtendedLifetime(dir) {}
    }

    @Test("reading a compacted revision exits 3 and says why; no store given exits 2")
    func refusedAndUsage() async throws {
        let dir = try TemporaryDirectory()
        let d = ["--data-dir", dir.path + "/s"]
        for v in ["1", "2", "3"] { _ = try await KgitBinary.run(["store", "put"] + d + ["/k", v]) }
        let compact = try await KgitBinary.run(["store", "compact"] + d + ["--keep", "1"])
        #expect(compact.status == 0 && compact.stdout == "compacted at revision 3\n")
        let old = try await KgitBinary.run(["store", "get"] + d + ["/k", "--rev", "2"])
        #expect(old.status == 3 && old.stderr.contains("compacted"))
        let none = try await KgitBinary.run(["store", "get", "/k"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(none.status == 2 && none.stderr.contains("--data-dir"))
        withExtendedLifetime(dir) {}
    }

    @Test("a store held open by another process exits 4 (retry later)")
    func inUse() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path + "/s")
        let busy = try await KgitBinary.run(["store", "status", "--data-dir", dir.path + "/s"])
        #expect(busy.status == 4 && busy.stderr.contains("in use by another process"))
        await store.close()
        withExtendedLifetime(dir) {}
    }

    @Test("watch --rev replays history and --count stops it; del reports how many went")
    func watchAndDelete() async throws {
        let dir = try TemporaryDirectory()
        let d = ["--data-dir", dir.path + "/s"]
        _ = try await KgitBinary.run(["store", "put"] + d + ["/w/a", "1"])
        _ = try await KgitBinary.run(["store", "put"] + d + ["/w/b", "2"])
        let del = try await KgitBinary.run(["store", "del"] + d + ["/w/", "--prefix"])
        #expect(del.stdout == "deleted 2 (revision 4)\n")
        let watch = try await KgitBinary.run(["store", "watch"] + d + ["/w/", "--prefix", "--rev", "1", "--count", "4"])
        #expect(watch.status == 0)
        #expect(
            watch.stdout.split(separator: "\n") == [
                "PUT /w/a 1 (revision 2)", "PUT /w/b 2 (revision 3)", "DELETE /w/a (revision 4)",
                "DELETE /w/b (revision 4)",
            ])
        let json = try await KgitBinary.run(["store", "watch"] + d + ["/w/a", "--rev", "2", "--count", "1", "-o", "json"])
        #expect(json.stdout.hasPrefix("{\"type\":\"PUT\",\"kv\":{\"key\":\"/w/a\""))
        withExtendedLifetime(dir) {}
    }

    @Test("snapshot save copies a store that snapshot restore brings back")
    func snapshotRoundTrip() async throws {
        let dir = try TemporaryDirectory()
        let d = ["--data-dir", dir.path + "/s"]
        for i in 0..<5 { _ = try await KgitBinary.run(["store", "put"] + d + ["/s/\(i)", "v\(i)"]) }
        let save = try await KgitBinary.run(["store", "snapshot", "save"] + d + [dir.path + "/snap.db"])
        #expect(save.status == 0 && save.stdout.contains("revision 6"))
        let again = try await KgitBinary.run(["store", "snapshot", "save"] + d + [dir.path + "/snap.db"])
        #expect(again.status == 2 && again.stderr.contains("already exists"))
        let restore = try await KgitBinary.run(["store", "snapshot", "restore", "--data-dir", dir.path + "/r", dir.path + "/snap.db"])
        #expect(restore.status == 0 && restore.stdout.contains("at revision 6"))
        let read = try await KgitBinary.run(["store", "get", "--data-dir", dir.path + "/r", "/s/", "--prefix", "-o", "value"])
        #expect(read.stdout == "v0\nv1\nv2\nv3\nv4\n")
        let onto = try await KgitBinary.run(["store", "snapshot", "restore", "--data-dir", dir.path + "/r", dir.path + "/snap.db"])
        #expect(onto.status == 2 && onto.stderr.contains("already holds a store"))
        withExtendedLifetime(dir) {}
    }

    @Test("the same commands work against etcd endpoints, and an etcd snapshot is saved")
    func againstEtcd() async throws {
        await EtcdGate.shared.enter()
        defer { Task { await EtcdGate.shared.leave() } }
        try await EtcdProcess.withMember { etcd in
            let e = ["--etcd-endpoints", etcd.clientURL]
            #expect(try await KgitBinary.run(["store", "put"] + e + ["/e", "one"]).stdout == "OK revision 2\n")
            #expect(try await KgitBinary.run(["store", "get"] + e + ["/e", "-o", "value"]).stdout == "one\n")
            let status = try await KgitBinary.run(["store", "status"] + e + ["-o", "json"])
            #expect(status.stdout.contains("\"backend\": \"etcd\"") && status.stdout.contains("\"version\": \"3.4"))
            let dir = try TemporaryDirectory()
            let save = try await KgitBinary.run(["store", "snapshot", "save"] + e + [dir.path + "/etcd.snap"])
            #expect(save.status == 0)
            let size = try FileManager.default.attributesOfItem(atPath: dir.path + "/etcd.snap")[.size] as? Int ?? 0
            #expect(size > 4096)
            // etcd's own tools accept the file: it is etcd's snapshot, with its checksum.
            let check = try await Subprocess.run("etcdctl", ["snapshot", "status", dir.path + "/etcd.snap", "-w", "json"])
            #expect(check.status == 0 && check.stdout.contains("\"revision\":2"), "\(check)")
            let restored = try await Subprocess.run(
                "etcdctl", ["snapshot", "restore", dir.path + "/etcd.snap", "--data-dir", dir.path + "/restored"],
                environment: ["ETCDCTL_API": "3"])
            #expect(restored.status == 0, "\(restored)")
            let down = try await KgitBinary.run(["store", "get", "--etcd-endpoints", "http://127.0.0.1:1", "/e"])
            #expect(down.status == 4)
        }
    }

    @Test("a lease granted from the command line carries keys until it is revoked; an unknown lease exits 3")
    func leases() async throws {
        let dir = try TemporaryDirectory()
        let d = ["--data-dir", dir.path + "/s"]
        // 600 s: six kgit processes run before the revoke, and a loaded machine must not let the lease expire first.
        let grant = try await KgitBinary.run(["store", "lease", "grant"] + d + ["600", "-o", "value"])
        let id = grant.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(grant.status == 0 && Int64(id) != nil)
        #expect(try await KgitBinary.run(["store", "put"] + d + ["/l/a", "x", "--lease", id]).status == 0)
        let ttl = try await KgitBinary.run(["store", "lease", "ttl"] + d + [id, "--keys", "-o", "json"])
        #expect(ttl.stdout.contains("\"grantedTTL\": 600") && ttl.stdout.contains("\"/l/a\""))
        #expect(try await KgitBinary.run(["store", "lease", "keep-alive"] + d + [id, "--once"]).stdout.contains("TTL 600s"))
        #expect(try await KgitBinary.run(["store", "lease", "revoke"] + d + [id]).status == 0)
        #expect(try await KgitBinary.run(["store", "get"] + d + ["/l/a"]).status == 1)
        let unknown = try await KgitBinary.run(["store", "lease", "revoke"] + d + [id])
        #expect(unknown.status == 3 && unknown.stderr.contains("lease not found"))
        let badPut = try await KgitBinary.run(["store", "put"] + d + ["/l/b", "y", "--lease", "12345"])
        #expect(badPut.status == 3)
        withExtendedLifetime(dir) {}
    }

    @Test("--help teaches: subcommands, examples and exit codes")
    func help() async throws {
        let help = try await KgitBinary.run(["store", "--help"])
        for word in ["get", "put", "del", "watch", "compact", "status", "snapshot", "Exit codes", "--data-dir"] {
            #expect(help.stdout.contains(word), "help lacks \(word)")
        }
        #expect(!help.stdout.contains("crash-writer"))
        let get = try await KgitBinary.run(["store", "get", "--help"])
        #expect(get.stdout.contains("--prefix") && get.stdout.contains("Examples"))
    }
}
