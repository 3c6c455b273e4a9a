import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("Registry: lists, selectors, paging and tables")
struct ListTests {
    static func seeded() async throws -> TestAPI {
        let api = try await TestAPI()
        for i in 1...5 {
            let labels = ["grp": i % 2 == 0 ? "even" : "odd"]
            _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("m\(i)", labels: labels))
        }
        _ = await api.request("POST", "/api/v1/namespaces", json: ["metadata": ["name": "other"]])
        _ = await api.request("POST", "/api/v1/namespaces/other/configmaps", json: TestAPI.configMap("x"))
        return api
    }

    static func names(_ answer: TestAPI.Answer) -> [String] {
        (answer.json["items"]?.arrayValue ?? []).compactMap { $0.value(at: ["metadata", "name"])?.stringValue }
    }

    @Test("a namespaced list returns a ConfigMapList with the store revision")
    func plainList() async throws {
        let api = try await Self.seeded()
        let answer = await api.request("GET", "/api/v1/namespaces/default/configmaps")
        #expect(answer.json["kind"] == "ConfigMapList")
        #expect(Self.names(answer) == ["m1", "m2", "m3", "m4", "m5"])
        #expect(answer.json.value(at: ["metadata", "resourceVersion"]) == .string(String(await api.store.currentRevision())))
    }

    @Test("the cluster-wide path lists every namespace")
    func allNamespaces() async throws {
        let api = try await Self.seeded()
        #expect(Self.names(await api.request("GET", "/api/v1/configmaps")).count == 6)
    }

    @Test("label and field selectors filter", arguments: [
        ("labelSelector=grp%3Deven", ["m2", "m4"]),
        ("labelSelector=grp+in+(odd)", ["m1", "m3", "m5"]),
        ("fieldSelector=metadata.name%3Dm3", ["m3"]),
        ("fieldSelector=metadata.name!%3Dm3&labelSelector=grp%3Dodd", ["m1", "m5"]),
    ])
    func selectors(_ query: String, _ expected: [String]) async throws {
        let api = try await Self.seeded()
        #expect(Self.names(await api.request("GET", "/api/v1/namespaces/default/configmaps?\(query)")) == expected)
    }

    @Test("an unsupported field selector is 400")
    func badFieldSelector() async throws {
        let api = try await Self.seeded()
        #expect(await api.request("GET", "/api/v1/configmaps?fieldSelector=spec.foo%3Dx").status == 400)
    }

    @Test("limit and continue page through the list without gaps or repeats")
    func paging() async throws {
        let api = try await Self.seeded()
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let query = "limit=2" + (token.map { "&continue=\($0)" } ?? "")
            let answer = await api.request("GET", "/api/v1/namespaces/default/configmaps?\(query)")
            seen += Self.names(answer)
            token = answer.json.value(at: ["metadata", "continue"])?.stringValue
            pages += 1
        } while token != nil && pages < 10
        #expect(seen == ["m1", "m2", "m3", "m4", "m5"])
        #expect(pages == 3)
    }

    @Test("a continue token is served at its first page's revision, even after writes")
    func pagingIsConsistent() async throws {
        let api = try await Self.seeded()
        let first = await api.request("GET", "/api/v1/namespaces/default/configmaps?limit=2")
        let token = try #require(first.json.value(at: ["metadata", "continue"])?.stringValue)
        _ = await api.request("DELETE", "/api/v1/namespaces/default/configmaps/m3")
        let second = await api.request("GET", "/api/v1/namespaces/default/configmaps?limit=10&continue=\(token)")
        #expect(Self.names(second) == ["m3", "m4", "m5"])
    }

    @Test("a garbage continue token is 400")
    func badContinue() async throws {
        let api = try await Self.seeded()
        #expect(await api.request("GET", "/api/v1/namespaces/default/configmaps?continue=zzz").status == 400)
    }

    @Test("a Table request gets upstream's namespace columns and PartialObjectMetadata rows")
    func namespaceTable() async throws {
        let api = try await Self.seeded()
        let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
        let answer = await api.request("GET", "/api/v1/namespaces?limit=500", headers: [("Accept", accept)])
        #expect(answer.json["kind"] == "Table")
        let columns = (answer.json["columnDefinitions"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(columns == ["Name", "Status", "Age"])
        let first = try #require(answer.json["rows"]?.arrayValue?.first)
        #expect(first["cells"]?.arrayValue?.prefix(2) == ["default", "Active"])
        #expect(first.value(at: ["object", "kind"]) == "PartialObjectMetadata")
    }

    @Test("pod and deployment tables carry upstream's columns, wide ones at priority 1")
    func podAndDeploymentColumns() async throws {
        let api = try await TestAPI()
        let accept = "application/json;as=Table;v=v1;g=meta.k8s.io"
        let pods = await api.request("GET", "/api/v1/namespaces/default/pods", headers: [("Accept", accept)])
        let podColumns = (pods.json["columnDefinitions"]?.arrayValue ?? []).map {
            "\($0["name"]?.stringValue ?? ""):\($0["priority"]?.intValue ?? -1)"
        }
        #expect(podColumns == ["Name:0", "Ready:0", "Status:0", "Restarts:0", "Age:0", "IP:1", "Node:1",
                               "Nominated Node:1", "Readiness Gates:1"])
        let deployments = await api.request("GET", "/apis/apps/v1/deployments", headers: [("Accept", accept)])
        let deploymentColumns = (deployments.json["columnDefinitions"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(deploymentColumns == ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"])
    }
}
