import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("Discovery and OpenAPI")
struct DiscoveryTests {
    static let aggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

    @Test("/version answers minor 32 (kubectl's dispatcher picks kubectl 1.32 by it)")
    func version() async throws {
        let api = try await TestAPI()
        let answer = await api.request("GET", "/version?timeout=5s", user: nil)
        #expect(answer.json["minor"] == "32")
        #expect(answer.json["major"] == "1")
    }

    @Test("legacy discovery lists core v1 and the named groups")
    func legacy() async throws {
        let api = try await TestAPI()
        #expect(await api.request("GET", "/api").json["versions"] == ["v1"])
        let groups = await api.request("GET", "/apis").json["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(groups.contains("apps") && groups.contains("rbac.authorization.k8s.io"))
        let core = await api.request("GET", "/api/v1").json
        let pods = core["resources"]?.arrayValue?.first { $0["name"] == "pods" }
        #expect(pods?["namespaced"] == true)
        #expect(pods?["shortNames"] == ["po"])
        let apps = await api.request("GET", "/apis/apps/v1").json
        let scale = apps["resources"]?.arrayValue?.first { $0["name"] == "deployments/scale" }
        #expect(scale?["group"] == "autoscaling")
        #expect(scale?["kind"] == "Scale")
    }

    @Test("aggregated discovery answers with the exact v2 content type kubectl requires")
    func aggregated() async throws {
        let api = try await TestAPI()
        let answer = await api.request("GET", "/apis", headers: [("Accept", Self.aggregatedAccept)])
        #expect(answer.header("Content-Type") == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        #expect(answer.json["kind"] == "APIGroupDiscoveryList")
        let core = await api.request("GET", "/api", headers: [("Accept", Self.aggregatedAccept)])
        #expect(core.json["items"]?.arrayValue?.first?.value(at: ["metadata", "name"]) == "")
    }

    @Test("the OpenAPI v3 root lists every group/version and each document has patch operations with fieldValidation")
    func openAPI() async throws {
        let api = try await TestAPI()
        let root = await api.request("GET", "/openapi/v3")
        let url = try #require(root.json.value(at: ["paths", "apis/apps/v1", "serverRelativeURL"])?.stringValue)
        #expect(url.hasPrefix("/openapi/v3/apis/apps/v1?hash="))
        let document = await api.request("GET", url)
        #expect(document.status == 200)
        let patch = document.json.value(at: ["paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "patch"])
        #expect(patch?["x-kubernetes-group-version-kind"] == ["group": "apps", "version": "v1", "kind": "Deployment"])
        #expect(patch?["parameters"]?.arrayValue?.contains { $0["name"] == "fieldValidation" } == true)
        let schema = document.json.value(at: ["components", "schemas", "io.k8s.api.apps.v1.Deployment"])
        #expect(schema?["x-kubernetes-group-version-kind"]?.arrayValue?.count == 1)
        let etag = try #require(document.header("ETag"))
        #expect(await api.request("GET", url, headers: [("If-None-Match", etag)]).status == 304)
        #expect(await api.request("GET", "/openapi/v2").status == 404)
    }

    @Test("protobuf bodies from kubectl create are decoded; unsupported kinds are 415")
    func protobufCreate() async throws {
        let api = try await TestAPI()
        var hex = Array("6b3873000a0f0a02763112094e616d657370616365121e0a160a067465616d2d6112001a0022002a0032003800420012001a020a001a002200")
        var bytes: [UInt8] = []
        while hex.count >= 2 {
            bytes.append(UInt8(String(hex[0...1]), radix: 16) ?? 0)
            hex.removeFirst(2)
        }
        let created = await api.request("POST", "/api/v1/namespaces?fieldManager=kubectl-create&fieldValidation=Strict",
                                        body: bytes, headers: [("Content-Type", "application/vnd.kubernetes.protobuf")])
        #expect(created.status == 201)
        #expect(created.json.value(at: ["metadata", "name"]) == "team-a")
        #expect(created.json.value(at: ["status", "phase"]) == "Active")

        // A kind the protobuf catalog cannot decode is 415 with a Status naming it (JSON still works).
        let envelope: [UInt8] = [0x6b, 0x38, 0x73, 0x00, 0x0a, 0x12, 0x0a, 0x07] + Array("apps/v1".utf8) + [0x12, 0x07]
            + Array("Unknown".utf8) + [0x12, 0x00]
        let refused = await api.request("POST", "/apis/apps/v1/namespaces/default/deployments", body: envelope,
                                        headers: [("Content-Type", "application/vnd.kubernetes.protobuf")])
        #expect(refused.status == 415, "\(refused.text)")
        #expect(refused.json["kind"] == "Status" && refused.json["reason"] == "UnsupportedMediaType", "\(refused.text)")
    }
}
