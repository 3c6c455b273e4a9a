import Crypto
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("StoredJSON: serving stored objects by splicing resourceVersion into their bytes")
struct StoredJSONTests {
    /// What the slow path serves for a stored value: decode, fill in, encode.
    static func decoded(_ bytes: [UInt8], revision: Int64, info: ResourceInfo?) throws -> [UInt8] {
        let value = StoredValue(key: "/registry/x", value: bytes, createRevision: 1, modRevision: revision)
        return try Registry.decodeStored(value, as: info).serializedBytes()
    }

    static func spliced(_ bytes: [UInt8], revision: Int64, groupVersion: String?) -> [UInt8]? {
        var out: [UInt8] = []
        guard StoredJSON.append(bytes, revision: revision, groupVersion: groupVersion.map(StoredJSON.quoted), to: &out)
        else { return nil }
        return out
    }

    static let configMaps = ResourceCatalog.builtIn.lookup(group: "", version: "v1", resource: "configmaps")

    /// Objects as the registry stores them: metadata keys on both sides of resourceVersion, empty
    /// metadata, escapes the encoder writes, non-ASCII text, numbers of both kinds, deep nesting.
    static let objects: [JSONValue] = [
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a", "namespace": "default", "uid": "u-1"],
         "data": ["k": "v"]],
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": [:]],
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["annotations": ["a/b": "<x> & \"y\"\n\t\r\\"]]],
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["uid": "only-after"]],
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "n", "selfLink": "/s", "uid": "u"],
         "data": ["text": "héllo wörld ✓ 𝄞 \u{2028}\u{2029}\u{01}\u{1F}"]],
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["generation": 3, "labels": ["x": "1"]],
         "numbers": [0, -1, 9_007_199_254_740_993, 1.5, -2.25e-7, 1e300, true, false, nil],
         "nested": [["a": [["b": [[], [:], ""]]]]]],
        ["kind": "ConfigMap", "apiVersion": "apps/v1", "metadata": ["name": "other-version"]],
    ]

    @Test("splicing gives exactly the bytes that decoding and encoding give", arguments: 0..<7)
    func matchesDecodeAndEncode(_ index: Int) throws {
        let bytes = Self.objects[index].serializedBytes()
        for revision: Int64 in [1, 42, 9_223_372_036_854_775_807] {
            let expected = try Self.decoded(bytes, revision: revision, info: Self.configMaps)
            let actual = try #require(Self.spliced(bytes, revision: revision, groupVersion: "v1"))
            #expect(String(decoding: actual, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        }
    }

    @Test("without a groupVersion the stored apiVersion is kept")
    func keepsStoredVersion() throws {
        let bytes = Self.objects[6].serializedBytes()
        let actual = try #require(Self.spliced(bytes, revision: 7, groupVersion: nil))
        #expect(actual == (try Self.decoded(bytes, revision: 7, info: nil)))
        #expect((try JSONParser.parse(actual))["apiVersion"] == "apps/v1")
    }

    @Test("random objects splice exactly as they decode and encode")
    func randomObjects() throws {
        var generator = SeededGenerator(seed: 0x6b67_6974)
        for _ in 0..<300 {
            var metadata: [String: JSONValue] = [:]
            for key in ["annotations", "creationTimestamp", "generateName", "labels", "name", "namespace", "uid",
                        "selfLink", "zzz", "resourceVersionX", "resourceVersiom"]
                where Bool.random(using: &generator)
            {
                metadata[key] = Self.randomValue(depth: 0, using: &generator)
            }
            var object: [String: JSONValue] = ["apiVersion": "v1", "metadata": .object(metadata)]
            for key in ["data", "spec", "status", "aaa", "zeta"] where Bool.random(using: &generator) {
                object[key] = Self.randomValue(depth: 0, using: &generator)
            }
            let bytes = JSONValue.object(object).serializedBytes()
            let revision = Int64.random(in: 1...1_000_000_000, using: &generator)
            let actual = try #require(Self.spliced(bytes, revision: revision, groupVersion: "v1"))
            #expect(actual == (try Self.decoded(bytes, revision: revision, info: Self.configMaps)))
        }
    }

    static func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "<", ">", "&", "\n", "\u{7}", "é", "✓", "𝄞", "\u{2028}"]
        switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int64.random(in: -1_000_000...1_000_000_000_000, using: &generator))
        case 3: return .double(Double.random(in: -1e6...1e6, using: &generator))
        case 4:
            let count = Int.random(in: 0..<12, using: &generator)
            return .string(String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }))
        case 5:
            return .array((0..<Int.random(in: 0..<4, using: &generator)).map { _ in
                randomValue(depth: depth + 1, using: &generator)
            })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<4, using: &generator) {
                let key = String((0..<Int.random(in: 1..<6, using: &generator)).map { _ in
                    alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
                })
                members[key] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(members)
        }
    }

    @Test("bytes the registry would not write are refused, leaving the output alone", arguments: [
        #"{"apiVersion":"v1", "metadata":{}}"#,
        #"{"apiVersion":"v1","metadata":{"name":"a\/b"}}"#,
        #"{"apiVersion":"v1","metadata":{"name":"<a>"}}"#,
        #"{"apiVersion":"v1","metadata":{"name":"\u00e9"}}"#,
        #"{"apiVersion":"v1","metadata":{"name":"a","resourceVersion":"3"}}"#,
        #"{"apiVersion":"v1","metadata":{"é":"a"}}"#,
        #"{"apiVersion":"v1","metadata":"a"}"#,
        #"{"apiVersion":"v1"}"#,
        #"{"metadata":{}}"#,
        #"{"apiVersion":1,"metadata":{}}"#,
        #"{"apiVersion":"v1","metadata":{}"#,
        #"{"apiVersion":"v1","metadata":{}}x"#,
        #"{"apiVersion":"v1","metadata":{},"n":01}"#,
        #"{"apiVersion":"v1","metadata":{},"n":tru}"#,
        #"{"apiVersion":"v1","metadata":{},"n":[1,]}"#,
        #"[]"#,
        "",
        "k8s:enc:aesgcm:v1:key1:xxxx",
    ])
    func refusesForeignBytes(_ text: String) {
        var out: [UInt8] = [1, 2, 3]
        #expect(!StoredJSON.append(Array(text.utf8), revision: 5, groupVersion: StoredJSON.quoted("v1"), to: &out))
        #expect(out == [1, 2, 3])
    }

    @Test("malformed UTF-8 in a string is refused")
    func refusesMalformedUTF8() {
        for bad: [UInt8] in [[0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0x80]] {
            var out: [UInt8] = []
            let bytes = Array(#"{"apiVersion":"v1","metadata":{"name":""#.utf8) + bad + Array(#""}}"#.utf8)
            #expect(!StoredJSON.append(bytes, revision: 5, groupVersion: nil, to: &out))
        }
    }

    @Test("refused values are still served, decoded the slow way")
    func registryFallsBack() throws {
        let registry = Registry(store: MemoryStore(), catalog: .builtIn)
        let info = try #require(Self.configMaps)
        let bytes = Array(#"{ "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "spaced"} }"#.utf8)
        let served = try registry.served([StoredValue(key: "/k", value: bytes, createRevision: 1, modRevision: 9)],
                                         as: info, groupVersion: Registry.servedGroupVersion(info))
        #expect(served.count == 1)
        #expect(String(decoding: served.joined(), as: UTF8.self)
            == #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"spaced","resourceVersion":"9"}}"#)
    }

    // MARK: - Through the API

    /// The list a client would have received before splicing: the decoded items in a list envelope.
    static func expectedList(_ api: TestAPI, info: ResourceInfo, namespace: String?, query: String = "")
        async throws -> [UInt8]
    {
        let (_, parsed) = QueryParameters.split("x?" + query)
        let options = try ListOptions(query: parsed, resource: info.resource)
        let page = try await api.handler.registry.list(info, namespace: namespace, options: options)
        var meta: JSONValue = ["resourceVersion": .string(String(page.revision))]
        if let token = page.continueToken { meta["continue"] = .string(token) }
        let list: JSONValue = ["kind": .string("\(info.kind)List"), "apiVersion": .string(info.groupVersion),
                               "metadata": meta, "items": .array(page.items)]
        return list.serializedBytes()
    }

    @Test("a JSON list over the API is byte for byte the decoded list, with paging and selectors",
          arguments: ["", "limit=3", "labelSelector=grp%3Deven", "fieldSelector=metadata.name%3Dm4"])
    func listsThroughTheAPI(_ query: String) async throws {
        let api = try await TestAPI()
        for i in 1...7 {
            let labels = ["grp": i % 2 == 0 ? "even" : "odd"]
            let created = await api.request("POST", "/api/v1/namespaces/default/configmaps",
                                            json: TestAPI.configMap("m\(i)", labels: labels, data: ["k": "<\(i)> & é"]))
            #expect(created.status == 201)
        }
        let info = try #require(Self.configMaps)
        let answer = await api.request("GET", "/api/v1/namespaces/default/configmaps" + (query.isEmpty ? "" : "?" + query))
        #expect(answer.status == 200)
        let expected = try await Self.expectedList(api, info: info, namespace: "default", query: query)
        #expect(answer.text == String(decoding: expected, as: UTF8.self))
        let items = answer.json["items"]?.arrayValue ?? []
        #expect(items.count > 0)
    }

    @Test("a GET serves the stored object with its resourceVersion, as decoding would")
    func getThroughTheAPI() async throws {
        let api = try await TestAPI()
        let created = await api.request("POST", "/api/v1/namespaces/default/configmaps",
                                        json: TestAPI.configMap("one", data: ["k": "\u{2028}<"]))
        let answer = await api.request("GET", "/api/v1/namespaces/default/configmaps/one")
        #expect(answer.status == 200)
        #expect(answer.text == created.text)
        let revision = try #require(answer.json.value(at: ["metadata", "resourceVersion"])?.stringValue)
        #expect(Int64(revision) != nil)
        #expect(await api.request("GET", "/api/v1/namespaces/default/configmaps/missing").status == 404)
    }

    @Test("encrypted secrets are listed and read decrypted")
    func encryptedSecrets() async throws {
        let api = try await TestAPI(encryption: EncryptionAtRest(key: SymmetricKey(size: .bits256)))
        let secret: JSONValue = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s"],
                                 "stringData": ["password": "hunter2"]]
        #expect(await api.request("POST", "/api/v1/namespaces/default/secrets", json: secret).status == 201)
        let list = await api.request("GET", "/api/v1/namespaces/default/secrets")
        let items = list.json["items"]?.arrayValue ?? []
        let stored = items.first { $0.value(at: ["metadata", "name"]) == "s" }
        #expect(stored?.value(at: ["data", "password"]) == .string("aHVudGVyMg=="))
        let one = await api.request("GET", "/api/v1/namespaces/default/secrets/s")
        #expect(one.json.value(at: ["data", "password"]) == .string("aHVudGVyMg=="))
    }
}

/// A small deterministic generator (SplitMix64) so random inputs repeat from run to run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1330_11EB
        return z ^ (z >> 31)
    }
}
