import Crypto
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("ServedBytesCache: lists copy the bytes served before while the object is unchanged")
struct ServedBytesCacheTests {
    @Test("a repeated list is served from the cache and is the same; an update is served anew")
    func repeatedListsAndUpdates() async throws {
        let api = try await TestAPI()
        let cache = try #require(api.handler.registry.servedBytes)
        let before = cache.usage.count
        for i in 1...4 {
            _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("c\(i)"))
        }
        #expect(cache.usage.count == before + 4, "each create kept its object's served bytes")
        let first = await api.request("GET", "/api/v1/namespaces/default/configmaps")
        #expect(cache.usage.count == before + 4)
        let second = await api.request("GET", "/api/v1/namespaces/default/configmaps")
        #expect(second.text == first.text)
        #expect(cache.usage.count == before + 4)

        let patched = await api.request("PATCH", "/api/v1/namespaces/default/configmaps/c2",
                                        body: Array(#"{"data":{"k":"changed"}}"#.utf8),
                                        headers: [("Content-Type", "application/merge-patch+json")])
        #expect(patched.status == 200)
        let third = await api.request("GET", "/api/v1/namespaces/default/configmaps")
        let items = third.json["items"]?.arrayValue ?? []
        let c2 = items.first { $0.value(at: ["metadata", "name"]) == "c2" }
        #expect(c2?.value(at: ["data", "k"]) == "changed")
        #expect(c2?.value(at: ["metadata", "resourceVersion"]) == patched.json.value(at: ["metadata", "resourceVersion"]))
        #expect(cache.usage.count == before + 4)
    }

