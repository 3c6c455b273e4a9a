import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

/// Admission answers its reads of namespaces, ServiceAccounts, LimitRanges, ResourceQuotas and
/// PriorityClasses from a cache; a write through the server must be seen by the very next request.
@Suite("Admission: cached reads see every write that returned")
struct AdmissionReadCacheTests {
    static let priorityClasses = ResourceCatalog.builtIn.lookup(group: "scheduling.k8s.io", version: "v1",
                                                                resource: "priorityclasses")
    static let pods = ResourceCatalog.builtIn.lookup(group: "", version: "v1", resource: "pods")

    @Test("a global default PriorityClass created just before a pod gives the pod its priority; once deleted, none")
    func priorityClassCreatedJustBefore() async throws {
        let api = try await TestAPI()
        // The first pod fills the cache with the classes as they are (no global default).
        let first = await api.request("POST", "/api/v1/namespaces/default/pods", json: testPod("first"))
        #expect(first.status == 201, "\(first.text)")
        #expect(first.json.value(at: ["spec", "priority"]) == .int(0))
        let made = await api.request("POST", "/apis/scheduling.k8s.io/v1/priorityclasses", json: [
            "metadata": ["name": "normal"], "value": .int(10), "globalDefault": .bool(true),
        ])
        #expect(made.status == 201, "\(made.text)")
        let second = await api.request("POST", "/api/v1/namespaces/default/pods", json: testPod("second"))
        #expect(second.json.value(at: ["spec", "priorityClassName"]) == "normal", "\(second.text)")
        #expect(second.json.value(at: ["spec", "priority"]) == .int(10))

        #expect(await api.request("DELETE", "/apis/scheduling.k8s.io/v1/priorityclasses/normal").status == 200)
        let third = await api.request("POST", "/api/v1/namespaces/default/pods", json: testPod("third"))
        #expect(third.json.value(at: ["spec", "priorityClassName"]) == nil, "\(third.text)")
        #expect(third.json.value(at: ["spec", "priority"]) == .int(0))
    }

    @Test("a LimitRange, a ResourceQuota and a namespace's deletion are applied to the next pod")
    func namespaceState() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces", json: ["metadata": ["name": "team"]])
        #expect(await api.request("POST", "/api/v1/namespaces/team/pods", json: testPod("a")).status == 201)

        let range = await api.request("POST", "/api/v1/namespaces/team/limitranges", json: [
            "metadata": ["name": "defaults"],
            "spec": ["limits": [["type": "Container", "defaultRequest": ["cpu": "250m"]]]],
        ])
        #expect(range.status == 201, "\(range.text)")
        let b = await api.request("POST", "/api/v1/namespaces/team/pods", json: testPod("b"))
        #expect(b.json.value(at: ["spec", "containers"])?.arrayValue?.first?.value(at: ["resources", "requests", "cpu"])
                == "250m", "\(b.text)")

        let quota = await api.request("POST", "/api/v1/namespaces/team/resourcequotas", json: [
            "metadata": ["name": "two"], "spec": ["hard": ["pods": "2"]],
        ])
        #expect(quota.status == 201, "\(quota.text)")
        let c = await api.request("POST", "/api/v1/namespaces/team/pods", json: testPod("c"))
        #expect(c.status == 403, "\(c.text)")
        #expect(c.text.contains("exceeded quota: two"), "\(c.text)")

        #expect(await api.request("DELETE", "/api/v1/namespaces/team").status == 200)
        let d = await api.request("POST", "/api/v1/namespaces/team/configmaps", json: TestAPI.configMap("d"))
        #expect(d.status == 403 || d.status == 404, "\(d.text)")
    }

    @Test("an answer read before a write is not served after it, nor once older than the maximum age")
    func staleness() throws {
        let info = try #require(Self.priorityClasses)
        let key = AdmissionReadCache.Key.list(resource: "scheduling.k8s.io/priorityclasses", namespace: nil)
        let cache = AdmissionReadCache()
        let ticket = try #require(cache.ticket(for: info))
        cache.insert(.list([]), for: key, ticket: ticket)
        #expect(cache.lookup(key, of: info) != nil)
        cache.wrote(info)
        #expect(cache.lookup(key, of: info) == nil, "the write made the answer stale")

        // Read before the write, kept after it: never served.
        let early = try #require(cache.ticket(for: info))
        cache.wrote(info)
        cache.insert(.list([]), for: key, ticket: early)
        #expect(cache.lookup(key, of: info) == nil)

        let expired = AdmissionReadCache(maxAge: .zero)
        let late = try #require(expired.ticket(for: info))
        expired.insert(.list([]), for: key, ticket: late)
        #expect(expired.lookup(key, of: info) == nil)
    }

    @Test("pods are not cached, and writes of other resources leave the answers valid")
    func onlyAdmissionResources() throws {
        let pods = try #require(Self.pods)
        let classes = try #require(Self.priorityClasses)
        let cache = AdmissionReadCache()
        #expect(cache.ticket(for: pods) == nil)
        let key = AdmissionReadCache.Key.list(resource: "scheduling.k8s.io/priorityclasses", namespace: nil)
        cache.insert(.list([]), for: key, ticket: try #require(cache.ticket(for: classes)))
        cache.wrote(pods)
        #expect(cache.lookup(key, of: classes) != nil)
    }
}
