import Crypto
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

/// A list answer is a body of parts (envelope, one part per object, the separators) that the server writes
/// without joining; joined, it must be exactly the list JSON that decoding and encoding every object gives,
/// whether the objects' bytes come from the served-bytes cache or are spliced anew.
@Suite("List bodies as parts: the same bytes, cold or warm")
struct ListPartsTests {
    /// Creates `count` ConfigMaps in `default`, one of them (`big`) larger than one write of the HTTP server.
    static func fill(_ api: TestAPI, count: Int) async {
        for i in 0..<count {
            _ = await api.request("POST", "/api/v1/namespaces/default/configmaps",
                                  json: TestAPI.configMap("c\(i)", labels: ["i": "\(i)"], data: ["k": "v\(i)"]))
        }
        let big = String(repeating: "x", count: HTTPServer.partsChunk + 1000)
        _ = await api.request("POST", "/api/v1/namespaces/default/configmaps",
                              json: TestAPI.configMap("big", data: ["payload": big]))
    }

    @Test("a list answer is parts whose total is the body, one part per object plus separators and envelope")
    func listIsParts() async throws {
        let api = try await TestAPI()
        await Self.fill(api, count: 5)
        let response = await api.handler.handle(
            APIRequest(method: "GET", target: "/api/v1/namespaces/default/configmaps", transportUser: TestAPI.admin))
        guard case .parts(let parts) = response.body else {
            Issue.record("a list is answered as parts, not \(response.body)")
            return
        }
        let items = try JSONParser.parse(response.body.completeBytes ?? [])["items"]?.arrayValue ?? []
        #expect(items.count == 6)
        #expect(parts.count == 2 * items.count + 1, "envelope head, items with commas between, envelope tail")
    }

    @Test("the first and a repeated list are byte-identical to a list spliced anew, in the encoder's exact form")
    func coldAndWarmAreIdentical() async throws {
        let api = try await TestAPI()
        await Self.fill(api, count: 20)
        let cache = try #require(api.handler.registry.servedBytes)
        let before = cache.usage.count
        let cold = await api.request("GET", "/api/v1/namespaces/default/configmaps")
        #expect(cold.status == 200)
        #expect(cache.usage.count == before, "the writes had filled the cache; the first list found every object")
        let warm = await api.request("GET", "/api/v1/namespaces/default/configmaps")
        #expect(warm.body == cold.body)
        // The same list from a registry without the cache splices every object from the stored bytes.
        let uncached = Registry(store: api.store, catalog: .builtIn)
        let info = try #require(ResourceCatalog.builtIn.lookup(group: "", version: "v1", resource: "configmaps"))
        let page = try await uncached.listStored(info, namespace: "default", options: ListOptions())
        let spliced = try uncached.served(page.values, as: info, groupVersion: Registry.servedGroupVersion(info))
        let listed = try JSONParser.parse(cold.body)["items"]?.arrayValue ?? []
        #expect(spliced.count == listed.count)
        for (part, item) in zip(spliced, listed) { #expect(part == item.serializedBytes()) }
        // Decoding and encoding again changes nothing: sorted keys, compact, nothing lost.
        let decoded = try JSONParser.parse(cold.body)
        #expect(decoded.serializedBytes() == cold.body)
        // Each item is exactly what a GET of the object serves (a separate path: one object, no cache).
        for item in decoded["items"]?.arrayValue ?? [] {
            let name = item.value(at: ["metadata", "name"])?.stringValue ?? ""
            let get = await api.request("GET", "/api/v1/namespaces/default/configmaps/\(name)")
            #expect(get.body == item.serializedBytes(), "\(name)")
        }
    }

    @Test("a list of sealed secrets (decoded, never cached) and a paged list join to the same bytes as before")
    func sealedAndPaged() async throws {
        let api = try await TestAPI(encryption: EncryptionAtRest(key: SymmetricKey(size: .bits256)))
        for i in 0..<3 {
            let secret: JSONValue = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": .string("s\(i)")],
                                     "stringData": ["password": .string("p\(i)")]]
            #expect(await api.request("POST", "/api/v1/namespaces/default/secrets", json: secret).status == 201)
        }
        let secrets = await api.request("GET", "/api/v1/namespaces/default/secrets")
        #expect(try JSONParser.parse(secrets.body).serializedBytes() == secrets.body)
        #expect(secrets.json["items"]?.arrayValue?.count == 3)

        await Self.fill(api, count: 4)
        let page = await api.request("GET", "/api/v1/namespaces/default/configmaps?limit=2")
        #expect(try JSONParser.parse(page.body).serializedBytes() == page.body)
        #expect(page.json.value(at: ["metadata", "continue"])?.stringValue?.isEmpty == false)
        #expect(page.json["items"]?.arrayValue?.count == 2)
    }

    @Test("the cache's list lookup shares entries of the exact key, revision and apiVersion only")
    func batchLookup() {
        let cache = ServedBytesCache()
        let v1 = Array(#""v1""#.utf8)
        cache.insert([(key: "/a", revision: 3, bytes: [1]), (key: "/b", revision: 4, bytes: [2, 2])], groupVersion: v1)
        #expect(cache.usage.count == 2 && cache.usage.bytes == 3)
        let values = [
            StoredValue(key: "/a", value: [], createRevision: 3, modRevision: 3),
            StoredValue(key: "/b", value: [], createRevision: 4, modRevision: 5),
            StoredValue(key: "/c", value: [], createRevision: 1, modRevision: 1),
        ]
        #expect(cache.lookup(values, groupVersion: v1) == [[1], nil, nil])
        #expect(cache.lookup(values, groupVersion: Array(#""v2""#.utf8)) == [nil, nil, nil])
    }
}