    @Test("entries match only their revision and apiVersion")
    func entriesMatchExactly() {
        let cache = ServedBytesCache()
        cache.insert([(key: "/k", revision: 3, bytes: [1, 2])], groupVersion: Array(#""v1""#.utf8))
        func value(_ key: String, _ revision: Int64) -> StoredValue {
            StoredValue(key: key, value: [], createRevision: 1, modRevision: revision)
        }
        #expect(cache.lookup([value("/k", 4)], groupVersion: Array(#""v1""#.utf8)) == [nil])
        #expect(cache.lookup([value("/k", 3)], groupVersion: Array(#""v2""#.utf8)) == [nil])
        #expect(cache.lookup([value("/other", 3)], groupVersion: Array(#""v1""#.utf8)) == [nil])
        #expect(cache.lookup([value("/k", 3)], groupVersion: Array(#""v1""#.utf8)) == [[1, 2]])
    }

    @Test("past its capacity the cache starts over instead of growing")
    func capacity() {
        let cache = ServedBytesCache(capacity: 10)
        cache.insert([(key: "/a", revision: 1, bytes: Array(repeating: 0, count: 6))], groupVersion: nil)
        cache.insert([(key: "/b", revision: 1, bytes: Array(repeating: 0, count: 6))], groupVersion: nil)
        #expect(cache.usage.count == 1 && cache.usage.bytes == 6)
        cache.insert([(key: "/c", revision: 1, bytes: Array(repeating: 0, count: 11))], groupVersion: nil)
        #expect(cache.usage.bytes <= 10)
    }

    @Test("decrypted secrets are never kept")
    func secretsAreNotCached() async throws {
        let api = try await TestAPI(encryption: EncryptionAtRest(key: SymmetricKey(size: .bits256)))
        let secret: JSONValue = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s"],
                                 "stringData": ["password": "hunter2"]]
        #expect(await api.request("POST", "/api/v1/namespaces/default/secrets", json: secret).status == 201)
        let cache = try #require(api.handler.registry.servedBytes)
        let before = cache.usage
        let list = await api.request("GET", "/api/v1/namespaces/default/secrets")
        #expect(list.text.contains("aHVudGVyMg=="))
        #expect(cache.usage.count == before.count && cache.usage.bytes == before.bytes)
    }

    @Test("a write keeps exactly what a list would splice for its revision, and a delete drops it")
    func writesFillTheCache() async throws {
        let api = try await TestAPI()
        let cache = try #require(api.handler.registry.servedBytes)
        let info = try #require(ResourceCatalog.builtIn.lookup(group: "", version: "v1", resource: "configmaps"))
        let v1 = Registry.servedGroupVersion(info)
        let key = info.storageKey(namespace: "default", name: "w")
        func stored() async throws -> StoredValue { try #require(try await api.store.get(key)) }
        func splicedAnew(_ value: StoredValue) -> [UInt8] {
            var out: [UInt8] = []
            _ = StoredJSON.append(value.value, revision: value.modRevision, groupVersion: v1, to: &out)
            return out
        }

        #expect(await api.request("POST", "/api/v1/namespaces/default/configmaps",
                                  json: TestAPI.configMap("w", data: ["k": "<&>\u{2028}é"])).status == 201)
        let created = try await stored()
        #expect(cache.lookup([created], groupVersion: v1) == [splicedAnew(created)])

        let patched = await api.request("PATCH", "/api/v1/namespaces/default/configmaps/w",
                                        body: Array(#"{"data":{"k":"v2"}}"#.utf8),
                                        headers: [("Content-Type", "application/merge-patch+json")])
        #expect(patched.status == 200)
        let updated = try await stored()
        #expect(updated.modRevision > created.modRevision)
        #expect(cache.lookup([updated], groupVersion: v1) == [splicedAnew(updated)])
        #expect(cache.lookup([created], groupVersion: v1) == [nil], "the older revision is gone")

        let held = cache.usage
        #expect(await api.request("DELETE", "/api/v1/namespaces/default/configmaps/w").status == 200)
        #expect(cache.usage.count == held.count - 1)
        #expect(cache.lookup([updated], groupVersion: v1) == [nil])
    }

    @Test("an entry is not replaced by an older revision of its key in the same apiVersion")
    func olderRevisionsDoNotReplaceNewer() {
        let cache = ServedBytesCache()
        let v1 = Array(#""v1""#.utf8), v2 = Array(#""v2""#.utf8)
        func value(_ revision: Int64) -> StoredValue {
            StoredValue(key: "/k", value: [], createRevision: 1, modRevision: revision)
        }
        cache.insert([(key: "/k", revision: 5, bytes: [5])], groupVersion: v1)
        cache.insert([(key: "/k", revision: 4, bytes: [4])], groupVersion: v1)
        #expect(cache.lookup([value(5)], groupVersion: v1) == [[5]])
        #expect(cache.usage.count == 1 && cache.usage.bytes == 1)
        cache.insert([(key: "/k", revision: 4, bytes: [4, 4])], groupVersion: v2)
        #expect(cache.lookup([value(4)], groupVersion: v2) == [[4, 4]], "another apiVersion's read replaces it")
        #expect(cache.usage.count == 1 && cache.usage.bytes == 2)
        cache.remove("/k")
        #expect(cache.usage.count == 0 && cache.usage.bytes == 0)
    }

    @Test("lists longer than one batch of the lock find every entry, in order")
    func batchesKeepOrder() {
        let cache = ServedBytesCache()
        let count = 3 * ServedBytesCache.batch + 7
        let v1 = Array(#""v1""#.utf8)
        // Every third key is cached; the rest are not.
        let items = stride(from: 0, to: count, by: 3).map { i in
            (key: "/k\(i)", revision: Int64(i + 1), bytes: Array("\(i)".utf8))
        }
        cache.insert(items, groupVersion: v1)
        #expect(cache.usage.count == items.count)
        let values = (0..<count).map { i in
            StoredValue(key: "/k\(i)", value: [], createRevision: 1, modRevision: Int64(i + 1))
        }
        let found = cache.lookup(values, groupVersion: v1)
        #expect(found.count == count)
        #expect(found == (0..<count).map { i in i % 3 == 0 ? Array("\(i)".utf8) : nil })
    }
}
